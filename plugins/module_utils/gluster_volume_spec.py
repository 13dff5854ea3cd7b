# -*- coding: utf-8 -*-
# Copyright: glusterdock developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The desired state of one gluster volume, parsed and validated before any gluster call.

Pure of Ansible: ``parse_volume_spec(params)`` takes the module's parameters (native style or
gluster.gluster's ``cluster`` + brick paths style) and returns a VolumeSpec, or raises
VolumeSpecError with a message that says what to fix. The rules are glusterd's own
(cli/src/cli-cmd-parser.c, glusterd-utils.c), plus refusals of inputs that could lose data or
reach a shell (two copies of a replica set on one host, bricks under glusterd's own directory,
shell syntax in option values).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Dict, List, Optional

from ansible_collections.glusterdock.storage.plugins.module_utils.errors import RequestError
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_xml import split_brick

STATES = ('present', 'started', 'stopped', 'absent')
TRANSPORTS = ('tcp', 'rdma', 'tcp,rdma')
MAX_VOLUME_NAME_LENGTH = 255
# Words glusterd's CLI parser takes as keywords, so they can't name a volume.
RESERVED_VOLUME_NAMES = frozenset((
    'volume', 'type', 'help', 'subvolumes', 'option', 'end-volume', 'all', 'volume_not_in_ring',
    'description', 'force', 'snap-max-hard-limit', 'snap-max-soft-limit', 'auto-delete',
    'activate-on-create',
))
VOLUME_NAME_PATTERN = re.compile(r'^[A-Za-z0-9_-]+\Z')
HOST_NAME_PATTERN = re.compile(r'^[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?\Z')
IPV6_PATTERN = re.compile(r'^[0-9A-Fa-f:.]+\Z')
# Brick paths: a conservative character set; no whitespace, quotes, shell syntax or colons.
BRICK_PATH_PATTERN = re.compile(r'^/[A-Za-z0-9._+@=~/-]*\Z')
OPTION_KEY_PATTERN = re.compile(r'^[A-Za-z0-9][A-Za-z0-9._-]*\Z')
# Shell command syntax has no use in an option value; refusing it keeps injection attempts out.
FORBIDDEN_VALUE_FRAGMENTS = ('$(', '`', ';')
GLUSTERD_WORKDIR = '/var/lib/glusterd'
BOOLEAN_TRUE_WORDS = frozenset(('1', 'on', 'yes', 'true', 'enable'))
BOOLEAN_FALSE_WORDS = frozenset(('0', 'off', 'no', 'false', 'disable'))
# gluster.gluster arguments this module does not act on (they changed data or other objects).
QUOTA_MODULE_HINT = 'set them in a task of their own with glusterdock.storage.gluster_quota'
UNSUPPORTED_GLUSTER_ARGS = {
    'quota': 'quota limits are not managed by this module: ' + QUOTA_MODULE_HINT,
    'directory': 'quota limits (directory) are not managed by this module: ' + QUOTA_MODULE_HINT,
}


class VolumeSpecError(RequestError):
    """Bad arguments: the message says what to fix, ``argument`` which argument. Raised before any
    gluster call."""


@dataclass
class VolumeSpec:
    """What the user asked for, normalised.

    ``replica``/``arbiter``/``disperse``/``redundancy``/``transport`` are None when not given:
    a new volume then gets gluster's default (distribute, tcp); an existing one keeps its own.
    ``running``: True (started), False (stopped) or None (leave as it is, for gluster.gluster's
    ``state: present`` with ``start_on_create: false``).
    """
    name: str
    state: str = 'present'
    bricks: Optional[List[str]] = None
    replica: Optional[int] = None
    arbiter: Optional[int] = None
    disperse: Optional[int] = None
    redundancy: Optional[int] = None
    transport: Optional[str] = None
    options: Dict[str, str] = field(default_factory=dict)
    # Deprecated ``force``: accepts two bricks of one set on one host and implies
    # allow_root_filesystem_bricks; it skips no data-safety check.
    force: bool = False
    allow_root_filesystem_bricks: bool = False
    allow_replica_two: bool = False
    allow_delete_with_clients: bool = False
    allow_stop_with_clients: bool = False
    running: Optional[bool] = True
    # Seconds to wait for the fix-layout that follows a grow.
    timeout: int = 600

    @property
    def absent(self):
        return self.state == 'absent'

    @property
    def sends_force(self):
        """Whether ``volume create``/``add-brick`` get gluster's ``force``: only for bricks on the
        root file system (or the deprecated ``force``) that the caller opted into. glusterd's force
        also skips its own check that a brick path is no other volume's, so the module must have
        checked every new brick itself before sending it."""
        return self.allow_root_filesystem_bricks or self.force

    @property
    def set_size(self):
        """Bricks per replica/disperse set when the arguments say so, else None."""
        return layout_set_size(self.replica, self.arbiter, self.disperse)


