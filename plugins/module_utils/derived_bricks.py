# -*- coding: utf-8 -*-
# Copyright: glusterdock developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Bricks derived from a list of servers (the gluster_volumes role's ``bricks_per_server``), planned
against the volume as it exists.

Pure. gluster groups consecutive bricks into replica or disperse sets, and the sets of an existing
volume never change: so its bricks stay first, in their order, and the bricks that servers added
to the list bring form whole new sets after them, each set on as many different servers as it has
bricks (one server lost must never take two bricks of a set).
"""

from __future__ import annotations

from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_xml import split_brick


class DerivedBricksError(ValueError):
    """The derived bricks cannot form whole sets on different servers; says why."""


def server_minor_bricks(servers, brick_root, volume, per_server):
    """``server:brick_root/volume/brickN`` for N in 1..per_server, every server once before any
    server twice: consecutive bricks (a set) lie on different servers whenever that is possible."""
    root = brick_root.rstrip('/')
    return ['%s:%s/%s/brick%d' % (server, root, volume, number)
            for number in range(1, per_server + 1) for server in servers]


def host_key(name):
    """A host name as DNS compares it: any case, with or without the trailing dot."""
    return name.strip().rstrip('.').lower()


def plan_derived_bricks(servers, brick_root, volume, per_server, set_size, existing=(), server_uuids=None):
    """The brick list to give gluster_volume for a volume derived from ``servers``.

    ``existing``: the volume's bricks (objects with ``name`` and ``host_uuid``, in volume order),
    empty for a volume to create. ``server_uuids``: server name -> peer UUID, to recognise bricks
    named by another name of their server (an address, an FQDN). ``set_size``: the replica or
    disperse count (1 for plain distribute).

    The existing bricks come first, in their order; the derived bricks the volume lacks follow, as
    whole sets with each set on different servers. An existing brick that none of the derived
    bricks is (another path, or a server out of the list) leaves the plain derived list, for
    gluster_volume to refuse as it would refuse any list that leaves bricks out.
    Raises DerivedBricksError when the new bricks cannot fill whole sets on different servers.
    """
    derived = server_minor_bricks(servers, brick_root, volume, per_server)
    if not existing:
        return bricks_in_sets(derived, set_size, 'the bricks of volume %s' % volume)
    uuids = dict((host_key(server), uuid) for server, uuid in (server_uuids or {}).items() if uuid)

    def same(brick, existing_brick):
        host, path = split_brick(brick)
        existing_host, existing_path = split_brick(existing_brick.name)
        if path.rstrip('/') != existing_path.rstrip('/'):
            return False
        uuid = uuids.get(host_key(host))
        return host_key(host) == host_key(existing_host) or bool(uuid) and uuid == existing_brick.host_uuid

    if not all(any(same(brick, existing_brick) for brick in derived) for existing_brick in existing):
        return derived
    new = [brick for brick in derived if not any(same(brick, existing_brick) for existing_brick in existing)]
    return [brick.name for brick in existing] + bricks_in_sets(new, set_size, 'the new bricks of volume %s' % volume)


def bricks_in_sets(bricks, set_size, what='the bricks'):
    """``bricks`` ordered so that every ``set_size`` consecutive ones lie on different servers:
    as given when they already do, else dealt round-robin over the sets (a server's bricks, taken
    one after another, each land in the next set: different sets while no server has more bricks
    than there are sets)."""
    if set_size <= 1 or not bricks:
        return list(bricks)
    if len(bricks) % set_size:
        raise DerivedBricksError(
            '%s are %d (%s), not whole sets of %d (the replica or disperse count): add servers so that their '
            'bricks (bricks_per_server each) fill whole sets' % (what, len(bricks), ', '.join(bricks), set_size))
    if all(_distinct_hosts(bricks[start:start + set_size]) for start in range(0, len(bricks), set_size)):
        return list(bricks)
    set_count = len(bricks) // set_size
    by_server = {}
    for brick in bricks:
        by_server.setdefault(host_key(split_brick(brick)[0]), []).append(brick)
    crowded = [(server_bricks[0].rpartition(':')[0], len(server_bricks)) for server_bricks in by_server.values()
               if len(server_bricks) > set_count]
    if crowded:
        raise DerivedBricksError(
            '%s (%s) make %d set(s) of %d, but %s: two bricks of one set would be on one server, and losing it would '
            'take both. Add servers so that each new set has %d different servers (or lower bricks_per_server)'
            % (what, ', '.join(bricks), set_count, set_size,
               ', '.join('%s holds %d of them' % (server, count) for server, count in crowded), set_size))
    grouped = [brick for server_bricks in by_server.values() for brick in server_bricks]
    return [brick for first in range(set_count) for brick in grouped[first::set_count]]


def _distinct_hosts(bricks):
    hosts = [host_key(split_brick(brick)[0]) for brick in bricks]
    return len(set(hosts)) == len(hosts)
