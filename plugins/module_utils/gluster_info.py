# -*- coding: utf-8 -*-
# Copyright: glusterdock developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The read side: a pool's health from gluster's XML, as facts and plain sentences.

Pure: parsers of the replies gluster_info reads and the judgement of what is wrong. Which
replies are read is decided by ``reads_for`` from the subsets asked for, so a caller pays only for
what it reads, and the number of reads does not grow with the number of bricks: one
``volume status all`` (processes, daemons, tasks), one ``volume status all detail`` (space), one
``volume status all clients``, and per replicated or dispersed volume one heal summary (plus the
split-brain list only when the summary counts split-brain entries).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from typing import Dict, List, Optional

from ansible_collections.glusterdock.storage.plugins.module_utils.errors import GlusterdockError, RequestError
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_cli import GlusterCommandError
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_quota import read_quota
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_xml import (
    PEER_IN_CLUSTER,
    parse_heal_info,
    parse_peers,
    parse_volume_get,
    parse_volume_info,
    parse_volume_statuses,
    split_brick,
)
from ansible_collections.glusterdock.storage.plugins.module_utils.x509_certificate import certificates_or_error

SUBSETS = ('pool', 'volumes', 'status', 'heal', 'quota', 'clients', 'tls')
VOLUME_SUBSETS = frozenset(('status', 'heal', 'quota', 'clients'))
DEFAULT_FULL_PERCENT = 90
DEFAULT_SPLIT_BRAIN_FILES = 100
DEFAULT_TLS_EXPIRY_WARNING_DAYS = 30
# Every GlusterFS process turns management encryption on when this file exists.
SECURE_ACCESS = '/var/lib/glusterd/secure-access'
TLS_CERTIFICATE, TLS_PRIVATE_KEY, TLS_CA = 'glusterfs.pem', 'glusterfs.key', 'glusterfs.ca'
# The socket transport names the certificate file it opens (Debian 13 patches it to /etc/ssl).
TRANSPORT_CERTIFICATE_PATH = re.compile(rb'/[A-Za-z0-9_./-]*/glusterfs[.]pem')
GFID_PREFIX = '<gfid:'
# volume status names daemons '<daemon> on <host>'.
SELF_HEAL_DAEMON = 'Self-heal Daemon'


@dataclass
class InfoRequest:
    """gluster_info's arguments, validated before any gluster call."""
    subsets: List[str]
    volumes: Optional[List[str]]
    full_percent: int = DEFAULT_FULL_PERCENT
    split_brain_files: int = DEFAULT_SPLIT_BRAIN_FILES
    tls_directory: Optional[str] = None
    tls_expiry_warning_days: int = DEFAULT_TLS_EXPIRY_WARNING_DAYS

    def wants(self, subset):
        return subset in self.subsets


def parse_info_request(params, validate_volume_name):
    """InfoRequest from the module's parameters; RequestError names the argument that is wrong.

    The subsets about volumes need their definitions (which bricks a volume has, which volumes are
    replicated or have quota on), so they bring ``volumes`` (one ``volume info``) with them.
    """
    asked = list(params.get('gather_subset') or ['all'])
    unknown = [subset for subset in asked if subset not in SUBSETS + ('all',)]
    if unknown:
        raise RequestError('%s: unknown; choose from all, %s' % (', '.join(unknown), ', '.join(SUBSETS)),
                           'gather_subset')
    wanted = set(SUBSETS) if 'all' in asked else set(asked)
    if wanted & VOLUME_SUBSETS:
        wanted.add('volumes')
    subsets = [subset for subset in SUBSETS if subset in wanted]
    names = params.get('volumes')
    if names is not None:
        for name in names:
            try:
                validate_volume_name(name)
            except GlusterdockError as error:
                raise error.about('volumes') from None
        names = sorted(set(names))
    full_percent = params.get('full_percent', DEFAULT_FULL_PERCENT)
    if not 1 <= full_percent <= 100:
        raise RequestError('%d is not a percentage from 1 to 100' % full_percent, 'full_percent')
    files = params.get('split_brain_files', DEFAULT_SPLIT_BRAIN_FILES)
    if files < 0:
        raise RequestError('%d is negative; 0 lists no file (the count stays)' % files, 'split_brain_files')
    tls_directory = params.get('tls_directory')
    if tls_directory is not None and not tls_directory.startswith('/'):
        raise RequestError('%r is not an absolute path' % tls_directory, 'tls_directory')
    warning_days = params.get('tls_expiry_warning_days', DEFAULT_TLS_EXPIRY_WARNING_DAYS)
    if warning_days < 0:
        raise RequestError('%d is negative; 0 makes only an expired certificate a problem' % warning_days,
                           'tls_expiry_warning_days')
    return InfoRequest(subsets=subsets, volumes=names, full_percent=full_percent, split_brain_files=files,
                       tls_directory=tls_directory.rstrip('/') or '/' if tls_directory else None,
                       tls_expiry_warning_days=warning_days)


