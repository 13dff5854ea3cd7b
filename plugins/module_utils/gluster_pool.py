# -*- coding: utf-8 -*-
# Copyright: glusterdock developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The trusted storage pool: which member a name means, what to probe or detach, when it settled.

Pure of Ansible: name resolution, the local host names, the clock and sleep are passed in, so
everything here is unit-tested with pool lists captured from real servers.
"""

from __future__ import annotations

import ipaddress
import re
import time

from ansible_collections.glusterdock.storage.plugins.module_utils.errors import StateError
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_plan import Plan, Step
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_wait import delays

# glusterd's "Peer Rejected" friend state: the peer's volume configuration conflicts with the
# pool's. It does not heal by waiting, so waiting stops at once.
PEER_REJECTED = 6
# opErrno of a successful probe that changed nothing (gf_cli_probe_errno: localhost, already friend).
PROBE_NOT_NEEDED_ERRNOS = (1, 2)
# Names that mean the local machine: other peers could not reach this node by them.
LOOPBACK_NAMES = frozenset(('localhost', 'localhost.localdomain', 'localhost4', 'localhost6',
                            'ip6-localhost', 'ip6-loopback'))
HOSTNAME_LABEL = re.compile(r'^[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?$')
UUID = re.compile(r'^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$', re.IGNORECASE)


class PoolError(StateError):
    """The request cannot be carried out safely from the pool as it is; nothing was run."""


class PoolNotSettled(Exception):
    """Waiting ended before every desired node was a connected 'Peer in Cluster'."""

    def __init__(self, message, pool):
        super().__init__(message)
        self.pool = pool


def node_name_problem(name):
    """Why ``name`` cannot name a peer (a short phrase), or None when it can.

    Accepts host names, IPv4/IPv6 addresses and peer UUIDs. Loopback names are refused
    because gluster either refuses them or records a name the other peers cannot reach.
    """
    if not isinstance(name, str) or not name:
        return 'is empty'
    if any(character.isspace() for character in name):
        return 'contains whitespace or a line break'
    if name.startswith('-'):
        return 'starts with "-", which gluster would read as an option'
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        address = None
    if address is not None:
        if address.is_loopback or address.is_unspecified:
            return 'is a loopback address; name the node so that the other peers can reach it'
        return None
    if _normalize(name) in LOOPBACK_NAMES:
        return 'means the local machine; name the node so that the other peers can reach it'
    labels = name[:-1].split('.') if name.endswith('.') else name.split('.')
    if len(name) > 253 or not all(HOSTNAME_LABEL.match(label) for label in labels):
        return 'is not a host name, an IP address or a peer UUID'
    return None


def validate_nodes(names):
    """One message per unusable node name; empty when every name is usable."""
    problems = []
    for name in names:
        problem = node_name_problem(name)
        if problem:
            problems.append('%r %s' % (name, problem))
    return problems


def _normalize(name):
    return name.strip().rstrip('.').lower()


class Pool:
    """The pool as one node sees it (``pool list``), able to find the member any name means.

    ``local_names``: the names of the node itself (a list, or a function returning one, called
    only when needed). ``resolve``: name -> set of addresses, used only when no name or UUID
    matches literally, so that a member is found under an address or another alias.
    """

    def __init__(self, peers, local_names=(), resolve=None):
        self.peers = list(peers)
        self._local_names = local_names
        self._resolve = resolve

    @property
    def local_names(self):
        if callable(self._local_names):
            self._local_names = list(self._local_names())
        return self._local_names

    def names_of(self, peer):
        """Every name ``peer`` is known by here (the local names for the node itself)."""
        names = [name for name in peer.hostnames if _normalize(name) != 'localhost']
        if peer.is_self:
            names.extend(self.local_names)
        return names

    def addresses(self, name):
        """The addresses ``name`` resolves to, without loopback ones (they identify no peer)."""
        if self._resolve is None:
            return frozenset()
        result = set()
        for address in self._resolve(name) or ():
            try:
                if ipaddress.ip_address(address.split('%')[0]).is_loopback:
                    continue
            except ValueError:
                continue
            result.add(address)
        return frozenset(result)

    def find(self, name):
        """The member ``name`` means (by UUID, host name, then resolved address), or None."""
        wanted = _normalize(name)
        for peer in self.peers:
            if wanted == peer.uuid.lower() or wanted in (_normalize(known) for known in self.names_of(peer)):
                return peer
        addresses = self.addresses(name)
        if addresses:
            for peer in self.peers:
                if any(addresses & self.addresses(known) for known in self.names_of(peer)):
                    return peer
        return None

    def same_host(self, name, other):
        """True when two names that are not members mean the same machine."""
        return _normalize(name) == _normalize(other) or bool(self.addresses(name) & self.addresses(other))

    def to_probe(self, nodes):
        """The names to probe so that every node is a member: one per machine not yet in the pool."""
        probes = []
        for name in nodes:
            if self.find(name) is not None or any(self.same_host(name, planned) for planned in probes):
                continue
            if UUID.match(name):
                raise PoolError('%s looks like a peer UUID, but no pool member has it: name new peers '
                                'by host name or address' % name)
            probes.append(name)
        return probes

    def to_detach(self, nodes):
        """The members to detach so that no node is a member (each once)."""
        peers = []
        for name in nodes:
            peer = self.find(name)
            if peer is None or peer in peers:
                continue
            if peer.is_self:
                raise PoolError('%s is the node running this task, which cannot detach itself: run the task '
                                'on another member of the pool' % name)
            peers.append(peer)
        return peers

    def unsettled(self, nodes):
        """One line per node that is not yet a connected 'Peer in Cluster'; empty when settled."""
        problems = []
        seen = []
        for name in nodes:
            peer = self.find(name)
            if peer is None:
                problems.append('%s: not in the pool' % name)
            elif peer not in seen:
                seen.append(peer)
                if not peer.in_cluster:
                    problems.append('%s: %s' % (name, describe_state(peer)))
        return problems

    def rejected(self, nodes):
        """The nodes whose peer is in the 'Peer Rejected' state."""
        return [name for name in nodes if getattr(self.find(name), 'state', None) == PEER_REJECTED]

    def member_names(self):
        """Sorted names of the members: gluster's name for each peer, a local name for this node."""
        names = []
        for peer in self.peers:
            if peer.is_self:
                names.append(self.local_names[0] if self.local_names else peer.hostname)
            else:
                names.append(peer.hostname)
        return sorted(names)


