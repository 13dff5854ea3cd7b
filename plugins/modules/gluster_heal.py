#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: glusterdock developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
---
module: gluster_heal
short_description: Heal a GlusterFS volume and wait until nothing is left to heal; resolve split-brain by an explicit policy
version_added: 0.1.0
description:
  - Starts a heal of a replicated or dispersed volume when entries wait for one or are possibly healing
    (or always with O(full=true)), then waits until every brick reports zero entries to heal, none in
    split-brain and none possibly healing (entries the self-heal daemon is healing at that moment),
    reporting the progress it saw. The self-heal daemon would otherwise find the entries only at its
    next index crawl (every 600 seconds by default).
  - Split-brain is resolved only with a policy given in the task, for named files or for all
    (V(bigger-file), V(latest-mtime), or V(source-brick) with the brick whose copies to keep). Without
    a policy, files in split-brain fail the task before anything is changed, listing them.
  - A gfid split-brain (one name whose copies on the bricks have different gfids, for example a file
    created on each brick while the other was down) shows in heal info as its parent directory in
    split-brain and the name waiting for heal. gluster resolves it only for the name given by its
    path, so the module then also reads C(heal info), and resolves each such name by path with the
    policy (for all files), or accepts a named file whose directory is listed in split-brain. When heal
    info gives the names in such a directory only by gfid, a policy for all files fails before any
    change, asking for the path.
  - Once its names are resolved, the directory itself stays in split-brain (each brick blames the
    other for its metadata), and gluster resolves a directory only by V(source-brick), as a
    conservative merge that keeps every name of every brick and takes the directory's owner, mode and
    times from the source brick. V(source-brick) for all files does that after the names; with
    V(latest-mtime) or V(bigger-file) the task warns how to do it, and waits only for the rest.
  - A name whose copies differ in type (a file on one brick, a directory on another) cannot be
    resolved by the CLI. gluster refuses the lookup and changes nothing for it, and the task fails
    saying which brick holds which type (from the log of glfsheal on the node) and what to do (keep one
    copy, remove the entry and its C(.glusterfs) gfid link on every other brick, run the task again).
  - Check mode returns the exact commands that would run and the resolutions, and waits for nothing.
  - When nothing waits for heal, the run makes two gluster calls (C(volume info) and the heal
    summary) and changes nothing. With split-brain it also reads C(heal info split-brain), and
    C(heal info) when entries also wait for heal.
author:
  - glusterdock developers (@glusterdock)
options:
  volume:
    description: The volume.
    type: str
    required: true
  full:
    description:
      - Start a full heal (a crawl of the whole volume) rather than an index heal. Every run with
        V(true) starts one, so the task always reports changed; use it after a brick was restored
        from outside gluster, not routinely.
    type: bool
    default: false
  timeout:
    description: Seconds to wait for heal to finish before failing (the heal goes on).
    type: int
    default: 600
  split_brain:
    description: How to resolve files in split-brain. Without it, split-brain fails the task.
    type: dict
    suboptions:
      policy:
        description:
          - V(bigger-file) keeps the bigger copy; V(latest-mtime) the copy modified last; V(source-brick)
            every copy on O(split_brain.source_brick).
        type: str
        required: true
        choices: [bigger-file, latest-mtime, source-brick]
      source_brick:
        description: The brick (host:/path) whose copies win, for V(source-brick).
        type: str
      files:
        description:
          - Only these files, as paths from the volume root (V(/dir/file)) or V(gfid:UUID) as heal
            info shows them. A named file that is neither in split-brain nor a name in a directory that
            is (a gfid split-brain) fails the task before any change.
          - A gfid split-brain is resolved only for a name given as a path, not as V(gfid:UUID).
          - Default is every file in split-brain.
        type: list
        elements: str
notes:
  - Run it on one member of the pool (for example with C(run_once)).
  - A type mismatch is found only when gluster is asked to resolve that name; with several names in
    one task, the names resolved before it stay resolved (the failure lists the commands that ran).
  - After a policy resolves a gfid split-brain, the heal start copies the kept file's data to the
    other bricks; the task waits for it.
extends_documentation_fragment:
  - glusterdock.storage.attributes
  - glusterdock.storage.attributes.gluster
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
    details:
      - Entries to heal and split-brain files, before and after.
seealso:
  - module: glusterdock.storage.gluster_info
'''

EXAMPLES = r'''
- name: Heal web and wait until nothing is left
  glusterdock.storage.gluster_heal:
    volume: web
  run_once: true

