# -*- coding: utf-8 -*-
# Copyright: glusterdock developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Plan brick operations on one volume: add, remove with data migration, replace, reset, rebalance.

Pure: every function works from state already read and parsed (``volume info``, ``pool list``,
``volume status``, ``volume heal NAME info summary``, ``remove-brick``/``rebalance status``),
so the decisions that protect data are unit-tested on replies captured from real servers.
The sequences are those of SAFETY.md: a brick leaves a volume only through ``remove-brick
start``, a status that says completed with zero failures and zero skipped on every node, then
``commit``; anything else is stopped and reported. ``force`` appears only where gluster's own
syntax has it (``replace-brick ... commit force``, ``reset-brick ... commit force``) and for a
replica reduction the user opted into (gluster migrates nothing there and insists on force).
"""

from __future__ import annotations

import errno
import os
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_volume_plan import (
    VolumePlanError,
    brick_keys,
    peer_identity,
    plan_add_brick,
)
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_volume_spec import (
    VolumeSpecError,
    canonical_brick,
    parse_volume_spec,
    validate_volume_name,
)
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_xml import (
    MIGRATION_COMPLETED,
    MIGRATION_FAILED,
    MIGRATION_IN_PROGRESS,
    MIGRATION_NOT_STARTED,
    MIGRATION_STOPPED,
    split_brick,
)

STATES = ('present', 'absent', 'replaced', 'reset', 'rebalanced')
DEFAULT_TIMEOUT = 3600
# ``volume status`` task types and their states (statusStr).
TASK_REMOVE_BRICK = 'Remove brick'
TASK_REBALANCE = 'Rebalance'
TASK_RUNNING = ('in progress', 'not started')
# Verdicts on a migration (remove-brick or rebalance) status.
WAIT = 'wait'
CLEAN = 'clean'
FAILED = 'failed'


class BrickPlanError(VolumePlanError):
    """The request cannot be carried out safely from the volume's current state."""


@dataclass
class BrickRequest:
    """The module's arguments, validated and normalised before any gluster call."""
    volume: str
    state: str
    bricks: List[str] = field(default_factory=list)
    new_bricks: List[str] = field(default_factory=list)
    replica: Optional[int] = None
    arbiter: Optional[int] = None
    rebalance: bool = False
    allow_replica_reduction: bool = False
    allow_replica_two: bool = False
    wait_for_heal: bool = True
    timeout: int = DEFAULT_TIMEOUT
    offline_bricks_are_stale: bool = False


def _bricks(params, name):
    value = params.get(name)
    if value is None:
        return []
    if isinstance(value, str):
        value = [part.strip() for part in value.split(',') if part.strip()]
    try:
        bricks = [canonical_brick(brick) for brick in value]
    except VolumeSpecError as error:
        raise VolumeSpecError(str(error).replace('bricks:', name + ':', 1))
    for brick in bricks:
        if bricks.count(brick) > 1:
            raise VolumeSpecError('%s: %s is listed twice' % (name, brick))
    return bricks


def _count(params, name):
    value = params.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise VolumeSpecError('%s: must be a positive whole number, not %r' % (name, value))
    return value


