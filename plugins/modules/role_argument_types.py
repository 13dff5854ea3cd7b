#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: glusterdock developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

# The documentation of an action plugin: plugins/action/role_argument_types.py does the work, on the
# controller; there is no module code.

from __future__ import annotations

DOCUMENTATION = r'''
---
module: role_argument_types
short_description: Check that a role's variables have the types its argument spec declares, without converting any
version_added: 0.1.0
description:
  - Run as the first task of a role, it reads the role's C(meta/argument_specs.yml), the entry point the role was
    started with (C(tasks_from), else C(main)), and checks the value of every variable the spec declares and the
    play defines, as the role's tasks will see it (templated).
  - Ansible's own check of a role's variables (M(ansible.builtin.validate_argument_spec), run when a role starts)
    accepts a value it can convert, but converts only its own copy, so the role goes on with the value as given.
    A C(type=bool) option set to the string V("no") passes, and Jinja takes any non-empty string for true; a
    C(type=list) option set to the string V("a,b") passes, and the role then reads it letter by letter.
    For a storage tool a quoted V("no") that acts as yes (a purge, a rebalance, an C(allow_) flag) can remove data
    or skip a safety step.
  - Here a C(bool) must be a real boolean (YAML V(true) or V(false) without quotes; not V("no"), V("yes"), V(0) or
    V(1)); an C(int) a real integer (not a string of digits); a C(float) a number; a C(list) a real list (not a
    string, not a dictionary); a C(dict) a real dictionary; a C(str) or C(path) a string or a number (not a boolean,
    list or dictionary). C(null) is refused but for C(str) and C(path). C(raw) takes anything.
  - Every element of a list with C(elements), and every key of a dictionary declared in nested C(options) (also
    those of the dictionaries of an C(elements=dict) list), is checked the same way, at any depth.
  - It fails with one message that names every offending variable by its path, such as
    C(gluster_volumes_list[2].quota.purge), and says how to write it. It changes nothing, in check mode too.
  - >-
    An extra var given as C(-e name=value) is always a string. A top-level variable's message shows it as JSON,
    which keeps the type, for example C(-e '{"gluster_volumes_rebalance_after_growth": false}').
author:
  - glusterdock developers (@glusterdock)
options:
  entry_point:
    description:
      - The entry point of C(meta/argument_specs.yml) whose options are checked.
      - Default is the role's C(tasks_from) (without a C(.yml) suffix), else V(main), as Ansible picks it.
    type: str
notes:
  - It runs on the controller only and does not connect to the host.
  - Keys that the spec does not declare, missing required keys and C(choices) are left to Ansible's own check,
    which runs before it.
extends_documentation_fragment:
  - glusterdock.storage.attributes
attributes:
  check_mode:
    support: full
    details:
      - It checks and changes nothing, in check mode as in a normal run.
  diff_mode:
    support: none
seealso:
  - module: ansible.builtin.validate_argument_spec
  - name: Role argument validation
    description: How Ansible validates a role's variables against meta/argument_specs.yml.
    link: https://docs.ansible.com/ansible/latest/playbook_guide/playbooks_reuse_roles.html#role-argument-validation
'''

EXAMPLES = r'''
# roles/ROLE/tasks/main.yml (and the first task of every other entry point of meta/argument_specs.yml)
- name: Check the types of this role's variables
  glusterdock.storage.role_argument_types:
  tags: [always]
'''

RETURN = r'''
role:
  description: The role whose variables were checked.
  returned: when the task runs in a role
  type: str
  sample: gluster_volumes
entry_point:
  description: The entry point of the role's C(meta/argument_specs.yml) that was checked.
  returned: when the task runs in a role
  type: str
  sample: main
problems:
  description: One sentence per variable whose value is not of its declared type, with its path; empty when all are.
  returned: when the task runs in a role
  type: list
  elements: str
  sample:
    - 'gluster_volumes_list[2].quota.purge: "no" is a string; write true or false without quotes'
'''
