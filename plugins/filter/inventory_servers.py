# -*- coding: utf-8 -*-
# Copyright: glusterdock developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters for servers joining or leaving the inventory: grown_volumes (the volumes the gluster_volumes
role grew by whole sets, to rebalance), bricks_on_removed_servers (the role refuses to go on while a
volume it derives keeps bricks on servers that left) and shrink_plan (what playbooks/shrink.yml would
remove and detach, or why it refuses)."""

from __future__ import annotations

from ansible_collections.glusterdock.storage.plugins.filter.brick_list import brick_list
# A reply that is not a success is an error, never an empty result.
from ansible_collections.glusterdock.storage.plugins.filter.gluster_health import _reply
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_brick_sets import brick_sets
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_pool import Pool
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_xml import (
    parse_peers, parse_volume_info,
)


def grown_volumes(results):
    """Names of the volumes that gluster_volume's list form grew by whole sets (an ``add-brick``
    that does not raise the replica count), in check mode those it would grow: the volumes whose
    existing files a rebalance should spread over the new sets. Only started volumes: gluster
    rebalances nothing else (a stopped volume's files stay reachable; rebalance it once started)."""
    names = []
    for result in results or []:
        if (result.get('volume') or {}).get('status') != 'started':
            continue
        for command in result.get('commands') or []:
            words = command.split()
            if 'add-brick' not in words:
                continue
            position = words.index('add-brick')
            name = words[position + 1] if len(words) > position + 1 else ''
            if name and words[position + 2:position + 3] != ['replica'] and name not in names:
                names.append(name)
    return names


def bricks_on_removed_servers(volume_info_xml, definitions, servers, brick_root):
    """'volume V: B1, B2' for each existing volume whose bricks the definitions derive from SERVERS
    (no explicit ``bricks``) and that has bricks on hosts no longer in SERVERS; [] when none.

    Leaving a server out never shrinks a volume: the role stops and names what is still there.
    """
    volumes = parse_volume_info(_reply(volume_info_xml, 'volume info'))
    kept = set(servers or [])
    lines = []
    for definition in definitions or []:
        if not isinstance(definition, dict) or definition.get('bricks') is not None:
            continue
        if definition.get('state', 'present') == 'absent':
            continue
        volume = volumes.get(definition.get('name'))
        if volume is None:
            continue
        derived = set(brick_list(list(servers), brick_root, volume.name, definition.get('bricks_per_server', 1))
                      if servers else [])
        left = [brick.name for brick in volume.bricks if brick.name not in derived and brick.host not in kept]
        if left:
            lines.append('volume %s: %s' % (volume.name, ', '.join(left)))
    return lines


def shrink_plan(volume_info_xml, pool_list_xml, shrink_servers, shrink_volumes=None, runner='', inventory_hosts=()):
    """What playbooks/shrink.yml does: ``removals`` (volume and bricks, whole sets, for
    gluster_brick state=absent), ``detach`` (servers left with no brick), ``kept`` (servers that
    keep bricks of volumes not named) and ``problems`` (each a reason to refuse before any change).

    A server that is not in the pool and holds no brick is done if the inventory still knows it
    (a re-run after the shrink), and an unknown host otherwise.
    """
    problems = []
    if not isinstance(shrink_servers, (list, tuple)) or not shrink_servers or \
            not all(isinstance(name, str) and name.strip() for name in shrink_servers):
        return dict(problems=['shrink_servers must be a non-empty list of server names, got %r' % (shrink_servers,)],
                    removals=[], detach=[], kept=[])
    if shrink_volumes is not None and (not isinstance(shrink_volumes, (list, tuple)) or
                                       not all(isinstance(name, str) for name in shrink_volumes)):
        return dict(problems=['shrink_volumes must be a list of volume names, got %r' % (shrink_volumes,)],
                    removals=[], detach=[], kept=[])
    volumes = parse_volume_info(_reply(volume_info_xml, 'volume info'))
    pool = Pool(parse_peers(_reply(pool_list_xml, 'pool list')), local_names=[runner] if runner else [])
    peers = {}
    for name in shrink_servers:
        peer = pool.find(name)
        if peer is None:
            if name not in (inventory_hosts or ()):
                problems.append('%s is not a member of the trusted pool nor an inventory host: check the name' % name)
        elif peer.is_self:
            problems.append('%s is the server running this playbook; run it from a server that stays' % name)
        else:
            peers[name] = peer
    for name in shrink_volumes or []:
        if name not in volumes:
            problems.append('volume %s does not exist' % name)
    uuids = {peer.uuid for peer in peers.values()}

    def on_shrink_server(brick):
        if brick.host_uuid:
            return brick.host_uuid in uuids
        return pool.find(brick.host) in peers.values()

    removals = []
    for volume in sorted(volumes.values(), key=lambda volume: volume.name):
        if shrink_volumes is not None and volume.name not in shrink_volumes:
            continue
        leaving = [brick.name for brick in volume.bricks if on_shrink_server(brick)]
        if not leaving:
            continue
        if len(leaving) == len(volume.bricks):
            problems.append('volume %s has every brick on %s: removing them would leave it no brick (delete the '
                            'volume instead, after moving its data)' % (volume.name, ', '.join(shrink_servers)))
            continue
        partial = [brick_set.describe() for brick_set in brick_sets(volume)
                   if set(leaving) & set(brick_set.names) and not set(brick_set.names) <= set(leaving)]
        if partial:
            problems.append('volume %s: %s would lose only some of its bricks (remove-brick migrates whole sets '
                            'only; move the others onto these servers, or these onto staying servers, with '
                            'gluster_brick state=replaced first)' % (volume.name, '; '.join(partial)))
            continue
        removals.append({'volume': volume.name, 'bricks': leaving})
    removed = {brick for removal in removals for brick in removal['bricks']}
    detach, kept = [], []
    for name, peer in peers.items():
        still = sorted(volume.name for volume in volumes.values()
                       for brick in volume.bricks if brick.name not in removed and
                       (brick.host_uuid == peer.uuid or (not brick.host_uuid and pool.find(brick.host) is peer)))
        if still:
            kept.append('%s (bricks of %s)' % (name, ', '.join(sorted(set(still)))))
        else:
            detach.append(name)
    return dict(problems=problems, removals=removals, detach=detach, kept=kept)


class FilterModule(object):
    """Filters of glusterdock.storage."""

    def filters(self):
        return {'grown_volumes': grown_volumes, 'bricks_on_removed_servers': bricks_on_removed_servers,
                'shrink_plan': shrink_plan}