# ---- parsers -----------------------------------------------------------------------------------

def _text(element, path, default=''):
    found = element.find(path)
    if found is None or found.text is None:
        return default
    return found.text.strip()


def _count(element, path):
    """A non-negative count, or None when gluster gave none (a brick it could not ask shows '-')."""
    text = _text(element, path)
    return int(text) if text.isdigit() else None


@dataclass
class BrickSpace:
    """One brick's file system as ``volume status all detail`` reports it."""
    name: str
    online: bool
    size_total: Optional[int]
    size_free: Optional[int]
    inodes_total: Optional[int]
    inodes_free: Optional[int]
    file_system: str = ''
    device: str = ''

    @property
    def used_percent(self):
        return _used_percent(self.size_total, self.size_free)

    @property
    def inodes_used_percent(self):
        return _used_percent(self.inodes_total, self.inodes_free)


def _used_percent(total, free):
    if not total or free is None:
        return None
    return round(100.0 * (total - free) / total, 1)


def parse_status_detail(root):
    """volume name -> [BrickSpace] from ``volume status all detail --xml`` (started volumes)."""
    volumes = {}
    for volume in root.findall('volStatus/volumes/volume'):
        bricks = []
        for node in volume.findall('node'):
            path = _text(node, 'path')
            if not path.startswith('/'):
                continue
            # GlusterFS 10 writes the file system's name in <inodeSize> on some builds; 11 in <fsName>.
            inode_size = _text(node, 'inodeSize')
            file_system = _text(node, 'fsName') or ('' if inode_size.isdigit() else inode_size)
            bricks.append(BrickSpace(
                name='%s:%s' % (_text(node, 'hostname'), path),
                online=_text(node, 'status') == '1',
                size_total=_count(node, 'sizeTotal'),
                size_free=_count(node, 'sizeFree'),
                inodes_total=_count(node, 'inodesTotal'),
                inodes_free=_count(node, 'inodesFree'),
                file_system=file_system,
                device=_text(node, 'device'),
            ))
        volumes[_text(volume, 'volName')] = bricks
    return volumes


@dataclass
class SplitBrain:
    """Files in split-brain: ``count`` distinct entries (by gfid), ``files`` the first ones by
    path where any brick gave the path, else as <gfid:...>."""
    count: int
    files: List[str] = field(default_factory=list)


def parse_split_brain(root, limit=DEFAULT_SPLIT_BRAIN_FILES):
    """SplitBrain from ``volume heal VOL info split-brain --xml``. Each brick lists the entries it
    blames; one brick may know only the gfid where another knows the path."""
    names = {}
    for element in root.findall('healInfo/bricks/brick/file'):
        text = (element.text or '').strip()
        gfid = element.get('gfid') or text
        if gfid not in names or (names[gfid].startswith(GFID_PREFIX) and not text.startswith(GFID_PREFIX)):
            names[gfid] = text
    files = sorted(names.values())
    return SplitBrain(count=len(files), files=files[:limit])


@dataclass
class Client:
    """A client process connected to a volume's bricks (its address, without the port)."""
    address: str
    op_version: Optional[int]