def parse_brick_request(params):
    """Validate the module's parameters; raise VolumeSpecError with what to fix."""
    request = BrickRequest(volume=validate_volume_name(params.get('volume')), state=params.get('state') or 'present')
    if request.state not in STATES:
        raise VolumeSpecError('state: must be one of %s' % ', '.join(STATES))
    request.bricks = _bricks(params, 'bricks')
    request.new_bricks = _bricks(params, 'new_bricks')
    request.replica = _count(params, 'replica')
    request.arbiter = _count(params, 'arbiter')
    request.rebalance = bool(params.get('rebalance'))
    request.allow_replica_reduction = bool(params.get('allow_replica_reduction'))
    request.allow_replica_two = bool(params.get('allow_replica_two'))
    request.wait_for_heal = params.get('wait_for_heal') is not False
    request.offline_bricks_are_stale = bool(params.get('offline_bricks_are_stale'))
    timeout = params.get('timeout')
    if timeout is not None:
        if isinstance(timeout, bool) or not isinstance(timeout, int) or timeout < 1:
            raise VolumeSpecError('timeout: must be a positive number of seconds, not %r' % (timeout,))
        request.timeout = timeout
    state = request.state
    if state in ('present', 'absent', 'replaced', 'reset') and not request.bricks:
        raise VolumeSpecError('bricks: give the bricks to %s' % {
            'present': 'add', 'absent': 'remove', 'replaced': 'replace', 'reset': 'reset'}[state])
    if state == 'rebalanced' and request.bricks:
        raise VolumeSpecError('bricks: state rebalanced works on the whole volume; leave bricks out')
    if state == 'replaced':
        if len(request.new_bricks) != len(request.bricks):
            raise VolumeSpecError('new_bricks: give one new brick for each brick to replace (%d bricks, %d new_bricks)'
                                  % (len(request.bricks), len(request.new_bricks)))
        overlap = set(request.bricks) & set(request.new_bricks)
        if overlap:
            raise VolumeSpecError('new_bricks: %s is also in bricks; to rebuild a brick on the same path after a disk '
                                  'swap use state: reset' % ', '.join(sorted(overlap)))
    elif request.new_bricks:
        raise VolumeSpecError('new_bricks: only used with state: replaced')
    if request.arbiter is not None:
        if state != 'present':
            raise VolumeSpecError('arbiter: only used with state: present (to add arbiter bricks)')
        if request.arbiter != 1:
            raise VolumeSpecError('arbiter: only "arbiter: 1" exists')
        if request.replica not in (2, 3):
            raise VolumeSpecError('arbiter: give it with replica: 3 (replica 2 + one arbiter per set)')
        request.replica = 3
    if request.replica is not None:
        if state not in ('present', 'absent'):
            raise VolumeSpecError('replica: only used with state present (raise it) or absent (lower it)')
        if request.replica < 1 or (state == 'present' and request.replica < 2):
            raise VolumeSpecError('replica: %d is not a replica count' % request.replica)
    if request.offline_bricks_are_stale and state not in ('replaced', 'reset'):
        raise VolumeSpecError('offline_bricks_are_stale: only used with state replaced or reset')
    if request.allow_replica_reduction and state != 'absent':
        raise VolumeSpecError('allow_replica_reduction: only used with state: absent')
    if request.rebalance and state != 'present':
        raise VolumeSpecError('rebalance: only used with state: present (use state: rebalanced on its own)')
    return request


# ---- identity -------------------------------------------------------------------------------

def resolve_bricks(names, volume, peers):
    """(in_volume, missing): the volume's own Brick objects for ``names`` (matched by peer UUID
    and path, so any name of a host works) and the names not in the volume."""
    wanted, current = brick_keys(names, volume, peers)
    found, missing = [], []
    for name, key in zip(names, wanted):
        if key in current:
            found.append(volume.bricks[current.index(key)])
        else:
            missing.append(name)
    return found, missing


def self_uuid(peers):
    """UUID of the node the module runs on (``pool list`` names it localhost)."""
    for peer in peers or ():
        if peer.is_self:
            return peer.uuid
    return None


def host_is_local(host, peers, volume, local_names):
    """True when ``host`` names the node the module runs on."""
    if host.lower() in set(name.lower() for name in local_names):
        return True
    uuid = peer_identity(peers, volume).get(host.lower())
    return uuid is not None and uuid == self_uuid(peers)


def peer_problems(peers):
    """Sentences for peers that are not connected members of the pool."""
    return ['peer %s is %s' % (peer.hostname, 'disconnected' if not peer.connected else (peer.state_name or 'not in the pool'))
            for peer in peers if not peer.in_cluster]


def _status_key(brick_status):
    return (brick_status.peer_uuid, split_brick(brick_status.name)[1])


def offline_bricks(volume, status):
    """The volume's bricks that ``volume status`` does not show online (a down node's bricks are
    missing from the reply altogether)."""
    online = set(_status_key(brick) for brick in status.bricks if brick.online) if status else set()
    names_online = set(brick.name for brick in status.bricks if brick.online) if status else set()
    return [brick.name for brick in volume.bricks
            if (brick.host_uuid, brick.path) not in online and brick.name not in names_online]


