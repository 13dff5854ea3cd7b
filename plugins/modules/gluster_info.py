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
    C(healthy) and C(problems), one sentence per thing that is wrong (a peer disconnected or rejected, a brick
    offline, entries waiting for heal or possibly healing, a brick whose heal state is unknown, files in
    split-brain, a brick over O(full_percent), a self-heal daemon down, a directory over its quota, a TLS
    certificate of this node that expires within O(tls_expiry_warning_days) or has expired, a read that failed).
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
      - V(tls) the TLS certificate and CA files of the node the task runs on (no gluster call; it reads
        the files).
      - V(status), V(heal), V(quota) and V(clients) bring V(volumes) with them.
    type: list
    elements: str
    choices: [all, pool, volumes, status, heal, quota, clients, tls]
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
  tls_directory:
    description:
      - The directory holding C(glusterfs.pem), C(glusterfs.key) and C(glusterfs.ca) to check.
      - Default is where the installed GlusterFS reads them (its socket transport names the path,
        C(/usr/lib/ssl) for GlusterFS 10.3 on Debian 12, C(/etc/ssl) for 11.1 on Debian 13).
    type: path
  tls_expiry_warning_days:
    description:
      - A TLS certificate (this node's own, or a CA's) that expires in fewer days than this is a problem;
        an expired one always is. V(0) makes only expired certificates a problem.
    type: int
    default: 30
notes:
  - Run it on one member of the pool (for example with C(run_once)); every member sees the whole pool.
    The V(tls) subset is the exception; it checks the certificates of the node it runs on only.
  - TLS is in use when C(/var/lib/glusterd/secure-access) exists (management encryption) or any of the
    three files does; a missing or unreadable file is then a problem. The private key is only looked
    for, never read.
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
  description: One sentence per thing that is wrong, peers first, then bricks, daemons, heal, space, quota, TLS, failed reads.
  returned: always
  type: list
  elements: str
  sample: ["brick node2:/bricks/web/b of volume web offline", "volume web: 12 entries waiting for heal on node3:/bricks/web/b",
           "TLS certificate /usr/lib/ssl/glusterfs.pem of node1 expires in 12 days (2026-12-11)"]
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
      (address, op_version), one per address with its lowest op-version when several clients share it
      (a self-heal daemon and a mount), null when any of them gave none.
  returned: when volumes is gathered
  type: list
  elements: dict
tls:
  description:
    - The TLS files of the node the task ran on.
    - C(enabled) (TLS in use), C(node) (its host name), C(directory) (null when it could not be told),
      C(management) (C(/var/lib/glusterd/secure-access) exists), C(private_key_present).
    - C(certificate) (C(glusterfs.pem)) and C(ca) (C(glusterfs.ca)), null when the file is missing,
      with C(path), C(error) (why it could not be read, else null), and of its first certificate C(subject)
      and C(issuer) (common names), C(not_before), C(not_after) (ISO 8601, UTC), C(days_left) (whole
      days, negative once expired), C(expired); C(chain) the same for the file's further certificates.
  returned: when tls is gathered
  type: dict
  sample:
    enabled: true
    node: node1
    directory: /usr/lib/ssl
    management: true
    private_key_present: true
    certificate: {path: /usr/lib/ssl/glusterfs.pem, error: null, subject: node1, issuer: glusterdock GlusterFS CA,
                  not_before: "2026-11-29T19:00:00Z", not_after: "2036-11-27T19:00:00Z", days_left: 3650,
                  expired: false, chain: []}
    ca: {path: /usr/lib/ssl/glusterfs.ca, error: null, subject: glusterdock GlusterFS CA,
         issuer: glusterdock GlusterFS CA, not_before: "2026-11-29T19:00:00Z", not_after: "2036-11-27T19:00:00Z",
         days_left: 3650, expired: false, chain: []}
'''

import datetime
import glob
import os
import socket

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.glusterdock.storage.plugins.module_utils.errors import GlusterdockError
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_cli import (
    GlusterCommandError,
    cli_for_module,
)
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_info import (
    DEFAULT_FULL_PERCENT,
    DEFAULT_SPLIT_BRAIN_FILES,
    DEFAULT_TLS_EXPIRY_WARNING_DAYS,
    SUBSETS,
    facts_to_dict,
    parse_info_request,
    read_facts,
    read_tls,
    tls_directory_from_transport,
    tls_problems,
)
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_volume_spec import validate_volume_name

ARGUMENT_SPEC = dict(
    gather_subset=dict(type='list', elements='str', default=['all'], choices=['all'] + list(SUBSETS)),
    volumes=dict(type='list', elements='str'),
    full_percent=dict(type='int', default=DEFAULT_FULL_PERCENT),
    split_brain_files=dict(type='int', default=DEFAULT_SPLIT_BRAIN_FILES),
    tls_directory=dict(type='path'),
    tls_expiry_warning_days=dict(type='int', default=DEFAULT_TLS_EXPIRY_WARNING_DAYS),
)
# The socket transport of the installed GlusterFS (Debian's multiarch path, then others).
TRANSPORTS = ('/usr/lib/*/glusterfs/*/rpc-transport/socket.so', '/usr/lib*/glusterfs/*/rpc-transport/socket.so')
# A certificate file is a few KB; a bound keeps a wrong path from reading a huge file.
MAX_CERTIFICATE_FILE_BYTES = 1 << 20


def installed_tls_directory():
    """Where the installed GlusterFS reads glusterfs.pem (the path its socket transport holds), or None."""
    for pattern in TRANSPORTS:
        for path in sorted(glob.glob(pattern)):
            try:
                with open(path, 'rb') as handle:
                    directory = tls_directory_from_transport(handle.read())
            except OSError:
                continue
            if directory:
                return directory
    return None


def read_certificate_file(path):
    with open(path, 'rb') as handle:
        return handle.read(MAX_CERTIFICATE_FILE_BYTES)


def utc_now():
    return datetime.datetime.now(datetime.timezone.utc)


def read_node_tls(request):
    """The TLS files of this node (gluster_info's tls subset), read now."""
    return read_tls(socket.gethostname(), request.tls_directory or installed_tls_directory(), os.path.exists,
                    read_certificate_file, utc_now())


def main():
    module = AnsibleModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True)
    try:
        request = parse_info_request(module.params, validate_volume_name)
    except GlusterdockError as error:
        module.fail_json(msg=str(error))
    # Read before gluster: when glusterd does not answer, an expired certificate may be why.
    tls = read_node_tls(request) if request.wants('tls') else None
    cli = cli_for_module(module)
    try:
        facts = read_facts(cli, request)
    except GlusterCommandError as error:
        details = error.details()
        details['msg'] = 'glusterd on this node did not answer, so nothing could be judged: %s' % details['msg']
        module.fail_json(changed=False, calls=len(cli.calls), problems=tls_problems(tls, request.tls_expiry_warning_days),
                         **details)
    facts.tls = tls
    module.exit_json(changed=False, calls=len(cli.calls), **facts_to_dict(facts, request))


if __name__ == '__main__':
    main()
