# -*- coding: utf-8 -*-
# Copyright: glusterdock developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Good copies per replica or disperse set, for rebuilding bricks (replace-brick, reset-brick).

Pure: works from ``volume info``, ``volume status`` and ``volume heal NAME info summary`` already
parsed. A rebuilt brick starts empty and is filled by heal from the rest of its set, so every
set must keep a good copy of every file until heal has finished:

- Replica set: at most one brick rebuilt per heal cycle; the next brick of the same set only
  after heal reports zero entries on every brick of that set. An arbiter holds names and
  metadata, no file data: it never counts as a copy (with both data bricks of an arbiter set
  rebuilt at once, heal copied nothing and every file read back empty). It is rebuilt on its own
  too, as heal relies on it to choose which data copy is good. Every other brick of the set
  must be online.
- Disperse set: the bricks offline plus those rebuilt in one cycle never exceed its redundancy
  (a file needs all the other fragments to be readable). A set with a brick offline that is not
  rebuilt never reports zero entries, so its bricks must all fit into one cycle.

Pending heal entries and an offline brick. ``heal info summary`` gives per brick only the number
of entries in its index: files whose changelog on that brick blames *some* brick of the set,
never which one. While brick X is down, every write leaves an entry on each online partner
blaming X (the partners hold data X lacks: rebuilding X is fine). But an entry on a partner may
also blame another partner P that missed writes before X went down and was not healed yet: then
X may hold the only good copy (in an arbiter set always - the arbiter has no data; in replica 3
when P and the third brick each missed a different write), and rebuilding X loses it. Both
cases show the same counts. So a rebuild of an offline brick goes ahead only when its set
reports zero pending entries, or when the user states, with ``offline_bricks_are_stale``, that
the set was fully healed when the brick went down (so every entry there blames it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import List

from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_brick_health import (
    heal_problems,
    offline_bricks,
)
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_brick_plan import BrickPlanError

REPLICA = 'replica'
DISPERSE = 'disperse'


@dataclass
class BrickSet:
    """One replica or disperse set: ``number`` counts from 1, as gluster's ``Brick1..N`` do."""
    number: int
    kind: str
    names: List[str]
    arbiters: List[str] = field(default_factory=list)
    redundancy: int = 0

    def describe(self):
        return 'set %d (%s)' % (self.number, ', '.join(
            name + (' arbiter' if name in self.arbiters else '') for name in self.names))


def brick_sets(volume):
    """The volume's replica or disperse sets, in brick order (empty for plain distribute)."""
    if not (volume.replica_count or volume.disperse_count):
        return []
    size = volume.set_size
    kind = DISPERSE if volume.disperse_count else REPLICA
    sets = []
    for start in range(0, len(volume.bricks), size):
        members = volume.bricks[start:start + size]
        sets.append(BrickSet(number=start // size + 1, kind=kind, names=[brick.name for brick in members],
                             arbiters=[brick.name for brick in members if brick.is_arbiter],
                             redundancy=volume.redundancy_count if kind == DISPERSE else 0))
    return sets


def set_of(sets, name):
    """The set of ``sets`` that holds the brick ``name``, or None."""
    for brick_set in sets:
        if name in brick_set.names:
            return brick_set
    return None


def _pending(heal, volume, names):
    """Entries waiting for heal on the bricks ``names`` (those that report a count): every entry of
    their heal index, split-brain and possibly healing ones too."""
    wanted = [brick for brick in volume.bricks if brick.name in names]
    total = 0
    for entry in heal or ():
        path = entry.name.rpartition(':')[2]
        if entry.connected and entry.unhealed and any(
                entry.name == brick.name or (entry.host_uuid and entry.host_uuid == brick.host_uuid
                                             and path == brick.path) for brick in wanted):
            total += entry.unhealed
    return total


@dataclass
class SetVerdict:
    """Whether the bricks ``rebuild`` of one set may be rebuilt now: ``problems`` refuse it;
    ``wait``: entries are waiting for heal with every brick online, so heal must finish first."""
    brick_set: BrickSet
    rebuild: List[str]
    problems: List[str] = field(default_factory=list)
    pending: int = 0
    wait: bool = False


def judge_set(brick_set, rebuild, volume, status, heal, offline_bricks_are_stale=False):
    """The verdict on rebuilding ``rebuild`` (names of ``brick_set``) in one cycle, from the
    state read now."""
    verdict = SetVerdict(brick_set=brick_set, rebuild=list(rebuild))
    offline = [name for name in brick_set.names if name in set(offline_bricks(volume, status))]
    online = [name for name in brick_set.names if name not in offline]
    described = brick_set.describe()
    if brick_set.kind == REPLICA:
        if len(rebuild) > 1:
            verdict.problems.append('%s would lose its last good copy: %s rebuilt in one heal cycle'
                                    % (described, ' and '.join(rebuild)))
        others_offline = [name for name in offline if name not in rebuild]
        if others_offline:
            # The arbiter holds no file data: it is no copy to heal from.
            copies = [name for name in brick_set.names
                      if name not in offline and name not in rebuild and name not in brick_set.arbiters]
            verdict.problems.append('%s of %s %s offline: rebuilding %s now would leave %s'
                                    % (', '.join(others_offline), described,
                                       'is' if len(others_offline) == 1 else 'are', ', '.join(rebuild),
                                       'only %s as a copy of its files' % ', '.join(copies) if copies else
                                       'no copy of its files online to heal from'))
    else:
        down = sorted(set(offline) | set(rebuild), key=brick_set.names.index)
        if len(down) > brick_set.redundancy:
            verdict.problems.append('%s has redundancy %d: %s would be offline or rebuilt at once (%s offline now)'
                                    % (described, brick_set.redundancy, ', '.join(down),
                                       ', '.join(offline) or 'none'))
    # A brick that is online must answer heal info with a count and no split-brain.
    verdict.problems += [problem for problem in heal_problems(heal, volume, bricks=online)
                         if ' entries to heal' not in problem]
    verdict.pending = _pending(heal, volume, online)
    if verdict.pending and offline and not offline_bricks_are_stale:
        verdict.problems.append(
            '%s reports %d entries waiting for heal while %s %s offline: gluster does not say whether they are '
            'files the offline brick lacks (written while it was down) or files only it holds (its partners '
            'missed them earlier and were not healed yet); rebuilding %s could lose the latter. Bring %s back and '
            'let heal finish, or, if you know heal was complete when it went down, set offline_bricks_are_stale: '
            'true' % (described, verdict.pending, ', '.join(offline), 'is' if len(offline) == 1 else 'are',
                      ', '.join(rebuild), ', '.join(offline)))
    # While a brick of the set is offline its partners keep their entries: waiting cannot end.
    verdict.wait = bool(verdict.pending) and not offline
    return verdict


@dataclass
class RebuildCycle:
    """Bricks rebuilt together; ``sets`` are the numbers of the sets they belong to."""
    bricks: List[str]
    sets: List[int]


def plan_rebuild_cycles(volume, status, heal, rebuild, wait_for_heal=True, offline_bricks_are_stale=False):
    """Split ``rebuild`` (brick names as in the volume, in request order) into heal cycles, and
    check the first cycle against the state read now. Raise BrickPlanError naming the bricks and
    their set when the request cannot be carried out without risking a set's last good copy.

    Returns (cycles, wait_first): ``wait_first`` is True when a set of the first cycle has entries
    waiting for heal with every brick online (heal must reach zero before the first change).
    """
    sets = brick_sets(volume)
    offline = set(offline_bricks(volume, status))
    per_set = {}
    for name in rebuild:
        brick_set = set_of(sets, name)
        if brick_set is None:
            raise BrickPlanError('%s is not a brick of volume %s' % (name, volume.name), 'bricks')
        per_set.setdefault(brick_set.number, []).append(name)
    plans = {}
    for number, names in per_set.items():
        brick_set = sets[number - 1]
        # Offline bricks first: rebuilding them takes away no copy that is still served.
        ordered = [name for name in names if name in offline] + [name for name in names if name not in offline]
        if brick_set.kind == REPLICA:
            plans[number] = [[name] for name in ordered]
            continue
        down_elsewhere = [name for name in brick_set.names if name in offline and name not in names]
        first = [name for name in ordered if name in offline]
        room = brick_set.redundancy - len([name for name in brick_set.names if name in offline])
        online_targets = [name for name in ordered if name not in offline]
        first += online_targets[:max(room, 0)]
        rest = online_targets[max(room, 0):]
        if rest and down_elsewhere:
            # Heal of the set cannot reach zero while a brick that is not rebuilt stays offline.
            down = down_elsewhere
            raise BrickPlanError(
                '%s has redundancy %d and %s offline (%s): rebuilding %s as well would leave too few '
                'fragments of its files; bring the offline bricks back or rebuild them first'
                % (brick_set.describe(), brick_set.redundancy, 'these are' if len(down) > 1 else 'this is',
                   ', '.join(down), ', '.join(rest)), 'bricks')
        chunks = [first] if first else []
        size = brick_set.redundancy - len(down_elsewhere)
        chunks += [rest[start:start + size] for start in range(0, len(rest), size)]
        plans[number] = chunks
    count = max(len(chunks) for chunks in plans.values()) if plans else 0
    cycles = []
    for index in range(count):
        bricks, numbers = [], []
        for number in sorted(plans):
            if index < len(plans[number]):
                bricks += plans[number][index]
                numbers.append(number)
        cycles.append(RebuildCycle(bricks=sorted(bricks, key=rebuild.index), sets=numbers))
    if not cycles:
        return cycles, False
    verdicts = judge_cycle(cycles[0], volume, status, heal, offline_bricks_are_stale)
    problems = [problem for verdict in verdicts for problem in verdict.problems]
    if problems:
        raise BrickPlanError('refusing to rebuild %s of volume %s, nothing was changed: %s'
                             % (', '.join(cycles[0].bricks), volume.name, '; '.join(problems)), 'bricks')
    waiting = [verdict for verdict in verdicts if verdict.wait]
    if not wait_for_heal:
        if len(cycles) > 1:
            raise BrickPlanError(
                'wait_for_heal: false, but %s of one set can only be rebuilt one heal cycle apart (%s); nothing '
                'was changed. Let the module wait for heal, or rebuild one brick per set per run'
                % (', '.join(rebuild), '; then '.join(', '.join(cycle.bricks) for cycle in cycles)))
        if waiting:
            counts = ['%s has %d entries waiting for heal' % (verdict.brick_set.describe(), verdict.pending)
                      for verdict in waiting]
            raise BrickPlanError('wait_for_heal: false, but %s; nothing was changed. Let heal finish first'
                                 % '; '.join(counts))
    return cycles, bool(waiting)


def judge_cycle(cycle, volume, status, heal, offline_bricks_are_stale=False):
    """A SetVerdict per set of ``cycle``, from the state read now."""
    sets = brick_sets(volume)
    verdicts = []
    for number in cycle.sets:
        brick_set = sets[number - 1]
        rebuild = [name for name in cycle.bricks if name in brick_set.names]
        verdicts.append(judge_set(brick_set, rebuild, volume, status, heal, offline_bricks_are_stale))
    return verdicts


def set_members(volume, numbers):
    """Brick names of the sets ``numbers`` in ``volume`` (read again after a rebuild: a replaced
    brick has a new name at the same position)."""
    sets = brick_sets(volume)
    return [name for number in numbers for name in sets[number - 1].names]