# ---- present: add-brick ---------------------------------------------------------------------

@dataclass
class BrickPlan:
    """Commands in order (arguments after ``gluster --mode=script``) and the diff."""
    steps: List[List[str]] = field(default_factory=list)
    before: Dict[str, Any] = field(default_factory=dict)
    after: Dict[str, Any] = field(default_factory=dict)
    warnings: List[str] = field(default_factory=list)
    bricks: List[str] = field(default_factory=list)
    mode: str = ''

    @property
    def changed(self):
        return bool(self.steps)


def layout(volume):
    """The part of a volume the diff shows."""
    return {'bricks': [brick.name for brick in volume.bricks], 'replica': volume.replica_count,
            'arbiter': volume.arbiter_count}


def plan_present(request, volume, peers):
    """add-brick for the new bricks, raising the replica count (or adding arbiters) when asked.

    ``bricks`` are only the new bricks; for a replica change, the new bricks of set 1 first, then
    those of set 2, ... Reuses gluster_volume's add-brick planning with the full brick list.
    """
    plan = BrickPlan(before=layout(volume), after=layout(volume), mode='add')
    found, missing = resolve_bricks(request.bricks, volume, peers)
    replica = request.replica or volume.replica_count
    if not missing:
        if replica != volume.replica_count or (request.arbiter or 0) > volume.arbiter_count:
            raise BrickPlanError('bricks %s are already in volume %s but it has replica %d%s, not the replica %d asked'
                                 % (', '.join(request.bricks), volume.name, volume.replica_count,
                                    ' arbiter 1' if volume.arbiter_count else '', replica))
        return plan
    if found:
        raise BrickPlanError('bricks %s are already in volume %s and %s are not: give either only bricks to add or '
                             'the bricks of a finished run' % (', '.join(b.name for b in found), volume.name,
                                                               ', '.join(missing)))
    current = [brick.name for brick in volume.bricks]
    old_set = volume.set_size
    if request.replica and request.replica != volume.replica_count:
        if volume.disperse_count:
            raise BrickPlanError('volume %s is dispersed: its set size cannot change' % volume.name)
        if request.replica < volume.replica_count:
            raise BrickPlanError('volume %s has replica %d: lowering it removes bricks; use state: absent with '
                                 'replica: %d and allow_replica_reduction: true'
                                 % (volume.name, volume.replica_count, request.replica))
        per_set = request.replica - old_set
        sets = len(current) // old_set
        if len(request.bricks) != sets * per_set:
            raise BrickPlanError('raising volume %s from replica %d to %d needs %d new bricks per set, %d in all '
                                 '(%d given)' % (volume.name, old_set, request.replica, per_set, sets * per_set,
                                                 len(request.bricks)))
        full = []
        for index in range(sets):
            full += current[index * old_set:(index + 1) * old_set]
            full += request.bricks[index * per_set:(index + 1) * per_set]
    else:
        full = current + list(request.bricks)
    params = dict(name=volume.name, bricks=full, allow_replica_two=request.allow_replica_two)
    if request.replica and request.replica != volume.replica_count:
        params['replica'] = request.replica
        if request.arbiter:
            params['arbiter'] = request.arbiter
    spec = parse_volume_spec(params)
    add = plan_add_brick(spec, volume, peers)
    plan.steps.append(add['step'].args)
    plan.after.update(add['layout'])
    plan.bricks = list(request.bricks)
    return plan


# ---- absent: remove-brick -------------------------------------------------------------------