def replica_meant(replica, arbiter):
    """The replica count gluster's CLI means: it takes "replica 2 arbiter 1" as "replica 3 arbiter 1"."""
    return 3 if replica == 2 and arbiter else replica


def layout_set_size(replica=None, arbiter=None, disperse=None):
    """Bricks per replica or disperse set that these counts ask for, as gluster_volume takes them
    (replica 2 arbiter 1 and replica 3 arbiter 1: 3); None when they ask none (plain distribute for a
    new volume, its own layout for an existing one). Shared with the role's brick planning, so that
    both group bricks into the same sets."""
    if disperse:
        return disperse
    return replica_meant(replica, arbiter) or None


def validate_volume_name(name):
    """Raise VolumeSpecError unless glusterd would accept ``name`` as a volume name."""
    if not isinstance(name, str) or not name:
        raise VolumeSpecError('a volume name is required', argument='name')
    if len(name) > MAX_VOLUME_NAME_LENGTH:
        raise VolumeSpecError('%d characters is too long (glusterd allows at most %d)'
                              % (len(name), MAX_VOLUME_NAME_LENGTH), argument='name')
    if not VOLUME_NAME_PATTERN.match(name):
        raise VolumeSpecError('%r has characters glusterd refuses; use only letters, digits, "_" and "-"' % name, argument='name')
    if name.startswith('-'):
        raise VolumeSpecError('%r must not start with "-"' % name, argument='name')
    if name in RESERVED_VOLUME_NAMES:
        raise VolumeSpecError('%r is a word reserved by the gluster CLI' % name, argument='name')
    return name


def _validate_host(host, brick):
    if not host:
        raise VolumeSpecError('%r has no host; write bricks as host:/absolute/path' % brick, argument='bricks')
    lowered = host.lower()
    if lowered == 'localhost' or lowered.startswith('localhost.') or lowered.startswith('127.') or lowered == '::1':
        raise VolumeSpecError('%r names the loopback host; glusterd needs a host name or address '
                              'the other peers can reach' % brick, argument='bricks')
    if HOST_NAME_PATTERN.match(host) or (':' in host and IPV6_PATTERN.match(host)):
        return
    raise VolumeSpecError('%r has an invalid host %r' % (brick, host), argument='bricks')


def canonical_brick_path(path, brick):
    """The path as glusterd stores it ('//' collapsed, no trailing '/'), after the safety checks."""
    if not path.startswith('/'):
        raise VolumeSpecError('%r: the brick path must be absolute' % brick, argument='bricks')
    canonical = re.sub('/+', '/', path).rstrip('/')
    if not canonical:
        raise VolumeSpecError('%r: the root directory "/" cannot be a brick' % brick, argument='bricks')
    if not BRICK_PATH_PATTERN.match(canonical):
        raise VolumeSpecError('%r: the path may only hold letters, digits and . _ + @ = ~ - /' % brick, argument='bricks')
    if any(part in ('.', '..') for part in canonical.split('/')):
        raise VolumeSpecError('%r: the path must not contain "." or ".." components' % brick, argument='bricks')
    if canonical == GLUSTERD_WORKDIR or canonical.startswith(GLUSTERD_WORKDIR + '/'):
        raise VolumeSpecError('%r is under %s, glusterd\'s own directory (refused even with force)'
                              % (brick, GLUSTERD_WORKDIR), argument='bricks')
    return canonical


def canonical_brick(brick):
    """'host:/path' validated and canonicalised, or VolumeSpecError."""
    if not isinstance(brick, str) or not brick.strip():
        raise VolumeSpecError('empty brick %r; write bricks as host:/absolute/path' % (brick,), argument='bricks')
    if brick != brick.strip() or any(char.isspace() for char in brick):
        raise VolumeSpecError('%r contains whitespace' % brick, argument='bricks')
    if ':' not in brick:
        raise VolumeSpecError('%r is not host:/absolute/path (for brick paths alone, give cluster)' % brick, argument='bricks')
    host, path = split_brick(brick)
    _validate_host(host, brick)
    return '%s:%s' % (host, canonical_brick_path(path, brick))