def parse_clients(root):
    """volume name -> [Client] from ``volume status all clients --xml``: distinct addresses over
    every brick (a mount connects to each brick; the self-heal daemons count too). Several
    clients can share an address (a server's self-heal daemon and a FUSE mount on it, two mounts
    on one Docker host): each address keeps its LOWEST op-version, an unknown one (None) lowest of
    all, since what the cluster op-version may reach is decided by the oldest client."""
    volumes = {}
    for volume in root.findall('volStatus/volumes/volume'):
        seen = {}
        for client in volume.findall('node/clientsStatus/client'):
            address = _text(client, 'hostname').rpartition(':')[0] or _text(client, 'hostname')
            version = _count(client, 'opVersion')
            if address not in seen:
                seen[address] = version
            elif seen[address] is not None:
                seen[address] = None if version is None else min(seen[address], version)
        volumes[_text(volume, 'volName')] = [Client(address, version) for address, version in sorted(seen.items())]
    return volumes


def op_versions(options):
    """(cluster.op-version, cluster.max-op-version) as ints from ``volume get all all`` options
    (parse_volume_get's result); None for one gluster did not give."""
    def number(key):
        value = options.get(key)
        return int(value.value) if value is not None and value.value.isdigit() else None
    return number('cluster.op-version'), number('cluster.max-op-version')


# ---- judgement ---------------------------------------------------------------------------------

@dataclass
class PoolFacts:
    """What was read, by subset; None for a subset not read."""
    peers: Optional[list] = None
    op_version: Optional[int] = None
    max_op_version: Optional[int] = None
    volumes: Optional[dict] = None            # name -> gluster_xml.Volume
    missing_volumes: List[str] = field(default_factory=list)
    statuses: Optional[dict] = None           # name -> gluster_xml.VolumeStatus (started volumes)
    space: Optional[dict] = None              # name -> [BrickSpace]
    heal: Dict[str, list] = field(default_factory=dict)           # name -> [gluster_xml.BrickHeal]
    split_brain: Dict[str, SplitBrain] = field(default_factory=dict)
    quota: Dict[str, object] = field(default_factory=dict)        # name -> gluster_quota.QuotaState
    clients: Optional[dict] = None            # name -> [Client]
    tls: Optional['TlsFacts'] = None
    read_errors: List[str] = field(default_factory=list)


def heals(volume):
    """Whether a volume has copies to heal (replicated or dispersed), so heal info means something."""
    return bool(volume.replica_count or volume.disperse_count)


