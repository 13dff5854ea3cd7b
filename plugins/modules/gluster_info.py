#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: glusterdock developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
---
module: gluster_info
short_description: Read a GlusterFS pool's health and state, with a verdict and the problems in plain sentences
version_added: 0.1.0
description:
  - Reads the trusted pool and its volumes from the node the task runs on and returns them, with
    C(healthy) and C(problems), one sentence per thing that is wrong (a peer disconnected, a brick
    offline, entries waiting for heal or possibly healing, a brick whose heal state is unknown, files in
    split-brain, a brick over O(full_percent), a self-heal daemon down, a directory over its quota, a read
    that failed).
  - Only reads; changes nothing. The number of gluster calls does not grow with the number of
    bricks; heal is read once per replicated or dispersed started volume, and the split-brain file
    list only when the heal summary counts split-brain entries.
  - A read that fails after the pool and volume list were read becomes a problem, so the verdict
    fails closed.
author:
  - glusterdock developers (@glusterdock)
options:
  gather_subset:
    description:
      - What to read. V(pool) is the peers and the cluster op-version (2 calls); V(volumes) the
        volume definitions (1 call); V(status) brick processes, ports, self-heal daemons, running
        tasks and brick space (2 calls); V(heal) heal counts per brick (1 call per replicated or
        dispersed volume); V(quota) quota usage where quota is on (1 call per such volume);
        V(clients) client addresses and op-versions per volume (1 call).
      - V(status), V(heal), V(quota) and V(clients) bring V(volumes) with them.
    type: list
    elements: str
    choices: [all, pool, volumes, status, heal, quota, clients]
    default: [all]
  volumes:
    description:
      - Only these volumes. A named volume that does not exist is a problem.
      - Default is every volume.
    type: list
    elements: str
  full_percent:
    description:
      - A brick whose file system has this percentage of its space, or of its inodes, in use is a problem.
    type: int
    default: 90
  split_brain_files:
    description:
      - How many split-brain file names to return per volume (the count is always complete).
    type: int
    default: 100
notes:
  - Run it on one member of the pool (for example with C(run_once)); every member sees the whole pool.
extends_documentation_fragment:
  - glusterdock.storage.attributes
  - glusterdock.storage.attributes.gluster
attributes:
  check_mode:
    support: full
  diff_mode:
    support: none
seealso:
  - module: glusterdock.storage.gluster_volume
  - module: glusterdock.storage.gluster_brick
'''

EXAMPLES = r'''
- name: Read the pool's health
  glusterdock.storage.gluster_info:
  run_once: true
  register: gluster

- name: Fail with the problems when the pool is not healthy
  ansible.builtin.assert:
    that: gluster.healthy
    fail_msg: "{{ gluster.problems | join('; ') }}"
  run_once: true

- name: Only heal counts of one volume
  glusterdock.storage.gluster_info:
    gather_subset: [heal]
    volumes: [web]
  run_once: true
'''

RETURN = r'''
healthy:
  description: True when RV(problems) is empty.
  returned: always
  type: bool
problems:
  description: One sentence per thing that is wrong, peers first, then bricks, daemons, heal, space, quota, failed reads.
  returned: always
  type: list
  elements: str
  sample: ["brick node2:/bricks/web/b of volume web offline", "volume web: 12 entries waiting for heal on node3:/bricks/web/b"]
gathered:
  description: The subsets read.
  returned: always
  type: list
  elements: str
calls:
  description: How many gluster commands the run made.
  returned: always
  type: int
pool:
  description: Peers (uuid, hostname, hostnames, connected, state, self) and the cluster op-version and max-op-version.
  returned: when pool is gathered
  type: dict
volumes:
  description:
    - Per volume its definition (name, id, status, type, replica, arbiter, disperse, redundancy,
      options) and bricks (name, host, path, arbiter).
    - With V(status), per brick online, pid, port, size_total, size_free, used_percent, inodes_total,
      inodes_free, inodes_used_percent, file_system, device; per volume bricks_online,
      self_heal_daemons and running tasks.
    - With V(heal), per brick heal (connected, status, pending, split_brain, possibly_healing) and
      per volume heal (pending, split_brain, split_brain_files, bricks_unknown).
    - With V(quota), quota (enabled, complete, limits with usage). With V(clients), clients
      (address, op_version).
  returned: when volumes is gathered
  type: list
  elements: dict
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.glusterdock.storage.plugins.module_utils.errors import GlusterdockError
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_cli import (
    GlusterCommandError,
    cli_for_module,
)
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_info import (
    DEFAULT_FULL_PERCENT,
    DEFAULT_SPLIT_BRAIN_FILES,
    SUBSETS,
    facts_to_dict,
    parse_info_request,
    read_facts,
)
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_volume_spec import validate_volume_name

ARGUMENT_SPEC = dict(
    gather_subset=dict(type='list', elements='str', default=['all'], choices=['all'] + list(SUBSETS)),
    volumes=dict(type='list', elements='str'),
    full_percent=dict(type='int', default=DEFAULT_FULL_PERCENT),
    split_brain_files=dict(type='int', default=DEFAULT_SPLIT_BRAIN_FILES),
)


def main():
    module = AnsibleModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True)
    try:
        request = parse_info_request(module.params, validate_volume_name)
    except GlusterdockError as error:
        module.fail_json(msg=str(error))
    cli = cli_for_module(module)
    try:
        facts = read_facts(cli, request)
    except GlusterCommandError as error:
        details = error.details()
        details['msg'] = 'glusterd on this node did not answer, so nothing could be judged: %s' % details['msg']
        module.fail_json(changed=False, calls=len(cli.calls), **details)
    module.exit_json(changed=False, calls=len(cli.calls), **facts_to_dict(facts, request))


if __name__ == '__main__':
    main()
