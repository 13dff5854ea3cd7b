# -*- coding: utf-8 -*-
# Copyright: glusterdock developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Plan brick operations on one volume: add, remove with data migration, replace, reset, rebalance.

Pure: every function works from state already read and parsed (``volume info``, ``pool list``,
``volume status``, ``volume heal NAME info summary``), so the decisions that protect data are
unit-tested on replies captured from real servers. Each planner returns a BrickPlan whose Steps
carry their own ``done`` check; the prechecks raise BrickPlanError before any change.

A brick leaves a volume only through ``remove-brick start``, a status that says completed with
zero failures and zero skipped on every node (gluster_migration), then ``commit``; anything else
is stopped and reported. ``force`` appears only where gluster's own syntax has it
(``replace-brick ... commit force``, ``reset-brick ... commit force``) and for a replica
reduction the user opted into (gluster migrates nothing there and insists on force).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import List

from ansible_collections.glusterdock.storage.plugins.module_utils.errors import StateError
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_brick_health import (
    heal_problems,
    needs_heal_check,
    offline_bricks,
    peer_problems,
)
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_migration import (
    TASK_RUNNING,
    rebalance_task,
    remove_brick_args,
    remove_brick_task,
    running_rebalance,
    task_matches,
)
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_plan import Plan, Step
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_volume_plan import (
    brick_keys,
    peer_identity,
    plan_add_brick,
)
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_volume_spec import parse_volume_spec

# In Step.reads: the step's ``done`` judges a fresh ``volume status`` (without it: ``volume info``).
VOLUME_STATUS = 'volume status'


class BrickPlanError(StateError):
    """The request cannot be carried out safely from the volume's current state."""


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


# ---- present: add-brick ---------------------------------------------------------------------

@dataclass
class BrickPlan(Plan):
    """The steps, diff and warnings of gluster_plan.Plan, and what the module needs to run them.

    ``bricks``: the bricks acted on, as the volume names them (new bricks for add and replace).
    ``mode``: 'add', 'migrate' (steps: remove-brick start, then commit, with a wait between),
    'reduce' (one remove-brick replica N ... force), 'replace' or 'reset'; '' with no steps.
    """
    bricks: List[str] = field(default_factory=list)
    mode: str = ''


def all_in_volume(names):
    """A ``done`` for a step that adds ``names``: every one is a brick of the volume re-read."""
    return lambda volume: len(resolve_bricks(list(names), volume, None)[0]) == len(names)


def none_in_volume(names):
    """A ``done`` for a step that removes ``names``: none is a brick of the volume re-read."""
    return lambda volume: not resolve_bricks(list(names), volume, None)[0]


def online(volume, name):
    """A ``done`` for ``reset-brick ... commit force``: ``volume status`` shows brick ``name`` online."""
    return lambda status: name not in offline_bricks(volume, status)


