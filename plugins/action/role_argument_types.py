# -*- coding: utf-8 -*-
# Copyright: glusterdock developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The action of glusterdock.storage.role_argument_types: the strict type check of the variables of
the role it runs in, against that role's meta/argument_specs.yml (plugins/modules/role_argument_types.py
documents it; plugins/plugin_utils/role_argument_types.py holds the check).

It runs on the controller only, reads nothing from the host and changes nothing, in check mode too.
"""

from __future__ import annotations

import os

from ansible.errors import AnsibleActionFail
from ansible.plugins.action import ActionBase

from ansible_collections.glusterdock.storage.plugins.plugin_utils.role_argument_types import argument_type_problems


class ActionModule(ActionBase):
    """Fail, naming every variable of the role whose value is not of the type its spec declares."""

    TRANSFERS_FILES = False
    _requires_connection = False
    _supports_check_mode = True
    _VALID_ARGS = frozenset(('entry_point',))

    def run(self, tmp=None, task_vars=None):
        task_vars = task_vars or {}
        result = super(ActionModule, self).run(tmp, task_vars)
        result['changed'] = False

        role = self._task._role
        if role is None:
            raise AnsibleActionFail('glusterdock.storage.role_argument_types checks the variables of a role: run it as '
                                    'a task of a role (the first task of an entry point of meta/argument_specs.yml).')
        entry_point = self._task.args.get('entry_point') or self._tasks_from(role)
        options = self._entry_point_options(role, entry_point)

        # As ansible.builtin.validate_argument_spec reads them: the variables the spec declares, templated,
        # which are the values the role's tasks will see.
        values = {}
        for name in options:
            if name in task_vars:
                values[name] = self._templar.template(task_vars[name])
        problems = argument_type_problems(options, values)

        result['role'] = role.get_name()
        result['entry_point'] = entry_point
        result['problems'] = problems
        if problems:
            result['failed'] = True
            result['msg'] = ('The variables of role %s (entry point %s of its meta/argument_specs.yml) must have the '
                             'types it declares; nothing was changed. %s'
                             % (role.get_name(), entry_point, '; '.join(problems)))
        else:
            result['msg'] = 'The %d variables of role %s given for entry point %s have their declared types.' % (
                len(values), role.get_name(), entry_point)
        return result

    @staticmethod
    def _tasks_from(role):
        """The role's entry point, as Ansible picks it for the argument validation: tasks_from, else main
        (here also without a .yml or .yaml suffix, which Ansible's own check does not find)."""
        tasks_from = (getattr(role, '_from_files', None) or {}).get('tasks') or 'main'
        name, extension = os.path.splitext(tasks_from)
        return name if extension in ('.yml', '.yaml') else tasks_from

    @staticmethod
    def _entry_point_options(role, entry_point):
        # Read as Ansible reads them for its own check when the role starts: meta/argument_specs.yml
        # (or .yaml), else the argument_specs of meta/main.yml.
        specs = role._get_role_argspecs()  # pylint: disable=protected-access
        if not specs:
            raise AnsibleActionFail('Role %s has no meta/argument_specs.yml to check its variables against (%s).'
                                    % (role.get_name(), role.get_role_path()))
        if entry_point not in specs:
            raise AnsibleActionFail('Role %s has no entry point %s in its argument specs (it has %s).'
                                    % (role.get_name(), entry_point, ', '.join(sorted(specs))))
        return specs[entry_point].get('options') or {}