- name: Keep the newest copy of two files in split-brain
  glusterdock.storage.gluster_heal:
    volume: web
    split_brain:
      policy: latest-mtime
      files: [/html/index.html, /html/app.js]
  run_once: true

- name: Keep the newest copy of a file created on each brick while the other was down (gfid split-brain)
  glusterdock.storage.gluster_heal:
    volume: web
    split_brain:
      policy: latest-mtime
      files: [/html/upload.tmp]
  run_once: true

- name: Keep node1's copy of every file in split-brain
  glusterdock.storage.gluster_heal:
    volume: web
    split_brain:
      policy: source-brick
      source_brick: node1:/bricks/web/b
  run_once: true
'''

RETURN = r'''
commands:
  description: The changing gluster commands run, or in check mode those that would run.
  returned: always
  type: list
  elements: str
resolutions:
  description: The split-brain files resolved (or that would be), with the policy and source brick.
  returned: always
  type: list
  elements: dict
progress:
  description: Entries left to heal (summed over bricks) at each status read while waiting, with the seconds since the start.
  returned: when a heal was waited for
  type: list
  elements: dict
heal:
  description: The last heal summary, per brick (name, connected, status, pending, split_brain, possibly_healing).
  returned: always
  type: list
  elements: dict
diff:
  description: Entries to heal and split-brain files, before and after.
  returned: in diff mode
  type: dict
