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
from ansible_collections.glusterdock.storage.plugins.module_utils.derived_bricks import host_key
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_brick_sets import brick_sets
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_pool import Pool
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_xml import (
    parse_peers, parse_volume_info,
)


def grown_volumes(results):
    """Names of the volumes that gluster_volume's list form grew by whole sets (an ``add-brick``
    that does not raise the replica count), in check mode those it would grow: the volumes whose
    existing files a rebalance should spread over the new sets. Only started volumes: gluster
    rebalances nothing else (a stopped volume's files stay reachable; rebalance it once started).

    Also on the results of a failed run (the role's rescue rebalances what grew before the failure):
    a failed entry's last command is the one that failed, so it grew nothing. The results carry no
    structured record of added bricks (only the diff, in diff mode), hence the commands."""
    names = []
    for result in results or []:
        if (result.get('volume') or {}).get('status') != 'started':
            continue
        commands = list(result.get('commands') or [])
        if result.get('failed'):
            commands = commands[:-1]
        for command in commands:
            words = command.split()
            if 'add-brick' not in words:
                continue
            position = words.index('add-brick')
            name = words[position + 1] if len(words) > position + 1 else ''
            if name and words[position + 2:position + 3] != ['replica'] and name not in names:
                names.append(name)
    return names


def bricks_on_removed_servers(volume_info_xml, definitions, servers, brick_root, pool_list_xml=None, runner=''):
    """'volume V: B1, B2' for each existing volume whose bricks the definitions derive from SERVERS
    (no explicit ``bricks``) and that has bricks on hosts no longer in SERVERS; [] when none.

    Leaving a server out never shrinks a volume: the role stops and names what is still there.
    A brick is on a server by its host name (any case, a trailing dot ignored) or, given
    ``pool list --xml`` read on ``runner``, by its host UUID being the peer a server's name means:
    bricks named by address or FQDN stay on a server the inventory names by its short name.
    """
    volumes = parse_volume_info(_reply(volume_info_xml, 'volume info'))
    kept = {host_key(name) for name in servers or []}
    kept_uuids = set()
    if pool_list_xml:
        pool = Pool(parse_peers(_reply(pool_list_xml, 'pool list')), local_names=[runner] if runner else [])
        kept_uuids = {peer.uuid for peer in (pool.find(name) for name in servers or []) if peer is not None}
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
        left = [brick.name for brick in volume.bricks if brick.name not in derived and
                host_key(brick.host) not in kept and brick.host_uuid not in kept_uuids]
        if left:
            lines.append('volume %s: %s' % (volume.name, ', '.join(left)))
    return lines