def plan_absent(request, volume, peers):
    """What removing ``bricks`` means for this volume: mode 'migrate' (remove-brick start ...
    commit) or 'reduce' (replica reduction, opted in), or no steps when they are gone already."""
    plan = BrickPlan(before=layout(volume), after=layout(volume))
    found, missing = resolve_bricks(request.bricks, volume, peers)
    if not found:
        return plan
    if missing:
        plan.warnings.append('%s not in volume %s (removed already?); removing %s'
                             % (', '.join(missing), volume.name, ', '.join(b.name for b in found)))
    names = [brick.name for brick in found]
    if len(found) == len(volume.bricks):
        raise BrickPlanError('bricks: that is every brick of volume %s; delete the volume with gluster_volume '
                             'state: absent instead' % volume.name)
    set_size = volume.set_size
    sets = [volume.bricks[start:start + set_size] for start in range(0, len(volume.bricks), set_size)]
    removed_keys = set((brick.host_uuid, brick.path, brick.name) for brick in found)
    per_set = [sum(1 for brick in members if (brick.host_uuid, brick.path, brick.name) in removed_keys)
               for members in sets]
    target = request.replica
    if volume.disperse_count and target:
        raise BrickPlanError('replica: volume %s is dispersed; remove whole disperse sets without replica'
                             % volume.name)
    reducing = bool(volume.replica_count) and target is not None and target < volume.replica_count
    if target is not None and volume.replica_count and target > volume.replica_count:
        raise BrickPlanError('replica: %d is more than volume %s has (%d); use state: present to raise it'
                             % (target, volume.name, volume.replica_count))
    if target is not None and not volume.replica_count and target != 1:
        raise BrickPlanError('replica: volume %s is not replicated' % volume.name)
    if reducing:
        if not request.allow_replica_reduction:
            raise BrickPlanError('lowering volume %s from replica %d to %d drops a copy of every file in each set; '
                                 'set allow_replica_reduction: true to do it (all bricks must be online and no heal '
                                 'pending)' % (volume.name, volume.replica_count, target))
        drop = volume.replica_count - target
        if any(count != drop for count in per_set):
            raise BrickPlanError('bricks: lowering replica %d to %d removes exactly %d brick(s) from every set of '
                                 'volume %s (sets: %s)' % (volume.replica_count, target, drop, volume.name,
                                                           _describe_sets(sets)))
        if target == 2 and not request.allow_replica_two:
            remaining_arbiters = [b for b in volume.bricks if b.is_arbiter and b.name not in names]
            if not remaining_arbiters:
                raise BrickPlanError('replica: 2 without an arbiter risks split-brain; set allow_replica_two: true '
                                     'to accept it')
        if target == 1 and not request.allow_replica_two:
            raise BrickPlanError('replica: 1 leaves a single copy of every file; set allow_replica_two: true to '
                                 'accept losing redundancy')
        plan.mode = 'reduce'
        args = ['volume', 'remove-brick', volume.name, 'replica', str(target)] + names + ['force']
        plan.steps.append(args)
        remaining = [b for b in volume.bricks if b.name not in names]
        plan.after = {'bricks': [b.name for b in remaining], 'replica': target if target > 1 else 0,
                      'arbiter': volume.arbiter_count if any(b.is_arbiter for b in remaining) else 0}
        plan.bricks = names
        return plan
    if set_size > 1 and any(count not in (0, set_size) for count in per_set):
        raise BrickPlanError('bricks: remove whole %s sets of volume %s (sets: %s); to drop one copy per set give '
                             'replica: %d with allow_replica_reduction: true'
                             % ('disperse' if volume.disperse_count else 'replica', volume.name,
                                _describe_sets(sets), max(1, volume.replica_count - 1)))
    plan.mode = 'migrate'
    plan.bricks = names
    plan.steps = [remove_brick_args(volume.name, names, 'start'), remove_brick_args(volume.name, names, 'commit')]
    plan.after = dict(plan.before, bricks=[b.name for b in volume.bricks if b.name not in names])
    return plan


def _describe_sets(sets):
    return '; '.join('(%s)' % ', '.join(brick.name for brick in members) for members in sets)


def remove_brick_args(volume_name, bricks, action):
    """``volume remove-brick NAME BRICK... start|status|commit|stop``."""
    return ['volume', 'remove-brick', volume_name] + list(bricks) + [action]


def remove_brick_task(status):
    """The ``Remove brick`` task of ``volume status`` (dict with type, id, status, bricks), or None."""
    for task in (status.tasks if status else ()):
        if task['type'] == TASK_REMOVE_BRICK:
            return task
    return None