def problems(facts, full_percent=DEFAULT_FULL_PERCENT, tls_expiry_warning_days=DEFAULT_TLS_EXPIRY_WARNING_DAYS):
    """One plain sentence per thing that is wrong, in a stable order: peers, bricks, daemons,
    heal, split-brain, space, quota, TLS certificates, then reads that failed (a health check
    fails closed)."""
    found = []
    for peer in facts.peers or ():
        if peer.is_self:
            continue
        if not peer.connected:
            found.append('peer %s is disconnected' % peer.hostname)
        elif peer.state is not None and peer.state != PEER_IN_CLUSTER:
            # Connected is not enough: a "Peer Rejected" peer (its volume configuration differs
            # from this node's, as after a 10 -> 11 upgrade) takes part in no volume change.
            found.append('peer %s is connected but in state "%s", not "Peer in Cluster"'
                         % (peer.hostname, peer.state_name or peer.state))
    statuses = facts.statuses
    for name, volume in sorted((facts.volumes or {}).items()):
        if not volume.started:
            continue
        status = statuses.get(name) if statuses is not None else None
        offline = set()
        if statuses is not None:
            online = dict((brick.name, brick.online) for brick in status.bricks) if status else {}
            for brick in volume.bricks:
                if not online.get(brick.name):
                    offline.add(brick.name)
                    found.append('brick %s of volume %s offline' % (brick.name, name))
            if heals(volume) and status is not None:
                daemons = dict((daemon.peer_uuid, daemon.online) for daemon in status.daemons
                               if daemon.name.startswith(SELF_HEAL_DAEMON))
                hosts = sorted(set((split_brick(brick.name)[0], brick.host_uuid) for brick in volume.bricks))
                for host, uuid in hosts:
                    if uuid in daemons and not daemons[uuid]:
                        found.append('self-heal daemon on %s offline (volume %s)' % (host, name))
        for brick in facts.heal.get(name, ()):
            if not brick.connected:
                if brick.name not in offline:
                    found.append('volume %s: heal state of %s unknown (%s)' % (name, brick.name, brick.status))
                continue
            if brick.unhealed is None:
                found.append('volume %s: heal state of %s unknown (it gave no count of entries)' % (name, brick.name))
            if brick.pending:
                found.append('volume %s: %d %s waiting for heal on %s' % (
                    name, brick.pending, 'entry' if brick.pending == 1 else 'entries', brick.name))
            if brick.possibly_healing:
                # Locked entries (being healed, or written to, now): not known to be in sync yet.
                found.append('volume %s: %d %s possibly healing on %s' % (
                    name, brick.possibly_healing, 'entry' if brick.possibly_healing == 1 else 'entries', brick.name))
            if brick.split_brain and name not in facts.split_brain:
                found.append('volume %s: %d %s in split-brain on %s' % (
                    name, brick.split_brain, 'entry' if brick.split_brain == 1 else 'entries', brick.name))
        split = facts.split_brain.get(name)
        if split is not None and split.count:
            found.append('volume %s: %d %s in split-brain%s' % (
                name, split.count, 'file' if split.count == 1 else 'files',
                ' (%s)' % ', '.join(split.files[:5]) if split.files else ''))
    for name in facts.missing_volumes:
        found.append('volume %s does not exist' % name)
    for name, bricks in sorted((facts.space or {}).items()):
        for brick in bricks:
            if brick.used_percent is not None and brick.used_percent >= full_percent:
                found.append('brick %s %d%% full' % (brick.name, brick.used_percent))
            if brick.inodes_used_percent is not None and brick.inodes_used_percent >= full_percent:
                found.append('brick %s: %d%% of its inodes used' % (brick.name, brick.inodes_used_percent))
    for name, state in sorted(facts.quota.items()):
        for path, limit in sorted(state.limits.items()):
            if limit.hard_limit_exceeded:
                found.append('volume %s: directory %s over its quota hard limit' % (name, path))
            elif limit.soft_limit_exceeded:
                found.append('volume %s: directory %s over its quota soft limit' % (name, path))
    found.extend(tls_problems(facts.tls, tls_expiry_warning_days))
    found.extend(facts.read_errors)
    return found


# ---- TLS certificates (files, not gluster calls) -----------------------------------------------

@dataclass
class TlsFile:
    """A file of certificates GlusterFS reads: its certificates in order (the host's own first, then
    any chain; or the CAs), or why they could not be read. ``exists`` False: there is no such file."""
    path: str
    exists: bool
    certificates: list = field(default_factory=list)   # [x509_certificate.Certificate]
    error: Optional[str] = None


@dataclass
class TlsFacts:
    """The TLS files of the node gluster_info ran on, read at ``now`` (UTC). ``directory`` None: it
    could not be told where the installed GlusterFS reads them."""
    node: str
    directory: Optional[str]
    management: bool
    now: datetime.datetime
    certificate: Optional[TlsFile] = None
    ca: Optional[TlsFile] = None
    private_key_exists: bool = False

    @property
    def enabled(self):
        """TLS is in use: management encryption is on, or any of the files is there (I/O encryption
        alone, per volume, needs them too)."""
        return self.management or self.private_key_exists or any(
            tls_file is not None and tls_file.exists for tls_file in (self.certificate, self.ca))


def tls_directory_from_transport(data):
    """The directory of glusterfs.pem that a GlusterFS socket transport (rpc-transport/socket.so,
    its bytes) opens, or None when it names none."""
    match = TRANSPORT_CERTIFICATE_PATH.search(data)
    return match.group(0).decode('ascii').rpartition('/')[0] if match else None