def shrink_plan(volume_info_xml, pool_list_xml, shrink_servers, shrink_volumes=None, runner='', inventory_hosts=()):
    """What playbooks/shrink.yml does: ``removals`` (volume and bricks, whole sets, for
    gluster_brick state=absent), ``detach`` (servers left with no brick), ``detach_peers`` (their
    peer UUIDs, for gluster_peer), ``kept`` (servers that keep bricks of volumes not named),
    ``done`` (servers taken as already removed) and ``problems`` (each a reason to refuse before
    any change).

    A server is found by any name the pool lists it under, or by the name its bricks carry (then
    its peer is the bricks' host UUID). It is done only when neither the pool nor any brick knows
    it and the inventory still does (a re-run after the shrink); an unknown host otherwise.
    """
    problems = []
    if not isinstance(shrink_servers, (list, tuple)) or not shrink_servers or \
            not all(isinstance(name, str) and name.strip() for name in shrink_servers):
        return _shrink_result(['shrink_servers must be a non-empty list of server names, got %r' % (shrink_servers,)])
    if shrink_volumes is not None and (not isinstance(shrink_volumes, (list, tuple)) or
                                       not all(isinstance(name, str) for name in shrink_volumes)):
        return _shrink_result(['shrink_volumes must be a list of volume names, got %r' % (shrink_volumes,)])
    volumes = parse_volume_info(_reply(volume_info_xml, 'volume info'))
    pool = Pool(parse_peers(_reply(pool_list_xml, 'pool list')), local_names=[runner] if runner else [])
    peers_by_uuid = {peer.uuid: peer for peer in pool.peers}
    all_bricks = [brick for volume in volumes.values() for brick in volume.bricks]
    peers, unmatched, done = {}, [], []
    for name in shrink_servers:
        peer = pool.find(name)
        if peer is None:
            # The runner's pool list names the other peers as they were probed: the first server is
            # known there by its reverse-DNS name or address, while its bricks say what the user
            # typed. Not finding a name in the pool is no proof that the server holds no brick.
            peer, problem = _peer_of_brick_host(name, all_bricks, peers_by_uuid)
            if problem:
                problems.append(problem)
                continue
        if peer is None:
            unmatched.append(name)
        elif peer.is_self:
            problems.append('%s is the server running this playbook; run it from a server that stays' % name)
        else:
            peers[name] = peer
    uuids = {peer.uuid for peer in peers.values()}
    # Bricks whose host name the pool does not list and whose peer no name above matched: an
    # unmatched name might mean that peer, so it cannot be taken as gone.
    unknown_hosts = sorted({brick.host for brick in all_bricks
                            if pool.find(brick.host) is None and brick.host_uuid not in uuids})
    for name in unmatched:
        if unknown_hosts:
            problems.append(
                '%s is neither a name of a pool member nor the host of a brick, but bricks are on %s, which the pool '
                'lists under other names: name the server as its bricks do, or by its peer UUID (gluster pool list), '
                'so that its bricks are not taken as gone, or leave it out if it has already left the pool'
                % (name, ', '.join(unknown_hosts)))
        elif name in (inventory_hosts or ()):
            done.append(name)
        else:
            problems.append('%s is not a member of the trusted pool nor an inventory host: check the name' % name)
    for name in shrink_volumes or []:
        if name not in volumes:
            problems.append('volume %s does not exist' % name)

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
    detach, detach_peers, kept = [], [], []
    for name, peer in peers.items():
        still = sorted(volume.name for volume in volumes.values()
                       for brick in volume.bricks if brick.name not in removed and
                       (brick.host_uuid == peer.uuid or (not brick.host_uuid and pool.find(brick.host) is peer)))
        if still:
            kept.append('%s (bricks of %s)' % (name, ', '.join(sorted(set(still)))))
        elif peer.uuid not in detach_peers:
            detach.append(name)
            detach_peers.append(peer.uuid)
    return _shrink_result(problems, removals, detach, detach_peers, kept, done)


def _shrink_result(problems, removals=(), detach=(), detach_peers=(), kept=(), done=()):
    return dict(problems=list(problems), removals=list(removals), detach=list(detach),
                detach_peers=list(detach_peers), kept=list(kept), done=list(done))


def _peer_of_brick_host(name, bricks, peers_by_uuid):
    """The peer of the bricks whose host is ``name`` (by their host UUID), None when no brick names
    it, and why it is refused when those bricks name no pool member or more than one."""
    wanted = host_key(name)
    named = [brick for brick in bricks if host_key(brick.host) == wanted]
    if not named:
        return None, None
    owners = {brick.host_uuid for brick in named}
    if len(owners) == 1 and next(iter(owners)) in peers_by_uuid:
        return peers_by_uuid[next(iter(owners))], None
    return None, ('%s names bricks (%s) whose peer the pool does not list under one UUID (%s): name the server by '
                  'its peer UUID (gluster pool list)' % (name, ', '.join(sorted(brick.name for brick in named)),
                                                         ', '.join(sorted(owners)) or 'none given'))


class FilterModule(object):
    """Filters of glusterdock.storage."""

    def filters(self):
        return {'grown_volumes': grown_volumes, 'bricks_on_removed_servers': bricks_on_removed_servers,
                'shrink_plan': shrink_plan}
