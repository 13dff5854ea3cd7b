#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: glusterdock developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
---
module: gluster_quota
short_description: Enable or disable directory quota on a GlusterFS volume and set its usage limits
description:
  - Manages the directory quota of one started GlusterFS volume from any node of the trusted pool with the
    C(gluster) CLI in script mode and XML output (C(gluster volume quota)).
  - Every argument is checked before any gluster call; bad input changes nothing.
  - Sets a hard limit (and optionally a soft limit) on each directory of O(limits) whose limit differs from
    what gluster reports. Limits on directories not listed are left alone unless O(purge).
  - A run that changes nothing makes one gluster call, C(volume quota VOLUME list), which also tells whether
    quota is enabled.
  - Disabling quota deletes every limit of the volume for good, usage limits and object limits
    (C(gluster volume quota VOLUME limit-objects)) alike, and drops the quota options set on the volume
    (C(features.default-soft-limit), C(features.soft-timeout), C(features.hard-timeout), C(features.alert-time),
    C(features.quota-deem-statfs), C(features.quota-timeout)); enabling it again starts with none. So
    O(state=disabled) is refused while usage or object limits exist unless O(allow_disable_with_limits).
version_added: 0.1.0
author:
  - glusterdock developers (@glusterdock)
extends_documentation_fragment:
  - glusterdock.storage.attributes
  - glusterdock.storage.attributes.gluster
attributes:
  check_mode:
    support: full
    details:
      - Returns in RV(commands) the commands it would run; reads the quota but changes nothing.
      - It cannot tell in check mode whether a directory of O(limits) exists on the volume; a real run fails
        when one does not.
  diff_mode:
    support: full
    details: Shows whether quota is enabled and the limits by directory, before and after.
options:
  volume:
    description:
      - The volume name. The volume must exist and be started (gluster reads and sets quota only on a started
        volume).
    type: str
    required: true
    aliases: [name]
  state:
    description:
      - V(enabled) makes sure quota is enabled, then applies O(limits).
      - V(disabled) makes sure quota is disabled. That deletes every limit of the volume (usage and object limits)
        and drops its quota options (C(features.default-soft-limit), C(features.quota-deem-statfs), the timeouts
        and C(features.alert-time)), so it is refused while the volume has usage or object limits unless
        O(allow_disable_with_limits). To tell, it also reads C(volume quota VOLUME list-objects) (a second call)
        when quota is enabled and O(allow_disable_with_limits) is not set. O(limits) and O(purge) are not allowed
        with it.
    type: str
    default: enabled
    choices: [enabled, disabled]
  limits:
    description:
      - Usage limits by directory of the volume. Either a dictionary of path to hard limit (see the examples),
        a dictionary of path to a dictionary with C(hard_limit) and C(soft_limit), or a list of dictionaries with
        C(path), C(hard_limit) and C(soft_limit).
      - A path is absolute from the root of the volume (V(/) is the whole volume); repeated and trailing V(/) are
        removed, as glusterd does; V(.) and V(..) are refused; two entries for one directory are refused.
      - The directory must already exist on the volume (create it through a client mount); gluster refuses a limit
        on a missing directory and this module does not create directories.
      - C(hard_limit) is bytes (an integer) or a number with a unit V(B), V(KB), V(MB), V(GB), V(TB) or V(PB)
        (also V(K), V(KiB), ...; any case); units are powers of 1024, as in gluster (V(1GB) is 1073741824 bytes).
        1 byte to 2^63-1 bytes.
      - C(soft_limit) is a percentage of the hard limit, 0 to 100 (V(80) or V(80%)), at which gluster starts
        logging alerts. Omitted, a new limit gets the volume's default soft limit (80% unless
        C(features.default-soft-limit) says otherwise) and an existing limit keeps its soft limit.
      - Omitted, the limits are left as they are.
    type: raw
  purge:
    description:
      - Remove the limits on directories that O(limits) does not list. Needs O(limits) (V({}) removes every limit).
      - Without it, limits on other directories are left alone.
    type: bool
    default: false
  allow_disable_with_limits:
    description:
      - With O(state=disabled), disable quota even though the volume has usage or object limits, which deletes
        them all (and the quota options).
    type: bool
    default: false
notes:
  - Run it once per volume, on one node of the pool (for example with C(run_once)).
  - Removing a limit or disabling quota does not touch any data; it removes the accounting and the limits.
  - Object limits (C(limit-objects)) are not managed by this module, only counted before disabling quota.
  - A limit on a directory that was removed from the volume is no longer listed by gluster, so it is neither
    reported nor purged; it cannot be removed either. When the lookup of the last limit glusterd keeps fails (for
    example, it is on a directory removed from the volume, or the Quota Daemon of the node is down or unreachable),
    GlusterFS 10 and 11 print nothing for the quota list of the whole volume (exit code 1, no message); a removed
    directory's limit stops this once a limit is set on another directory. This module then reads only the paths
    of O(limits) (a second call) and warns; O(purge), and O(state=disabled) without O(allow_disable_with_limits),
    fail with a message saying so, as they need every limit.
  - Enabling quota starts a quota daemon on every server and a crawl of the volume to account existing data;
    until the crawl is done, RV(quota.limits) may show less used space than there is.
seealso:
  - module: glusterdock.storage.gluster_volume
