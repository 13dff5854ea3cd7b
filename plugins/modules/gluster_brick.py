#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: glusterdock developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
---
module: gluster_brick
short_description: Add, remove (with data migration), replace and reset bricks of a GlusterFS volume; rebalance
description:
  - Changes the bricks of an existing GlusterFS volume without losing data, with the C(gluster) CLI in
    script mode and XML output, and waits for gluster's own work (migration, rebalance, heal) to end.
  - Every argument is checked before any gluster call; bad input changes nothing.
  - O(state=present) adds bricks with C(add-brick), also raising the replica count (for example replica 2
    to 3) or adding an arbiter to a replica 2 volume; with O(rebalance=true) it then runs a rebalance and
    waits for it.
  - O(state=absent) removes bricks the safe way. Before anything starts it checks that the volume is
    started, every peer is connected, every brick is online and (replicated and dispersed volumes) no
    entry is waiting for heal. It then runs C(remove-brick start), polls C(remove-brick status) and runs
    C(commit) only when the aggregate and every node report completed with zero failures and zero skipped
    files, and every node that hosts a removed brick has reported (gluster leaves out a node whose migration
    has not started or that is down; missing counts are not taken as zero). Right before the commit it checks
    again that every peer is connected and every brick online; if not, it fails and leaves the task running
    (a later run resumes it). Otherwise it runs C(remove-brick stop) (the bricks stay in the volume with their files) and
    fails with the status of every node. A remove-brick task left by an earlier, interrupted run for the
    same bricks is resumed (polled and committed), not restarted; one for other bricks makes it fail.
  - Files must stay reachable by name. C(remove-brick start) rewrites directory layouts, and with
    C(cluster.lookup-optimize) (on by default) a client trusts them; after C(remove-brick stop), and on GlusterFS 10.3
    even after a clean removal or rebalance, some files then answer C(No such file or directory) to a lookup by name
    although a directory listing shows them. So after a stop, before a new C(remove-brick start), after a commit and
    after a rebalance, the module mounts the volume privately (C(mount -t glusterfs -o use-readdirp=no
    localhost:/VOLUME) on a temporary directory, always unmounted) and looks every entry up by name; while any
    misses, it runs a full C(rebalance start) (up to three), waits for it and checks again. If that cannot run
    (a peer disconnected, a brick offline) or does not help, it fails saying that the volume is not whole and
    what to do; running the same task again once every node is back rebalances first, then goes on. The crawl
    costs about a second per few thousand files.
  - Lowering the replica count (O(state=absent) with O(replica) below the volume's) moves no data; gluster
    requires C(remove-brick replica N ... force) for it, which is the only time this module passes
    C(force) to C(remove-brick). It needs O(allow_replica_reduction=true), every brick online and zero
    entries waiting for heal, so every copy that is dropped has an identical copy left. Every brick of the
    volume must appear in the heal reply, connected, with a count of zero (an unknown count is refused).
  - O(state=replaced) replaces bricks (typically of a failed server) with new, empty ones using
    C(replace-brick NAME OLD NEW commit force) (gluster's only form; the C(force) is part of its syntax),
    then waits until heal reports zero entries on every brick.
  - O(state=reset) rebuilds an offline brick on its own path after a disk swap (C(reset-brick start), then
    C(reset-brick ... commit force)), then waits for heal. A brick that is online is left alone. The module must
    run on the node that holds the brick to reset (use C(delegate_to)), and checks its path as for O(new_bricks).
  - A replaced or reset brick starts empty and is filled by heal from the rest of its set, so with O(state=replaced)
    and O(state=reset) every set keeps a good copy of every file. In a replica set at most one brick is rebuilt per
    heal cycle; the next brick of the same set only after heal reports zero entries on every brick of that set
    (an arbiter holds names and metadata, never file data, so it never counts as a copy). Every other brick of the
    set must be online. In a disperse set the bricks offline plus those rebuilt at once never exceed its
    redundancy. Offline bricks are rebuilt first. The whole request is checked against these rules before the
    first change; a refusal names the bricks and their set.
  - A brick that is offline may hold the only good copy of files its partners missed before it went down, and
    gluster's heal counts cannot tell those apart from files written while it was down (both show as entries on
    its partners). So an offline brick is replaced or reset only when every other brick of its set is online and
    reports zero entries waiting for heal, unless O(offline_bricks_are_stale=true) says that heal was complete
    when it went down.
  - If heal does not reach zero within O(timeout) between two cycles, the module fails saying which bricks are
    done and which are not; running the task again waits for heal, then goes on with the rest.
  - On a replicated or dispersed volume, every run with O(state=present), O(state=replaced) or O(state=reset)
    ends by checking heal, also when it changes nothing (an earlier run's heal may not have finished), and reports
    C(ok) only when heal shows zero entries on every brick. This costs one C(volume heal NAME info summary) read
    more than the volume and pool reads when nothing is pending (and none in check mode). A run that changes
    nothing fails at once, without waiting, when a brick is offline or in split-brain.
  - O(state=rebalanced) runs a rebalance on its own, waits for it, and reports the files moved and failures. A
    rebalance is done only when every node hosting a brick of the volume reports it completed with no failures.
    On a replicated or dispersed volume the run then waits, within O(timeout), until heal reports zero entries.
  - Waiting polls the status with backoff (0.2 seconds first, growing to at most 3 seconds) until O(timeout);
    the failure message then carries the last status read.
version_added: 0.1.0
author:
  - glusterdock developers (@glusterdock)
extends_documentation_fragment:
  - glusterdock.storage.attributes
  - glusterdock.storage.attributes.gluster
attributes:
  check_mode:
    support: full
    details: Reads the volume and runs the same checks, starts nothing, and returns in RV(commands) the changing
      commands it would run.
  diff_mode:
    support: full
    details: Shows the volume's bricks, replica and arbiter counts before and after (and offline bricks for a reset).
options:
  volume:
    description:
      - The volume name.
    type: str
    required: true
    aliases: [name]
  state:
    description:
      - V(present) makes sure O(bricks) are in the volume (C(add-brick)).
      - V(absent) makes sure O(bricks) are not in the volume, migrating their files to the other bricks first
        (or, with O(replica) below the volume's count, dropping one copy per set).
      - V(replaced) makes sure each brick of O(bricks) has been replaced by the brick at the same position
        of O(new_bricks), then that heal is complete.
      - V(reset) rebuilds the offline bricks of O(bricks) on their own paths, then waits for heal.
      - V(rebalanced) makes sure the volume's last rebalance completed with no failures; starts one otherwise. A
        fix-layout (what a grow without O(rebalance) runs) moves no file and does not count.
    type: str
    default: present
    choices: [present, absent, replaced, reset, rebalanced]
  bricks:
    description:
      - Bricks as V(host:/absolute/path); a host may be named by any of its names or addresses in the pool.
      - With V(present), only the new bricks. For a higher replica count, the new bricks of the first set,
        then of the second set, and so on (one brick per set for replica 2 to 3 or for an arbiter).
      - With V(absent), the bricks to remove; whole replica or disperse sets unless the replica count is lowered.
      - With V(replaced), the bricks to replace; with V(reset), the bricks to rebuild (the module must then run
        on their node, see O(new_bricks) for the checks made on the path).
    type: list
    elements: str
  new_bricks:
    description:
      - With O(state=replaced), the new brick for each brick of O(bricks), in the same order.
      - The module must run on the node that holds the new brick (use C(delegate_to)), so that it can check
        that the path is missing or empty, with no C(trusted.glusterfs.volume-id) xattr on it or on any parent
        directory and no C(.glusterfs) folder, and that it is not on the root file system (the same device as
        C(/); there is no option to allow that). C(commit force) skips glusterd's own checks of these. Other
        nodes' paths cannot be looked at from here.
    type: list
    elements: str
  replica:
    description:
      - With O(state=present), the replica count after adding the bricks (higher than the volume's to add a copy).
      - With O(state=absent), the replica count after removing the bricks, to lower it (needs
        O(allow_replica_reduction)).
    type: int
  arbiter:
    description:
      - V(1) with O(replica=3) and O(state=present) turns a replica 2 volume into replica 3 arbiter 1; the new
        bricks become arbiters.
    type: int
  rebalance:
    description:
      - With O(state=present), run a rebalance after adding bricks to a distributed volume and wait for it.
        A later run does not rebalance again while the volume's last rebalance has completed cleanly.
    type: bool
    default: false
  allow_replica_reduction:
    description:
      - Allow O(state=absent) with O(replica) below the volume's count. Gluster drops the removed copies without
        migrating anything (it needs C(force) for it); this module does so only with every brick online and no
        heal pending.
    type: bool
    default: false
  allow_replica_two:
    description:
      - Accept a resulting replica 2 volume without an arbiter (split-brain risk), or replica 1.
    type: bool
    default: false
  wait_for_heal:
    description:
      - Wait until heal reports zero entries on every brick (after a replace, reset or replica increase, and on a
        run that changes nothing on a replicated or dispersed volume), failing with the counts on O(timeout).
      - V(false) does not wait; the module then reads heal once at the end and returns it with RV(healed), and
        warns when entries are pending. A request that needs more than one heal cycle (two bricks of one set),
        or a set with entries already waiting, is then refused before any change.
    type: bool
    default: true
  offline_bricks_are_stale:
    description:
      - With O(state=replaced) or O(state=reset), rebuild an offline brick even though the rest of its set reports
        entries waiting for heal, taking them all to be files the offline brick lacks.
      - Set it only when you know that heal was complete when the brick went offline. If a partner had missed writes
        that were not healed yet, the offline brick holds the only good copy of those files and they are lost.
    type: bool
    default: false
  timeout:
    description:
      - Seconds to wait for a migration, rebalance or heal. On timeout the module fails with the last status;
        a migration is left running (not stopped), and a later run resumes it.
    type: int
    default: 3600
notes:
  - Run it once per volume, on one node of the pool (C(run_once)); for O(state=replaced) on the node of the new brick,
    for O(state=reset) on the node of the brick.
  - After a commit, gluster's advice holds - look at the removed brick directories before reusing them. This module
    commits only when gluster reports zero failures and zero skipped files, and never deletes brick data.
  - A run interrupted after C(remove-brick start) leaves the migration running in glusterd; run the same task again
    to wait for it and commit.
  - The node running the module mounts the volume (FUSE, C(mount.glusterfs)) for its reachability checks; check mode
    does too, to predict a rebalance before the start. Check mode cannot foresee the rebalance that a commit may need.
seealso:
  - module: glusterdock.storage.gluster_volume
  - module: glusterdock.storage.gluster_peer
'''

EXAMPLES = r'''
- name: Add two bricks to a distribute volume and spread the files
  glusterdock.storage.gluster_brick:
    volume: scratch
    bricks: [node3:/bricks/scratch/b1, node4:/bricks/scratch/b1]
    rebalance: true
  run_once: true

- name: Shrink it again, migrating the files off the two bricks first
  glusterdock.storage.gluster_brick:
    volume: scratch
    state: absent
    bricks: [node3:/bricks/scratch/b1, node4:/bricks/scratch/b1]
    timeout: 7200
  run_once: true

- name: Remove the second replica set of a 2 x 3 volume
  glusterdock.storage.gluster_brick:
    volume: shared
    state: absent
    bricks: [node4:/bricks/shared/b1, node5:/bricks/shared/b1, node6:/bricks/shared/b1]
  run_once: true

- name: Replica 2 to replica 3
  glusterdock.storage.gluster_brick:
    volume: pair
    replica: 3
    bricks: [node3:/bricks/pair/b1]
  run_once: true

- name: Replica 2 to replica 2 + arbiter
  glusterdock.storage.gluster_brick:
    volume: pair
    replica: 3
    arbiter: 1
    bricks: [node3:/bricks/pair/arbiter]
  run_once: true

- name: Replace the brick of a dead server (runs on the node of the new brick)
  glusterdock.storage.gluster_brick:
    volume: shared
    state: replaced
    bricks: [node3:/bricks/shared/b1]
    new_bricks: [node7:/bricks/shared/b1]
  delegate_to: node7
  run_once: true

- name: Rebuild a brick after its disk was swapped (runs on the node of the brick)
  glusterdock.storage.gluster_brick:
    volume: shared
    state: reset
    bricks: [node2:/bricks/shared/b1]
  delegate_to: node2
  run_once: true

- name: Rebalance
  glusterdock.storage.gluster_brick:
    volume: scratch
    state: rebalanced
  run_once: true
'''

RETURN = r'''
commands:
  description: The changing gluster commands run, or in check mode those that would run.
  returned: always
  type: list
  elements: str
  sample: ["gluster --mode=script volume remove-brick data node3:/bricks/data/b1 start --xml",
           "gluster --mode=script volume remove-brick data node3:/bricks/data/b1 commit --xml"]
volume:
  description: The volume as C(volume info) reports it after the run (before it in check mode); see gluster_volume.
  returned: always
  type: dict
migration:
  description:
    - The last remove-brick or rebalance status read, per node and in aggregate (files moved, size, lookups,
      failures, skipped, status, runtime in seconds as gluster reports it).
  returned: when a migration or rebalance was waited for
  type: dict
  sample: {"task_id": "4e218ec6-067b-48c9-9f66-e11c96c65bc8", "aggregate": {"status": "completed", "files": 25,
           "failures": 0, "skipped": 0, "runtime": 1.0}, "nodes": []}
heal:
  description:
    - The last C(heal info summary) per brick (connected, pending entries, split-brain entries). C(pending) is every
      entry of the brick's heal index (gluster's total of those waiting, in split-brain and possibly healing), so it
      is 0 only on a brick with nothing to heal; gluster_info's C(pending) counts the waiting ones only.
  returned: when heal was checked or waited for
  type: list
  elements: dict
healed:
  description:
    - Whether heal showed zero entries on every brick at the end of the run (replicated and dispersed volumes).
      V(false) only with O(wait_for_heal=false); with waiting, pending heal makes the run fail instead.
  returned: with state present, replaced or reset on a replicated or dispersed volume, except in check mode
  type: bool
layout_rebalance:
  description:
    - The last status of a full rebalance run to make every file reachable by name (same form as RV(migration)).
  returned: when such a rebalance was waited for
  type: dict
reachability:
  description:
    - The last check that every file answers a lookup by name through a private mount (entries listed and looked
      up; C(unreachable) entries were listed but missed by their lookup, with up to ten C(examples); C(duplicates)
      names listed twice in one directory, counted once).
  returned: when the volume was crawled (after a stop, before a start, after a commit or a rebalance)
  type: dict
  sample: {"files": 3000, "directories": 21, "unreachable": 0, "examples": [], "duplicates": 0, "seconds": 1.2}
resumed:
  description: True when an unfinished remove-brick task of an earlier run was resumed instead of started.
  returned: with state absent
  type: bool
seconds:
  description: Time spent, from the module's start; C(wait) is the time spent waiting for gluster.
  returned: always
  type: dict
  sample: {"total": 4.2, "wait": 3.9}
timings:
  description:
    - With O(state=absent), seconds to the milestones of a removal, from the module's start (for benchmarks).
    - C(to_start) to just before C(remove-brick start); C(start_command) that command itself; C(commit_command)
      the C(remove-brick commit) command itself; C(to_commit) to the end of that commit.
    - C(to_start) and C(start_command) only when this run started the removal (not when it resumed one);
      C(commit_command) and C(to_commit) only when it committed.
  returned: when a remove-brick was started or committed
  type: dict
  sample: {"to_start": 1.3, "start_command": 0.4, "commit_command": 0.6, "to_commit": 12.8}
'''

import os
import time

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.glusterdock.storage.plugins.module_utils.brick_paths import brick_path_problem
from ansible_collections.glusterdock.storage.plugins.module_utils.errors import GlusterdockError
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_brick_health import (
    describe_heal,
    heal_finished,
    heal_problems,
    heal_to_list,
    healed,
    needs_heal_check,
    offline_bricks,
    peer_problems,
)
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_brick_plan import (
    VOLUME_STATUS,
    commit_precheck,
    existing_task_action,
    host_is_local,
    plan_absent,
    plan_present,
    plan_replaced,
    plan_reset,
    rebalance_action,
    rebalance_precheck,
    removal_precheck,
)
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_brick_request import parse_brick_request
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_brick_sets import (
    judge_cycle,
    plan_rebuild_cycles,
    set_members,
)
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_cli import GlusterCommandError, cli_for_module
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_layout import (
    FixLayoutFailed,
    LayoutCheckError,
    LayoutNotWhole,
    brick_node_ids,
    check_reachable,
    describe_reachability,
    fix_layout_after_grow,
    layout_not_repaired,
    repair_layout,
    stopped_message,
)
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_migration import (
    CLEAN,
    describe_migration,
    judge_migration,
    migration_finished,
    migration_to_dict,
    only_files_failed,
    rebalance_finished,
    rebalance_task,
    remove_brick_args,
    remove_brick_task,
    removal_node_ids,
    task_matches,
)
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_plan import apply_steps
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_volume_plan import volume_to_dict
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_wait import (
    STATUS_READ_ERRORS,
    WaitTimeout,
    delays,
    wait_tolerating_errors,
)
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_xml import (
    NO_SUCH_VOLUME_ERRNO,
    parse_heal_info,
    parse_migration_status,
    parse_peers,
    parse_volume_info,
    parse_volume_status,
)
from ansible_collections.glusterdock.storage.plugins.module_utils.local_host import local_host_names

# Seconds without progress of heal before the index heal is asked for again.
HEAL_NUDGE_SECONDS = 5

ARGUMENT_SPEC = dict(
    volume=dict(type='str', required=True, aliases=['name']),
    state=dict(type='str', default='present', choices=['present', 'absent', 'replaced', 'reset', 'rebalanced']),
    bricks=dict(type='list', elements='str'),
    new_bricks=dict(type='list', elements='str'),
    replica=dict(type='int'),
    arbiter=dict(type='int'),
    rebalance=dict(type='bool', default=False),
    allow_replica_reduction=dict(type='bool', default=False),
    allow_replica_two=dict(type='bool', default=False),
    wait_for_heal=dict(type='bool', default=True),
    offline_bricks_are_stale=dict(type='bool', default=False),
    timeout=dict(type='int', default=3600),
)


# glusterd's refusal while a node's rebalance or migration process still runs, and how long a
# process just told to stop is given to exit.
REBALANCE_ALREADY_STARTED = 'is already started'
STOPPED_PROCESS_GRACE = 120


class BrickFailure(GlusterdockError):
    """Stop the run: fail with this message (and extra result keys)."""

    def __init__(self, message, argument=None, **extra):
        super().__init__(message, argument)
        self.extra = extra


class BrickManager:
    """Reads the volume and cluster state, plans, runs and waits, and reports."""

    def __init__(self, module, cli, request, clock=time.monotonic, sleep=time.sleep, crawl=None):
        self.module = module
        # Mounts the volume privately and crawls it (injected in unit tests).
        self.crawl = crawl or (lambda: check_reachable(
            lambda argv: module.run_command(argv, environ_update={'LC_ALL': 'C'}), request.volume))
        self.cli = cli
        self.request = request
        self.clock = clock
        self.sleep = sleep
        self.started_at = clock()
        self.waited = 0.0
        self.changed = False
        self.result = {}
        # Seconds to the milestones of a removal (returned as timings, for benchmarks).
        self.timings = {}
        self.diff = None

    # ---- reads ----------------------------------------------------------------------------
    def read_volume(self):
        name = self.request.volume
        try:
            root = self.cli.read('volume', 'info', name)
        except GlusterCommandError as error:
            if error.op_errno == NO_SUCH_VOLUME_ERRNO:
                raise BrickFailure('volume %s does not exist' % name)
            raise
        volume = parse_volume_info(root).get(name)
        if volume is None:
            raise BrickFailure('volume %s does not exist' % name)
        return volume

    def read_peers(self):
        return parse_peers(self.cli.read('pool', 'list'))

    def read_status(self):
        return parse_volume_status(self.cli.read('volume', 'status', self.request.volume))

    def read_heal(self):
        return parse_heal_info(self.cli.read('volume', 'heal', self.request.volume, 'info', 'summary'))

    def read_removal(self, bricks):
        return parse_migration_status(self.cli.read(*remove_brick_args(self.request.volume, bricks, 'status')))

    def read_state(self, step):
        """The fresh read a planned step's ``done`` judges: ``volume status`` or ``volume info``."""
        return self.read_status() if VOLUME_STATUS in step.reads else self.read_volume()

    def read_rebalance(self):
        return parse_migration_status(self.cli.read('volume', 'rebalance', self.request.volume, 'status'))

    def wait(self, read, finished, what, describe):
        started = self.clock()
        try:
            value, _polls = wait_tolerating_errors(read, finished, self.request.timeout, what, GlusterCommandError,
                                                   STATUS_READ_ERRORS, describe=describe, clock=self.clock,
                                                   sleep=self.sleep)
        finally:
            self.waited += self.clock() - started
        return value

    # ---- states ---------------------------------------------------------------------------
    def present(self, volume, peers):
        plan = plan_present(self.request, volume, peers)
        self.note_plan(plan)
        raises_replica = plan.after.get('replica', volume.replica_count) != volume.replica_count
        apply_steps(self.cli, plan.steps, self.read_state)
        self.changed = plan.changed
        if raises_replica and plan.changed:
            self.trigger_heal()
        # New sets without a rebalance still need their directories laid out (FIX_LAYOUT_REASON);
        # a rebalance, asked for, does that and more.
        if plan.changed and not raises_replica and not self.request.rebalance and volume.started:
            try:
                fix_layout_after_grow(self.cli, volume.name, self.request.timeout)
            except FixLayoutFailed as error:
                raise BrickFailure('volume %s: %s' % (volume.name, error))
        if self.cli.check_mode:
            set_size = volume.disperse_count or plan.after.get('replica') or 1
            if self.request.rebalance and len(plan.after['bricks']) // set_size > 1:
                if plan.changed:
                    self.cli.change('volume', 'rebalance', volume.name, 'start')
                else:
                    self.rebalance(volume, peers)
            return volume
        if plan.changed:
            volume = self.read_volume()
        self.verify_heal(volume)
        if self.request.rebalance and volume.distribute_count > 1 and self.rebalance(volume, peers, fresh=plan.changed):
            # Files moved on a replicated volume can leave entries to heal: "ok" means healed.
            self.verify_heal(volume)
        return volume

    def absent(self, volume, peers):
        plan = plan_absent(self.request, volume, peers)
        self.note_plan(plan)
        if not plan.changed:
            return volume
        status = self.read_status()
        heal = None
        if plan.mode == 'reduce':
            heal = self.read_heal()
            self.result['heal'] = heal_to_list(heal)
            removal_precheck(volume, peers, status, heal)
            apply_steps(self.cli, plan.steps, self.read_state)
            self.changed = True
            return volume if self.cli.check_mode else self.read_volume()
        # Mode 'migrate': start, then (after the migration is judged clean) commit.
        start, commit = plan.steps
        action = existing_task_action(volume, status, plan.bricks)
        self.result['resumed'] = action == 'resume'
        if action == 'start':
            if needs_heal_check(volume):
                heal = self.read_heal()
                self.result['heal'] = heal_to_list(heal)
            removal_precheck(volume, peers, status, heal)
            # An earlier stopped or failed removal leaves layouts that lookups trust and files do not follow.
            self.repair_layout(volume, 'Nothing was started:')
            self.timings['to_start'] = round(self.clock() - self.started_at, 3)
            apply_steps(self.cli, [start], self.read_state)
            self.timings['start_command'] = round(self.clock() - self.started_at - self.timings['to_start'], 3)
        self.changed = True
        # Every node that hosts a removed brick must report its own migration as completed.
        node_ids = removal_node_ids(volume, plan.bricks)
        if self.cli.check_mode:
            if action == 'resume':
                commit_precheck(volume, peers, status, plan.bricks)
            apply_steps(self.cli, [commit], self.read_state)
            return volume
        try:
            migration = self.wait(lambda: self.read_removal(plan.bricks),
                                  lambda value: migration_finished(value, node_ids),
                                  'remove-brick of %s' % ' '.join(plan.bricks),
                                  lambda value: describe_migration(value, node_ids))
        except WaitTimeout as error:
            self.result['migration'] = migration_to_dict(error.last)
            raise BrickFailure('%s. The migration is left running (nothing was committed or stopped); run the task '
                               'again to wait for it and commit' % error)
        self.result['migration'] = migration_to_dict(migration)
        if judge_migration(migration, node_ids) != CLEAN:
            self.stop_removal(volume, plan.bricks, migration, node_ids)
        # A node may have gone down since the migration was judged: check again right before the
        # commit (also when resuming an earlier task, which skipped the start's precheck).
        commit_precheck(volume, self.read_peers(), self.read_status(), plan.bricks)
        committing = self.clock()
        apply_steps(self.cli, [commit], self.read_state)
        self.timings['commit_command'] = round(self.clock() - committing, 3)
        self.timings['to_commit'] = round(self.clock() - self.started_at, 3)
        volume = self.read_volume()
        # Even a clean removal can leave files where no lookup by name finds them.
        self.repair_layout(volume, 'The removal of %s was committed, but:' % ' '.join(plan.bricks), rerun=False)
        return volume

    def stop_removal(self, volume, bricks, migration, node_ids=()):
        """Stop a migration that failed or skipped files, repair the layouts when every node is
        there, and fail with the volume's state and every node's status."""
        status_text = describe_migration(migration, node_ids)
        try:
            self.cli.change(*remove_brick_args(self.request.volume, bricks, 'stop'),
                            already_done=lambda: self._guarded(lambda: self._removal_stopped(bricks)))
        except GlusterCommandError as error:
            raise BrickFailure(stopped_message(
                bricks, self.request.volume, 'remove-brick stop failed too (%s); stop the task by hand' % error,
                layout_not_repaired(self.request.volume, 'cannot run while the task runs'), status_text))
        stopped = 'stopped the task with remove-brick stop; the bricks stay in the volume with their files'
        try:
            found, runs = self.repair_layout(volume, None)
        except BrickFailure as error:
            raise BrickFailure(stopped_message(bricks, self.request.volume, stopped, str(error), status_text))
        repaired = ('%d full rebalance(s) then repaired the directory layouts' % runs if runs
                    else 'no rebalance was needed')
        reachable = describe_reachability(found) if found else 'every file is reachable by name'
        raise BrickFailure(stopped_message(
            bricks, self.request.volume, stopped,
            'The volume is whole: %s; %s through a fresh mount. Fix the cause and run the task again to remove the '
            'bricks.' % (repaired, reachable), status_text))

    def repair_layout(self, volume, when, rerun=True):
        """Make every file reachable by name (see gluster_layout): crawl a private mount; while a
        lookup misses, run a full rebalance and crawl again. Fails, prefixed by ``when``, saying
        what state the volume is in. A volume of one set has no layout to miss: nothing to do."""
        if volume.distribute_count <= 1:
            return None, 0

        def blockers():
            offline = offline_bricks(volume, self.read_status())
            return peer_problems(self.read_peers()) + (['bricks offline: %s' % ', '.join(offline)] if offline else [])
        try:
            found, runs = repair_layout(self.check_reachable, lambda: self.rebalance_once(volume), blockers,
                                        check_mode=self.cli.check_mode)
        except LayoutNotWhole as error:
            self.result['reachability'] = error.check.to_dict()
            raise BrickFailure(' '.join(part for part in (when, layout_not_repaired(
                self.request.volume, error.reason, error.check, rerun)) if part))
        except (BrickFailure, GlusterCommandError) as error:
            raise BrickFailure(' '.join(part for part in (when, '%s.' % error, layout_not_repaired(
                self.request.volume, 'did not complete', rerun=rerun)) if part))
        return found, runs

    def check_reachable(self):
        try:
            found = self.crawl()
        except (LayoutCheckError, OSError) as error:
            raise BrickFailure('could not check that every file of volume %s is reachable by name: %s'
                               % (self.request.volume, error))
        self.result['reachability'] = found.to_dict()
        return found

    def rebalance_once(self, volume):
        """Start a full rebalance and wait until every node hosting a brick reports it completed
        cleanly; raise BrickFailure otherwise."""
        self.start_rebalance(volume, (rebalance_task(self.read_status()) or {}).get('id'))
        if self.cli.check_mode:
            return None
        return self.wait_rebalance(volume, key='layout_rebalance')

    def start_rebalance(self, volume, previous_id):
        """Start a full rebalance; a task id other than ``previous_id`` proves a lost reply started it.

        ``remove-brick stop`` returns before every node's migration process has exited, and until it
        has, glusterd on that node refuses a new rebalance ("Rebalance on VOL is already started";
        seen in the lab right after a stop). That refusal is retried for up to
        STOPPED_PROCESS_GRACE seconds; any other failure is not.
        """
        deadline = self.clock() + STOPPED_PROCESS_GRACE
        pauses = delays(1.0, 5.0)
        while True:
            try:
                self.cli.change('volume', 'rebalance', volume.name, 'start', already_done=lambda: self._guarded(
                    lambda: (rebalance_task(self.read_status()) or {}).get('id', previous_id) != previous_id))
                break
            except GlusterCommandError as error:
                pause = next(pauses)
                if REBALANCE_ALREADY_STARTED not in (error.detail or '') or self.clock() + pause > deadline:
                    raise
                self.sleep(pause)
        self.changed = True

    def wait_rebalance(self, volume, key='migration'):
        """Wait until no node runs the rebalance; when every node completed and only some files
        failed or were skipped, run it once more (gluster's remedy: a file busy or not yet
        reachable on the first pass moves on the second). Raise BrickFailure unless clean."""
        node_ids = brick_node_ids(volume)
        migration = self._wait_rebalance_done(volume, node_ids, key)
        if only_files_failed(migration):
            self.start_rebalance(volume, migration.task_id)
            migration = self._wait_rebalance_done(volume, node_ids, key, not_task=migration.task_id)
        if judge_migration(migration, node_ids) != CLEAN:
            raise BrickFailure('rebalance of volume %s did not complete cleanly: %s'
                               % (volume.name, describe_migration(migration, node_ids)))
        return migration

    def _wait_rebalance_done(self, volume, node_ids, key, not_task=None):
        """``not_task``: the id of the run before, whose final status must not count as ours."""
        def finished(value):
            return value.task_id != not_task and rebalance_finished(value, node_ids)
        try:
            migration = self.wait(self.read_rebalance, finished,
                                  'rebalance of %s' % volume.name, lambda value: describe_migration(value, node_ids))
        except WaitTimeout as error:
            self.result[key] = migration_to_dict(error.last)
            raise BrickFailure('%s. The rebalance is left running' % error)
        self.result[key] = migration_to_dict(migration)
        return migration

    def replaced(self, volume, peers):
        plan = plan_replaced(self.request, volume, peers)
        local_names = local_host_names()
        for new in plan.bricks:
            host, path = new.rpartition(':')[0], new.rpartition(':')[2]
            if not host_is_local(host, peers, volume, local_names):
                raise BrickFailure('%s is on another node: run this task on %s (delegate_to: %s) so the module can '
                                   'check that the path is empty and was never a brick' % (new, host, host),
                                   'new_bricks')
            problem = brick_path_problem(path, os.listdir, os.getxattr, os.stat)
            if problem:
                raise BrickFailure('%s refused: %s' % (new, problem), 'new_bricks')
        # Each replace-brick step acts on [old, new].
        steps = {step.bricks[0]: step for step in plan.steps}
        cycles, wait_first = self.plan_cycles(volume, list(steps))
        self.note_plan(plan)
        return self.rebuild(volume, cycles, wait_first, lambda old: [steps[old]], 'replaced %s by %s',
                            lambda old: tuple(steps[old].bricks))

    def reset(self, volume, peers):
        status = self.read_status()
        plan = plan_reset(self.request, volume, peers, status)
        local_names = local_host_names()
        for name in plan.bricks:
            host, path = name.rpartition(':')[0], name.rpartition(':')[2]
            if not host_is_local(host, peers, volume, local_names):
                raise BrickFailure('%s is on another node: run this task on %s (delegate_to: %s) so the module can '
                                   'check that the path is empty, on a file system of its own and no brick any more'
                                   % (name, host, host), 'bricks')
            problem = brick_path_problem(path, os.listdir, os.getxattr, os.stat)
            if problem:
                raise BrickFailure('%s cannot be reset: %s' % (name, problem), 'bricks')
        cycles, wait_first = self.plan_cycles(volume, plan.bricks, status)
        self.note_plan(plan)
        steps = {}
        for step in plan.steps:
            steps.setdefault(step.bricks[0], []).append(step)
        return self.rebuild(volume, cycles, wait_first, steps.get, 'reset %s', lambda name: (name,))

    def plan_cycles(self, volume, bricks, status=None):
        """Check the whole request against the sets' good copies before the first change (see
        gluster_brick_sets); returns its heal cycles. Reads status and heal only when something
        would be rebuilt."""
        if not bricks:
            return [], False
        status = status or self.read_status()
        heal = self.read_heal()
        self.result['heal'] = heal_to_list(heal)
        return plan_rebuild_cycles(volume, status, heal, bricks, self.request.wait_for_heal,
                                   self.request.offline_bricks_are_stale)

    def rebuild(self, volume, cycles, wait_first, steps_for, done_text, done_args):
        """Rebuild the bricks cycle by cycle: before every cycle but the first (and before the first
        when its sets have entries waiting), wait until heal reports zero entries on the cycle's sets
        and judge them again on the state read then; ask for an index heal after each cycle; at the
        end verify heal of the whole volume."""
        done = []
        current = volume
        for index, cycle in enumerate(cycles):
            if (index or wait_first) and not self.cli.check_mode:
                try:
                    self.wait_for_heal(current, sets=cycle.sets)
                    problems = [problem for verdict in judge_cycle(cycle, current, self.read_status(), self.read_heal(),
                                                                   self.request.offline_bricks_are_stale)
                                for problem in verdict.problems]
                    if problems:
                        raise BrickFailure('; '.join(problems))
                except BrickFailure as error:
                    remaining = [name for later in cycles[index:] for name in later.bricks]
                    raise BrickFailure(
                        'volume %s: %s. Done: %s. Not done: %s (one brick of a set per heal cycle). Run the task '
                        'again to go on: it waits for heal, then rebuilds the rest'
                        % (self.request.volume, error, '; '.join(done) or 'nothing',
                           '; '.join(done_text % done_args(name) for name in remaining)), **error.extra)
            for name in cycle.bricks:
                apply_steps(self.cli, steps_for(name), self.read_state)
                done.append(done_text % done_args(name))
            self.changed = True
            self.trigger_heal()
            if not self.cli.check_mode:
                current = self.read_volume()
        if self.cli.check_mode:
            return volume
        self.verify_heal(current)
        return current

    def verify_heal(self, volume):
        """"ok" only for a verified end state: on a replicated or dispersed volume every run (also one
        that changes nothing: an earlier run's heal may not have finished) waits until heal reports
        zero entries on every brick. With wait_for_heal false (and in check mode) it reads heal
        once, returns it with healed, and warns when entries are pending."""
        if not needs_heal_check(volume):
            return
        if self.request.wait_for_heal and not self.cli.check_mode:
            if not self.changed:
                # Nothing was rebuilt in this run: only pending entries are worth waiting for; an
                # offline or unreported brick or a split-brain fails at once, with the counts.
                heal = self.read_heal()
                self.result['heal'] = heal_to_list(heal)
                problems = heal_problems(heal, volume)
                if [problem for problem in problems if not problem.endswith(' entries to heal')]:
                    raise BrickFailure('volume %s is not healthy, heal cannot finish: %s'
                                       % (volume.name, '; '.join(problems)))
                if not problems:
                    self.result['healed'] = True
                    return
            self.wait_for_heal(volume)
            self.result['healed'] = True
            return
        heal = self.read_heal()
        self.result['heal'] = heal_to_list(heal)
        self.result['healed'] = healed(heal, volume)
        if not self.result['healed']:
            self.module.warn('heal of volume %s is not complete (not waited for): %s'
                             % (volume.name, '; '.join(heal_problems(heal, volume))))

    def rebalance(self, volume, peers, fresh=False):
        """Start a rebalance unless the last one completed cleanly, wait, report; fail on failures.
        A fix-layout does not count: it lays out directories and moves no file, yet volume status
        calls it a Rebalance task, "completed" when done. True when a rebalance ran to its end."""
        status = None if fresh else self.read_status()
        action = 'start' if fresh else rebalance_action(volume, status)
        previous_id = (rebalance_task(status) or {}).get('id')
        if action in ('check', 'wait'):
            migration = self.read_rebalance()
            fix_layout = migration is not None and migration.fix_layout
            if action == 'check' and not fix_layout and judge_migration(migration, brick_node_ids(volume)) == CLEAN:
                self.result['migration'] = migration_to_dict(migration)
                return False
            if action == 'wait' and fix_layout and not self.cli.check_mode:
                self._wait_rebalance_done(volume, brick_node_ids(volume), 'migration')
            if action == 'check' or fix_layout:
                action = 'start'
        if action == 'start':
            if status is not None:
                rebalance_precheck(volume, peers, status)
            self.start_rebalance(volume, previous_id)
        if self.cli.check_mode:
            return False
        self.wait_rebalance(volume)
        # Rebalance processes of different nodes can write different layouts for one directory.
        self.repair_layout(volume, 'The rebalance completed, but:', rerun=False)
        return True

    def trigger_heal(self):
        """Start an index heal now: the self-heal daemon would otherwise find the new brick's
        pending entries only at its next crawl (cluster.heal-timeout, 10 minutes by default)."""
        try:
            self.cli.change('volume', 'heal', self.request.volume, retry=False)
        except GlusterCommandError as error:
            self.module.warn('could not start the heal at once (%s); waiting for the self-heal daemon' % error)

    def wait_for_heal(self, volume, sets=None):
        """Wait until every brick of ``volume`` (of its sets numbered ``sets``, when given) is in the
        heal reply, connected, with zero entries."""
        names = None if sets is None else set_members(volume, sets)
        last = {'pending': None, 'since': self.clock()}

        def read_and_nudge():
            # The self-heal daemon takes up entries it failed on, or that appeared after a crawl,
            # only at its next crawl (cluster.heal-timeout, 10 minutes by default): while the count
            # of pending entries does not move, ask for an index heal again (it is idempotent).
            heal = self.read_heal()
            pending = sum(brick.unhealed or 0 for brick in heal)
            if pending != last['pending']:
                last.update(pending=pending, since=self.clock())
            elif pending and self.clock() - last['since'] >= HEAL_NUDGE_SECONDS:
                last['since'] = self.clock()
                try:
                    self.cli.change('volume', 'heal', self.request.volume, retry=False)
                except GlusterCommandError:
                    pass
            return heal
        try:
            heal = self.wait(read_and_nudge, lambda value: heal_finished(value, volume, names),
                             'heal of volume %s' % self.request.volume, describe_heal)
        except WaitTimeout as error:
            self.result['heal'] = heal_to_list(error.last)
            raise BrickFailure(str(error))
        self.result['heal'] = heal_to_list(heal)
        problems = heal_problems(heal, volume, bricks=names)
        if problems:
            raise BrickFailure('volume %s does not heal: %s' % (self.request.volume, '; '.join(problems)))

    # ---- helpers --------------------------------------------------------------------------
    def note_plan(self, plan):
        self.diff = dict(before=plan.before, after=plan.after)
        for warning in plan.warnings:
            self.module.warn(warning)

    @staticmethod
    def _guarded(predicate):
        """An ``already_done`` predicate that answers False when the state cannot be read."""
        try:
            return predicate()
        except GlusterCommandError:
            return False

    def _removal_stopped(self, bricks):
        task = remove_brick_task(self.read_status())
        return task is None or not task_matches(task, bricks) or task['status'] == 'stopped'

    def run(self):
        volume = None
        failure = None
        try:
            volume = self.read_volume()
            peers = self.read_peers()
            state = self.request.state
            if state == 'rebalanced':
                if self.rebalance(volume, peers):
                    self.verify_heal(volume)
            else:
                volume = getattr(self, state)(volume, peers)
        except GlusterCommandError as error:
            failure = error.details()
        except GlusterdockError as error:
            failure = dict(msg=str(error), **getattr(error, 'extra', {}))
        self.result.update(
            changed=self.changed,
            commands=self.cli.commands,
            volume=volume_to_dict(volume),
            seconds={'total': round(self.clock() - self.started_at, 3), 'wait': round(self.waited, 3)},
        )
        if self.timings:
            self.result['timings'] = self.timings
        if self.module._diff and self.diff is not None:
            self.result['diff'] = self.diff
        if failure is not None:
            failure.update((key, value) for key, value in self.result.items() if key not in failure)
            self.module.fail_json(**failure)
        self.module.exit_json(**self.result)


def main():
    module = AnsibleModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True)
    try:
        request = parse_brick_request(module.params)
    except GlusterdockError as error:
        module.fail_json(msg=str(error), commands=[])
    cli = cli_for_module(module)
    BrickManager(module, cli, request).run()


if __name__ == '__main__':
    main()