def running_rebalance(status):
    """The rebalance task when one is running, else None."""
    for task in (status.tasks if status else ()):
        if task['type'] == TASK_REBALANCE and task['status'] in TASK_RUNNING:
            return task
    return None


def task_matches(task, bricks):
    """True when the task removes exactly ``bricks``."""
    return sorted(task['bricks'].split()) == sorted(bricks)


def removal_precheck(volume, peers, status, heal):
    """Raise BrickPlanError unless migration may start: volume started, every peer connected, every
    brick online, no heal pending (replicated and dispersed volumes; ``heal`` is
    ``parse_heal_info`` of ``heal info summary``, or None for a distribute volume)."""
    problems = []
    if not volume.started:
        problems.append('volume %s is %s (data can only migrate on a started volume)' % (volume.name, volume.status))
    problems += peer_problems(peers)
    offline = offline_bricks(volume, status)
    if offline:
        problems.append('bricks offline: %s' % ', '.join(offline))
    if heal is not None:
        problems += heal_problems(heal, volume)
    if problems:
        raise BrickPlanError('volume %s: refusing to remove bricks, nothing was started: %s'
                             % (volume.name, '; '.join(problems)))


def commit_precheck(volume, peers, status, bricks):
    """Raise BrickPlanError unless ``remove-brick commit`` may run now: every peer connected and
    every brick online (a node that went down during the migration reports nothing, and its
    bricks' files may not have moved). Leaves the task as it is, so a later run resumes it."""
    problems = peer_problems(peers or [])
    offline = offline_bricks(volume, status)
    if offline:
        problems.append('bricks offline: %s' % ', '.join(offline))
    if problems:
        raise BrickPlanError('volume %s: not committing the removal of %s: %s. Nothing was committed or stopped: '
                             'the remove-brick task is left as it is; run the task again once every peer is '
                             'connected and every brick online' % (volume.name, ' '.join(bricks), '; '.join(problems)))


def existing_task_action(volume, status, bricks):
    """'resume' when a remove-brick task for exactly ``bricks`` exists, 'start' when none does.

    Raises when another remove-brick task is open (it must be committed or stopped first) or a
    rebalance is running.
    """
    task = remove_brick_task(status)
    if task is not None and task['status'] not in ('stopped',):
        if task_matches(task, bricks):
            return 'resume'
        raise BrickPlanError('volume %s has an unfinished remove-brick task (%s) for other bricks: %s. Finish it '
                             '(commit) or stop it ("gluster volume remove-brick %s %s stop") first'
                             % (volume.name, task['status'], task['bricks'], volume.name, task['bricks']))
    rebalance = running_rebalance(status)
    if rebalance is not None:
        raise BrickPlanError('volume %s has a rebalance %s (task %s); wait for it to finish'
                             % (volume.name, rebalance['status'], rebalance['id']))
    return 'start'


def removal_node_ids(volume, bricks):
    """Peer UUIDs of the nodes that host ``bricks`` (names as in the volume): each must report its
    own migration before a commit."""
    names = set(bricks)
    return sorted(set(brick.host_uuid for brick in volume.bricks if brick.name in names))


def missing_nodes(migration, node_ids):
    """The UUIDs of ``node_ids`` without a row in the status: gluster leaves out a node whose
    migration has not started and a node that is down."""
    reported = set(row.node_id for row in (migration.nodes if migration else ()) if row.node_id)
    return [node_id for node_id in node_ids or () if node_id not in reported]


def judge_migration(migration, node_ids=()):
    """WAIT, CLEAN or FAILED for a remove-brick or rebalance status.

    CLEAN only when the aggregate and every node say completed with zero failures and zero
    skipped (counts that are missing are not zero), and every node of ``node_ids`` (peer UUIDs:
    for a remove-brick, the hosts of the removed bricks) has its own row: gluster.gluster
    committed when any row said completed, and lost the rest.
    """
    if migration is None or migration.aggregate is None:
        return WAIT
    rows = list(migration.nodes) + [migration.aggregate]
    if any(row.status in (MIGRATION_FAILED, MIGRATION_STOPPED) or row.failures or row.skipped for row in rows):
        return FAILED
    if any(row.status not in (MIGRATION_NOT_STARTED, MIGRATION_IN_PROGRESS, MIGRATION_COMPLETED) for row in rows):
        return FAILED
    if any(row.status == MIGRATION_COMPLETED and (row.failures is None or row.skipped is None) for row in rows):
        # Finished, but gluster did not say how many files failed or were skipped.
        return FAILED
    if missing_nodes(migration, node_ids):
        return WAIT
    if all(row.status == MIGRATION_COMPLETED for row in rows):
        return CLEAN
    return WAIT