def removal_started(names):
    """A ``done`` for ``remove-brick start``: ``volume status`` shows a task removing exactly ``names``."""
    def done(status):
        task = remove_brick_task(status)
        return task is not None and task_matches(task, names)
    return done


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
    plan.bricks = list(request.bricks)
    plan.steps.append(Step(add['step'].args, what='add bricks %s' % ', '.join(plan.bricks), bricks=plan.bricks,
                           done=all_in_volume(plan.bricks)))
    plan.after.update(add['layout'])
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
        raise BrickPlanError('that is every brick of volume %s; delete the volume with gluster_volume '
                             'state: absent instead' % volume.name, 'bricks')
    set_size = volume.set_size
    sets = [volume.bricks[start:start + set_size] for start in range(0, len(volume.bricks), set_size)]
    removed_keys = set((brick.host_uuid, brick.path, brick.name) for brick in found)
    per_set = [sum(1 for brick in members if (brick.host_uuid, brick.path, brick.name) in removed_keys)
               for members in sets]
    target = request.replica
    if volume.disperse_count and target:
        raise BrickPlanError('volume %s is dispersed; remove whole disperse sets without replica'
                             % volume.name, 'replica')
    reducing = bool(volume.replica_count) and target is not None and target < volume.replica_count
    if target is not None and volume.replica_count and target > volume.replica_count:
        raise BrickPlanError('%d is more than volume %s has (%d); use state: present to raise it'
                             % (target, volume.name, volume.replica_count), 'replica')
    if target is not None and not volume.replica_count and target != 1:
        raise BrickPlanError('volume %s is not replicated' % volume.name, 'replica')
    if reducing:
        if not request.allow_replica_reduction:
            raise BrickPlanError('lowering volume %s from replica %d to %d drops a copy of every file in each set; '
                                 'set allow_replica_reduction: true to do it (all bricks must be online and no heal '
                                 'pending)' % (volume.name, volume.replica_count, target))
        drop = volume.replica_count - target
        if any(count != drop for count in per_set):
            raise BrickPlanError('lowering replica %d to %d removes exactly %d brick(s) from every set of '
                                 'volume %s (sets: %s)' % (volume.replica_count, target, drop, volume.name,
                                                           _describe_sets(sets)), 'bricks')
        if target == 2 and not request.allow_replica_two:
            remaining_arbiters = [b for b in volume.bricks if b.is_arbiter and b.name not in names]
            if not remaining_arbiters:
                raise BrickPlanError('2 without an arbiter risks split-brain; set allow_replica_two: true '
                                     'to accept it', 'replica')
        if target == 1 and not request.allow_replica_two:
            raise BrickPlanError('1 leaves a single copy of every file; set allow_replica_two: true to '
                                 'accept losing redundancy', 'replica')
        plan.mode = 'reduce'
        args = ['volume', 'remove-brick', volume.name, 'replica', str(target)] + names + ['force']
        plan.steps.append(Step(args, what='lower replica to %d, dropping %s' % (target, ', '.join(names)),
                               bricks=names, done=none_in_volume(names)))
        remaining = [b for b in volume.bricks if b.name not in names]
        plan.after = {'bricks': [b.name for b in remaining], 'replica': target if target > 1 else 0,
                      'arbiter': volume.arbiter_count if any(b.is_arbiter for b in remaining) else 0}
        plan.bricks = names
        return plan
    if set_size > 1 and any(count not in (0, set_size) for count in per_set):
        raise BrickPlanError('remove whole %s sets of volume %s (sets: %s); to drop one copy per set give '
                             'replica: %d with allow_replica_reduction: true'
                             % ('disperse' if volume.disperse_count else 'replica', volume.name,
                                _describe_sets(sets), max(1, volume.replica_count - 1)), 'bricks')
    plan.mode = 'migrate'
    plan.bricks = names
    plan.steps = [
        Step(remove_brick_args(volume.name, names, 'start'), what='start migrating the files off %s' % ', '.join(names),
             bricks=names, done=removal_started(names), reads=[VOLUME_STATUS]),
        Step(remove_brick_args(volume.name, names, 'commit'), what='commit the removal of %s' % ', '.join(names),
             bricks=names, done=none_in_volume(names)),
    ]
    plan.after = dict(plan.before, bricks=[b.name for b in volume.bricks if b.name not in names])
    return plan


def _describe_sets(sets):
    return '; '.join('(%s)' % ', '.join(brick.name for brick in members) for members in sets)


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
            raise BrickPlanError('%s is already a brick of volume %s' % (new, volume.name), 'new_bricks')
        if not old_found:
            raise BrickPlanError('%s is not a brick of volume %s, and %s is not either'
                                 % (old, volume.name, new), 'bricks')
        old_name = old_found[0].name
        plan.steps.append(Step(['volume', 'replace-brick', volume.name, old_name, new, 'commit', 'force'],
                               what='replace %s with %s' % (old_name, new), bricks=[old_name, new],
                               done=all_in_volume([new])))
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
        raise BrickPlanError('%s not in volume %s' % (', '.join(missing), volume.name), 'bricks')
    offline = set(offline_bricks(volume, status))
    problems = peer_problems(peers)
    for brick in found:
        if brick.name not in offline:
            continue
        if problems:
            raise BrickPlanError('volume %s: cannot reset %s: %s' % (volume.name, brick.name, '; '.join(problems)))
        # No cheap read shows that a reset-brick start took effect: it is sent once (no done).
        plan.steps.append(Step(['volume', 'reset-brick', volume.name, brick.name, 'start'],
                               what='take %s down for its rebuild' % brick.name, bricks=[brick.name]))
        plan.steps.append(Step(['volume', 'reset-brick', volume.name, brick.name, brick.name, 'commit', 'force'],
                               what='rebuild %s on its own path' % brick.name, bricks=[brick.name],
                               done=online(volume, brick.name), reads=[VOLUME_STATUS]))
        plan.bricks.append(brick.name)
    if plan.bricks:
        plan.before['offline'] = sorted(plan.bricks)
        plan.after['offline'] = []
    return plan


# ---- rebalance ------------------------------------------------------------------------------

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
