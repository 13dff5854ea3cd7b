#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: glusterdock developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
---
module: gluster_volume
short_description: Create, start, stop, grow, tune and delete a GlusterFS volume
description:
  - Manages one GlusterFS volume (O(name)), or several in one task (O(volumes)), from any node of the trusted
    pool with the C(gluster) CLI in script mode and XML output.
  - Every argument is checked before any gluster call; bad input changes nothing.
  - Creates distribute, replicate, arbiter, disperse, distributed-replicate and distributed-disperse
    volumes. The order of O(bricks) defines the replica and disperse sets.
  - Grows a volume with C(add-brick) when O(bricks) lists the volume's bricks plus new ones. It never
    removes bricks; a shorter or different list fails, naming the bricks (use
    M(glusterdock.storage.gluster_brick) with O(state=absent) to shrink a volume).
  - Raising the replica count (C(add-brick ... replica N)) is refused unless every brick is online and
    C(volume heal NAME info summary) shows nothing left to heal, whatever O(force) says. The new bricks are
    filled from the bricks that are up, and a brick that is down may hold the only good copy of a file.
  - Before C(volume create) or C(add-brick), each new brick on the node the module runs on is checked. A path
    that is or lies inside a brick (a C(trusted.glusterfs.volume-id) xattr on it or a parent), holds a
    C(.glusterfs) folder, is not empty, is not a directory, or is on the root file system (without
    O(allow_root_filesystem_bricks)) is refused, whatever O(force) says. On the other nodes glusterd makes its
    own checks (it refuses paths with the volume-id or gfid xattr, on the root file system or at a mount
    point); gluster's C(force), which skips them, is sent only with O(allow_root_filesystem_bricks) and only
    when every new brick was checked by this module (on this node, or on its own with O(only_check_brick_paths)).
  - Sets only the options whose value differs from what glusterd reports, comparing full keys (short
    keys such as C(write-behind) are resolved as glusterd does) and treating C(on), C(yes), C(true),
    C(enable) and C(1) (and their opposites) as equal.
  - A run that changes nothing makes one gluster call (C(volume info NAME)). It adds C(volume get NAME all)
    only when O(options) has a key that C(volume info) does not list with that value (an option at a
    default never set, or one to change). It reads only the managed volume. With O(volumes), a no-op run makes
    one gluster call for all of them (C(volume info) of every volume).
  - Also accepts the arguments of C(gluster.gluster.gluster_volume) (O(cluster) with brick paths,
    O(replica) as C(replicas), O(start_on_create), ...), so its playbooks work after only changing
    the module name. Its C(rebalance=true), C(quota) and C(directory) are refused with a message.
version_added: 0.1.0
author:
  - glusterdock developers (@glusterdock)
extends_documentation_fragment:
  - glusterdock.storage.attributes
  - glusterdock.storage.attributes.gluster
attributes:
  check_mode:
    support: full
    details: Returns in RV(commands) the commands it would run; reads the volume but changes nothing.
  diff_mode:
    support: full
    details: Shows state, bricks, replica/arbiter/disperse/redundancy counts, transport and the managed options.