def migration_finished(migration, node_ids=()):
    """For wait_for on a remove-brick: stop polling on a clean or failed verdict (a failed
    migration is stopped at once, before it moves more files off the bricks)."""
    return judge_migration(migration, node_ids) != WAIT


def rebalance_finished(migration, node_ids=()):
    """For wait_for on a rebalance or fix-layout: stop on a clean verdict, or on a failed one once
    no node still runs. A file one node failed to move does not stop the others, and a new start
    is refused while any node runs (seen in the lab: one failure on one node in the first second
    right after a grow, the other nodes still in progress)."""
    verdict = judge_migration(migration, node_ids)
    if verdict != FAILED:
        return verdict == CLEAN
    return not any(row.status in (MIGRATION_NOT_STARTED, MIGRATION_IN_PROGRESS) for row in migration.nodes)


def only_files_failed(migration):
    """True when every node completed and the only trouble is files that failed or were skipped:
    the case where gluster's remedy is one more rebalance."""
    if migration is None or migration.aggregate is None:
        return False
    rows = list(migration.nodes) + [migration.aggregate]
    return (all(row.status == MIGRATION_COMPLETED and row.failures is not None and row.skipped is not None
                for row in rows) and any(row.failures or row.skipped for row in rows))


def _count_text(value):
    return 'unknown' if value is None else '%d' % value


def describe_migration(migration, node_ids=()):
    """One line per node: status, files moved, failures, skipped, run time; and the nodes of
    ``node_ids`` that report nothing."""
    if migration is None:
        return 'no status'
    rows = list(migration.nodes) + ([migration.aggregate] if migration.aggregate else [])
    text = '; '.join('%s: %s, %d files moved, %s failures, %s skipped, %.0fs' % (
        row.node, row.status_name or row.status, row.files, _count_text(row.failures), _count_text(row.skipped),
        row.runtime) for row in rows)
    missing = missing_nodes(migration, node_ids)
    if missing:
        text += '; no status from node(s) %s (migration not started there, or the node is down)' % ', '.join(missing)
    return text


def migration_to_dict(migration):
    """The status as the module returns it."""
    if migration is None:
        return {}

    def row(progress):
        return {'node': progress.node, 'status': progress.status_name, 'files': progress.files,
                'size': progress.size, 'lookups': progress.lookups, 'failures': progress.failures,
                'skipped': progress.skipped, 'runtime': progress.runtime}
    return {'task_id': migration.task_id, 'nodes': [row(node) for node in migration.nodes],
            'aggregate': row(migration.aggregate) if migration.aggregate else {}}


# ---- heal -----------------------------------------------------------------------------------

def _heal_entry_for(brick, heal):
    for entry in heal:
        if entry.name == brick.name or (entry.host_uuid and entry.host_uuid == brick.host_uuid
                                        and split_brick(entry.name)[1] == brick.path):
            return entry
    return None


def heal_problems(heal, volume=None, bricks=None):
    """Sentences for bricks that are unreachable, have entries to heal (or do not say how many),
    are in split-brain, or (with ``volume``) are missing from the heal reply. Fails closed: an
    empty reply is a problem. ``bricks``: only judge these names of the volume."""
    heal = list(heal or ())
    problems = []
    if volume is not None:
        wanted = [brick for brick in volume.bricks if bricks is None or brick.name in bricks]
        entries = []
        for brick in wanted:
            entry = _heal_entry_for(brick, heal)
            if entry is None:
                problems.append('%s is missing from the heal info reply' % brick.name)
            else:
                entries.append(entry)
    else:
        entries = heal
        if not entries:
            problems.append('heal info reported no bricks')
    for brick in entries:
        if not brick.connected:
            problems.append('%s is not connected (%s)' % (brick.name, brick.status or 'no status'))
        elif brick.split_brain:
            problems.append('%s has %d entries in split-brain' % (brick.name, brick.split_brain))
        elif brick.pending is None:
            problems.append('%s did not report its number of entries to heal' % brick.name)
        elif brick.pending:
            problems.append('%s has %d entries to heal' % (brick.name, brick.pending))
    return problems