'''

EXAMPLES = r'''
- name: Limit the whole volume to 100 GB and two directories further
  glusterdock.storage.gluster_quota:
    volume: data
    limits:
      /: 100GB
      /app: 10GB
      /logs: 512MB
  run_once: true

- name: Soft limits, list style, and remove every other limit
  glusterdock.storage.gluster_quota:
    volume: data
    limits:
      - path: /
        hard_limit: 100GB
        soft_limit: 90
      - path: /app
        hard_limit: 10GB
        soft_limit: 70%
    purge: true
  run_once: true

- name: Enable quota accounting without any limit
  glusterdock.storage.gluster_quota:
    volume: data
  run_once: true

- name: Disable quota (deletes every limit of the volume)
  glusterdock.storage.gluster_quota:
    volume: data
    state: disabled
    allow_disable_with_limits: true
  run_once: true
'''

RETURN = r'''
commands:
  description: The changing gluster commands run, or in check mode those that would run.
  returned: always
  type: list
  elements: str
  sample: ["gluster --mode=script volume quota data enable --xml",
           "gluster --mode=script volume quota data limit-usage / 100GB --xml",
           "gluster --mode=script volume quota data limit-usage /app 10GB 70% --xml"]
quota:
  description:
    - The quota of the volume as C(volume quota VOLUME list) reports it after the run. In check mode, as it is now.
  returned: success
  type: dict
  contains:
    enabled:
      description: Whether quota is enabled on the volume.
      type: bool
    limits:
      description:
        - Limits by directory. C(hard_limit), C(used_space) and C(available_space) in bytes; C(soft_limit) in percent
          of the hard limit; C(soft_limit_exceeded) and C(hard_limit_exceeded) as gluster reports them.
        - A counter gluster does not report is null.
      type: dict
  sample: {"enabled": true, "limits": {"/app": {"hard_limit": 10737418240, "soft_limit": 70, "used_space": 3000320,
           "available_space": 10734417920, "soft_limit_exceeded": false, "hard_limit_exceeded": false}}}
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.glusterdock.storage.plugins.module_utils.errors import RequestError, StateError
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_cli import GlusterCommandError, cli_for_module
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_plan import apply_steps, completed_before_failure
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_quota import (
    UNLISTED_WARNING,
    explain_change_error,
    needs_object_limits,
    parse_quota_spec,
    paths_to_read,
    plan_quota,
    quota_to_dict,
    read_object_limits,
    read_quota,
    reread_quota,
)

ARGUMENT_SPEC = dict(
    volume=dict(type='str', required=True, aliases=['name']),
    state=dict(type='str', default='enabled', choices=['enabled', 'disabled']),
    limits=dict(type='raw'),
    purge=dict(type='bool', default=False),
    allow_disable_with_limits=dict(type='bool', default=False),
)


class QuotaManager:
    """Reads the quota, plans, applies the plan (in check mode only records it) and reports."""

    def __init__(self, module, cli, spec):
        self.module = module
        self.cli = cli
        self.spec = spec

    def run(self):
        try:
            state = read_quota(self.cli, self.spec.volume, paths=paths_to_read(self.spec))
            if needs_object_limits(self.spec, state):
                state.object_limits = read_object_limits(self.cli, self.spec.volume)
        except GlusterCommandError as error:
            self.module.fail_json(commands=self.cli.commands, **error.details())
        try:
            plan = plan_quota(self.spec, state)
        except StateError as error:
            self.module.fail_json(msg=str(error), commands=self.cli.commands, quota=quota_to_dict(state))
        try:
            apply_steps(self.cli, plan.steps, lambda step: reread_quota(self.cli, plan, step))
        except GlusterCommandError as error:
            self.fail_during_changes(explain_change_error(error, self.spec.volume))
        warnings = list(plan.warnings)
        if plan.changed and not self.cli.check_mode:
            try:
                state = reread_quota(self.cli, plan)
            except GlusterCommandError as error:
                self.fail_reading_after_changes(error)
            if not state.complete and not warnings:
                warnings.append(UNLISTED_WARNING % dict(volume=self.spec.volume))
        for warning in warnings:
            self.module.warn(warning)
        result = dict(changed=plan.changed, commands=self.cli.commands, quota=quota_to_dict(state))
        if self.module._diff:
            result['diff'] = dict(before=plan.before, after=plan.after)
        self.module.exit_json(**result)

    def fail_during_changes(self, error):
        """Report the failed command (the last one run) and those that completed before it."""
        completed = completed_before_failure(self.cli.commands)
        # It starts a sentence of its own, after gluster's message.
        self.fail_after_change(error, completed[:1].upper() + completed[1:], changed=len(self.cli.commands) > 1)

    def fail_reading_after_changes(self, error):
        """Report a read that failed once every command of the plan had run."""
        self.fail_after_change(error, 'The changes were made; reading the quota afterwards failed', changed=True)

    def fail_after_change(self, error, what, changed):
        """Fail with gluster's message, then ``what`` of this run had happened."""
        details = error.details()
        details['msg'] = '%s. %s' % (details['msg'], what)
        self.module.fail_json(changed=changed, commands=self.cli.commands, **details)


def main():
    module = AnsibleModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True)
    try:
        spec = parse_quota_spec(module.params)
    except RequestError as error:
        module.fail_json(msg=str(error), commands=[])
    QuotaManager(module, cli_for_module(module), spec).run()


if __name__ == '__main__':
    main()