'''

import time

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.glusterdock.storage.plugins.module_utils.errors import GlusterdockError
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_cli import (
    GlusterCommandError,
    cli_for_module,
)
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_heal import (
    DEFAULT_TIMEOUT,
    NOT_IN_SPLIT_BRAIN,
    POLICIES,
    UNRESOLVABLE_HINT,
    heal_verdict,
    unresolvable_by_cli,
    parse_heal_request,
    plan_heal,
    type_mismatch_message,
)
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_info import parse_split_brain
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_plan import (
    apply_steps,
    completed_before_failure,
)
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_volume_spec import (
    canonical_brick,
    validate_volume_name,
)
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_wait import WaitTimeout, wait_for
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_xml import parse_heal_info, parse_volume_info

ARGUMENT_SPEC = dict(
    volume=dict(type='str', required=True),
    full=dict(type='bool', default=False),
    timeout=dict(type='int', default=DEFAULT_TIMEOUT),
    split_brain=dict(type='dict', options=dict(
        policy=dict(type='str', required=True, choices=list(POLICIES)),
        source_brick=dict(type='str'),
        files=dict(type='list', elements='str'),
    )),
)
# Every file in split-brain is listed for the plan (the count alone cannot name them).
ALL_FILES = 1000000
# Where glfsheal (which runs every split-brain resolution) logs on this node; a type mismatch is
# named there with the brick of each type, and nowhere in the CLI's answer.
GLFSHEAL_LOG = '/var/log/glusterfs/glfsheal-%s.log'
LOG_TAIL_BYTES = 256 * 1024


def read_log_tail(path, size=LOG_TAIL_BYTES):
    """The last SIZE bytes of a log file as text, '' when it cannot be read."""
    try:
        with open(path, 'rb') as handle:
            handle.seek(0, 2)
            handle.seek(max(0, handle.tell() - size))
            return handle.read().decode('utf-8', 'replace')
    except (IOError, OSError):
        return ''


def heal_to_list(summary):
    return [{'name': brick.name, 'connected': brick.connected, 'status': brick.status, 'pending': brick.pending,
             'split_brain': brick.split_brain, 'possibly_healing': brick.possibly_healing} for brick in summary]


class HealManager:
    """Read, plan, resolve and start, wait, report."""

    def __init__(self, module, cli, request, clock=time.monotonic, sleep=time.sleep):
        self.module = module
        self.cli = cli
        self.request = request
        self.clock = clock
        self.sleep = sleep
        self.result = {'changed': False, 'commands': cli.commands, 'resolutions': []}
        self.volume = None
        self.failed_step = None

    def read_summary(self):
        return parse_heal_info(self.cli.read('volume', 'heal', self.request.volume, 'info', 'summary'))

    def read_split_brain(self):
        return parse_split_brain(self.cli.read('volume', 'heal', self.request.volume, 'info', 'split-brain'),
                                 ALL_FILES).files

    def read_waiting(self):
        """Every entry waiting for heal, by path where a brick knows it (``heal info``)."""
        return parse_split_brain(self.cli.read('volume', 'heal', self.request.volume, 'info'), ALL_FILES).files

    def plan(self):
        name = self.request.volume
        self.volume = volume = parse_volume_info(self.cli.read('volume', 'info', name)).get(name)
        summary = []
        files = waiting = None
        if volume is not None and volume.started and (volume.replica_count or volume.disperse_count):
            summary = self.read_summary()
            self.result['heal'] = heal_to_list(summary)
            if any(brick.split_brain for brick in summary):
                files = self.read_split_brain()
                # A name whose copies differ in gfid or type waits for heal while its directory is
                # listed in split-brain: only the full list names it.
                if any(brick.pending or brick.possibly_healing for brick in summary):
                    waiting = self.read_waiting()
        return plan_heal(self.request, volume, summary, files, waiting)

    def apply(self, plan):
        """Run the plan's steps in order. For a name in a directory in entry split-brain, gluster's
        "File not in split-brain" comes after its lookup with the policy (which resolves a gfid
        split-brain): no data or metadata split-brain is left for the name, and the heal start and
        the wait that follow verify the end state."""
        for step in plan.steps:
            try:
                apply_steps(self.cli, [step], lambda step: None)
            except GlusterCommandError as error:
                if step.args[-1] in plan.in_directory and NOT_IN_SPLIT_BRAIN in (error.stdout or ''):
                    continue
                self.failed_step = step
                raise

    def failure_message(self, error, details):
        """gluster's failure, with what to do when the CLI cannot resolve the name at all."""
        step = self.failed_step
        reply = ('%s %s' % (error.stdout or '', error.stderr or '')).lower()
        # gluster answers a name whose copies differ in type with an I/O error on its lookup; only
        # then can glfsheal's log say which brick holds which type (any other failure has no such line
        # of this run, and an older line must not send the operator to delete a brick's copy).
        if step is not None and 'split-brain' in step.args and self.volume is not None and 'input/output error' in reply:
            mismatch = type_mismatch_message(self.volume, step.args[-1], read_log_tail(GLFSHEAL_LOG % self.volume.name))
            if mismatch:
                return '%s (gluster: %s). %s' % (mismatch, ' '.join((error.stdout or '').split()),
                                                 completed_before_failure(self.cli.commands))
        hint = ' (%s)' % UNRESOLVABLE_HINT if unresolvable_by_cli(error) else ''
        return '%s%s. %s' % (details['msg'], hint, completed_before_failure(self.cli.commands))

    def wait(self, split_brain_left=0):
        started = self.clock()
        progress = self.result.setdefault('progress', [])

        def read():
            summary = self.read_summary()
            progress.append({'seconds': round(self.clock() - started, 1),
                             'pending': sum((brick.pending or 0) + (brick.possibly_healing or 0)
                                            for brick in summary if brick.connected)})
            return summary
        try:
            summary, _polls = wait_for(read, lambda summary: heal_verdict(summary, split_brain_left)[0],
                                       self.request.timeout, what='heal of volume %s' % self.request.volume,
                                       describe=lambda summary: '; '.join(heal_verdict(summary, split_brain_left)[1]),
                                       clock=self.clock, sleep=self.sleep)
        except WaitTimeout as error:
            self.result['heal'] = heal_to_list(error.last or [])
            raise GlusterdockError('%s. The heal goes on; run the task again to wait for it' % error)
        self.result['heal'] = heal_to_list(summary)

    def run(self):
        try:
            plan = self.plan()
        except GlusterCommandError as error:
            self.module.fail_json(**dict(self.result, **error.details()))
        except GlusterdockError as error:
            self.module.fail_json(msg=str(error), **self.result)
        self.result['resolutions'] = plan.resolutions
        if self.module._diff:
            self.result['diff'] = {'before': plan.before, 'after': plan.after}
        try:
            self.apply(plan)
        except GlusterCommandError as error:
            details = error.details()
            details['msg'] = self.failure_message(error, details)
            self.module.fail_json(**dict(self.result, changed=len(self.cli.commands) > 1, **details))
        self.result['changed'] = plan.changed
        for warning in plan.warnings:
            self.module.warn(warning)
        if plan.changed and not self.cli.check_mode:
            try:
                self.wait(len(plan.after['split_brain']))
            except GlusterCommandError as error:
                self.module.fail_json(**dict(self.result, **error.details()))
            except GlusterdockError as error:
                self.module.fail_json(msg=str(error), **self.result)
        self.module.exit_json(**self.result)


def main():
    module = AnsibleModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True)
    try:
        request = parse_heal_request(module.params, validate_volume_name, canonical_brick)
    except GlusterdockError as error:
        module.fail_json(msg=str(error), commands=[])
    HealManager(module, cli_for_module(module), request).run()


if __name__ == '__main__':
    main()