def healed(heal, volume=None, bricks=None):
    """True when every brick (of ``volume``, when given; only ``bricks`` of it, when given) is in
    the reply, connected, with zero entries to heal."""
    return bool(heal) and not heal_problems(heal, volume, bricks)


def heal_finished(heal, volume=None, bricks=None):
    """For wait_for: healed, or split-brain (which waiting does not fix)."""
    return healed(heal, volume, bricks) or any(brick.split_brain for brick in heal or ())


def describe_heal(heal):
    return '; '.join('%s: %s' % (brick.name, 'pending %s' % brick.pending if brick.connected else brick.status)
                     for brick in heal or ()) or 'no bricks reported'


def heal_to_list(heal):
    return [{'brick': brick.name, 'connected': brick.connected, 'pending': brick.pending,
             'split_brain': brick.split_brain} for brick in heal or ()]


def needs_heal_check(volume):
    """Replicated and dispersed volumes have heal info; plain distribute has none."""
    return bool(volume.replica_count or volume.disperse_count)


# ---- replaced and reset ---------------------------------------------------------------------

def plan_replaced(request, volume, peers):
    """``replace-brick NAME OLD NEW commit force`` for each pair not replaced yet."""
    plan = BrickPlan(before=layout(volume), after=layout(volume), mode='replace')
    if not needs_heal_check(volume):
        raise BrickPlanError('volume %s is %s: a replaced brick would start empty and its files would be lost; '
                             'replace bricks only in replicated or dispersed volumes (shrink with state: absent)'
                             % (volume.name, volume.type_name or 'distribute'))
    after = [brick.name for brick in volume.bricks]
    for old, new in zip(request.bricks, request.new_bricks):
        old_found = resolve_bricks([old], volume, peers)[0]
        new_found = resolve_bricks([new], volume, peers)[0]
        if new_found and not old_found:
            continue
        if new_found:
            raise BrickPlanError('new_bricks: %s is already a brick of volume %s' % (new, volume.name))
        if not old_found:
            raise BrickPlanError('bricks: %s is not a brick of volume %s, and %s is not either'
                                 % (old, volume.name, new))
        old_name = old_found[0].name
        plan.steps.append(['volume', 'replace-brick', volume.name, old_name, new, 'commit', 'force'])
        plan.bricks.append(new)
        after[after.index(old_name)] = new
    plan.after['bricks'] = after
    return plan


def plan_reset(request, volume, peers, status):
    """``reset-brick NAME B start`` and ``reset-brick NAME B B commit force`` for each brick that is
    offline (after a disk swap its process cannot start); online bricks are left alone."""
    plan = BrickPlan(before=layout(volume), after=layout(volume), mode='reset')
    if not needs_heal_check(volume):
        raise BrickPlanError('volume %s is %s: a reset brick comes back empty and its files would be lost; reset '
                             'bricks only in replicated or dispersed volumes' % (volume.name, volume.type_name))
    found, missing = resolve_bricks(request.bricks, volume, peers)
    if missing:
        raise BrickPlanError('bricks: %s not in volume %s' % (', '.join(missing), volume.name))
    offline = set(offline_bricks(volume, status))
    problems = peer_problems(peers)
    for brick in found:
        if brick.name not in offline:
            continue
        if problems:
            raise BrickPlanError('volume %s: cannot reset %s: %s' % (volume.name, brick.name, '; '.join(problems)))
        plan.steps.append(['volume', 'reset-brick', volume.name, brick.name, 'start'])
        plan.steps.append(['volume', 'reset-brick', volume.name, brick.name, brick.name, 'commit', 'force'])
        plan.bricks.append(brick.name)
    if plan.bricks:
        plan.before['offline'] = sorted(plan.bricks)
        plan.after['offline'] = []
    return plan


