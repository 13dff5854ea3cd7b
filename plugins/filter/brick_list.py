# -*- coding: utf-8 -*-
# Copyright: glusterdock developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters of derived bricks: brick_list (bricks of a volume spread over servers, in gluster's set
order), planned_bricks (every volume's bricks planned against the volumes as they exist, so that
servers added grow a volume by whole new sets after its bricks), brick_parent_directories and
volumes_with_new_bricks_on (what one server has to prepare and check)."""

from __future__ import annotations

from ansible.errors import AnsibleFilterError

# A reply that is not a success is an error, never an empty result.
from ansible_collections.glusterdock.storage.plugins.filter.gluster_health import _reply
from ansible_collections.glusterdock.storage.plugins.module_utils.derived_bricks import (
    DerivedBricksError, host_key, plan_derived_bricks, server_minor_bricks,
)
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_pool import Pool
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_volume_spec import layout_set_size
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_xml import (
    parse_peers, parse_volume_info, split_brick,
)


def brick_list(servers, brick_root, volume, per_server=1):
    """``server:brick_root/volume/brickN`` for N in 1..per_server, server-minor order.

    gluster groups consecutive bricks into replica/disperse sets, so listing every server
    once before any server twice puts the copies of one set on different servers.
    """
    if not servers or not isinstance(servers, (list, tuple)):
        raise AnsibleFilterError('brick_list needs a non-empty list of servers, got %r' % (servers,))
    if not isinstance(brick_root, str) or not brick_root.startswith('/'):
        raise AnsibleFilterError('brick_list needs an absolute brick root, got %r' % (brick_root,))
    try:
        per_server = int(per_server)
    except (TypeError, ValueError):
        raise AnsibleFilterError('brick_list: per_server must be a whole number, got %r' % (per_server,))
    if per_server < 1:
        raise AnsibleFilterError('brick_list: per_server must be at least 1, got %d' % per_server)
    return server_minor_bricks(servers, brick_root, volume, per_server)


def planned_bricks(definitions, servers, brick_root, volume_info_xml='', pool_list_xml='', runner=''):
    """Volume name -> the brick list to give gluster_volume, for every definition of the
    gluster_volumes role: its explicit ``bricks``, or bricks derived from ``servers`` planned
    against the volume in ``volume info --xml`` (empty: not read, every volume taken as new).

    A volume that exists keeps its bricks first and in their order; the derived bricks it lacks
    (servers added, or ``bricks_per_server`` raised) follow as whole sets, each on different
    servers. ``pool list --xml`` read on ``runner`` matches bricks named by another name of their
    server. Raises AnsibleFilterError, naming every volume, when new bricks cannot form such sets.
    """
    volumes = parse_volume_info(_reply(volume_info_xml, 'volume info')) if volume_info_xml else {}
    server_uuids = {}
    if pool_list_xml:
        pool = Pool(parse_peers(_reply(pool_list_xml, 'pool list')), local_names=[runner] if runner else [])
        server_uuids = {server: getattr(pool.find(server), 'uuid', '') for server in servers or []}
    planned, problems = {}, []
    for definition in definitions or []:
        name = definition['name']
        if definition.get('bricks') is not None:
            planned[name] = list(definition['bricks'])
            continue
        volume = volumes.get(name)
        per_server = definition.get('bricks_per_server', 1)
        planned[name] = brick_list(servers, brick_root, name, per_server)
        # Without a count in the definition the volume keeps its own. A different count is a replica
        # change, which takes each set's bricks followed by its new ones: that stays the plain list,
        # for gluster_volume to judge, as does a volume to delete. The counts mean what they mean to
        # gluster_volume: replica 2 arbiter 1 is replica 3 arbiter 1, sets of three.
        asked = layout_set_size(*(int(definition.get(count) or 0) for count in ('replica', 'arbiter', 'disperse')))
        set_size = asked or (volume.set_size if volume is not None else 1)
        if definition.get('state', 'present') == 'absent' or volume is not None and set_size != volume.set_size:
            continue
        try:
            planned[name] = plan_derived_bricks(servers, brick_root, name, int(per_server), set_size,
                                                volume.bricks if volume is not None else [], server_uuids)
        except DerivedBricksError as error:
            problems.append(str(error))
    if problems:
        raise AnsibleFilterError('%s. Nothing was changed.' % '. '.join(problems))
    return planned


def volumes_with_new_bricks_on(definitions, planned, host, play_hosts, volume_info_xml=''):
    """The definitions that allow bricks on the root file system (or set ``force``) and would get a
    new brick on ``host``, each with its planned ``bricks``: those the server has to check itself
    (gluster's force skips glusterd's check). A new brick on a host that is none of ``play_hosts``
    (named by an address) could be this one's: its volume is checked here too. A volume to delete gets
    no brick. Empty on a no-op."""
    volumes = parse_volume_info(_reply(volume_info_xml, 'volume info')) if volume_info_xml else {}
    ours = host_key(host)
    known = {host_key(name) for name in play_hosts or []}
    chosen = []
    for definition in definitions or []:
        if not (definition.get('allow_root_filesystem_bricks') or definition.get('force')) or \
                definition.get('state', 'present') == 'absent':
            continue
        volume = volumes.get(definition['name'])
        current = {brick.name for brick in volume.bricks} if volume is not None else set()
        hosts = {host_key(split_brick(brick)[0]) for brick in planned.get(definition['name'], []) if brick not in current}
        if ours in hosts or hosts - known:
            chosen.append(dict(definition, bricks=planned[definition['name']]))
    return chosen


def brick_parent_directories(volumes, host, servers, brick_root):
    """Parent directories of the bricks that ``host`` holds, for volumes defined as the
    gluster_volumes role takes them (explicit ``bricks`` or ``bricks_per_server``).

    glusterd creates a brick's own directory but not its parents.
    """
    directories = []
    for volume in volumes or []:
        if volume.get('state', 'present') == 'absent':
            continue
        bricks = volume.get('bricks') or brick_list(servers, brick_root, volume['name'], volume.get('bricks_per_server', 1))
        for brick in bricks:
            brick_host, separator, path = brick.rpartition(':')
            parent = path.rstrip('/').rpartition('/')[0]
            if separator and brick_host == host and parent and parent not in directories:
                directories.append(parent)
    return directories


class FilterModule(object):
    """Filters of glusterdock.storage."""

    def filters(self):
        return {'brick_list': brick_list, 'brick_parent_directories': brick_parent_directories,
                'planned_bricks': planned_bricks, 'volumes_with_new_bricks_on': volumes_with_new_bricks_on}