def describe_state(peer):
    """A peer's state as ``peer status`` prints it, e.g. 'Peer in Cluster (Disconnected)'."""
    state = peer.state_name or ('state %s' % peer.state)
    return '%s (%s)' % (state, 'Connected' if peer.connected else 'Disconnected')


def detach_arguments(peer, force=False):
    """``peer detach`` by the name gluster itself lists the peer under; ``force`` only if asked."""
    return ['peer', 'detach', peer.hostname] + (['force'] if force else [])


def plan_probes(pool, nodes):
    """A Plan with one ``peer probe`` per machine of ``nodes`` not yet in ``pool``; a re-read of
    the pool that lists the name proves a probe done. The diff is the member names."""
    probes = pool.to_probe(nodes)
    before = pool.member_names()
    steps = [Step(['peer', 'probe', name], what='probe %s' % name,
                  done=lambda pool, name=name: pool.find(name) is not None) for name in probes]
    return Plan(steps=steps, before={'peers': before}, after={'peers': sorted(before + probes)})


def plan_detaches(pool, peers, volumes, force=False):
    """A Plan with one ``peer detach`` per member of ``peers`` (from ``Pool.to_detach``); a re-read
    of the pool without the peer's UUID proves a detach done. Raises PoolError, before any step,
    when a peer hosts a brick of ``volumes``."""
    refusal = detach_refusal(volumes, peers, pool)
    if refusal:
        raise PoolError(refusal)
    before = pool.member_names()
    detached = set(peer.hostname for peer in peers)
    steps = [Step(detach_arguments(peer, force), what='detach %s' % peer.hostname,
                  done=lambda pool, uuid=peer.uuid: pool.find(uuid) is None) for peer in peers]
    return Plan(steps=steps, before={'peers': before},
                after={'peers': [name for name in before if name not in detached]})


def detach_refusal(volumes, peers, pool):
    """Why detaching ``peers`` is refused (they host bricks of ``volumes``), or None.

    A brick belongs to a peer by its hostUuid, or by its host name when the XML has no UUID.
    """
    lines = []
    for peer in peers:
        hosted = []
        for volume in sorted(volumes.values(), key=lambda volume: volume.name):
            bricks = [brick.name for brick in volume.bricks
                      if brick.host_uuid == peer.uuid or (not brick.host_uuid and pool.find(brick.host) is peer)]
            if bricks:
                hosted.append('volume %s (%s)' % (volume.name, ', '.join(bricks)))
        if hosted:
            lines.append('%s hosts bricks of %s' % (peer.hostname, '; '.join(hosted)))
    if not lines:
        return None
    return ('refusing to detach: %s. Move the bricks off with replace-brick or remove-brick first; '
            'nothing was changed' % '. '.join(lines))


def wait_until_settled(read_pool, nodes, timeout, pool=None, sleep=time.sleep, clock=time.monotonic,
                       first_delay=0.25, max_delay=2.0):
    """Poll the pool until every node is a connected 'Peer in Cluster'; return the last Pool.

    ``read_pool()`` reads the pool again. ``pool`` is the state already known: when it is
    settled, nothing is read. Polls back off from ``first_delay`` to ``max_delay`` seconds.
    Raises PoolNotSettled with the last seen states after ``timeout`` seconds, or at once
    when a peer is rejected.
    """
    deadline = clock() + timeout
    pauses = delays(first_delay, max_delay, factor=2)
    if pool is None:
        pool = read_pool()
    while True:
        problems = pool.unsettled(nodes)
        if not problems:
            return pool
        rejected = pool.rejected(nodes)
        if rejected:
            raise PoolNotSettled('%s rejected by the pool (its volume configuration conflicts with the '
                                 'pool\'s): %s' % (', '.join(rejected), '; '.join(problems)), pool)
        remaining = deadline - clock()
        if remaining <= 0:
            raise PoolNotSettled('the pool did not settle within %s seconds: %s'
                                 % (timeout, '; '.join(problems)), pool)
        sleep(min(next(pauses), remaining))
        pool = read_pool()