def expand_cluster_bricks(cluster, paths):
    """gluster.gluster style: every path on every host, path by path in cluster order.

    ``cluster: [a, b]`` with ``bricks: /p1,/p2`` gives a:/p1 b:/p1 a:/p2 b:/p2, as
    gluster.gluster's volume create did, so replica sets span hosts.
    """
    hosts = [host.strip() for host in cluster if isinstance(host, str) and host.strip()]
    if not hosts:
        raise VolumeSpecError('give at least one host', argument='cluster')
    bricks = []
    for path in paths:
        if not isinstance(path, str) or ':' in path:
            raise VolumeSpecError('with cluster, bricks are paths such as /bricks/vol/b1, not %r' % (path,), argument='bricks')
        for host in hosts:
            bricks.append('%s:%s' % (host, path))
    return bricks


def normalise_option_value(key, value):
    """An option value as the string gluster is given; refuses lists, dicts and injection."""
    if isinstance(value, bool):
        return 'on' if value else 'off'
    if isinstance(value, (int, float)):
        return str(value)
    if not isinstance(value, str):
        raise VolumeSpecError('the value of %s must be a string, number or boolean, not a %s'
                              % (key, type(value).__name__), argument='options')
    text = value.strip()
    if not text:
        raise VolumeSpecError('the value of %s is empty' % key, argument='options')
    if any(ord(char) < 32 or ord(char) == 127 for char in text):
        raise VolumeSpecError('the value of %s contains a newline or control character' % key, argument='options')
    if text.startswith('--'):
        raise VolumeSpecError('the value of %s must not start with "--" (the gluster CLI would read it '
                              'as its own option)' % key, argument='options')
    for fragment in FORBIDDEN_VALUE_FRAGMENTS:
        if fragment in text:
            raise VolumeSpecError('the value of %s contains %r, which no gluster option takes' % (key, fragment), argument='options')
    return text


def canonical_boolean(value):
    """'on'/'off' for any of glusterd's boolean words, else the value unchanged."""
    lowered = value.lower()
    if lowered in BOOLEAN_TRUE_WORDS:
        return 'on'
    if lowered in BOOLEAN_FALSE_WORDS:
        return 'off'
    return value


def _validate_options(options):
    if options is None:
        return {}
    if not isinstance(options, dict):
        raise VolumeSpecError('give a dictionary of option keys to values', argument='options')
    normalised = {}
    for key, value in options.items():
        if not isinstance(key, str) or not OPTION_KEY_PATTERN.match(key):
            raise VolumeSpecError('%r is not a valid option key' % (key,), argument='options')
        normalised[key] = normalise_option_value(key, value)
    return normalised


def _check_option_keys_known(options):
    """Unknown keys fail before any gluster call: checked against the keys of GlusterFS 10/11
    here, and against the volume's live ``volume get`` list again when planning."""
    # Imported here: gluster_volume_options builds on this module.
    from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_volume_options import option_catalog, resolve_option_key
    catalog = option_catalog()
    for key in options:
        resolve_option_key(key, catalog)


def _positive(params, name):
    """An optional count: None or 0 mean not given (gluster.gluster passed 0 for unset)."""
    value = params.get(name)
    if value in (None, 0):
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise VolumeSpecError('must be a positive whole number, not %r' % (value,), argument=name)
    return value


def _validate_layout(spec):
    """Replica/arbiter/disperse/redundancy rules of gluster's CLI, and arbiter normalisation."""
    if spec.replica is not None and spec.replica < 2:
        raise VolumeSpecError('must be at least 2 (leave it out for a distribute volume)', argument='replica')
    if spec.arbiter is not None:
        if spec.arbiter != 1:
            raise VolumeSpecError('only "arbiter: 1" exists (with replica 3)', argument='arbiter')
        spec.replica = replica_meant(spec.replica, spec.arbiter)
        if spec.replica != 3:
            raise VolumeSpecError('1 needs replica: 3 (two data bricks and one arbiter per set)', argument='arbiter')
    if spec.disperse is not None:
        if spec.replica is not None:
            raise VolumeSpecError('replica and disperse exclude each other: a volume is replicated or dispersed')
        if spec.disperse < 3:
            raise VolumeSpecError('must be at least 3 bricks per set', argument='disperse')
    if spec.redundancy is not None:
        if spec.disperse is None:
            raise VolumeSpecError('needs disperse', argument='redundancy')
        if not 1 <= spec.redundancy or 2 * spec.redundancy >= spec.disperse:
            raise VolumeSpecError('%d does not fit disperse %d: need 1 <= redundancy and '
                                  '2 * redundancy < disperse' % (spec.redundancy, spec.disperse), argument='redundancy')
    if spec.replica == 2 and not spec.arbiter and not spec.allow_replica_two:
        raise VolumeSpecError('2 without an arbiter risks split-brain; use replica: 3 (optionally '
                              'with arbiter: 1), or set allow_replica_two: true to accept the risk', argument='replica')