def read_tls(node, directory, exists, read, now):
    """TlsFacts of this node: ``exists(path)`` -> bool, ``read(path)`` -> bytes (OSError when it
    cannot), ``now`` an aware datetime. The private key is only looked for, never read."""
    facts = TlsFacts(node=node, directory=directory, management=exists(SECURE_ACCESS), now=now)
    if directory is None:
        return facts
    facts.certificate = _read_tls_file('%s/%s' % (directory.rstrip('/'), TLS_CERTIFICATE), exists, read)
    facts.ca = _read_tls_file('%s/%s' % (directory.rstrip('/'), TLS_CA), exists, read)
    facts.private_key_exists = exists('%s/%s' % (directory.rstrip('/'), TLS_PRIVATE_KEY))
    return facts


def _read_tls_file(path, exists, read):
    if not exists(path):
        return TlsFile(path, exists=False)
    try:
        data = read(path)
    except OSError as error:
        return TlsFile(path, exists=True, error=error.strerror or str(error))
    certificates, error = certificates_or_error(data)
    return TlsFile(path, exists=True, certificates=certificates, error=error)


def days_left(certificate, now):
    """Whole days until the certificate expires, rounded toward zero (negative once expired)."""
    seconds = (certificate.not_after - now).total_seconds()
    return int(seconds // 86400) if seconds >= 0 else -int(-seconds // 86400)


def _days(count):
    return 'less than a day' if count == 0 else '1 day' if count == 1 else '%d days' % count


def _certificate_problem(certificate, now, warning_days):
    """What is wrong with one certificate at ``now``, as the end of a sentence, or None."""
    if now < certificate.not_before:
        return 'is not valid before %s (is a clock wrong?)' % _iso(certificate.not_before)
    date = certificate.not_after.date().isoformat()
    if now >= certificate.not_after:
        return 'expired %s ago (%s)' % (_days(-days_left(certificate, now)), date)
    if certificate.not_after - now < datetime.timedelta(days=warning_days):
        return 'expires in %s (%s)' % (_days(days_left(certificate, now)), date)
    return None


def tls_problems(tls, warning_days=DEFAULT_TLS_EXPIRY_WARNING_DAYS):
    """Sentences about the node's TLS files: missing, unreadable, expired, expiring within
    ``warning_days``, not yet valid. [] when TLS is not in use."""
    if tls is None or not tls.enabled:
        return []
    if tls.directory is None:
        return ['TLS is in use on %s (%s exists) but where its GlusterFS reads %s could not be told: set tls_directory'
                % (tls.node, SECURE_ACCESS, TLS_CERTIFICATE)]
    found = []
    for what, tls_file in (('certificate', tls.certificate), ('CA certificate', tls.ca)):
        label = 'TLS %s %s of %s' % (what, tls_file.path, tls.node)
        if not tls_file.exists:
            found.append('%s is missing' % label)
        elif tls_file.error:
            found.append('%s could not be read: %s' % (label, tls_file.error))
        for number, certificate in enumerate(tls_file.certificates, 1):
            problem = _certificate_problem(certificate, tls.now, warning_days)
            if problem:
                # A chain's or a second CA's expiry breaks TLS as surely as the first's.
                name = label if number == 1 else '%s (certificate %d in it, %s)' % (
                    label, number, certificate.subject or 'no common name')
                found.append('%s %s' % (name, problem))
    if not tls.private_key_exists:
        found.append('TLS private key %s/%s of %s is missing' % (tls.directory.rstrip('/'), TLS_PRIVATE_KEY, tls.node))
    return found


def _iso(moment):
    return moment.astimezone(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')


def _certificate_to_dict(certificate, now):
    return {'subject': certificate.subject, 'issuer': certificate.issuer, 'not_before': _iso(certificate.not_before),
            'not_after': _iso(certificate.not_after), 'days_left': days_left(certificate, now),
            'expired': now >= certificate.not_after}


def _tls_file_to_dict(tls_file, now):
    if tls_file is None or not tls_file.exists:
        return None
    entry = {'path': tls_file.path, 'error': tls_file.error}
    if tls_file.certificates:
        entry.update(_certificate_to_dict(tls_file.certificates[0], now))
        entry['chain'] = [_certificate_to_dict(certificate, now) for certificate in tls_file.certificates[1:]]
    return entry


def tls_to_dict(tls):
    """gluster_info's ``tls``: where the files are, whether TLS is on, and what each certificate says."""
    return {'enabled': tls.enabled, 'node': tls.node, 'directory': tls.directory, 'management': tls.management,
            'certificate': _tls_file_to_dict(tls.certificate, tls.now), 'ca': _tls_file_to_dict(tls.ca, tls.now),
            'private_key_present': tls.private_key_exists}


# ---- reads -------------------------------------------------------------------------------------

def read_facts(cli, request):
    """PoolFacts for ``request`` through ``cli`` (GlusterCli; only reads). ``pool list`` and
    ``volume info`` failing raise GlusterCommandError (glusterd on this node does not answer: there
    is nothing to report); a later read that fails becomes a problem, so the report fails closed."""
    facts = PoolFacts()
    if request.wants('pool'):
        facts.peers = parse_peers(cli.read('pool', 'list'))
        try:
            facts.op_version, facts.max_op_version = op_versions(parse_volume_get(cli.read('volume', 'get', 'all',
                                                                                           'all')))
        except GlusterCommandError as error:
            facts.read_errors.append('the cluster op-version could not be read: %s' % error.detail)
    if not request.wants('volumes'):
        return facts
    every = parse_volume_info(cli.read('volume', 'info'))
    names = request.volumes if request.volumes is not None else sorted(every)
    facts.volumes = dict((name, every[name]) for name in names if name in every)
    facts.missing_volumes = [name for name in names if name not in every]
    started = [volume for _name, volume in sorted(facts.volumes.items()) if volume.started]
    if request.wants('status'):
        facts.statuses, facts.space = {}, {}
        if started:
            _read_into(facts, 'the volume status', lambda: facts.statuses.update(
                (status.name, status) for status in parse_volume_statuses(cli.read('volume', 'status', 'all'))))
            _read_into(facts, 'the brick space', lambda: facts.space.update(
                parse_status_detail(cli.read('volume', 'status', 'all', 'detail'))))
        facts.statuses = dict((name, status) for name, status in facts.statuses.items() if name in facts.volumes)
        facts.space = dict((name, bricks) for name, bricks in facts.space.items() if name in facts.volumes)
    if request.wants('heal'):
        for volume in started:
            if heals(volume):
                _read_heal(cli, facts, volume, request.split_brain_files)
    if request.wants('quota'):
        for volume in started:
            if volume.options.get('features.quota') == 'on':
                _read_into(facts, 'volume %s: the quota' % volume.name, lambda volume=volume: facts.quota.update(
                    {volume.name: read_quota(cli, volume.name, paths=[])}))
    if request.wants('clients'):
        facts.clients = {}
        if started:
            _read_into(facts, 'the clients', lambda: facts.clients.update(
                parse_clients(cli.read('volume', 'status', 'all', 'clients'))))
    return facts


def _read_into(facts, what, read):
    try:
        read()
    except GlusterCommandError as error:
        facts.read_errors.append('%s could not be read: %s' % (what, error.detail))


def _read_heal(cli, facts, volume, files_limit):
    def summary():
        facts.heal[volume.name] = parse_heal_info(cli.read('volume', 'heal', volume.name, 'info', 'summary'))
    _read_into(facts, 'volume %s: the heal state' % volume.name, summary)
    counted = [brick.split_brain for brick in facts.heal.get(volume.name, ()) if brick.split_brain]
    # Only replication has split-brain (a disperse set has no copies to disagree), and the list
    # is read only when the summary counts some: it walks every brick's index.
    if counted and volume.replica_count:
        _read_into(facts, 'volume %s: the split-brain files' % volume.name, lambda: facts.split_brain.update(
            {volume.name: parse_split_brain(cli.read('volume', 'heal', volume.name, 'info', 'split-brain'),
                                            files_limit)}))


# ---- report ------------------------------------------------------------------------------------

def _brick_to_dict(brick, status, space, heal):
    host, path = split_brick(brick.name)
    entry = {'name': brick.name, 'host': host, 'path': path, 'arbiter': brick.is_arbiter}
    if status is not None or space is not None:
        entry.update(online=bool(status and status.online), pid=status.pid if status else None,
                     port=status.port if status else None)
    if space is not None:
        entry.update(size_total=space.size_total, size_free=space.size_free, used_percent=space.used_percent,
                     inodes_total=space.inodes_total, inodes_free=space.inodes_free,
                     inodes_used_percent=space.inodes_used_percent, file_system=space.file_system,
                     device=space.device)
    if heal is not None:
        entry['heal'] = {'connected': heal.connected, 'status': heal.status, 'pending': heal.pending,
                         'split_brain': heal.split_brain, 'possibly_healing': heal.possibly_healing}
    return entry


def _volume_to_dict(volume, facts):
    name = volume.name
    status = (facts.statuses or {}).get(name)
    statuses = dict((brick.name, brick) for brick in status.bricks) if status else {}
    spaces = dict((brick.name, brick) for brick in (facts.space or {}).get(name, ()))
    heals_by_brick = dict((brick.name, brick) for brick in facts.heal.get(name, ()))
    entry = {
        'name': name, 'id': volume.id, 'status': volume.status, 'type': volume.type_name,
        'replica': volume.replica_count, 'arbiter': volume.arbiter_count, 'disperse': volume.disperse_count,
        'redundancy': volume.redundancy_count, 'options': dict(volume.options),
        'bricks': [_brick_to_dict(brick,
                                  statuses.get(brick.name) if facts.statuses is not None else None,
                                  spaces.get(brick.name) if facts.space is not None else None,
                                  heals_by_brick.get(brick.name) if name in facts.heal else None)
                   for brick in volume.bricks],
    }
    if facts.statuses is not None:
        entry['bricks_online'] = sum(1 for brick in volume.bricks if statuses.get(brick.name)
                                     and statuses[brick.name].online)
        entry['self_heal_daemons'] = [{'name': daemon.name.split(' on ', 1)[-1], 'peer_uuid': daemon.peer_uuid,
                                       'online': daemon.online}
                                      for daemon in (status.daemons if status else ())
                                      if daemon.name.startswith(SELF_HEAL_DAEMON)]
        entry['tasks'] = list(status.tasks) if status else []
    if name in facts.heal:
        counted = [brick for brick in facts.heal[name] if brick.connected]
        split = facts.split_brain.get(name)
        entry['heal'] = {
            'pending': sum(brick.pending or 0 for brick in counted),
            'split_brain': split.count if split else max([brick.split_brain or 0 for brick in counted] or [0]),
            'split_brain_files': split.files if split else [],
            'bricks_unknown': [brick.name for brick in facts.heal[name] if not brick.connected],
        }
    if name in facts.quota:
        state = facts.quota[name]
        entry['quota'] = {'enabled': state.enabled, 'complete': state.complete, 'limits': [
            {'path': limit.path, 'hard_limit': limit.hard_limit, 'soft_limit_percent': limit.soft_limit,
             'used': limit.used_space, 'available': limit.available_space,
             'soft_limit_exceeded': limit.soft_limit_exceeded, 'hard_limit_exceeded': limit.hard_limit_exceeded}
            for _path, limit in sorted(state.limits.items())]}
    if facts.clients is not None:
        entry['clients'] = [{'address': client.address, 'op_version': client.op_version}
                            for client in facts.clients.get(name, ())]
    return entry


def facts_to_dict(facts, request):
    """What gluster_info returns besides ``changed``: healthy, problems, and what was read."""
    found = problems(facts, request.full_percent, request.tls_expiry_warning_days)
    result = {'healthy': not found, 'problems': found, 'gathered': list(request.subsets)}
    if facts.peers is not None:
        result['pool'] = {
            'peers': [{'uuid': peer.uuid, 'hostname': peer.hostname, 'hostnames': list(peer.hostnames),
                       'connected': peer.connected, 'state': peer.state_name, 'self': peer.is_self}
                      for peer in facts.peers],
            'op_version': facts.op_version, 'max_op_version': facts.max_op_version,
        }
    if facts.volumes is not None:
        result['volumes'] = [_volume_to_dict(volume, facts) for _name, volume in sorted(facts.volumes.items())]
    if facts.tls is not None:
        result['tls'] = tls_to_dict(facts.tls)
    return result