options:
  name:
    description:
      - The volume name. Letters, digits, V(_) and V(-); at most 255 characters; not starting with V(-);
        not a word the gluster CLI reserves (such as V(all)).
      - One of O(name) and O(volumes) is required.
    type: str
    aliases: [volume]
  volumes:
    description:
      - The list form. Several volumes in one task, each entry a dictionary of the options of one volume
        as the single form takes them (O(name) required; O(state), O(bricks), O(cluster), O(replica), O(arbiter),
        O(disperse), O(redundancy), O(transport), O(options), O(timeout), O(start_on_create) and the C(allow_*)
        flags), with the same aliases, defaults and checks. O(brick_paths_checked) is given once, beside the
        list; the other options go in the entries. Excludes O(name) and O(only_check_brick_paths).
      - Every entry is checked before any gluster call; an error starts with the entry it is about, such as
        C(volumes[3] (name web)) (its index from 0 and its name). A volume listed twice, or a brick listed by two entries, is refused.
      - Reads C(volume info) of every volume once, then plans each volume from it (with the same extra reads as
        the single form, only for a volume that needs them, such as C(volume get NAME all)). Every volume is
        planned, with its checks, before the first change, so a refusal changes nothing.
      - Then applies the volumes one by one, in list order, with the same checks and steps as the single form.
        An existing volume that changes after an earlier one changed is read and planned again first, so its checks
        judge it as it is then; a volume to create is planned again without a read (the paths of its bricks on this
        node are checked again; glusterd refuses a name taken meanwhile). The changed options of one volume are set
        with one C(volume set NAME KEY1 VALUE1 KEY2 VALUE2 ...) (glusterd checks every pair before setting any).
      - The volumes changed are read back with one C(volume info) of every volume at the end, so creating N volumes
        makes gluster's own C(volume create) and C(volume start) of each and two reads in all.
      - The run stops at the first volume that fails. The volumes after it are not attempted; RV(results) lists
        the volumes done before it and the failed one.
      - A run that changes nothing makes one gluster call in all (C(volume info)), or none for an empty list.
    type: list
    elements: dict
  state:
    description:
      - V(present) and V(started) make sure the volume exists and is started.
      - V(stopped) makes sure it exists and is stopped (a new volume is created and not started).
      - V(stopped) of a started volume is refused while clients are connected unless O(allow_stop_with_clients)
        (a stopped volume has no clients, so stopping first is no way around the check of V(absent)).
      - V(absent) stops and deletes it. Refused while clients are connected unless O(allow_delete_with_clients).
        Brick directories and their data are left untouched. A missing volume is not an error.
      - The client check reads C(volume status NAME clients) (every brick, by address) and
        C(volume status NAME client-list) (the kinds, such as C(fuse), counted on one brick). It fails closed.
        A brick offline or missing from the reply (its node down) or a reply not understood refuses the stop
        or delete, saying why. glusterd cannot list the clients of a brick that has no connection at all, so
        an idle volume without a self-heal daemon (a distribute volume nothing mounts) needs the opt-in.
      - With V(present) and O(start_on_create=false) a new volume is created but not started and the
        run state of an existing volume is left alone (as C(gluster.gluster) did).
    type: str
    default: present
    choices: [present, started, stopped, absent]
  bricks:
    description:
      - The volume's bricks in order, each V(host:/absolute/path) (split at the last colon).
      - With O(cluster), brick paths only (a list or a comma-separated string); each path is placed on
        every host of O(cluster), path by path in host order (C(gluster.gluster) style).
      - Consecutive bricks form the replica or disperse sets. Two bricks of one set on one host are refused
        (the deprecated O(force) still accepts them).
      - Paths are canonicalised like glusterd does (repeated and trailing V(/) removed); V(/), relative
        paths and paths under C(/var/lib/glusterd) are refused.
      - For an existing volume, omit it to leave the bricks alone, or list the current bricks followed
        by new ones to add them.
    type: list
    elements: str
    aliases: [brick]
  cluster:
    description:
      - C(gluster.gluster) style. Hosts on which each path of O(bricks) is placed. The hosts must
        already be in the pool (this module does not probe peers; use M(glusterdock.storage.gluster_peer)).
    type: list
    elements: str
  replica:
    description:
      - Bricks per replica set (at least 2). V(2) without O(arbiter) is refused unless O(allow_replica_two).
      - For an existing volume, omitted means the volume's own count; a higher count adds one brick per
        set with C(add-brick).
    type: int
    aliases: [replicas]
  arbiter:
    description:
      - V(1) makes the last brick of each replica 3 set an arbiter (metadata only).
        V(replica=2) with V(arbiter=1) means replica 3 arbiter 1, as in gluster.
    type: int
    aliases: [arbiters]
  disperse:
    description:
      - Bricks per disperse (erasure coded) set, at least 3.
    type: int
    aliases: [disperses]
  redundancy:
    description:
      - Bricks of each disperse set that may fail; 1 <= redundancy and 2 * redundancy < O(disperse).
        Omitted for a new volume, gluster picks it.
    type: int
    aliases: [redundancies]
  stripe:
    description:
      - Not supported. Striped volumes were removed from GlusterFS; any value fails with a message.
    type: int
    aliases: [stripes]
  transport:
    description:
      - Transport of a new volume (gluster's default V(tcp) when omitted). An existing volume's transport
        is not changed; a different value fails.
    type: str
    choices: [tcp, rdma, 'tcp,rdma']
  options:
    description:
      - Volume options, key to value. Keys are full (V(performance.write-behind)) or short (V(write-behind))
        as glusterd accepts them; C(user.*) keys are free-form.
      - Values must be strings, numbers or booleans (booleans become V(on)/V(off)); lists and dictionaries,
        newlines, a leading V(--) and shell syntax (V($(), backquote, V(;)) are refused.
      - Unknown keys fail before any gluster call. Keys are checked against the option keys of GlusterFS 10
        and 11 (a key added by a later release is refused until this collection knows it), and for an
        existing volume also resolved against its own C(volume get NAME all) list.
      - Options the bricks read at start (V(server.ssl), V(client.ssl), V(auth.ssl-allow), V(ssl.*)) are set
        before the volume is started. V(storage.linux-aio) and V(storage.linux-io_uring) change only while
        the volume is stopped; changing them on a started volume fails.
      - Options not listed are left as they are.
    type: dict
  allow_root_filesystem_bricks:
    description:
      - Accept new bricks on the root file system (a full brick then fills the system disk). glusterd refuses
        such bricks unless C(force) is appended to C(volume create) or C(add-brick), so this is the one
        argument that makes the module append it.
      - gluster's C(force) also skips glusterd's check that a brick path belongs to no other volume (and its
        mount point check), so with it every new brick must have been checked by this module - on the node it
        runs on, or on its own node with O(only_check_brick_paths) and then listed in O(brick_paths_checked)
        (the C(glusterdock.storage.gluster_volumes) role does both). Other bricks are refused with a message.
      - It does not skip the checks of the new brick paths or of a replica raise.
    type: bool
    default: false
  force:
    description:
      - Deprecated; use O(allow_root_filesystem_bricks), which V(true) implies. It still accepts two bricks of
        one set on one host (glusterd needs C(force) for that too).
      - Unlike before, it no longer skips any data-safety check - a brick path of another volume, a replica
        raise with a brick down or heal pending - and gluster's C(force) is sent only under the conditions of
        O(allow_root_filesystem_bricks).
    type: bool
  allow_replica_two:
    description:
      - Accept replica 2 without an arbiter, which can end in split-brain.
    type: bool
    default: false
  allow_delete_with_clients:
    description:
      - With O(state=absent), delete the volume even while clients (fuse mounts, gfapi applications) are
        connected, or when the clients cannot be read or understood. Their I/O will fail.
    type: bool
    default: false
  only_check_brick_paths:
    description:
      - Change nothing - read the volume, check the paths of the bricks on this node that C(volume create) or
        C(add-brick) would make (as described above, with the same O(bricks), layout and
        O(allow_root_filesystem_bricks)), fail naming any that is refused, and return the checked ones in
        RV(checked_bricks). For running on every server before the task that creates or grows the volume.
    type: bool
    default: false
  brick_paths_checked:
    description:
      - New bricks on other nodes that O(only_check_brick_paths) checked on their own node in this run (its
        RV(checked_bricks)). Only these may be on other nodes when gluster's C(force) is sent. List only what
        such a check returned; a name here is trusted.
    type: list
    elements: str
    default: []
  allow_stop_with_clients:
    description:
      - With O(state=stopped), stop the volume even while clients are connected, or when the clients cannot be
        read or understood. Their I/O fails until the volume is started again.
    type: bool
    default: false
  start_on_create:
    description:
      - C(gluster.gluster) style. With O(state=present), V(false) leaves a new volume created but not started.
    type: bool
    default: true
  timeout:
    description:
      - Seconds to wait for the C(rebalance fix-layout) that follows a grow of a started distributed volume (see
        the notes) to complete on every node hosting a brick.
    type: int
    default: 600
  rebalance:
    description:
      - C(gluster.gluster) compatibility only. V(true) is refused; start a rebalance deliberately in its own task.
    type: bool
    default: false
  quota:
    description:
      - C(gluster.gluster) compatibility only. Any value is refused; quota is not managed by this module (use
        M(glusterdock.storage.gluster_quota)).
    type: str
  directory:
    description:
      - C(gluster.gluster) compatibility only. Any value is refused; quota is not managed by this module (use
        M(glusterdock.storage.gluster_quota)).
    type: str
  host:
    description:
      - C(gluster.gluster) compatibility only. Ignored (it named the local host for peer probing, which this
        module does not do).
    type: str
notes:
  - Run it on one node of the pool (for example with C(run_once)), once per volume or once with O(volumes).
  - For a new volume, options are set after C(volume create) and before C(volume start); if glusterd refuses
    a value there, the result says that the volume was left created but not started.
  - Growing a started volume by a distribute subvolume ends with C(gluster volume rebalance NAME fix-layout start),
    waited for until every node hosting a brick reports it completed (O(timeout)). Without it, clients do not
    list directories that existed before and whose names now hash to the new bricks, nor the files in them,
    until something looks them up by name. A fix-layout moves no file; existing files stay on the old bricks
    until you run C(gluster volume rebalance NAME start) (or M(glusterdock.storage.gluster_brick) with
    O(glusterdock.storage.gluster_brick#module:state=rebalanced)) when you choose to.
  - When a command fails, the result carries gluster's message, the commands run and the state the volume was
    left in (RV(volume)).
  - A run that changes nothing still makes one gluster call. The client check (two reads) runs only before a
    stop or delete; the brick and heal check of a replica raise (C(volume status NAME) and
    C(volume heal NAME info summary)) only before that raise.
  - With O(state=absent), the only check for users of the volume is the clients connected to the bricks, which shows
    connected clients only. The module runs on a gluster server and cannot see Docker hosts, so it does not
    refuse to delete a volume that Docker volumes are defined on while nothing has it mounted (for example
    after the hosts rebooted without a persistent mount). Find them before deleting on the Docker hosts, by the
    labels M(glusterdock.storage.docker_gluster_volume) sets
    (C(docker volume ls --filter label=org.glusterdock.gluster-volume=NAME)), or in C(docker_gluster_volumes_list)
    of the C(glusterdock.storage.docker_gluster_volumes) role, and remove them first.
seealso:
  - module: glusterdock.storage.gluster_peer
'''

EXAMPLES = r'''
- name: Distribute volume over three servers
  glusterdock.storage.gluster_volume:
    name: scratch
    bricks: [node1:/bricks/scratch/b1, node2:/bricks/scratch/b1, node3:/bricks/scratch/b1]
  run_once: true

- name: Replicate volume, three copies
  glusterdock.storage.gluster_volume:
    name: data
    replica: 3
    bricks: [node1:/bricks/data/b1, node2:/bricks/data/b1, node3:/bricks/data/b1]
    options:
      performance.cache-size: 256MB
      write-behind: false
      auth.allow: 192.0.2.10,192.0.2.11
  run_once: true

- name: Arbiter volume (two data copies and one metadata-only arbiter per set)
  glusterdock.storage.gluster_volume:
    name: vms
    replica: 3
    arbiter: 1
    bricks: [node1:/bricks/vms/b1, node2:/bricks/vms/b1, node3:/bricks/vms/arbiter]
  run_once: true

- name: Disperse volume, 2 data + 1 redundancy
  glusterdock.storage.gluster_volume:
    name: archive
    disperse: 3
    redundancy: 1
    bricks: [node1:/bricks/archive/b1, node2:/bricks/archive/b1, node3:/bricks/archive/b1]
  run_once: true

- name: Distributed-replicate volume, 2 x 3
  glusterdock.storage.gluster_volume:
    name: shared
    replica: 3
    bricks:
      - node1:/bricks/shared/b1
      - node2:/bricks/shared/b1
      - node3:/bricks/shared/b1
      - node4:/bricks/shared/b1
      - node5:/bricks/shared/b1
      - node6:/bricks/shared/b1
  run_once: true

- name: Distributed-disperse volume, 2 x (2 + 1)
  glusterdock.storage.gluster_volume:
    name: media
    disperse: 3
    redundancy: 1
    bricks:
      - node1:/bricks/media/b1
      - node2:/bricks/media/b1
      - node3:/bricks/media/b1
      - node4:/bricks/media/b1
      - node5:/bricks/media/b1
      - node6:/bricks/media/b1
  run_once: true

- name: A gluster.gluster.gluster_volume task, only the module name changed
  glusterdock.storage.gluster_volume:
    state: present
    name: test1
    bricks: /bricks/test1/b1
    replicas: 3
    cluster: [node1, node2, node3]
    options:
      performance.cache-size: 128MB
  run_once: true

- name: Add a brick to the distribute volume (current bricks first, then the new one)
  glusterdock.storage.gluster_volume:
    name: scratch
    bricks: [node1:/bricks/scratch/b1, node2:/bricks/scratch/b1, node3:/bricks/scratch/b1, node1:/bricks/scratch/b2]
  run_once: true

- name: Several volumes in one task, planned from one read of every volume
  glusterdock.storage.gluster_volume:
    volumes:
      - name: web
        replica: 3
        bricks: [node1:/bricks/web/b1, node2:/bricks/web/b1, node3:/bricks/web/b1]
        options:
          performance.cache-size: 64MB
          auth.allow: 192.0.2.10
      - name: logs
        bricks: [node1:/bricks/logs/b1, node2:/bricks/logs/b1]
      - name: old
        state: absent
  run_once: true

- name: Stop a volume
  glusterdock.storage.gluster_volume:
    name: scratch
    state: stopped
  run_once: true

- name: Delete a volume (its brick directories keep their data)
  glusterdock.storage.gluster_volume:
    name: scratch
    state: absent
  run_once: true
'''

RETURN = r'''
commands:
  description:
    - The changing gluster commands run, or in check mode those that would run.
    - With O(volumes), those of every volume, in order.
  returned: always
  type: list
  elements: str
  sample: ["gluster --mode=script volume create data replica 3 node1:/bricks/data/b1 node2:/bricks/data/b1 node3:/bricks/data/b1 --xml",
           "gluster --mode=script volume start data --xml"]
volume:
  description:
    - The volume as C(volume info) reports it after the run; empty when it does not exist.
    - In check mode, the volume as it is now. After a failure, the state it was left in.
  returned: with O(name)
  type: dict
  contains:
    name:
      description: Volume name.
      type: str
    id:
      description: Volume UUID.
      type: str
    status:
      description: V(created) (never started), V(started) or V(stopped).
      type: str
    type:
      description: gluster's type name, such as V(Distributed-Replicate).
      type: str
    transport:
      description: V(tcp), V(rdma) or V(tcp,rdma).
      type: str
    bricks:
      description: Brick names in order.
      type: list
      elements: str
    arbiter_bricks:
      description: The bricks that are arbiters.
      type: list
      elements: str
    brick_count:
      description: Number of bricks.
      type: int
    distribute_count:
      description: Number of replica/disperse sets (bricks for a distribute volume).
      type: int
    replica_count:
      description: Bricks per replica set; 0 when the volume is not replicated.
      type: int
    arbiter_count:
      description: 1 for an arbiter volume, else 0.
      type: int
    disperse_count:
      description: Bricks per disperse set; 0 when not dispersed.
      type: int
    redundancy_count:
      description: Redundancy of each disperse set; 0 when not dispersed.
      type: int
    options:
      description: The options set on the volume (C(volume info)'s reconfigured options).
      type: dict
  sample: {"name": "data", "status": "started", "type": "Replicate", "replica_count": 3, "bricks": ["node1:/bricks/data/b1"]}
results:
  description:
    - With O(volumes), one entry per volume attempted, in list order. The volumes after a failed one are not
      attempted and not listed.
    - Each has RV(results[].name), RV(results[].changed), RV(results[].failed), its own RV(results[].commands) and
      RV(results[].volume) as the single form returns them, RV(results[].diff) in diff mode, and for a failure
      RV(results[].msg) and the single form's failure details (the failed command, RV(state_left)).
  returned: with O(volumes)
  type: list
  elements: dict
  contains:
    name:
      description: The volume name.
      type: str
    changed:
      description: Whether this volume changed (would change in check mode).
      type: bool
    failed:
      description: Whether this volume's task failed (only the last entry can).
      type: bool
    commands:
      description: This volume's changing gluster commands, run or (in check mode) planned.
      type: list
      elements: str
    volume:
      description: This volume as RV(volume) describes it.
      type: dict
    diff:
      description: In diff mode, this volume's C(before) and C(after).
      type: dict
    msg:
      description: Why this volume failed.
      type: str
  sample: [{"name": "web", "changed": false, "failed": false, "commands": [], "volume": {"name": "web", "status": "started"}}]
checked_bricks:
  description: With O(only_check_brick_paths), the new bricks on this node whose paths were checked.
  returned: when only_check_brick_paths is true
  type: list
  elements: str
  sample: ["node2:/bricks/data/b1"]
state_left:
  description: After a failed command, a sentence saying what state the volume was left in.
  returned: failure after a change was attempted
  type: str
  sample: volume data exists (created, never started)
'''

import os
import uuid

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.glusterdock.storage.plugins.module_utils.errors import GlusterdockError, entry_validations
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_cli import GlusterCommandError, cli_for_module
from ansible_collections.glusterdock.storage.plugins.module_utils.local_host import local_host_names
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_layout import FixLayoutFailed, fix_layout_after_grow
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_plan import apply_steps, completed_before_failure
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_volume_list import (
    VolumeFailed,
    VolumeListError,
    converge_volume_list,
    entry_label,
    parse_volume_list,
)
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_volume_plan import (
    ClientListError,
    VolumePlanError,
    client_list_problem,
    describe_volume,
    needs_client_check,
    needs_option_values,
    needs_peers,
    new_brick_problem,
    parse_client_list,
    plan_add_brick,
    plan_volume,
    replica_raise_problems,
    replica_raise_refusal,
    volume_to_dict,
)
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_volume_spec import (
    VolumeSpecError,
    canonical_brick,
    parse_volume_spec,
)
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_xml import (
    NO_SUCH_VOLUME_ERRNO,
    parse_heal_info,
    parse_peers,
    parse_volume_get,
    parse_volume_info,
    parse_volume_status,
    split_brick,
)

ARGUMENT_SPEC = dict(
    name=dict(type='str', aliases=['volume']),
    volumes=dict(type='list', elements='dict'),
    state=dict(type='str', default='present', choices=['present', 'started', 'stopped', 'absent']),
    bricks=dict(type='list', elements='str', aliases=['brick']),
    cluster=dict(type='list', elements='str'),
    replica=dict(type='int', aliases=['replicas']),
    arbiter=dict(type='int', aliases=['arbiters']),
    disperse=dict(type='int', aliases=['disperses']),
    redundancy=dict(type='int', aliases=['redundancies']),
    stripe=dict(type='int', aliases=['stripes']),
    transport=dict(type='str', choices=['tcp', 'rdma', 'tcp,rdma']),
    options=dict(type='dict'),
    force=dict(type='bool', removed_in_version='2.0.0', removed_from_collection='glusterdock.storage'),
    allow_root_filesystem_bricks=dict(type='bool', default=False),
    allow_replica_two=dict(type='bool', default=False),
    allow_delete_with_clients=dict(type='bool', default=False),
    allow_stop_with_clients=dict(type='bool', default=False),
    only_check_brick_paths=dict(type='bool', default=False),
    brick_paths_checked=dict(type='list', elements='str', default=[]),
    start_on_create=dict(type='bool', default=True),
    timeout=dict(type='int', default=600),
    rebalance=dict(type='bool', default=False),
    quota=dict(type='str'),
    directory=dict(type='str'),
    host=dict(type='str'),
)


# The arguments one entry of ``volumes`` takes: the single form's, for one volume.
LIST_ONLY_ARGUMENTS = ('volumes', 'only_check_brick_paths', 'brick_paths_checked', 'host')
ENTRY_ARGUMENT_SPEC = dict(
    {key: value for key, value in ARGUMENT_SPEC.items() if key not in LIST_ONLY_ARGUMENTS},
    name=dict(ARGUMENT_SPEC['name'], required=True),
)


def carries_volume_id(path, volume_id):
    """Whether ``path`` carries the trusted.glusterfs.volume-id xattr of the volume ``volume_id``."""
    try:
        return os.getxattr(path, 'trusted.glusterfs.volume-id') == uuid.UUID(volume_id).bytes
    except (OSError, ValueError):
        return False


class BrickPathRefused(VolumePlanError):
    """A new brick's path on this node cannot become a brick."""


class VolumeManager:
    """Reads the volume, plans, applies the plan (unless in check mode) and reports."""

    def __init__(self, module, cli, spec, brick_paths_checked=(), batch_options=False):
        self.module = module
        self.cli = cli
        self.spec = spec
        # New bricks on other nodes whose paths were checked there (only_check_brick_paths) in this run.
        self.brick_paths_checked = set(brick_paths_checked)
        # Set the plan's option changes in one volume set (the list form).
        self.batch_options = batch_options
        # Where this volume's commands start in cli.commands (the list form shares one cli).
        self.first_command = 0

    def read_volume(self):
        """The managed volume from ``volume info NAME``, or None when it does not exist."""
        try:
            root = self.cli.read('volume', 'info', self.spec.name)
        except GlusterCommandError as error:
            if error.op_errno == NO_SUCH_VOLUME_ERRNO:
                return None
            raise
        return parse_volume_info(root).get(self.spec.name)

    def plan(self, volume):
        spec = self.spec
        option_values = peers = client_counts = client_status = None
        if needs_option_values(spec, volume):
            option_values = parse_volume_get(self.cli.read('volume', 'get', spec.name, 'all'))
        if needs_peers(spec, volume):
            peers = parse_peers(self.cli.read('pool', 'list'))
        if needs_client_check(spec, volume):
            client_status, client_counts = self.read_clients()
        volumes = {spec.name: volume} if volume is not None else {}
        plan = plan_volume(spec, volumes, option_values=option_values, peers=peers, client_counts=client_counts,
                           client_status=client_status, batch_options=self.batch_options)
        if plan.replica_raise:
            self.check_replica_raise(volume, plan)
        if plan.new_bricks:
            self.check_new_bricks(plan, volume)
        return plan

    def new_bricks(self, volume):
        """The bricks volume create or add-brick would make (for only_check_brick_paths)."""
        spec = self.spec
        if spec.absent or not spec.bricks:
            return []
        if volume is None:
            return list(spec.bricks)
        peers = parse_peers(self.cli.read('pool', 'list')) if needs_peers(spec, volume) else None
        add_brick = plan_add_brick(spec, volume, peers)
        return list(add_brick['new_bricks']) if add_brick else []

    def check_local_brick_paths(self, bricks, volume=None):
        """Check the paths of ``bricks`` that are on this node; returns (checked, on other nodes)."""
        local_names = {name.lower() for name in local_host_names()}
        checked, remote = [], []
        for brick in bricks:
            host, path = split_brick(brick)
            if not host_is_this_node(host, local_names):
                remote.append(brick)
                continue
            problem = new_brick_problem(path, os.listdir, os.getxattr, os.stat, os.path.ismount,
                                        self.spec.sends_force, self.spec.sends_force)
            if problem and volume is not None and carries_volume_id(path, volume.id):
                # Another run is adding this very brick to this volume right now.
                raise BrickPathRefused('%s is already being added to volume %s (its volume-id is on the path, '
                                       'another run is growing the volume now); nothing was changed: run the task '
                                       'again once that run is done' % (brick, volume.name), argument='bricks')
            if problem:
                raise BrickPathRefused('%s refused: %s' % (brick, problem), argument='bricks')
            checked.append(brick)
        return checked, remote

    def check_only(self):
        """only_check_brick_paths: read the volume, check this node's new brick paths, change nothing."""
        volume = None
        try:
            volume = self.read_volume()
            checked = self.check_local_brick_paths(self.new_bricks(volume))[0]
        except GlusterCommandError as error:
            self.module.fail_json(commands=self.cli.commands, **error.details())
        except GlusterdockError as error:
            self.module.fail_json(msg=str(error), commands=self.cli.commands, volume=volume_to_dict(volume))
        self.module.exit_json(changed=False, commands=[], checked_bricks=checked, volume=volume_to_dict(volume))

    def _unknown_clients(self, error):
        """A failed read of the clients: unknown clients count as clients, nothing is stopped or deleted."""
        return GlusterCommandError(error.command, error.rc, error.stdout, error.stderr, reason=client_list_problem(
            self.spec.name, error.detail, stopping=not self.spec.absent))

    def read_clients(self):
        """``volume status NAME clients`` (every brick, by address) and ``client-list`` (the kinds,
        from one brick of this node)."""
        name = self.spec.name
        try:
            status = parse_volume_status(self.cli.read('volume', 'status', name, 'clients'))
            text = self.cli.read_text('volume', 'status', name, 'client-list')
        except GlusterCommandError as error:
            raise self._unknown_clients(error)
        try:
            counts = parse_client_list(text, name)
        except ClientListError as error:
            # A reply that is not understood (another format, a partial reply) is not "no clients".
            raise ClientListError(client_list_problem(name, 'the reply of gluster volume status %s client-list was not '
                                                            'understood: %s' % (name, error), stopping=not self.spec.absent))
        return status, counts

    def check_replica_raise(self, volume, plan):
        """Refuse a replica raise unless every brick is online and nothing is left to heal
        (two reads, made only when a raise is planned)."""
        name = self.spec.name
        try:
            status = parse_volume_status(self.cli.read('volume', 'status', name))
            problems = replica_raise_problems(volume, status)
            if not problems:
                problems = replica_raise_problems(volume, status, parse_heal_info(
                    self.cli.read('volume', 'heal', name, 'info', 'summary')))
        except GlusterCommandError as error:
            problems = ['the brick and heal state could not be read: %s' % error]
        if problems:
            raise VolumePlanError(replica_raise_refusal(volume, plan, problems))

    def check_new_bricks(self, plan, volume=None):
        """Check the paths of the bricks the plan makes that are on this node; refuse gluster's
        force unless every new brick was checked, here or on its own node (force skips glusterd's
        own in-use checks on the other nodes, which this module cannot look at)."""
        remote = self.check_local_brick_paths(plan.new_bricks, volume)[1]
        unchecked = [brick for brick in remote if brick not in self.brick_paths_checked]
        if unchecked and plan.sends_force:
            raise VolumePlanError(
                '%s %s on other nodes; allow_root_filesystem_bricks (or force) adds gluster\'s force, which '
                'also skips glusterd\'s check that a brick path belongs to no other volume, and this module can check '
                'only the paths on the node it runs on. Create the volume without it (bricks on file systems of their '
                'own), run it with only_check_brick_paths: true on each of those nodes first and pass the '
                'checked_bricks in brick_paths_checked (the glusterdock.storage.gluster_volumes role does), or put '
                'every new brick on the node the task runs on'
                % (', '.join(unchecked), 'is' if len(unchecked) == 1 else 'are'), argument='bricks')

    def apply(self, plan):
        apply_steps(self.cli, plan.steps, lambda step: self.read_volume())
        if plan.fix_layout:
            fix_layout_after_grow(self.cli, self.spec.name, self.spec.timeout)

    def plan_is_stale(self, volume):
        """Whether ``volume info`` now differs from ``volume``, the state the plan was made from."""
        try:
            return volume_to_dict(self.read_volume()) != volume_to_dict(volume)
        except GlusterCommandError:
            return False

    @property
    def commands(self):
        """The changing commands of this volume (the list form runs several volumes on one cli)."""
        return self.cli.commands[self.first_command:]

    def read_and_plan(self):
        """Read the volume and plan it: (volume, plan); VolumeFailed when it cannot be planned."""
        self.first_command = len(self.cli.commands)
        try:
            volume = self.read_volume()
        except GlusterCommandError as error:
            raise VolumeFailed(dict(error.details(), commands=self.commands))
        return self.plan_checked(volume)

    def plan_checked(self, volume):
        """Plan from ``volume`` (read by the caller) with every check before a change: (volume,
        plan), the volume being a fresher read when the plan had to be made again; VolumeFailed
        when the request is refused or a read fails."""
        try:
            try:
                return volume, self.plan(volume)
            except BrickPathRefused:
                # A new brick path that is a brick by now: when the volume changed meanwhile
                # (another run added that brick), the plan was for a state that is gone; plan once
                # more from the new one, and let its refusal, if any, stand.
                if not self.plan_is_stale(volume):
                    raise
                volume = self.read_volume()
                return volume, self.plan(volume)
        except GlusterCommandError as error:
            raise VolumeFailed(dict(error.details(), commands=self.commands))
        except GlusterdockError as error:
            raise VolumeFailed(dict(msg=str(error), commands=self.commands, volume=volume_to_dict(volume)))

    def converge(self, volume, plan, read_back=True):
        """Apply ``plan`` (only record it in check mode) and return the result; VolumeFailed
        naming what was done and the state left when a command fails. ``read_back=False``: the
        result keeps ``volume`` as planned from, for a caller that reads every volume back at once
        (the list form)."""
        self.first_command = len(self.cli.commands)
        for warning in plan.warnings:
            self.module.warn(warning)
        try:
            self.apply(plan)
        except GlusterCommandError as error:
            raise VolumeFailed(self.failure_after_change(error))
        except FixLayoutFailed as error:
            raise VolumeFailed(dict(msg='volume %s: %s' % (self.spec.name, error), changed=True, commands=self.commands,
                                    volume=volume_to_dict(self.read_volume())))
        if plan.changed and not self.cli.check_mode and read_back:
            volume = self.read_volume()
        result = dict(changed=plan.changed, commands=self.commands, volume=volume_to_dict(volume))
        if self.module._diff:
            result['diff'] = dict(before=plan.before, after=plan.after)
        return result

    def run(self):
        """The single form: read, plan, apply, report."""
        try:
            result = self.converge(*self.read_and_plan())
        except VolumeFailed as failed:
            self.module.fail_json(**failed.details)
        self.module.exit_json(**result)

    def failure_after_change(self, error):
        """A failed command, with gluster's message and the state the volume was left in."""
        details = error.details()
        try:
            left = self.read_volume()
            state_left = describe_volume(self.spec.name, left)
        except GlusterCommandError as read_error:
            left = None
            state_left = 'unknown: the volume could not be read afterwards (%s)' % read_error
        commands = self.commands
        details['msg'] = '%s. Left: %s; %s.' % (details['msg'], state_left, completed_before_failure(commands))
        return dict(details, changed=len(commands) > 1, commands=commands, state_left=state_left,
                    volume=volume_to_dict(left))


def host_is_this_node(host, local_names):
    """True when ``host`` is one of this node's own names or addresses (pool list names this node
    only "localhost", so it cannot tell more); any other name counts as another node."""
    return host.lower() in local_names


def validate_entries(module):
    """Each entry of ``volumes`` checked against the single form's argument spec (types, aliases,
    choices, defaults): the converted entries, or fail_json naming the entry."""
    for key in ENTRY_ARGUMENT_SPEC:
        if key != 'name' and module.params.get(key) != ARGUMENT_SPEC[key].get('default'):
            module.fail_json(msg='volumes: give %s in each entry of volumes, not beside it' % key, commands=[])
    if module.params['only_check_brick_paths']:
        module.fail_json(msg='only_check_brick_paths: give name (one volume), not volumes', commands=[])
    validator = ArgumentSpecValidator(ENTRY_ARGUMENT_SPEC)
    entries = []
    for label, validation, problem in entry_validations(module.params['volumes'], validator.validate, entry_label,
                                                        'one volume', ENTRY_ARGUMENT_SPEC):
        if problem:
            module.fail_json(msg=problem, commands=[])
        # The deprecations AnsibleModule reports for the single form's own arguments (it reads the same attribute).
        for deprecation in validation._deprecations:
            module.deprecate('%s: %s' % (label, deprecation['msg']), version=deprecation.get('version'),
                             collection_name=deprecation.get('collection_name'))
        entries.append(validation.validated_parameters)
    return entries


def run_list(module, checked):
    """The list form: every entry validated, one ``volume info`` of every volume, then each
    volume planned (all before the first change) and applied in order, stopping at a failure."""
    try:
        specs = parse_volume_list(validate_entries(module))
    except VolumeListError as error:
        module.fail_json(msg=str(error), commands=[])
    cli = cli_for_module(module)
    managers = [VolumeManager(module, cli, spec, brick_paths_checked=checked, batch_options=True) for spec in specs]
    volumes = {}
    if managers:
        try:
            volumes = parse_volume_info(cli.read('volume', 'info'))
        except GlusterCommandError as error:
            module.fail_json(commands=[], results=[], **error.details())
    results, failure = converge_volume_list(managers, volumes, check_mode=module.check_mode,
                                            read_volumes=lambda: read_every_volume(cli))
    report = dict(changed=any(result['changed'] for result in results), commands=cli.commands, results=results)
    if module._diff:
        # A list of diffs, one per volume: ansible shows each under its header.
        report['diff'] = [dict(result['diff'], before_header='volume %s' % result['name'],
                               after_header='volume %s' % result['name'])
                          for result in results if 'diff' in result]
    if failure:
        module.fail_json(msg=failure, **report)
    module.exit_json(**report)


def read_every_volume(cli):
    """Every volume as the results report it, from one ``volume info`` (VolumeFailed when it fails)."""
    try:
        volumes = parse_volume_info(cli.read('volume', 'info'))
    except GlusterCommandError as error:
        raise VolumeFailed(error.details())
    return {name: volume_to_dict(volume) for name, volume in volumes.items()}


def checked_bricks(module):
    """brick_paths_checked, canonicalised like bricks (fail_json on a bad one)."""
    try:
        return [canonical_brick(brick) for brick in module.params['brick_paths_checked']]
    except VolumeSpecError as error:
        module.fail_json(msg=str(error.about('brick_paths_checked')), commands=[])


def warn_ignored_host(module):
    """gluster.gluster's host is accepted and ignored: say so."""
    if module.params.get('host'):
        module.warn('host is ignored: this module does not probe peers (use glusterdock.storage.gluster_peer)')


def main():
    module = AnsibleModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True,
                           mutually_exclusive=[('name', 'volumes')], required_one_of=[('name', 'volumes')])
    if module.params['volumes'] is not None:
        warn_ignored_host(module)
        run_list(module, checked_bricks(module))
    try:
        spec = parse_volume_spec(module.params)
    except VolumeSpecError as error:
        module.fail_json(msg=str(error), commands=[])
    warn_ignored_host(module)
    checked = checked_bricks(module)
    manager = VolumeManager(module, cli_for_module(module), spec, brick_paths_checked=checked)
    if module.params['only_check_brick_paths']:
        manager.check_only()
    manager.run()


if __name__ == '__main__':
    main()