def check_brick_sets(bricks, set_size, force, what='bricks'):
    """Raise VolumeSpecError unless the bricks fill whole sets with distinct hosts per set.

    Hosts are compared literally here (before any gluster call); glusterd itself also refuses
    two names of one server in a set unless force.
    """
    if set_size and len(bricks) % set_size:
        raise VolumeSpecError('%d bricks are not a multiple of the set size %d (replica/disperse count)'
                              % (len(bricks), set_size), argument=what)
    if not set_size or set_size < 2 or force:
        return
    for start in range(0, len(bricks), set_size):
        members = bricks[start:start + set_size]
        hosts = [split_brick(brick)[0] for brick in members]
        for host in hosts:
            if hosts.count(host) > 1:
                raise VolumeSpecError('set %d (%s) has two bricks on %s: one server failure would take out '
                                      'both copies; spread each set over distinct hosts'
                                      % (start // set_size + 1, ', '.join(members), host), argument=what)


def parse_volume_spec(params):
    """Validate the module's parameters and return a VolumeSpec; raise VolumeSpecError."""
    name = validate_volume_name(params.get('name'))
    state = params.get('state') or 'present'
    if state not in STATES:
        raise VolumeSpecError('must be one of %s' % ', '.join(STATES), argument='state')
    if _positive(params, 'stripe') is not None:
        raise VolumeSpecError('striped volumes were removed from GlusterFS (in release 6); use a '
                              'distributed volume with features.shard: on, or disperse', argument='stripe')
    if params.get('rebalance'):
        raise VolumeSpecError('this module does not start a rebalance (it migrates data); run '
                              '"gluster volume rebalance NAME start" in a separate, deliberate task', argument='rebalance')
    for argument, message in UNSUPPORTED_GLUSTER_ARGS.items():
        if params.get(argument) not in (None, ''):
            raise VolumeSpecError(message, argument=argument)
    transport = params.get('transport')
    if transport is not None and transport not in TRANSPORTS:
        raise VolumeSpecError('must be one of %s' % ', '.join(TRANSPORTS), argument='transport')
    start_on_create = params.get('start_on_create', True)
    running = {'started': True, 'stopped': False, 'absent': None}.get(state, True if start_on_create is not False else None)
    spec = VolumeSpec(
        name=name,
        state=state,
        replica=_positive(params, 'replica'),
        arbiter=_positive(params, 'arbiter'),
        disperse=_positive(params, 'disperse'),
        redundancy=_positive(params, 'redundancy'),
        transport=transport,
        options=_validate_options(params.get('options')),
        force=bool(params.get('force')),
        allow_root_filesystem_bricks=bool(params.get('allow_root_filesystem_bricks')),
        allow_replica_two=bool(params.get('allow_replica_two')),
        allow_delete_with_clients=bool(params.get('allow_delete_with_clients')),
        allow_stop_with_clients=bool(params.get('allow_stop_with_clients')),
        running=running,
        timeout=_positive(params, 'timeout') or 600,
    )
    bricks = params.get('bricks')
    if isinstance(bricks, str):
        bricks = [part.strip() for part in bricks.split(',')]
    if bricks is not None:
        bricks = [brick for brick in bricks if brick != '']
    cluster = params.get('cluster')
    if cluster:
        if not bricks:
            raise VolumeSpecError('give bricks (paths) to place on each host of cluster', argument='cluster')
        bricks = expand_cluster_bricks(cluster, bricks)
    if bricks:
        spec.bricks = [canonical_brick(brick) for brick in bricks]
        for brick in spec.bricks:
            if spec.bricks.count(brick) > 1:
                raise VolumeSpecError('%s is listed twice' % brick, argument='bricks')
    elif bricks is not None and not spec.absent:
        raise VolumeSpecError('the list is empty', argument='bricks')
    _validate_layout(spec)
    _check_option_keys_known(spec.options)
    if spec.bricks and spec.set_size:
        check_brick_sets(spec.bricks, spec.set_size, spec.force)
    return spec
