# -*- coding: utf-8 -*-
# Copyright: glusterdock developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Parse gluster CLI XML (the <cliOutput> element) into plain data.

Formats: cli/src/cli-xml-output.c and heal/src/glfs-heal.c in the GlusterFS sources; every
parser is tested on replies captured from real GlusterFS 10 and 11 servers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Optional

# glusterd's errno for "Volume does not exist" (EG_NOVOL).
NO_SUCH_VOLUME_ERRNO = 30806
PEER_IN_CLUSTER = 3
VOLUME_STATUS_NAMES = {0: 'created', 1: 'started', 2: 'stopped'}
TRANSPORT_NAMES = {0: 'tcp', 1: 'rdma', 2: 'tcp,rdma'}
# gf_defrag_status_t: rebalance and remove-brick task states.
MIGRATION_NOT_STARTED = 0
MIGRATION_IN_PROGRESS = 1
MIGRATION_STOPPED = 2
MIGRATION_COMPLETED = 3
MIGRATION_FAILED = 4
# A fix-layout reports the same lifecycle as states 5-8 (gf_defrag_status_t: started, stopped,
# complete, failed): read as their migration equivalents, so one verdict judges both.
FIX_LAYOUT_STATES = {5: MIGRATION_IN_PROGRESS, 6: MIGRATION_STOPPED, 7: MIGRATION_COMPLETED, 8: MIGRATION_FAILED}


def _text(element, path, default=None):
    value = element.findtext(path)
    return value.strip() if value is not None else default


def _int(element, path, default=0):
    value = _text(element, path)
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def split_brick(brick):
    """'host:/path' -> ('host', '/path'); the host is everything before the last colon."""
    parts = brick.rpartition(':')
    return parts[0], parts[2]


@dataclass
class Peer:
    """A member of the trusted pool as one node sees it; ``is_self`` for that node itself."""
    uuid: str
    hostname: str
    hostnames: List[str]
    connected: bool
    state: Optional[int] = None
    state_name: Optional[str] = None
    is_self: bool = False

    @property
    def in_cluster(self):
        return self.is_self or (self.connected and self.state == PEER_IN_CLUSTER)


def parse_peers(root):
    """Peers from ``pool list --xml`` (includes the local node as localhost) or ``peer status --xml``."""
    peers = []
    for element in root.findall('peerStatus/peer'):
        hostname = _text(element, 'hostname', '')
        hostnames = [name.text.strip() for name in element.findall('hostnames/hostname') if name.text]
        if hostname and hostname not in hostnames:
            hostnames.insert(0, hostname)
        state = _text(element, 'state')
        peers.append(Peer(
            uuid=_text(element, 'uuid', ''),
            hostname=hostname,
            hostnames=hostnames,
            connected=_text(element, 'connected') == '1',
            state=int(state) if state is not None else None,
            state_name=_text(element, 'stateStr'),
            # Only pool list has the local node, without a state, named localhost.
            is_self=hostname == 'localhost' and state is None,
        ))
    return peers


@dataclass
class Brick:
    """A brick of a volume, in the order the volume was built (which defines its sets)."""
    name: str
    host_uuid: str = ''
    is_arbiter: bool = False

    @property
    def host(self):
        return split_brick(self.name)[0]

    @property
    def path(self):
        return split_brick(self.name)[1]


@dataclass
class Volume:
    """What ``volume info --xml`` says of one volume."""
    name: str
    id: str
    status: str
    type_name: str
    brick_count: int
    replica_count: int
    arbiter_count: int
    disperse_count: int
    redundancy_count: int
    transport: str
    bricks: List[Brick] = field(default_factory=list)
    options: Dict[str, str] = field(default_factory=dict)

    @property
    def started(self):
        return self.status == 'started'

    @property
    def set_size(self):
        """Bricks per replica or disperse set (1 for plain distribute)."""
        return self.disperse_count or self.replica_count or 1

    @property
    def distribute_count(self):
        """How many sets the volume distributes files over. Computed, because the XML's
        distCount meant bricks per set before GlusterFS 8 and sets after."""
        return self.brick_count // self.set_size if self.set_size else self.brick_count


