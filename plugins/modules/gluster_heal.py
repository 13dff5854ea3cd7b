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
  - Check mode returns the exact commands that would run and the resolutions, and waits for nothing.
  - When nothing waits for heal, the run makes two gluster calls (C(volume info) and the heal
    summary) and changes nothing.
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
            info shows them. A named file that is not in split-brain fails the task before any change.
          - Default is every file in split-brain.
        type: list
        elements: str
notes:
  - Run it on one member of the pool (for example with C(run_once)).
  - Entry split-brain (copies that differ in type or gfid) cannot be resolved by the CLI; the task
    fails with gluster's answer and what to do.
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
    POLICIES,
    UNRESOLVABLE_HINT,
    heal_verdict,
    unresolvable_by_cli,
    parse_heal_request,
    plan_heal,
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

    def read_summary(self):
        return parse_heal_info(self.cli.read('volume', 'heal', self.request.volume, 'info', 'summary'))

    def read_split_brain(self):
        return parse_split_brain(self.cli.read('volume', 'heal', self.request.volume, 'info', 'split-brain'),
                                 ALL_FILES).files

    def plan(self):
        name = self.request.volume
        volume = parse_volume_info(self.cli.read('volume', 'info', name)).get(name)
        summary = []
        files = None
        if volume is not None and volume.started and (volume.replica_count or volume.disperse_count):
            summary = self.read_summary()
            self.result['heal'] = heal_to_list(summary)
            if any(brick.split_brain for brick in summary):
                files = self.read_split_brain()
        return plan_heal(self.request, volume, summary, files)

    def wait(self):
        started = self.clock()
        progress = self.result.setdefault('progress', [])

        def read():
            summary = self.read_summary()
            progress.append({'seconds': round(self.clock() - started, 1),
                             'pending': sum((brick.pending or 0) + (brick.possibly_healing or 0)
                                            for brick in summary if brick.connected)})
            return summary
        try:
            summary, _polls = wait_for(read, lambda summary: heal_verdict(summary)[0], self.request.timeout,
                                       what='heal of volume %s' % self.request.volume,
                                       describe=lambda summary: '; '.join(heal_verdict(summary)[1]),
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
            apply_steps(self.cli, plan.steps, lambda step: None)
        except GlusterCommandError as error:
            details = error.details()
            hint = ' (%s)' % UNRESOLVABLE_HINT if unresolvable_by_cli(error) else ''
            details['msg'] = '%s%s. %s' % (details['msg'], hint, completed_before_failure(self.cli.commands))
            self.module.fail_json(**dict(self.result, changed=len(self.cli.commands) > 1, **details))
        self.result['changed'] = plan.changed
        if plan.changed and not self.cli.check_mode:
            try:
                self.wait()
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
