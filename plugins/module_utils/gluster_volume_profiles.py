# -*- coding: utf-8 -*-
# Copyright: glusterdock developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tuning profiles of the gluster_volumes role: named sets of volume options, in one place.

A profile ships only when a benchmark on the lab (bench/profiles_cost.py, from a container
through a Docker volume) made it faster than ``default`` on the workload it names, and a test
with two clients on two Docker hosts found every change seen at once by the other client.

Two candidates were measured and did not ship (bench/profiles_cost.py holds their options,
bench/results/profiles.md the figures): ``containers`` (metadata cached 10 minutes on the clients,
invalidated by upcalls from the bricks) was faster on creates, but a second client then read the
old bytes of a file just overwritten, and saw a file just unlinked as still there: the bricks'
invalidations arrive after the answer. Judged again with the reader asking for 5 seconds (gluster's
own caches keep a second), it still read other bytes than those just written, for all 5 seconds. ``large-files`` (a 4 MiB write-behind window, read-ahead)
read a 256 MiB file slower than default in every round.

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
}

PROFILE_NAMES = tuple(PROFILES)


def unknown_profile_problem(profile):
    """Why ``profile`` is not a profile name (empty when it is one, or not given)."""
    if profile is None or (isinstance(profile, str) and profile in PROFILES):
        return ''
    return 'profile %r is unknown; the profiles are: %s' % (profile, ', '.join(PROFILE_NAMES))


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