def parse_volume_info(root):
    """name -> Volume from ``volume info [NAME] --xml``."""
    volumes = {}
    for element in root.findall('volInfo/volumes/volume'):
        volume = Volume(
            name=_text(element, 'name', ''),
            id=_text(element, 'id', ''),
            status=VOLUME_STATUS_NAMES.get(_int(element, 'status', -1), 'unknown'),
            type_name=_text(element, 'typeStr', ''),
            brick_count=_int(element, 'brickCount'),
            replica_count=_int(element, 'replicaCount', 1),
            arbiter_count=_int(element, 'arbiterCount'),
            disperse_count=_int(element, 'disperseCount'),
            redundancy_count=_int(element, 'redundancyCount'),
            transport=TRANSPORT_NAMES.get(_int(element, 'transport'), 'tcp'),
        )
        # A volume that is not replicated reports replicaCount 1.
        if volume.replica_count <= 1:
            volume.replica_count = 0
        for brick in element.findall('bricks/brick'):
            volume.bricks.append(Brick(
                name=_text(brick, 'name', ''),
                host_uuid=_text(brick, 'hostUuid', brick.get('uuid', '')),
                is_arbiter=_text(brick, 'isArbiter') == '1',
            ))
        for option in element.findall('options/option'):
            volume.options[_text(option, 'name', '')] = _text(option, 'value', '')
        volumes[volume.name] = volume
    return volumes


DEFAULT_SUFFIX = ' (DEFAULT)'


@dataclass
class OptionValue:
    """One row of ``volume get``: the effective value, and whether it is only the default."""
    value: str
    is_default: bool


def parse_volume_get(root):
    """key -> OptionValue from ``volume get NAME all|KEY --xml`` (full keys)."""
    options = {}
    for element in root.findall('volGetopts/Opt'):
        value = element.findtext('Value') or ''
        is_default = value.endswith(DEFAULT_SUFFIX)
        if is_default:
            value = value[:-len(DEFAULT_SUFFIX)]
        options[_text(element, 'Option', '')] = OptionValue(value.strip(), is_default)
    return options


@dataclass
class BrickStatus:
    """A brick process as ``volume status`` reports it."""
    name: str
    peer_uuid: str
    online: bool
    port: Optional[int]
    pid: Optional[int]
    clients: List[str] = field(default_factory=list)
    # ``volume status NAME clients`` only: the brick's <clientCount>, None when absent or not a number.
    client_count: Optional[int] = None


@dataclass
class VolumeStatus:
    """``volume status NAME [clients] --xml``: brick processes, daemons and running tasks."""
    name: str
    bricks: List[BrickStatus] = field(default_factory=list)
    daemons: List[BrickStatus] = field(default_factory=list)
    tasks: List[Dict[str, str]] = field(default_factory=list)

    @property
    def clients(self):
        """Distinct client addresses (without port) connected to any brick."""
        addresses = set()
        for brick in self.bricks:
            addresses.update(client.rpartition(':')[0] or client for client in brick.clients)
        return sorted(addresses)


def parse_volume_status(root):
    """VolumeStatus of the first volume in a ``volume status`` reply."""
    element = root.find('volStatus/volumes/volume')
    return None if element is None else _volume_status(element)


def parse_volume_statuses(root):
    """VolumeStatus of every volume in a ``volume status all`` reply (started volumes only)."""
    return [_volume_status(element) for element in root.findall('volStatus/volumes/volume')]


def _volume_status(element):
    status = VolumeStatus(name=_text(element, 'volName', ''))
    for node in element.findall('node'):
        hostname = _text(node, 'hostname', '')
        path = _text(node, 'path', '')
        port = _text(node, 'ports/tcp') or _text(node, 'port')
        pid = _int(node, 'pid', -1)
        client_count = _int(node, 'clientsStatus/clientCount', None)
        entry = BrickStatus(
            name='%s:%s' % (hostname, path) if path.startswith('/') else '%s on %s' % (hostname, path),
            peer_uuid=_text(node, 'peerid', ''),
            online=_text(node, 'status') == '1',
            port=int(port) if port and port.isdigit() else None,
            pid=pid if pid > 0 else None,
            clients=[_text(client, 'hostname', '') for client in node.findall('clientsStatus/client')],
            client_count=client_count,
        )
        # Daemons (Self-heal Daemon, ...) carry the peer's name where bricks carry a path.
        (status.bricks if path.startswith('/') else status.daemons).append(entry)
    for task in element.findall('tasks/task'):
        status.tasks.append({
            'type': _text(task, 'type', ''),
            'id': _text(task, 'id', ''),
            'status': _text(task, 'statusStr', ''),
            'bricks': ' '.join(_text(brick, '.', '') for brick in task.findall('params/brick')),
        })
    return status


# A brick of a heal summary answers 'Connected'; any other status is why it could not be asked.
HEAL_CONNECTED = 'Connected'
# glfs-heal.c runs the count of a brick it failed on into the status text:
# 'Failed to process entries completely. (<strerror>)totalNumberOfEntries<n>'.
HEAL_STATUS_COUNT = 'totalNumberOfEntries'