VOLUME_ID_XATTR = 'trusted.glusterfs.volume-id'
# getxattr errors that mean "no such xattr here" (ENOATTR is ENODATA on Linux).
NO_XATTR_ERRNOS = frozenset((errno.ENODATA, getattr(errno, 'ENOATTR', errno.ENODATA), errno.ENOTSUP,
                             errno.EOPNOTSUPP))


def _path_and_parents(path):
    chain = [path]
    while chain[-1] != '/':
        chain.append(os.path.dirname(chain[-1].rstrip('/')) or '/')
    return chain


def brick_path_problem(path, listdir, getxattr, stat=os.stat):
    """Why ``path`` cannot become a brick through ``replace-brick``/``reset-brick ... commit
    force`` (which skip glusterd's own brick checks), or None. ``listdir``/``getxattr``/``stat``
    are os functions (injected for tests).

    Refused: the path or any parent carrying a ``trusted.glusterfs.volume-id`` xattr (it is, was,
    or lies inside a brick); the path (or, when missing, its nearest existing parent) on the root
    file system (same device as ``/``); a path that is not a directory, holds ``.glusterfs`` or is
    not empty. A missing path is fine otherwise (glusterd creates it).
    """
    nearest = None
    for candidate in _path_and_parents(path):
        try:
            info = stat(candidate)
        except FileNotFoundError:
            continue
        except NotADirectoryError:
            return '%s: a parent of it is not a directory' % path
        if nearest is None:
            nearest = (candidate, info)
        try:
            getxattr(candidate, VOLUME_ID_XATTR)
        except OSError as error:
            if error.errno in NO_XATTR_ERRNOS:
                continue
            return 'cannot read the %s xattr of %s (%s); refusing as it cannot be checked' % (
                VOLUME_ID_XATTR, candidate, error)
        if candidate == path:
            return '%s carries a %s xattr (it is or was a brick); wipe it deliberately first' % (path, VOLUME_ID_XATTR)
        return ('%s is inside %s, which carries a %s xattr (it is or was a brick); a brick inside a brick is '
                'refused' % (path, candidate, VOLUME_ID_XATTR))
    if nearest is not None and nearest[1].st_dev == stat('/').st_dev:
        return ('%s is on the root file system (%s is on the same device as /): glusterd refuses such a brick '
                'unless forced, and replace-brick/reset-brick "commit force" would skip that check; mount a '
                'file system of its own there (this module has no option to accept the root file system)'
                % (path, nearest[0]))
    try:
        entries = listdir(path)
    except FileNotFoundError:
        return None
    except NotADirectoryError:
        return '%s is not a directory' % path
    if '.glusterfs' in entries:
        return '%s holds a .glusterfs folder (it was a brick); wipe it deliberately first' % path
    if entries:
        return '%s is not empty (%s)' % (path, ', '.join(sorted(entries)[:5]))
    return None


# ---- rebalance ------------------------------------------------------------------------------

def rebalance_task(status):
    """The ``Rebalance`` task of ``volume status``, or None (an add-brick or remove-brick clears it)."""
    for task in (status.tasks if status else ()):
        if task['type'] == TASK_REBALANCE:
            return task
    return None


def rebalance_action(volume, status):
    """'wait' (one runs), 'check' (one completed: read its status), or 'start'."""
    if not volume.started:
        raise BrickPlanError('volume %s is %s: rebalance needs a started volume' % (volume.name, volume.status))
    task = rebalance_task(status)
    if task is not None and task['status'] in TASK_RUNNING:
        return 'wait'
    if task is not None and task['status'] == 'completed':
        return 'check'
    return 'start'


def rebalance_precheck(volume, peers, status):
    """Raise unless every peer is connected and every brick online (files on a missing brick
    would count as failures)."""
    problems = peer_problems(peers or []) + (['bricks offline: %s' % ', '.join(offline_bricks(volume, status))]
                                             if offline_bricks(volume, status) else [])
    if problems:
        raise BrickPlanError('volume %s: refusing to start a rebalance: %s' % (volume.name, '; '.join(problems)))
