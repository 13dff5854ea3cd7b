# -*- coding: utf-8 -*-
# Copyright: glusterdock developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tuning profiles of the gluster_volumes role: named sets of volume options, in one place.

A profile ships only when a benchmark on the lab (bench/profiles_cost.py, from a container
through a Docker volume) made it faster than ``default`` on the workload it names, and a test
with two clients on two Docker hosts found every change seen at once by the other client.

Never here: sharding (``features.shard`` and the groups that set it: a sharded volume cannot be
unsharded without losing the files written since), and ``performance.nl-cache``,
``performance.parallel-readdir`` and ``performance.readdir-ahead`` (on 10.3 the nl-cache group
made a file its own client had just written report ENOENT). Every key is one that ``volume set``
takes on both GlusterFS 10.3 and 11.1 (gluster_option_catalog).
"""

from __future__ import annotations

from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_volume_options import (
    option_catalog, resolve_option_key,
)
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_volume_spec import VolumeSpecError

# Option values are strings, as glusterd stores them.
PROFILES = {
    # What gluster ships: no option added.
    'default': {},
    # Many small files, listed and stat'ed again and again (container workloads). The bricks tell
    # every client which inodes changed (upcall), so clients may keep metadata for 10 minutes
    # instead of 1 second without serving a stale stat to a second client.
    'containers': {
        # Bricks send an invalidation to every client that holds an inode another client changed.
        'features.cache-invalidation': 'on',
        # How long a brick keeps a client on an inode's invalidation list after its last access.
        'features.cache-invalidation-timeout': '600',
        # md-cache drops an entry on an invalidation (rather than waiting for its timeout).
        'performance.cache-invalidation': 'on',
        # Keep stat and xattrs 10 minutes instead of 1 second: repeated lookups stay on the client.
        'performance.md-cache-timeout': '600',
        # Room for the inodes of large trees on the bricks, so a listing does not evict them.
        'network.inode-lru-limit': '200000',
    },
    # Large files written and read sequentially (images, archives, databases' dumps).
    'large-files': {
        # Let write-behind gather 4 MiB of a sequential write (1 MiB by default) before the writer waits.
        'performance.write-behind-window-size': '4MB',
        # Read ahead on sequential reads (off by default since GlusterFS 9), 16 pages of 128 KiB.
        'performance.read-ahead': 'on',
        'performance.read-ahead-page-count': '16',
    },
}

PROFILE_NAMES = tuple(PROFILES)


def unknown_profile_problem(profile):
    """Why ``profile`` is not a profile name (empty when it is one, or not given)."""
    if profile is None or (isinstance(profile, str) and profile in PROFILES):
        return ''
    return 'profile %r is not one of %s' % (profile, ', '.join(PROFILE_NAMES))


def profile_options(profile, options=None):
    """The options of ``profile`` (None: default) with ``options`` laid over them: a volume's own
    options win over its profile's. KeyError for an unknown profile (checked earlier with
    unknown_profile_problem)."""
    merged = dict(PROFILES[profile or 'default'])
    catalog = option_catalog()
    for key in options or {}:
        # A short key (md-cache-timeout) overrides the profile's full one too, so the module never
        # gets one option twice.
        try:
            merged.pop(resolve_option_key(key, catalog), None)
        except VolumeSpecError:
            pass  # gluster_volume names the bad key, with the volume
    merged.update(options or {})
    return merged
