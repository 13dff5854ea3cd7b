#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: glusterdock developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
---
module: gluster_peer
short_description: Add nodes to or detach them from a GlusterFS trusted storage pool
version_added: 0.1.0
description:
  - Probes nodes into the trusted storage pool of the node the task runs on, or detaches them from it.
  - A node is recognised as a member under any of its names, its addresses or its peer UUID, so
    probing a member under another name changes nothing. The node running the task counts as a
    member under its own host name.
  - With O(state=present) and O(wait=true), waits until every node is connected and in the
    C(Peer in Cluster) state, and fails with the states last seen when it does not happen in time.
  - Refuses to detach a peer that hosts bricks, naming the volumes and bricks; nothing is run then.
  - A run that changes nothing makes a single gluster call, C(gluster pool list).
  - Accepts the options of C(gluster.gluster.gluster_peer), so a playbook can switch by changing
    only the module name.
author:
  - glusterdock developers (@glusterdock)
options:
  nodes:
    description:
      - Host names, IP addresses or (for O(state=absent)) peer UUIDs of the nodes.
      - The node running the task may be listed; it is already a member of its own pool.
      - Duplicates, and several names of one node, are fine. An empty list changes nothing.
      - Names must be reachable by every peer, so C(localhost) and loopback addresses are refused.
    type: list
    elements: str
    required: true
  state:
    description:
      - V(present) probes the nodes that are not members.
      - V(absent) detaches the nodes that are members; nodes that are not members are left alone.
    type: str
    choices: [present, absent]
    default: present
  force:
    description:
      - With O(state=absent), add C(force) to C(gluster peer detach), which detaches a peer that is
        down or not fully in the pool. Peers hosting bricks are refused all the same.
      - Ignored with O(state=present).
    type: bool
    default: false
  wait:
    description:
      - With O(state=present), wait until every node is connected and C(Peer in Cluster).
    type: bool
    default: true
  wait_timeout:
    description:
      - How many seconds to wait with O(wait=true) before failing.
    type: int
    default: 60
notes:
  - Run the task on one member of the pool only (for example with C(run_once)); the pool is shared.
extends_documentation_fragment:
  - glusterdock.storage.attributes
  - glusterdock.storage.attributes.gluster
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
    details:
      - The sorted names of the pool members, before and after.
seealso:
  - name: Managing the trusted storage pool
    description: The GlusterFS Administrator Guide.
    link: https://docs.gluster.org/en/latest/Administrator-Guide/Storage-Pools/
'''

EXAMPLES = r'''
- name: Form the trusted storage pool from the first server
  glusterdock.storage.gluster_peer:
    nodes: "{{ groups['gluster_servers'] }}"
  run_once: true

- name: Add a node, without waiting for it to join
  glusterdock.storage.gluster_peer:
    nodes:
      - 10.0.1.10
    wait: false
  run_once: true

- name: Detach a node that no longer hosts bricks
  glusterdock.storage.gluster_peer:
    nodes:
      - node4
    state: absent
  run_once: true

- name: Detach a node that is down for good
  glusterdock.storage.gluster_peer:
    nodes:
      - node4
    state: absent
    force: true
  run_once: true
'''

RETURN = r'''
commands:
  description: The changing gluster commands run, or in check mode those that would run.
  returned: always
  type: list
  elements: str
  sample: ["gluster --mode=script peer probe node2 --xml"]
peers:
  description:
    - The pool as the node sees it after the task (in check mode, as it is now).
    - The node itself is listed under the name C(localhost), with RV(peers[].self=true).
  returned: success
  type: list
  elements: dict
  contains:
    uuid:
      description: The peer's UUID.
      type: str
      sample: b43ceff8-ba4a-43fa-9c0f-a9b62fed93da
    hostname:
      description: The name gluster lists the peer under.
      type: str
      sample: node2
    hostnames:
      description: Every name and address gluster knows the peer by.
      type: list
      elements: str
      sample: [node2, 10.0.1.2]
    connected:
      description: Whether the node is connected to the peer.
      type: bool
    state:
      description: The peer's friend state number (3 is C(Peer in Cluster)); null for the node itself.
      type: int
      sample: 3
    state_name:
      description: The peer's friend state as gluster names it.
      type: str
      sample: Peer in Cluster
    self:
      description: Whether this entry is the node running the task.
      type: bool
diff:
  description: The sorted names of the pool members before and after.
  returned: in diff mode
  type: dict
  sample: {"before": {"peers": ["node1"]}, "after": {"peers": ["node1", "node2"]}}
cmd:
  description: The gluster command that failed.
  returned: failure of a gluster command
  type: str
rc:
  description: Exit status of the failed gluster command.
  returned: failure of a gluster command
  type: int
op_ret:
  description: C(opRet) of the failed command's XML reply.
  returned: failure of a gluster command
  type: int
op_errno:
  description: C(opErrno) of the failed command's XML reply.
  returned: failure of a gluster command
  type: int
op_errstr:
  description: C(opErrstr) of the failed command's XML reply.
  returned: failure of a gluster command
  type: str