@dataclass
class BrickHeal:
    """One brick of ``volume heal VOL info summary --xml`` (or of ``info --xml``, which gives only
    the total).

    glfs-heal.c counts each entry of the brick's heal index once, as heal-pending, split-brain or
    possibly-healing (locked now: being healed, or written to), and ``total`` is their sum. A
    count is None when the brick could not be asked (``status`` then says why) or gave none:
    unknown is never zero."""
    name: str
    connected: bool
    status: str = ''
    total: Optional[int] = None
    pending: Optional[int] = None
    split_brain: Optional[int] = None
    possibly_healing: Optional[int] = None
    host_uuid: str = ''

    @property
    def unhealed(self):
        """Entries not known to be in sync on this brick: gluster's total, never less than the sum
        of its parts; None when the brick gave no total."""
        if self.total is None:
            return None
        return max(self.total, sum(count or 0 for count in (self.pending, self.split_brain, self.possibly_healing)))

    @property
    def clean(self):
        """Connected, and every count known and zero: nothing to heal on this brick."""
        return self.connected and self.unhealed == 0


def _heal_count(element, path):
    """A count, or None for one gluster did not give ('-' for a brick it could not ask)."""
    text = _text(element, path, '')
    return int(text) if text.isdigit() else None


def parse_heal_info(root):
    """[BrickHeal] in the reply's order, from ``volume heal NAME info summary --xml`` (every count)
    or ``volume heal NAME info --xml`` (the total only, as numberOfEntries)."""
    bricks = []
    for element in root.findall('healInfo/bricks/brick'):
        status = _text(element, 'status', '')
        connected = status == HEAL_CONNECTED
        total = _heal_count(element, 'totalNumberOfEntries')
        if total is None and element.find('totalNumberOfEntries') is None:
            total = _heal_count(element, 'numberOfEntries')
        host_uuid = element.get('hostUuid', '') or ''
        bricks.append(BrickHeal(
            name=_text(element, 'name', ''),
            connected=connected,
            status=status if connected else status.split(HEAL_STATUS_COUNT, 1)[0].strip(),
            # Counts of a brick that is not connected are gluster's partial tally, not the brick's state.
            total=total if connected else None,
            pending=_heal_count(element, 'numberOfEntriesInHealPending') if connected else None,
            split_brain=_heal_count(element, 'numberOfEntriesInSplitBrain') if connected else None,
            possibly_healing=_heal_count(element, 'numberOfEntriesPossiblyHealing') if connected else None,
            host_uuid='' if host_uuid == '-' else host_uuid,
        ))
    return bricks


@dataclass
class MigrationProgress:
    """Progress of a rebalance or remove-brick task on one node, or in aggregate.

    ``failures`` and ``skipped`` are None when the reply does not give them (unknown is not
    zero); ``node_id`` is the node's peer UUID (``<id>``), '' for the aggregate.
    """
    node: str
    files: int
    size: int
    lookups: int
    failures: Optional[int]
    skipped: Optional[int]
    status: int
    status_name: str
    runtime: float
    node_id: str = ''
    # A fix-layout (states 5-8) lays out directories and moves no file.
    fix_layout: bool = False

    @property
    def completed_cleanly(self):
        return self.status == MIGRATION_COMPLETED and self.failures == 0 and self.skipped == 0


@dataclass
class MigrationStatus:
    """``rebalance NAME status --xml`` or ``remove-brick NAME BRICKS status --xml``."""
    task_id: str
    nodes: List[MigrationProgress]
    aggregate: Optional[MigrationProgress]

    @property
    def fix_layout(self):
        """True when the task is a fix-layout, not a rebalance that moves files."""
        return any(row.fix_layout for row in self.nodes + ([self.aggregate] if self.aggregate else []))


def _progress(element, node_name):
    try:
        runtime = float(_text(element, 'runtime', '0'))
    except ValueError:
        runtime = 0.0
    return MigrationProgress(
        node=node_name,
        files=_int(element, 'files'),
        size=_int(element, 'size'),
        lookups=_int(element, 'lookups'),
        failures=_int(element, 'failures', None),
        skipped=_int(element, 'skipped', None),
        status=FIX_LAYOUT_STATES.get(_int(element, 'status', -1), _int(element, 'status', -1)),
        status_name=_text(element, 'statusStr', ''),
        runtime=runtime,
        node_id=_text(element, 'id', ''),
        fix_layout=_int(element, 'status', -1) in FIX_LAYOUT_STATES,
    )


def parse_migration_status(root):
    """MigrationStatus from a rebalance or remove-brick status reply."""
    element = root.find('volRemoveBrick')
    if element is None:
        element = root.find('volRebalance')
    if element is None:
        return None
    aggregate = element.find('aggregate')
    return MigrationStatus(
        task_id=_text(element, 'task-id', ''),
        nodes=[_progress(node, _text(node, 'nodeName', '')) for node in element.findall('node')],
        aggregate=_progress(aggregate, 'aggregate') if aggregate is not None else None,
    )
