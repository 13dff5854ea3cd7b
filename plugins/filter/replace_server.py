# -*- coding: utf-8 -*-
# Copyright: glusterdock developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""replace_server_plan: what playbooks/replace_server.yml does for a server that is gone for good
(rebuild its bricks on a new host, or on the same host rebuilt under its old peer UUID), or why it
refuses. Pure: it judges replies already read on a server that stays."""

from __future__ import annotations

from ansible_collections.glusterdock.storage.plugins.filter.gluster_health import _reply
from ansible_collections.glusterdock.storage.plugins.filter.inventory_servers import _peer_of_brick_host
from ansible_collections.glusterdock.storage.plugins.module_utils.derived_bricks import host_key
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_brick_health import (
    needs_heal_check,
    offline_bricks,
)
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_brick_plan import BrickPlanError
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_brick_sets import (
    brick_sets,
    plan_rebuild_cycles,
    set_of,
)
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_pool import Pool
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_xml import (
    parse_heal_info,
    parse_peers,
    parse_volume_info,
    parse_volume_statuses,
)


def replace_server_plan(volume_info_xml, pool_list_xml, volume_status_xml, old, new, runner='', inventory_hosts=(),
                        new_host=None, heal=None):
    """The plan of playbooks/replace_server.yml, read on ``runner``: ``same_host`` (``new`` is
    ``old`` rebuilt), ``old_uuid``, ``runner_uuid``, ``restore`` (the rebuilt host must take
    the old peer UUID back), ``rebuilds`` (one per brick: volume, brick, new_brick, set, and
    ``online`` for a brick of the same host that is back already, whose heal is only verified),
    ``volumes`` (the rebuilds grouped per volume: volume, bricks, new_bricks; one gluster_brick call
    each, because gluster_brick waits for heal of the whole volume, which cannot finish while another
    brick of the old server in that volume is still down),
    ``heal_volumes`` (volumes whose heal to read before judging), ``detach`` (the old peer's UUID,
    new host only), ``done`` (nothing left to do) and ``problems`` (each a reason to refuse
    before any change).

    ``new_host``: what the replacement host says of itself (``uuid`` of its glusterd.info, how many
    ``peers`` and ``volumes`` it knows), None when it was not read (a same-host plan is then refused). ``heal``: volume name -> ``heal info summary --xml``;
    without it the sets are not judged yet (the playbook reads heal for ``heal_volumes``, then
    plans again)."""
    plan = dict(problems=[], same_host=False, old_uuid='', runner_uuid='', restore=False, rebuilds=[], volumes=[],
                heal_volumes=[], detach=[], done=False)
    problems = plan['problems']
    for name, value in (('replace_server_old', old), ('replace_server_new', new)):
        if not isinstance(value, str) or not value.strip():
            problems.append('%s must name a server, got %r' % (name, value))
    if problems:
        return plan
    if new not in (inventory_hosts or ()):
        problems.append('replace_server_new %s is not an inventory host: add the replacement server to the '
                        'inventory (group gluster_servers)' % new)
    if not runner:
        problems.append('no server of gluster_servers is left to run the replacement from (other than %s and %s)'
                        % (old, new))
        return plan
    volumes = parse_volume_info(_reply(volume_info_xml, 'volume info'))
    pool = Pool(parse_peers(_reply(pool_list_xml, 'pool list')), local_names=[runner])
    statuses = {status.name: status for status in parse_volume_statuses(_reply(volume_status_xml, 'volume status'))}
    all_bricks = [brick for volume in volumes.values() for brick in volume.bricks]
    plan['runner_uuid'] = next((member.uuid for member in pool.peers if member.is_self), '')
    plan['same_host'] = same = same_host(old, new)
    peer = pool.find(old)
    if peer is None:
        peer, problem = _peer_of_brick_host(old, all_bricks, {member.uuid: member for member in pool.peers})
        if problem:
            problems.append(problem)
            return plan
    if peer is None:
        new_peer = pool.find(new)
        holds_bricks = new_peer is not None and any(brick.host_uuid == new_peer.uuid for brick in all_bricks)
        if not same and holds_bricks and not new_peer.is_self and not problems:
            # A re-run after the replacement: the old server has left the pool, no brick names it, and the
            # new host holds bricks (a mistyped old name beside a new host that holds none is no re-run).
            plan['done'] = True
            return plan
        problems.append('%s is neither a member of the trusted pool nor the host of a brick: check the name (as '
                        'gluster pool list shows it, or its peer UUID)' % old)
        return plan
    if peer.is_self:
        problems.append('%s is the server running this playbook; it answers, so it is not gone' % old)
        return plan
    plan['old_uuid'] = peer.uuid
    if same:
        if new_host is None:
            # Fail closed: without what the host says of itself, a live server could hand its identity away.
            problems.append('%s was not read (its peer UUID and the peers and volumes it knows): it must answer '
                            'as an inventory host before the same host can be restored' % new)
            return plan
        # A peer in the cluster under the old UUID while the host answers under another: a live server would
        # hand its identity away. A fresh install at the old address shows as Peer Rejected (connected).
        if peer.in_cluster and new_host.get('uuid') != peer.uuid:
            problems.append(_still_answers(old, peer))
            return plan
        known = new_host
        peers_known, volumes_known = int(known.get('peers') or 0), int(known.get('volumes') or 0)
        if known.get('uuid') == peer.uuid and not peer.in_cluster:
            if volumes_known:
                problems.append('%s has its peer UUID %s back but is not in the pool (%s, %s): start glusterd on it, '
                                'check that it reaches the other servers, and run this again'
                                % (new, peer.uuid, peer.state_name or 'no state',
                                   'connected' if peer.connected else 'disconnected'))
            else:
                # An earlier run stopped between giving the host its UUID and glusterd taking the
                # volumes from its peers: restore it again.
                plan['restore'] = True
        elif known.get('uuid') != peer.uuid:
            if peers_known or volumes_known:
                problems.append('%s answers with peer UUID %s, not %s, and already knows %d peer(s) and %d '
                                'volume(s): it is not a fresh install of the server that is gone, so its identity is '
                                'not restored over that' % (new, known.get('uuid') or '(none)', peer.uuid,
                                                            peers_known, volumes_known))
            else:
                plan['restore'] = True
    else:
        if peer.connected:
            problems.append(_still_answers(old, peer))
        new_peer = pool.find(new)
        if new_peer is not None and (new_peer.uuid == peer.uuid or new_peer.is_self):
            problems.append('%s and %s are the same peer (%s)' % (old, new, new_peer.uuid))
            return plan
    new_uuid = None if same else getattr(pool.find(new), 'uuid', None)

    def on_new_host(brick):
        return not same and (host_key(brick.host) == host_key(new) or bool(new_uuid and brick.host_uuid == new_uuid))
    heal = heal or {}
    for volume in sorted(volumes.values(), key=lambda volume: volume.name):
        on_old = [brick for brick in volume.bricks if brick.host_uuid == peer.uuid or
                  (not brick.host_uuid and pool.find(brick.host) is peer)]
        if not on_old:
            continue
        if not needs_heal_check(volume):
            problems.append('volume %s is %s: its bricks on %s (%s) held the only copy of their files, so no new '
                            'brick can be filled from elsewhere; replacing them would lose those files for good '
                            '(restore them from a backup into a volume of their own)'
                            % (volume.name, volume.type_name or 'distribute', old,
                               ', '.join(brick.name for brick in on_old)))
            continue
        if not volume.started:
            problems.append('volume %s is %s: heal fills a new brick only in a started volume; start it first'
                            % (volume.name, volume.status))
            continue
        status = statuses.get(volume.name)
        offline = set(offline_bricks(volume, status))
        # The same host back under its own UUID: its bricks that are online again are rebuilt already;
        # gluster_brick state=reset leaves them alone and only verifies that their heal is complete.
        rebuild = [brick for brick in on_old if not same or plan['restore'] or brick.name in offline]
        sets = brick_sets(volume)
        for brick in on_old if same else rebuild:
            brick_set = set_of(sets, brick.name)
            # The new host's bricks already, and the old server's other bricks of the set (they move there too).
            shared = [other for other in volume.bricks if other.name in brick_set.names and other is not brick and
                      (on_new_host(other) or (not same and other in on_old))]
            if shared:
                problems.append('volume %s: %s already holds %s of %s; two bricks of one set on one host would share '
                                'its fate' % (volume.name, new, shared[0].name, brick_set.describe()))
            new_brick = brick.name if same else '%s:%s' % (new, brick.path)
            # Never hand a live brick to gluster_brick as an empty one, whatever volume it serves.
            taken = [other for other in all_bricks if not same and on_new_host(other) and other.path == brick.path]
            if taken:
                problems.append('volume %s: %s is a brick already (%s); choose a new host whose brick paths are '
                                'free' % (volume.name, new_brick, taken[0].name))
            plan['rebuilds'].append(dict(volume=volume.name, brick=brick.name, set=brick_set.number,
                                         new_brick=new_brick, online=brick not in rebuild))
        if not rebuild:
            continue
        plan['heal_volumes'].append(volume.name)
        if volume.name in heal:
            try:
                # The server is gone for good: whatever only it held is lost whatever is done now, so
                # entries waiting on its partners count as files it lacks (offline_bricks_are_stale).
                # What protects data is that every other brick of each set is online and answers heal.
                plan_rebuild_cycles(volume, status, parse_heal_info(_reply(heal[volume.name], 'heal info')),
                                    [brick.name for brick in rebuild], offline_bricks_are_stale=True)
            except BrickPlanError as error:
                problems.append('volume %s: %s' % (volume.name, error.message))
    plan['rebuilds'].sort(key=lambda rebuild: (rebuild['volume'], rebuild['set']))
    for rebuild in plan['rebuilds']:
        if not plan['volumes'] or plan['volumes'][-1]['volume'] != rebuild['volume']:
            plan['volumes'].append(dict(volume=rebuild['volume'], bricks=[], new_bricks=[]))
        plan['volumes'][-1]['bricks'].append(rebuild['brick'])
        plan['volumes'][-1]['new_bricks'].append(rebuild['new_brick'])
    if not same and peer is not None:
        plan['detach'] = [peer.uuid]
    plan['done'] = not (plan['detach'] or plan['restore'] or any(not entry['online'] for entry in plan['rebuilds']))
    return plan


def _still_answers(old, peer):
    return ('%s still answers (peer %s is %s, connected): replace only a server that is gone for good; move the '
            'bricks of a running server with gluster_brick state=replaced, or take it out with playbooks/shrink.yml'
            % (old, peer.uuid, peer.state_name or 'in the pool'))


def same_host(old, new):
    """True when ``new`` names the host ``old`` names (as DNS compares names); the playbook and the plan
    decide the same way whether the host is rebuilt under its old identity."""
    return (isinstance(old, str) and isinstance(new, str) and bool(old.strip()) and bool(new.strip())
            and host_key(old) == host_key(new))


class FilterModule(object):
    """Filters of glusterdock.storage."""

    def filters(self):
        return {'replace_server_plan': replace_server_plan, 'replace_server_same_host': same_host}