stdout:
  description: Standard output of the failed gluster command.
  returned: failure of a gluster command
  type: str
stderr:
  description: Standard error of the failed gluster command.
  returned: failure of a gluster command
  type: str
'''

import functools
import socket

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_cli import GlusterCommandError, cli_for_module, int_or_none
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_plan import apply_steps
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_pool import (
    PROBE_NOT_NEEDED_ERRNOS, Pool, PoolError, PoolNotSettled, plan_detaches, plan_probes, validate_nodes,
    wait_until_settled,
)
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_xml import parse_peers, parse_volume_info
from ansible_collections.glusterdock.storage.plugins.module_utils.local_host import local_host_names


@functools.lru_cache(maxsize=None)
def resolve(name):
    """The addresses a name resolves to here; empty when it does not resolve."""
    try:
        return frozenset(info[4][0] for info in socket.getaddrinfo(name, None))
    except (OSError, UnicodeError):
        return frozenset()


def peer_to_dict(peer):
    """A Peer as the module returns it."""
    return {
        'uuid': peer.uuid,
        'hostname': peer.hostname,
        'hostnames': list(peer.hostnames),
        'connected': peer.connected,
        'state': peer.state,
        'state_name': peer.state_name,
        'self': peer.is_self,
    }


class PeerManager:
    """Reads the pool, plans the probes or detaches, runs them (unless in check mode), reports."""

    def __init__(self, module, cli):
        self.module = module
        self.cli = cli
        self.params = module.params
        self.changed = False
        self.pool = None
        self.before = None
        # The member names check mode predicts; None when the pool as read is the answer.
        self.predicted_after = None

    def read_pool(self):
        """The pool as gluster lists it now (one gluster call)."""
        return Pool(parse_peers(self.cli.read('pool', 'list')), local_names=local_host_names, resolve=resolve)

    def present(self):
        nodes = self.params['nodes']
        plan = plan_probes(self.pool, nodes)
        replies = apply_steps(self.cli, plan.steps, lambda step: self.read_pool())
        for step, reply in zip(plan.steps, replies):
            # gluster answers success without changing anything for itself and for known friends,
            # under a name the pool list does not show: such a name is not waited for either.
            if reply is not None and int_or_none(reply.findtext('opErrno')) in PROBE_NOT_NEEDED_ERRNOS:
                nodes = [node for node in nodes if node != step.args[-1]]
            else:
                self.changed = True
        if self.cli.check_mode and plan.steps:
            # Probes that were not run can never settle, so there is nothing to wait for.
            self.predicted_after = plan.after['peers']
        elif self.params['wait']:
            self.pool = wait_until_settled(self.read_pool, nodes, self.params['wait_timeout'], self.pool)
        elif plan.steps:
            self.pool = self.read_pool()

    def absent(self):
        peers = self.pool.to_detach(self.params['nodes'])
        if not peers:
            return
        # Read only when a detach is planned: a no-op stays at one gluster call.
        plan = plan_detaches(self.pool, peers, parse_volume_info(self.cli.read('volume', 'info')),
                             self.params['force'])
        apply_steps(self.cli, plan.steps, lambda step: self.read_pool())
        self.changed = True
        if self.cli.check_mode:
            self.predicted_after = plan.after['peers']
        else:
            self.pool = self.read_pool()

    def run(self):
        try:
            self.pool = self.read_pool()
            self.before = self.pool.member_names()
            if self.params['state'] == 'present':
                self.present()
            else:
                self.absent()
        except GlusterCommandError as error:
            self.fail(**error.details())
        except PoolNotSettled as error:
            self.pool = error.pool
            self.fail(msg=str(error))
        except PoolError as error:
            self.fail(msg=str(error))
        result = dict(changed=self.changed, commands=self.cli.commands, peers=self.peers())
        if self.module._diff:
            after = self.pool.member_names() if self.predicted_after is None else self.predicted_after
            result['diff'] = {'before': {'peers': self.before}, 'after': {'peers': after}}
        self.module.exit_json(**result)

    def peers(self):
        return [peer_to_dict(peer) for peer in self.pool.peers] if self.pool else []

    def fail(self, **details):
        self.module.fail_json(changed=self.changed, commands=self.cli.commands, peers=self.peers(), **details)


def main():
    module = AnsibleModule(
        argument_spec=dict(
            nodes=dict(type='list', elements='str', required=True),
            state=dict(type='str', default='present', choices=['present', 'absent']),
            force=dict(type='bool', default=False),
            wait=dict(type='bool', default=True),
            wait_timeout=dict(type='int', default=60),
        ),
        supports_check_mode=True,
    )
    # Bad input fails here, before any gluster call.
    problems = validate_nodes(module.params['nodes'])
    if problems:
        module.fail_json(msg='nodes: %s' % '; '.join(problems))
    if module.params['wait_timeout'] < 0:
        module.fail_json(msg='wait_timeout must be 0 or more seconds')

    PeerManager(module, cli_for_module(module)).run()


if __name__ == '__main__':
    main()
