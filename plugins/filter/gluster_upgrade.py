# -*- coding: utf-8 -*-
# Copyright: glusterdock developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters of playbooks/upgrade.yml: what stops a rolling upgrade, and how far the op-version can go."""

from __future__ import annotations

from ansible.errors import AnsibleFilterError

PEER_REJECTED = 'Peer Rejected'
PEER_IN_CLUSTER = 'Peer in Cluster'
# A volume task (rebalance, remove-brick) in any other state still moves files, or is about to.
TASK_FINISHED = frozenset(('completed', 'stopped', 'failed'))


def gluster_upgrade_cksum_problems(checksums, versions=None):
    """Volumes whose ``/var/lib/glusterd/vols/VOLUME/cksum`` is not the same on every server of one
    GlusterFS version, as sentences.

    ``checksums`` maps each server to {volume: cksum file text}; ``versions`` each server to its
    GlusterFS version. Servers of one version that hold different definitions of a volume (or one of
    them none) reject each other when glusterd restarts. Across versions the checksums differ by design
    in the middle of a rolling upgrade (11 writes a volume's info file without the nfs.disable line
    10 kept, and in another order), so only servers of the same version are compared."""
    if not isinstance(checksums, dict) or not all(isinstance(value, dict) for value in checksums.values()):
        raise AnsibleFilterError('gluster_upgrade_cksum_problems expects {server: {volume: checksum}}, got %r'
                                 % (checksums,))
    versions = versions or {}
    groups = {}
    for server in checksums:
        groups.setdefault(versions.get(server, ''), []).append(server)
    problems = []
    for version, servers in sorted(groups.items()):
        volumes = sorted(set(volume for server in servers for volume in checksums[server]))
        for volume in volumes:
            by_value = {}
            for server in sorted(servers):
                value = checksums[server].get(volume)
                by_value.setdefault('missing' if value is None else value.strip(), []).append(server)
            if len(by_value) > 1:
                problems.append('volume %s: /var/lib/glusterd/vols/%s/cksum differs between servers%s (%s)' % (
                    volume, volume, ' of GlusterFS %s' % version if version else '',
                    '; '.join('%s: %s' % (', '.join(names), value) for value, names in sorted(by_value.items()))))
    return problems


def gluster_upgrade_pool_views(views, versions=None):
    """Judge every server's view of the pool (gluster_info's ``pool.peers``, by server) in the middle of a
    rolling upgrade; ``versions`` maps each server to its GlusterFS version. Returns:

    - ``rejected_same_version``: 'A (V) sees B (V) as Peer Rejected' where both run one version: their
      volume definitions conflict, and that does not end by waiting or by upgrading further;
    - ``rejected_servers``: the servers so rejected by a server of their own version;
    - ``rejected_across_versions``: the same sentence where the versions differ: a server that has run
      GlusterFS 11 writes the volume definitions in 11's format (no nfs.disable line, another order of
      options), so the servers still on 10 reject it until they are upgraded too;
    - ``whole_view``: the first server that sees every peer connected and in the cluster (its health
      reads cover every brick), or None.

    A peer is matched to its server by UUID (each view lists its own server as ``self``)."""
    if not isinstance(views, dict) or not all(isinstance(peers, list) for peers in views.values()):
        raise AnsibleFilterError('gluster_upgrade_pool_views expects {server: peers}, got %r' % (views,))
    versions = versions or {}
    server_by_uuid = dict((peer.get('uuid'), server) for server, peers in views.items() for peer in peers
                          if peer.get('self'))
    same, across, rejected, whole = [], [], [], None
    for server in sorted(views):
        peers = [peer for peer in views[server] if not peer.get('self')]
        if whole is None and views[server] and all(peer.get('connected') and peer.get('state') == PEER_IN_CLUSTER
                                                   for peer in peers):
            whole = server
        for peer in peers:
            if peer.get('state') != PEER_REJECTED:
                continue
            other = server_by_uuid.get(peer.get('uuid'), peer.get('hostname'))
            sentence = '%s (%s) sees %s (%s) as %s' % (server, versions.get(server, '?'), other,
                                                       versions.get(other, '?'), PEER_REJECTED)
            if versions.get(server) is not None and versions.get(server) == versions.get(other):
                same.append(sentence)
                rejected.append(other)
            else:
                across.append(sentence)
    return {'rejected_same_version': same, 'rejected_across_versions': across,
            'rejected_servers': sorted(set(rejected)), 'whole_view': whole}


def gluster_upgrade_op_version(info):
    """How far the cluster op-version can be raised, from a gluster_info result read with the pool and
    clients subsets: {current, target, raise, clients_below, unread}. ``target`` is cluster.max-op-version
    (the highest every server supports); ``clients_below`` names each connected client that supports less,
    or whose op-version gluster did not give (it may be older), and while there is one the op-version must
    stay (the client would be refused, or lose its mount). ``unread`` holds gluster_info's problems when the
    read was not whole (the clients could not be read, a peer is away): the connected clients are then not
    known, and a raise must wait (it cannot be undone)."""
    pool = (info or {}).get('pool') or {}
    current, target = pool.get('op_version'), pool.get('max_op_version')
    if not isinstance(current, int) or not isinstance(target, int):
        raise AnsibleFilterError('the cluster op-version could not be read (op-version %r, max-op-version %r)'
                                 % (current, target))
    below = []
    for volume in info.get('volumes') or ():
        for client in volume.get('clients') or ():
            version = client.get('op_version')
            if not isinstance(version, int):
                below.append('%s (volume %s, op-version unknown)' % (client.get('address'), volume.get('name')))
            elif version < target:
                below.append('%s (volume %s, op-version %d)' % (client.get('address'), volume.get('name'), version))
    unread = [] if info.get('healthy') is True else list(info.get('problems') or ['the pool could not be read'])
    return {'current': current, 'target': target, 'raise': target > current, 'clients_below': below,
            'unread': unread}


def gluster_upgrade_running_tasks(info):
    """The volume tasks (rebalance, remove-brick) not finished, as sentences, from a gluster_info result read
    with the status subset (each volume's ``tasks``). Stopping a server's glusterd stops its brick processes
    and, on Debian (KillMode=control-group), the rebalance process migrating files on it: the task fails
    part way. A state other than completed, stopped or failed counts as running (unknown ones too)."""
    if not isinstance(info, dict) or not isinstance(info.get('volumes', []), list):
        raise AnsibleFilterError('gluster_upgrade_running_tasks expects a gluster_info result, got %r' % (info,))
    running = []
    for volume in info.get('volumes') or ():
        for task in volume.get('tasks') or ():
            status = (task.get('status') or '').strip()
            if status.lower() not in TASK_FINISHED:
                bricks = ' (%s)' % task['bricks'] if task.get('bricks') else ''
                running.append('volume %s: %s %s%s' % (volume.get('name'), task.get('type') or 'a task',
                                                       status or 'in an unknown state', bricks))
    return running


class FilterModule(object):
    def filters(self):
        return {
            'gluster_upgrade_cksum_problems': gluster_upgrade_cksum_problems,
            'gluster_upgrade_pool_views': gluster_upgrade_pool_views,
            'gluster_upgrade_op_version': gluster_upgrade_op_version,
            'gluster_upgrade_running_tasks': gluster_upgrade_running_tasks,
        }
