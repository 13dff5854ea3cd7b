#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: glusterdock developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
---
module: docker_gluster_volume
short_description: Docker volumes whose data lives on a GlusterFS volume
version_added: 0.1.0
description:
  - Makes a Docker volume on the Docker host the task runs on whose data lives in a subdirectory of a
    GlusterFS volume, with stock Docker. Docker's C(local) driver cannot mount C(glusterfs) itself
    (it calls mount(2), and GlusterFS is a FUSE file system mounted by a helper), so the module
    FUSE-mounts the GlusterFS volume on the host and binds the Docker volume to a subdirectory of it.
  - "With O(state=present) the steps are, in this order, stopping at the first failure:"
  - 1. Read the Docker volume. If one of that name exists that this module did not make for O(gluster_volume) and
    O(subdirectory) (see below), fail. When it must be recreated, refuse if a container uses it.
  - 2. When nothing is mounted at O(mount_point) (and O(mount=true)), mount the GlusterFS volume
    there with C(mount -t glusterfs), the first of O(servers) as the volfile server and the others
    as C(backup-volfile-servers).
  - 3. Check that O(mount_point) is a live C(fuse.glusterfs) mount of O(gluster_volume) from one of
    O(servers) (C(/proc/self/mountinfo), and a C(stat) that does not fail with C(ENOTCONN)).
    The mount point is first stat'ed in a child process that is killed after O(stat_timeout) seconds, so a
    hung mount (its GlusterFS client process stopped or blocked, or a server unreachable without a reset)
    never blocks the task; it fails, saying the mount does not answer within O(stat_timeout) s (hung FUSE
    client) and what to do, with nothing changed. A hung mount is not mounted again like a dead one, since its
    client may still hold writes it has not sent to the servers.
    A dead mount of O(gluster_volume) (its C(stat) fails with C(ENOTCONN) because the GlusterFS client
    process is gone, for example after an outage, or with C(ECONNABORTED) after an abort of its FUSE connection)
    is detached with C(umount -l) and mounted again with the same command as in step 2, then checked live the
    same way. Nothing below the mount point is touched while doing so. A mount of another file system or another
    GlusterFS volume is still refused, dead or not, and so is a mount point that is still a mount point after
    C(umount -l) (another mount below the dead one).
  - 4. Create O(subdirectory) below it with O(owner), O(group) and O(mode), or correct those.
    Symbolic links and other file systems on the way are refused.
  - 5. Create the Docker volume, with the C(local) driver bound to that directory (C(type=none),
    C(o=bind), C(device=<mount_point>/<subdirectory>)), or with a volume plugin O(driver) and its
    O(driver_options); labels name the GlusterFS volume, the subdirectory and the servers.
  - Nothing is created, on GlusterFS or in Docker, and nothing is purged, unless the live-mount check
    passes in the same run, so nothing is ever written into or deleted from the bare mount-point directory
    of a failed mount. When C(mount) exits 0 but the mount point is then not a live C(fuse.glusterfs)
    mount of O(gluster_volume) (for example when C(auth.allow) of the volume refuses the host), the task
    fails, saying that mount reported success but nothing was created. A bind mount of a directory inside a
    GlusterFS mount is not a mount of the volume either (its C(/proc/self/mountinfo) root field is not C(/)).
  - Only a Docker volume that carries this module's labels for the same GlusterFS volume and subdirectory
    (C(org.glusterdock.gluster-volume), C(org.glusterdock.subdirectory)) is ever used, recreated or removed;
    with the C(local) driver it must also be a bind of a directory, since removing a plain local volume
    deletes its data. Any other Docker volume of that name (for example a plain C(local) volume made by hand)
    makes the task fail before anything is touched, naming its driver, its mountpoint and where its data lives.
  - An existing Docker volume is compared on its driver (plugin names with or without C(:latest)),
    every driver option and every label, including options and labels the task does not set.
    Docker cannot change a volume, so a difference is reported (RV(differences) and a warning) and
    fixed only with O(recreate=options_changed), and never while a container uses the volume.
  - Last, running containers whose binds come from O(mount_point) (bind mounts below it, or Docker volumes
    bound to a directory below it) and still see a dead mount (a C(stat) of the bind inside the container fails
    with C(ENOTCONN)) are reported in RV(stale_containers) with a warning. A container keeps the bind it was
    started with, so after a remount it cannot read its data until it is restarted. With
    O(restart_containers=true) they are restarted through the Docker API (all stopped, then all started).
    This also finds containers left on a dead mount that an earlier run, or an administrator, mounted again.
  - With O(state=absent), removes the Docker volume, refused while a container (running or stopped)
    uses it, naming the containers, and refused for a volume that is not this module's (see above). The data
    on GlusterFS stays unless O(purge=true).
  - With O(volumes), manages many Docker volumes of the host in one task (see there).
author:
  - glusterdock developers (@glusterdock)
extends_documentation_fragment:
  - glusterdock.storage.attributes
  - glusterdock.storage.docker_connection
options:
  name:
    description:
      - The name of the Docker volume.
      - Docker's rule applies, two or more characters of C([a-zA-Z0-9_.-]), the first a letter or digit.
      - One of O(name) and O(volumes) is required.
    type: str
    aliases: [volume_name]
  volumes:
    description:
      - The list form. Several Docker volumes of the host in one task, each entry a dictionary of the options of one
        Docker volume as the single form takes them (O(name) required; O(state), O(gluster_volume), O(servers),
        O(mount_point), O(mount_options), O(mount), O(subdirectory), O(owner), O(group), O(mode), O(labels),
        O(driver), O(driver_options), O(recreate), O(purge), O(purge_without_volume) and O(restart_containers)),
        with the same aliases, defaults and checks. The Docker connection options are given once, beside the list;
        the other options go in the entries. Excludes O(name).
      - Every entry is checked before any Docker, mount or file-system call, and every bad entry is reported at once,
        each named by its index (from 0) and name, such as C(volumes[3] (name web-data)).
      - "Entries are also checked together: a Docker volume listed twice is refused; entries on one GlusterFS volume
        share its mount (the mount settings are the host's, not one Docker volume's), so those that use it (O(state=present),
        or O(purge=true)) must give the same O(mount_point), O(servers), O(mount_options), O(mount) and
        O(restart_containers); two GlusterFS volumes cannot share a mount point; and a purge whose subdirectory is,
        contains or lies inside the subdirectory of an entry with O(state=present) on the same GlusterFS volume is
        refused, whatever the order."
      - Reads the Docker volumes of the host with one listing (not one inspect per entry), then plans every entry
        with the single form's checks (a Docker volume that is not this module's, one in use that would be recreated
        or removed, a purge the labels do not allow), all before the first change, so such a refusal changes nothing.
        The checks that must look at the subdirectory (symbolic links, other file systems, what a purge would reach)
        come, as in the single form, after the mount and before that entry changes anything; a purge reads the Docker
        volumes and containers again right before it deletes.
      - Then applies the entries one by one, in list order, with the single form's steps. The mount of a GlusterFS
        volume is checked (and made, or made again when dead) once, by the first entry that needs it; the other
        entries on that volume use it. Last, the containers left on a dead mount (RV(stale_containers)) are looked
        for once per GlusterFS mount, and restarted with O(restart_containers=true).
      - The run stops at the first entry that fails. The entries after it are not attempted; RV(results) lists the
        entries done before it and the failed one, and the message names them.
      - A run that changes nothing makes one Docker volume listing and one container listing in all, and one mount
        check per GlusterFS volume; an empty list makes no call.
    type: list
    elements: dict
  state:
    description:
      - V(present) makes sure the GlusterFS mount, the subdirectory and the Docker volume exist.
      - V(absent) removes the Docker volume (and with O(purge=true) the subdirectory's data).
    type: str
    choices: [present, absent]
    default: present
  gluster_volume:
    description:
      - The GlusterFS volume that holds the data.
      - Required with O(state=present) and with O(purge=true).
    type: str
  servers:
    description:
      - GlusterFS servers to fetch the volume's configuration (volfile) from. The first is the mount
        server, the others are passed as C(backup-volfile-servers).
      - Host names or IPv4 addresses; the Docker host must also resolve the brick host names the
        GlusterFS volume was created with.
      - Required with O(state=present) and with O(purge=true).
    type: list
    elements: str
  mount_point:
    description:
      - Where the GlusterFS volume is mounted on the Docker host. One mount serves every Docker
        volume on that GlusterFS volume.
      - Defaults to C(/mnt/glusterfs/<gluster_volume>).
    type: path
  mount_options:
    description:
      - Extra options for C(mount -t glusterfs -o), as a list or a comma-separated string,
        for example V(log-level=WARNING). List backup servers in O(servers), not here.
    type: raw
  mount:
    description:
      - Mount the GlusterFS volume now when it is not mounted at O(mount_point).
      - The mount is not made persistent. Persistent mounts (C(/etc/fstab)) are the job of a role or of
        M(ansible.posix.mount); without one, the volume is not mounted again after a reboot until this
        module runs again.
      - With V(false), the task fails when the volume is not mounted.
    type: bool
    default: true
  stat_timeout:
    description:
      - Seconds a C(stat) of O(mount_point) may take before the mount is reported hung and the task fails,
        changing nothing (see step 3). The default outlasts GlusterFS's C(network.ping-timeout) (42 s), after
        which a client stops waiting for a server that vanished and answers again.
      - From 1 to 3600.
    type: int
    default: 60
  subdirectory:
    description:
      - The directory on the GlusterFS volume, relative to its root, that holds this Docker volume's data.
      - Must not be absolute, contain C(..), or name the root itself; it is normalised (C(a//b/./c/) is C(a/b/c)).
      - Defaults to O(name).
    type: str
  owner:
    description:
      - Owner of the subdirectory, a user name or number. Numbers are safer, since every Docker
        host sees the same numbers on GlusterFS.
      - Left as it is when not given.
    type: str
  group:
    description:
      - Group of the subdirectory, a group name or number. Left as it is when not given.
    type: str
  mode:
    description:
      - Permissions of the subdirectory as an octal string such as V('0755'). Symbolic modes are not supported.
      - Left as it is when not given (a new directory gets C(0755) minus the umask).
    type: raw
  labels:
    description:
      - Labels of the Docker volume. The module adds C(org.glusterdock.gluster-volume),
        C(org.glusterdock.subdirectory) and C(org.glusterdock.servers); keys starting with
        C(org.glusterdock.) are reserved for it.
      - Values must be strings.
    type: dict
  driver:
    description:
      - The Docker volume driver. With V(local), the module binds the volume to the subdirectory.
      - Another name is a volume plugin, given O(driver_options) as they are; the mount and the
        subdirectory are still prepared, so the options can point the plugin at
        C(<mount_point>/<subdirectory>). Plugin names are compared as Docker reports them, so
        V(example/plugin) matches C(example/plugin:latest).
    type: str
    default: local
  driver_options:
    description:
      - Options for a volume plugin O(driver). Not allowed with O(driver=local).
      - Values must be strings.
    type: dict
  recreate:
    description:
      - What to do when the Docker volume exists with another driver, other options or other labels.
      - V(never) leaves it and reports the differences.
      - V(options_changed) removes and creates it again (its data on GlusterFS stays), unless a
        container uses it, in which case the task fails naming the containers.
      - Only a volume with this module's labels for the same O(gluster_volume) and O(subdirectory) is ever recreated.
    type: str
    choices: [never, options_changed]
    default: never
  purge:
    description:
      - With O(state=absent), also delete O(subdirectory) and everything in it from the GlusterFS
        volume, after checking that O(mount_point) is a live mount of O(gluster_volume).
      - The data is shared by every Docker host that uses the GlusterFS volume; purge only when no
        host needs it any more. Refused while a container on this host uses the Docker volume, and
        when the Docker volume is bound to another GlusterFS volume or subdirectory.
      - Refused when the subdirectory exists but there is no Docker volume O(name) on this host whose
        labels bind it to O(gluster_volume) and O(subdirectory) (for example after it was removed
        without O(purge)), unless O(purge_without_volume=true).
      - Refused when the subdirectory, or anything below it, is on another file system than the
        GlusterFS mount (something is mounted inside it). Symbolic links are deleted, never followed.
      - Refused when the subdirectory is, contains or lies inside a directory that another Docker volume of
        this host holds (by its labels, its bind C(device) or its mountpoint) or that a container of this host,
        running or stopped, bind-mounts. Paths are compared after resolving symbolic links, and as GlusterFS
        volume and directory, so a bind through another mount point of the same GlusterFS volume counts too.
        Other Docker hosts are not seen from here; the C(glusterdock.storage.docker_gluster_volumes) role checks
        every Docker host of the inventory before any of them purges.
      - All these checks run before the Docker volume is removed.
    type: bool
    default: false
  restart_containers:
    description:
      - Restart the running containers that still hold a dead bind from O(mount_point) (see RV(stale_containers)),
        once the mount is live again. All of them are stopped (Docker's default grace period) before any is
        started, since Docker renews the bind of a Docker volume only when no container uses it any more.
      - With V(false), they are only reported, with a warning.
    type: bool
    default: false
  purge_without_volume:
    description:
      - With O(purge=true), delete the subdirectory even when there is no Docker volume O(name) on this
        host labelled with O(gluster_volume) and O(subdirectory). Nothing then shows that the directory
        holds this volume's data; check O(subdirectory) before setting it.
    type: bool
    default: false
notes:
  - The module runs on the Docker host, which needs the GlusterFS FUSE client (C(mount.glusterfs),
    Debian's C(glusterfs-client)) and runs as root to mount.
  - Docker mounts the bind when a container starts. If the GlusterFS mount dies later, the module mounts it
    again when it next runs, and the containers that still hold the dead bind must be restarted (see
    O(restart_containers)).
attributes:
  check_mode:
    support: full
    details:
      - When the GlusterFS volume is not mounted yet, check mode does not mount it, so it predicts
        creating the subdirectory without looking at it. The same holds for a dead mount, which check mode
        neither unmounts nor mounts again; the containers to restart are listed, not restarted.
  diff_mode:
    support: full
    details:
      - Whether the Docker volume exists, its driver, driver options and labels, whether the GlusterFS
        volume is mounted, and the subdirectory's owner, group and mode.
  platform:
    description: Target OS/families that can be operated against.
    support: full
    platforms: posix
seealso:
  - module: community.docker.docker_volume
  - name: Setting up GlusterFS clients
    description: The GlusterFS Administrator Guide on native (FUSE) client mounts.
    link: https://docs.gluster.org/en/latest/Administrator-Guide/Setting-Up-Clients/
'''

EXAMPLES = r'''
- name: A Docker volume for the web site, on the GlusterFS volume web
  glusterdock.storage.docker_gluster_volume:
    name: site
    gluster_volume: web
    servers: [node1, node2, node3]
    owner: "33"
    group: "33"
    mode: "0755"
    labels:
      app: web

- name: Use it
  community.docker.docker_container:
    name: web
    image: nginx
    volumes:
      - site:/usr/share/nginx/html

- name: Recreate the volume when its labels or options drifted (refused while a container uses it)
  glusterdock.storage.docker_gluster_volume:
    name: site
    gluster_volume: web
    servers: [node1, node2, node3]
    recreate: options_changed

- name: After a GlusterFS outage, mount the volume again and restart the containers left on the dead mount
  glusterdock.storage.docker_gluster_volume:
    name: site
    gluster_volume: web
    servers: [node1, node2, node3]
    restart_containers: true

- name: Remove the Docker volume; the files stay on GlusterFS
  glusterdock.storage.docker_gluster_volume:
    name: site
    state: absent

- name: Remove it and delete its files from GlusterFS
  glusterdock.storage.docker_gluster_volume:
    name: site
    gluster_volume: web
    servers: [node1, node2, node3]
    state: absent
    purge: true

- name: Several Docker volumes in one task, on two GlusterFS volumes (one mount check each)
  glusterdock.storage.docker_gluster_volume:
    volumes:
      - {name: site, gluster_volume: web, servers: [node1, node2, node3], owner: "33", group: "33"}
      - {name: uploads, gluster_volume: web, servers: [node1, node2, node3], subdirectory: site/uploads}
      - {name: pg, gluster_volume: db, servers: [node1, node2, node3], owner: "999", mode: "0700"}
      - {name: old-cache, state: absent}

- name: Delete the files of a Docker volume that was already removed without purge
  glusterdock.storage.docker_gluster_volume:
    name: site
    gluster_volume: web
    servers: [node1, node2, node3]
    state: absent
    purge: true
    purge_without_volume: true
'''

RETURN = r'''
changed:
  description: Whether anything was changed (in check mode, would be).
  returned: always
  type: bool
results:
  description:
    - With O(volumes), one entry per Docker volume attempted, in list order. The entries after a failed one are not
      attempted and not listed; when an entry is refused before the first change, only that entry is listed.
    - Each has RV(results[].name), RV(results[].entry), RV(results[].changed), RV(results[].failed), and as the
      single form returns them its own RV(actions), RV(commands), RV(differences), RV(volume),
      RV(data_directory), RV(mount), RV(diff) in diff mode, and for a failure RV(results[].msg) and the single form's
      failure details (RV(cmd), RV(rc), RV(conflicts), C(containers)...).
    - RV(stale_containers) and RV(restarted_containers) are the task's, not an entry's.
  returned: with O(volumes)
  type: list
  elements: dict
  contains:
    name:
      description: The Docker volume's name.
      type: str
    entry:
      description: How messages name the entry, such as C(volumes[3] (name web-data)).
      type: str
    changed:
      description: Whether this entry changed (would change in check mode).
      type: bool
    failed:
      description: Whether this entry failed (only the last one listed can).
      type: bool
    msg:
      description: Why it failed.
      type: str
mounts:
  description: With O(volumes), the GlusterFS mounts checked, one per GlusterFS volume, in the order they were checked;
    each as RV(mount), with its C(gluster_volume) and the C(entries) that use it.
  returned: with O(volumes)
  type: list
  elements: dict
  sample: [{"gluster_volume": "web", "mount_point": "/mnt/glusterfs/web", "live": true, "mounted_by_task": false,
            "fstype": "fuse.glusterfs", "source": "node1:/web", "entries": ["volumes[0] (name site)"]}]
actions:
  description:
    - What the task did, or in check mode would do, as the equivalent shell commands.
    - Docker calls go through the API; they are listed as the matching C(docker) commands.
    - With O(volumes), those of every entry in order, then the container restarts.
  returned: always
  type: list
  elements: str
  sample:
    - mount -t glusterfs -o backup-volfile-servers=node2:node3 node1:/web /mnt/glusterfs/web
    - mkdir /mnt/glusterfs/web/site (owner 33, group 33, mode 0755)
    - docker volume create --driver local --opt device=/mnt/glusterfs/web/site --opt o=bind --opt type=none site
commands:
  description: The same list as RV(actions), under the name the other modules of this collection use.
  returned: always
  type: list
  elements: str
differences:
  description: How the existing Docker volume differs from the wanted one (before it was recreated, if it was).
  returned: without O(volumes) (with it, in each of RV(results))
  type: list
  elements: dict
  sample: [{"parameter": "labels.app", "before": "old", "after": "web"}]
diff:
  description:
    - The state before and after.
    - With O(volumes), a list with one such diff per entry, each with a C(before_header) and C(after_header) naming
      the Docker volume.
  returned: in diff mode
  type: raw
  sample:
    before: {exists: false, mounted: false}
    after: {exists: true, mounted: true, driver: local}
volume:
  description: The Docker volume as C(docker volume inspect) shows it after the task; empty when it does not exist
    (or, in check mode, would be created).
  returned: without O(volumes) (with it, in each of RV(results))
  type: dict
data_directory:
  description: The directory on the GlusterFS mount that holds the data.
  returned: when the GlusterFS volume is known, without O(volumes) (with it, in each of RV(results))
  type: str
  sample: /mnt/glusterfs/web/site
mount:
  description: What was checked at the mount point.
  returned: when the mount was looked at, without O(volumes) (with it, in each of RV(results) and in RV(mounts))
  type: dict
  contains:
    mount_point:
      description: The mount point.
      type: str
    fstype:
      description: The file system type mounted there, from C(/proc/self/mountinfo).
      type: str
    source:
      description: The source mounted there, C(server:/volume) for GlusterFS.
      type: str
    live:
      description: Whether it is a live mount of the GlusterFS volume (false in check mode before mounting).
      type: bool
    mounted_by_task:
      description: Whether this task mounted it (in check mode, would mount it).
      type: bool
    hung:
      description: Present and true when the mount point did not answer a C(stat) within O(stat_timeout) seconds (the
        task then failed, changing nothing).
      type: bool
    remounted_dead_mount:
      description: Present and true when a dead mount of the volume was there and was (in check mode, would be)
        unmounted with C(umount -l) and mounted again.
      type: bool
stale_containers:
  description:
    - The running containers that still hold a dead bind from the GlusterFS mount (a bind mount below the mount point,
      or a Docker volume bound to a directory below it, answering C(ENOTCONN) inside the container). They cannot read
      their data until restarted; without O(restart_containers=true) a warning names them.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: The container's name.
      type: str
    id:
      description: The container's id.
      type: str
  sample: [{"name": "web", "id": "4f1c..."}]
restarted_containers:
  description: The containers of RV(stale_containers) that were (in check mode, would be) restarted, with
    O(restart_containers=true); the same name and id entries.
  returned: always
  type: list
  elements: dict
cmd:
  description: The mount command that failed.
  returned: failure of the mount command
  type: str
rc:
  description: Exit status of the failed mount command.
  returned: failure of the mount command
  type: int
stdout:
  description: Standard output of the failed mount command.
  returned: failure of the mount command
  type: str
stderr:
  description: Standard error of the failed mount command.
  returned: failure of the mount command
  type: str
conflicts:
  description: What a refused purge would have reached, one entry per Docker volume or container bind mount.
  returned: failure of a purge for that reason
  type: list
  elements: str
  sample: ["it contains /apps/inner of the GlusterFS volume web, held by the Docker volume inner"]
other_file_systems:
  description: The paths below the subdirectory that are on another file system, when a purge was refused for them.
  returned: failure of a purge for that reason
  type: list
  elements: str
'''

from ansible.module_utils.basic import AnsibleModule, missing_required_lib
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.glusterdock.storage.plugins.module_utils.docker_client import (
    DOCKER_CONNECTION_ARGUMENT_SPEC, DOCKER_CONNECTION_REQUIRED_TOGETHER, DockerVolumeClient,
    connection_settings, missing_sdk,
)
from ansible_collections.glusterdock.storage.plugins.module_utils.docker_gluster_mount import (
    DEFAULT_STAT_TIMEOUT, NoAnswer, data_access, dead_mount_refusal, found_mount_state, hung_mount_refusal, leftover_mount_problem,
    mount_argv, mount_problem, umount_argv, unverified_mount_message,
)
from ansible_collections.glusterdock.storage.plugins.module_utils.docker_gluster_volume_list import (
    ListedVolumes, SharedMount, check_entries, entry_label, failure_message, sentence, uses_mount,
)
from ansible_collections.glusterdock.storage.plugins.module_utils.docker_gluster_volume_plan import (
    create_command, differences, directory_changes, in_use_message, purge_refusal, quote_argument, remove_command,
    validate, volume_config, wanted_volume, with_details,
)
from ansible_collections.glusterdock.storage.plugins.module_utils.docker_volume_files import (
    HostFiles, apply_change, change_action, describe_directory, describe_mode, directory_state, live_mount_problem,
    make_directories, mkdir_action, mount_point_to_create, mount_volume, refuse_other_file_systems, require_on_mount,
    resolve_id, stale_containers, stat_error, unmount_lazily, walk_subdirectory,
)
from ansible_collections.glusterdock.storage.plugins.module_utils.docker_volume_safety import (
    HOLDING_STATES, containers_on_mount, foreign_volume_message, gluster_location, normalise_path, ownership,
    purge_conflict_message, purge_conflicts, purge_holders, stale_container_warning,
)
from ansible_collections.glusterdock.storage.plugins.module_utils.errors import (
    GlusterdockError, RequestError, StateError, entry_validations,
)


class GlusterVolumeManager:
    """Reads the Docker volume and the mount, decides, changes what is needed (unless in check mode), reports.

    The decisions interleave with reads (the subdirectory can be looked at only once the mount is
    checked live in this run), so the module records each change as it makes it rather than
    planning them all up front. plan() makes the reads and refusals that come before the first change,
    apply() the rest; the list form plans every entry before it applies any."""

    def __init__(self, module, settings, client, files=None, params=None, shared_mount=None, defer_stale=False):
        self.module = module
        self.settings = settings
        # The task's arguments, or in the list form the entry's.
        self.params = module.params if params is None else params
        self.client = client
        self.files = files or HostFiles()
        # The list form: the mount check of this GlusterFS volume shared with the other entries on it,
        # and the stale-container check left to the end of the task (once per mount).
        self.shared_mount = shared_mount
        self.defer_stale = defer_stale
        self.planned = None
        self.check_mode = module.check_mode
        self.changed = False
        self.actions = []
        self.differences = []
        self.before = {}
        self.after = {}
        self.mount_report = None
        self.mount_live = False
        self.volume = None
        self.stale = []
        self.restarted = []

    # --- bookkeeping ---------------------------------------------------------------------------

    def record(self, action):
        """Note a change; the caller makes it only outside check mode."""
        self.actions.append(action)
        self.changed = True

    def result(self):
        """What exit_json and fail_json report."""
        result = dict(changed=self.changed, actions=self.actions, commands=self.actions,
                      differences=[dict(parameter=parameter, before=before, after=after)
                                   for parameter, before, after in self.differences],
                      volume=self.volume or {}, stale_containers=self.stale,
                      restarted_containers=self.restarted)
        if self.module._diff:
            result['diff'] = dict(before=self.before, after=self.after)
        if self.settings['path']:
            result['data_directory'] = self.settings['path']
        if self.mount_report is not None:
            result['mount'] = self.mount_report
        return result

    # --- the mount -----------------------------------------------------------------------------

    def ensure_mount(self):
        """Mount the GlusterFS volume when needed (again, when its mount is dead), then require a live
        mount of the right volume; in the list form only once per GlusterFS volume (the first entry that
        needs it does it, the others take its outcome).

        Sets mount_live only when the check passed; outside check mode it fails otherwise."""
        shared = self.shared_mount
        if shared is not None and shared.checked:
            self.mount_live, self.mount_report = shared.live, shared.report
            # After the first entry's mount, unless check mode only predicted it.
            self.before['mounted'] = shared.mounted_before if self.check_mode else shared.mounted_after
            self.after['mounted'] = shared.mounted_after
            return
        self.check_mount()
        if shared is not None:
            shared.save(self.mount_live, self.mount_report, self.before['mounted'], self.after.get('mounted', False))

    def check_mount(self):
        """ensure_mount's check (and mount) of the mount point."""
        mount_point = self.settings['mount_point']
        gluster_volume = self.settings['gluster_volume']
        seconds = self.settings['stat_timeout']
        # Bounded, and before anything else looks at the mount point (realpath included): a hung
        # mount blocks any stat of it.
        answer = stat_error(mount_point, self.files, seconds)
        if isinstance(answer, NoAnswer):
            entry = self.files.mount_at(mount_point, resolve=False)
            self.mount_report = dict(mount_point=mount_point, fstype=entry.fstype if entry else None,
                                     source=entry.source if entry else None, live=False, mounted_by_task=False,
                                     hung=True)
            raise StateError(hung_mount_refusal(mount_point, answer, entry))
        entry = self.files.mount_at(mount_point)
        problem = mount_problem(entry, gluster_volume, self.settings['servers']) if entry else None
        self.before['mounted'] = entry is not None and problem is None
        self.mount_report = dict(mount_point=mount_point, fstype=entry.fstype if entry else None,
                                 source=entry.source if entry else None, live=False, mounted_by_task=False)
        mounted_now = False
        if entry is None:
            if not self.params['mount']:
                raise StateError('%s is not mounted: mount the GlusterFS volume %s there, or set mount=true. '
                                 'Nothing was created.' % (mount_point, gluster_volume))
            entry = self.mount()
            mounted_now = True
        elif problem is None:
            # Only a mount of the right volume is remounted, and only when dead.
            if found_mount_state(mount_point, answer) == 'dead':
                entry = self.remount_dead(answer)
                mounted_now = True
        if mounted_now and self.check_mode:
            # Not mounted in check mode: the rest is only predicted (see data_access).
            return
        problem = mount_problem(entry, gluster_volume, self.settings['servers'])
        if problem is None and mounted_now:
            problem = live_mount_problem(mount_point, self.files, seconds)
        if problem:
            if mounted_now:
                # mount(8) exited 0, yet no live mount: never go on to the bare mount-point directory.
                self.after['mounted'] = False
                raise GlusterdockError(unverified_mount_message(mount_point, gluster_volume, problem))
            raise StateError('%s is not a mount of the GlusterFS volume %s: %s. Nothing was created.'
                             % (mount_point, gluster_volume, problem))
        self.mount_live = True
        self.mount_report.update(live=True, fstype=entry.fstype, source=entry.source)
        self.after['mounted'] = True

    def remount_dead(self, stat_failure):
        """Detach the dead mount of the wanted volume lazily and mount it again; returns what mount()
        returns. Nothing below the mount point is touched: the dead mount holds no reachable data, and
        the new one is checked live before anything else runs."""
        mount_point = self.settings['mount_point']
        if not self.params['mount']:
            raise StateError(dead_mount_refusal(mount_point, stat_failure))
        self.before['mounted'] = False
        self.mount_report['remounted_dead_mount'] = True
        self.record(' '.join(quote_argument(word) for word in umount_argv(mount_point)))
        if not self.check_mode:
            unmount_lazily(mount_point, self.run_command, self.find_program)
            leftover = leftover_mount_problem(mount_point, self.files.mount_at(mount_point))
            if leftover:
                raise StateError(leftover)
        # The dead mount point cannot be looked at; it is a directory once the mount is detached.
        return self.mount(create_mount_point=False)

    def run_command(self, argv):
        return self.module.run_command(argv, environ_update={'LC_ALL': 'C'}, expand_user_and_vars=False)

    def find_program(self, name):
        return self.module.get_bin_path(name, required=name == 'mount', opt_dirs=['/sbin', '/usr/sbin'])

    def mount(self, create_mount_point=True):
        """Run mount -t glusterfs; returns the mountinfo entry then at the mount point (None in check
        mode, and None when the mount does not show up although mount(8) exited 0)."""
        mount_point = self.settings['mount_point']
        if create_mount_point and mount_point_to_create(mount_point, self.files):
            self.record('mkdir -p %s' % quote_argument(mount_point))
            if not self.check_mode:
                self.files.makedirs(mount_point, 0o755)
        self.record(' '.join(quote_argument(word) for word in mount_argv(self.settings)))
        self.mount_report['mounted_by_task'] = True
        self.after['mounted'] = True
        if self.check_mode:
            return None
        mount_volume(self.settings, self.run_command, self.find_program)
        return self.files.mount_at(mount_point)

    # --- containers still holding a dead mount -------------------------------------------------

    def tend_stale_containers(self):
        """Find the running containers whose binds from this GlusterFS mount are dead (a dead mount
        remounted now or by an earlier run leaves them on the old one); report them with a warning, or
        with restart_containers=true restart them. Outside check mode only after the mount is proven live."""
        if not (self.mount_live or self.check_mode):
            return
        mount_point = self.settings['mount_point']
        holding = [container for container in self.client.list_containers() if container.get('State') in HOLDING_STATES]
        if not holding:
            # No running container: nothing can hold a dead bind (and the volume list is not read).
            return
        candidates = containers_on_mount(holding, self.client.list_volumes(),
                                         [mount_point, self.files.realpath(mount_point)])
        self.stale = (stale_containers(candidates, self.client.container_pid, self.files, self.settings['stat_timeout'])
                      if candidates else [])
        if not self.stale:
            return
        if not self.params['restart_containers']:
            self.module.warn(stale_container_warning(mount_point, self.stale,
                                                     bool(self.mount_report.get('remounted_dead_mount'))))
            return
        # Stop them all before starting any: Docker unmounts a local volume's bind only when the last
        # container using it stops, so a container started while another still ran would get the dead bind again.
        names = ' '.join(quote_argument(container['name']) for container in self.stale)
        self.record('docker stop %s' % names)
        if not self.check_mode:
            for container in self.stale:
                self.client.stop_container(container['id'])
        self.record('docker start %s' % names)
        if not self.check_mode:
            for container in self.stale:
                self.client.start_container(container['id'])
        self.restarted = list(self.stale)

    # --- the subdirectory ----------------------------------------------------------------------

    def data_access(self):
        """'live' or 'predict' (check mode before mounting); raises outside check mode without a live
        mount checked in this run, so nothing is ever created in or deleted from the bare mount point."""
        return data_access(self.check_mode, self.mount_live, self.settings['mount_point'],
                           self.settings['gluster_volume'])

    def ensure_directory(self, owner_id, group_id, mode):
        """Create the subdirectory with owner, group and mode, or correct them."""
        path = self.settings['path']
        wanted = dict(owner=owner_id, group=group_id, mode=describe_mode(mode) if mode is not None else None)
        if self.data_access() == 'predict':
            # Check mode before the mount: the directory cannot be looked at (not on the bare mount point).
            self.record(mkdir_action(path, owner_id, group_id, mode) + ' (if missing)')
            self.before['directory'] = None
            self.after['directory'] = dict(wanted, path=path)
            return
        missing, status = walk_subdirectory(self.settings['mount_point'], self.settings['subdirectory'], self.files)
        if missing:
            self.before['directory'] = None
            self.record(mkdir_action(path, owner_id, group_id, mode))
            if not self.check_mode:
                make_directories(self.settings['mount_point'], self.settings['subdirectory'], missing,
                                 (owner_id, group_id, mode), self.files)
        else:
            self.before['directory'] = describe_directory(path, status)
            for what, value in directory_changes(directory_state(status), owner_id, group_id, mode):
                self.record(change_action(path, what, value))
                if not self.check_mode:
                    apply_change(path, what, value, self.files)
        if not self.check_mode:
            status = require_on_mount(path, self.settings['mount_point'], self.files)
            self.after['directory'] = describe_directory(path, status)
        else:
            self.after['directory'] = dict(self.before['directory'] or {}, path=path)
            self.after['directory'].update((key, value) for key, value in wanted.items() if value is not None)

    # --- the Docker volume ---------------------------------------------------------------------

    @staticmethod
    def describe_volume(config):
        """A volume configuration as the diff shows it."""
        if config is None:
            return dict(exists=False)
        return dict(exists=True, driver=config['driver'], driver_options=config['driver_options'],
                    labels=config['labels'])

    def create_volume(self, wanted):
        self.data_access()
        self.record(create_command(self.settings['name'], wanted))
        if not self.check_mode:
            self.volume = self.client.create_volume(self.settings['name'], wanted['driver'],
                                                    wanted['driver_options'], wanted['labels'])

    def remove_volume(self):
        self.record(remove_command(self.settings['name']))
        if not self.check_mode:
            self.client.remove_volume(self.settings['name'])
        self.volume = None

    def refuse_if_not_ours(self, doing):
        """Fail unless the Docker volume (when there is one) carries this collection's labels for the same
        GlusterFS volume and subdirectory: any other volume of that name holds someone else's data."""
        verdict, why = ownership(self.volume, self.settings['gluster_volume'], self.settings['subdirectory'])
        if verdict == 'foreign':
            raise StateError(foreign_volume_message(self.settings['name'], self.volume, doing,
                                                    self.settings['gluster_volume'], self.settings['subdirectory'],
                                                    why))

    def refuse_if_in_use(self, doing):
        containers = self.client.containers_using(self.settings['name'])
        if containers:
            raise with_details(StateError(in_use_message(self.settings['name'], containers, doing)),
                               containers=containers)

    def plan_present(self):
        """Every read and refusal of state=present that comes before the first change."""
        owner_id = resolve_id(self.params['owner'], 'owner', self.files)
        group_id = resolve_id(self.params['group'], 'group', self.files)
        wanted = wanted_volume(self.settings)
        self.volume = self.client.inspect_volume(self.settings['name'])
        existing = volume_config(self.volume)
        self.differences = differences(existing, wanted) if existing else []
        recreate = bool(self.differences) and self.params['recreate'] == 'options_changed'
        # Before anything changes, the mount included: another's volume of this name is left alone.
        self.refuse_if_not_ours('recreate' if recreate else 'use')
        if recreate:
            # Before anything changes: a volume in use is never recreated.
            self.refuse_if_in_use('recreate')
        self.before.update(self.describe_volume(existing))
        self.planned = (owner_id, group_id, wanted, existing, recreate)

    def present(self):
        owner_id, group_id, wanted, existing, recreate = self.planned
        self.ensure_mount()
        self.ensure_directory(owner_id, group_id, self.settings['mode'])
        if recreate:
            self.remove_volume()
        if existing is None or recreate:
            self.create_volume(wanted)
            self.after.update(self.describe_volume(wanted))
        else:
            self.after.update(self.describe_volume(existing))
            if self.differences:
                self.module.warn('The Docker volume %s differs from the task (%s); set recreate=options_changed '
                                 'to recreate it.' % (self.settings['name'], ', '.join(
                                     difference[0] for difference in self.differences)))
        # Last: the task's own work is done before any container is restarted.
        if not self.defer_stale:
            self.tend_stale_containers()

    def plan_absent(self):
        """Every read and refusal of state=absent that comes before the first change (those that must
        look at the subdirectory come after the mount, in absent())."""
        self.volume = self.client.inspect_volume(self.settings['name'])
        existing = volume_config(self.volume)
        self.before.update(self.describe_volume(existing))
        self.after['exists'] = False
        if existing is not None:
            self.refuse_if_not_ours('remove')
            self.refuse_if_in_use('remove')
        if self.params['purge']:
            # Purge only the data the Docker volume's labels say it holds.
            self.refuse_purge(purge_refusal(existing, self.settings, self.params['purge_without_volume'], None))
        self.planned = existing

    def absent(self):
        existing = self.planned
        purge = self.params['purge']
        purge_without_volume = self.params['purge_without_volume']
        if purge:
            # Only on a live mount of the right volume: never delete from the bare mount point.
            self.ensure_mount()
            # Every purge check runs before the Docker volume is removed.
            purge_path = self.check_purge(existing, purge_without_volume)
        if existing is not None:
            self.remove_volume()
        if purge:
            self.purge(purge_path)
            if not self.defer_stale:
                self.tend_stale_containers()

    @staticmethod
    def refuse_purge(refusal):
        if refusal:
            raise StateError(refusal)

    def check_purge(self, existing, purge_without_volume):
        """Look at the subdirectory before anything is removed; returns the path to delete, None when
        there is nothing to delete, or '' in check mode before mounting (predicted only)."""
        path = self.settings['path']
        self.after['directory'] = None
        if self.data_access() == 'predict':
            # Nothing to look at before mounting, but what Docker reports can already refuse.
            self.refuse_purge_conflicts()
            if existing is None and not purge_without_volume:
                self.module.warn('Check mode cannot look at %s before mounting. If it exists, the run will refuse to '
                                 'purge it: there is no Docker volume %s here whose labels bind it to it (see '
                                 'purge_without_volume).' % (path, self.settings['name']))
            return ''
        missing = walk_subdirectory(self.settings['mount_point'], self.settings['subdirectory'], self.files)[0]
        self.before['directory'] = None if missing else dict(path=path)
        if missing:
            return None
        self.refuse_purge(purge_refusal(existing, self.settings, purge_without_volume, True))
        refuse_other_file_systems(path, self.settings['mount_point'], self.files)
        self.refuse_purge_conflicts()
        return path

    def refuse_purge_conflicts(self):
        """Refuse when the subdirectory is, contains or lies inside a directory that another Docker volume
        of this host (by its labels, its bind device or its mountpoint) or a bind mount of any container,
        running or stopped, holds. Compared on real paths, and as GlusterFS volume and directory so that
        other mount points of the same volume count too."""
        path = self.settings['path']
        target = [('host', None, normalise_path(self.files.realpath(path))),
                  gluster_location(self.settings['gluster_volume'], self.settings['subdirectory'])]
        # Read now, not from an earlier listing: the purge judges the host as it is right before it deletes.
        holders = purge_holders(self.client.list_volumes(fresh=True), self.client.list_containers(fresh=True),
                                self.files.mountinfo(), self.files.realpath, self.settings['name'])
        conflicts = purge_conflicts(target, holders)
        if conflicts:
            raise with_details(StateError(purge_conflict_message(path, conflicts)), conflicts=conflicts)

    def purge(self, path):
        """Delete the subdirectory checked by check_purge; only on a live mount (predicted otherwise)."""
        if path == '':
            self.record('rm -rf %s (if it exists)' % quote_argument(self.settings['path']))
            return
        if path is None:
            return
        self.data_access()
        self.record('rm -rf %s' % quote_argument(path))
        if not self.check_mode:
            self.files.rmtree(path)

    def plan(self):
        """Read and refuse, before any change (in the list form, every entry's before the first change)."""
        if self.settings['state'] == 'present':
            self.plan_present()
        else:
            self.plan_absent()

    def apply(self):
        """Change what plan() left to change (record it only, in check mode)."""
        if self.settings['state'] == 'present':
            self.present()
        else:
            self.absent()
        if not self.check_mode and self.changed and self.settings['state'] == 'present':
            self.volume = self.client.inspect_volume(self.settings['name'])

    def run(self):
        try:
            self.plan()
            self.apply()
        except (GlusterdockError, OSError) as error:
            # DockerClientError included: a failed Docker call is reported like any other failure.
            message, details = failure(error)
            self.module.fail_json(msg=message, **dict(self.result(), **details))
        self.module.exit_json(**self.result())


# One Docker volume's options: the single form's arguments, and those of each entry of volumes.
VOLUME_ARGUMENT_SPEC = dict(
    name=dict(type='str', aliases=['volume_name']),
    state=dict(type='str', default='present', choices=['present', 'absent']),
    gluster_volume=dict(type='str'),
    servers=dict(type='list', elements='str'),
    mount_point=dict(type='path'),
    mount_options=dict(type='raw'),
    mount=dict(type='bool', default=True),
    stat_timeout=dict(type='int', default=DEFAULT_STAT_TIMEOUT),
    subdirectory=dict(type='str'),
    owner=dict(type='str'),
    group=dict(type='str'),
    mode=dict(type='raw'),
    labels=dict(type='dict'),
    driver=dict(type='str', default='local'),
    driver_options=dict(type='dict'),
    recreate=dict(type='str', default='never', choices=['never', 'options_changed']),
    purge=dict(type='bool', default=False),
    purge_without_volume=dict(type='bool', default=False),
    restart_containers=dict(type='bool', default=False),
)
ENTRY_ARGUMENT_SPEC = dict(VOLUME_ARGUMENT_SPEC, name=dict(VOLUME_ARGUMENT_SPEC['name'], required=True))


def build_module():
    """The AnsibleModule with this module's arguments (read from the task)."""
    argument_spec = dict(VOLUME_ARGUMENT_SPEC, volumes=dict(type='list', elements='dict'))
    argument_spec.update(DOCKER_CONNECTION_ARGUMENT_SPEC)
    return AnsibleModule(argument_spec=argument_spec, required_together=DOCKER_CONNECTION_REQUIRED_TOGETHER,
                         mutually_exclusive=[('name', 'volumes')], required_one_of=[('name', 'volumes')],
                         supports_check_mode=True)


def failure(error):
    """(message, details for the result) of an error a manager lets through."""
    if isinstance(error, OSError):
        return '%s: %s' % (error.filename or '', error.strerror), {}
    return str(error), getattr(error, 'details', {})


def connect(module, nothing_done):
    """The Docker client of the task's connection options; fail_json when there is none."""
    sdk_traceback = missing_sdk()
    if sdk_traceback:
        module.fail_json(msg=missing_required_lib('Docker SDK for Python (python3-docker on Debian and Ubuntu, '
                                                  'or pip install docker)'), exception=sdk_traceback, **nothing_done)
    try:
        return DockerVolumeClient(connection_settings(module.params))
    except GlusterdockError as error:
        module.fail_json(msg=str(error), **nothing_done)


# --- the list form ------------------------------------------------------------------------------

def validate_entries(module, nothing_done):
    """Every entry of ``volumes`` checked with the single form's argument spec and validate(), and
    the entries checked together: [(label, settings, params)], or fail_json listing every bad entry."""
    problems = ['%s: give it in each entry of volumes, not beside the list' % key
                for key, spec in VOLUME_ARGUMENT_SPEC.items() if module.params[key] != spec.get('default')]
    validator = ArgumentSpecValidator(ENTRY_ARGUMENT_SPEC)
    entries = []
    for label, validation, problem in entry_validations(module.params['volumes'], validator.validate, entry_label,
                                                        'one Docker volume', ENTRY_ARGUMENT_SPEC):
        if problem:
            problems.append(problem)
            continue
        try:
            settings = validate(validation.validated_parameters)
        except GlusterdockError as error:
            problems.append('%s: %s' % (label, error))
            continue
        entries.append((label, settings, validation.validated_parameters))
    if not problems:
        try:
            check_entries(entries)
        except RequestError as error:
            problems.append(str(error))
    if problems:
        module.fail_json(msg='; '.join(problems) + '. Nothing was changed.', **nothing_done)
    return entries


class VolumeListRun:
    """The list form: every entry planned (read and checked) before the first change, from one Docker
    volume listing; then applied in list order with the single form's manager, stopping at the first
    failure; then the containers left on a dead mount, once per GlusterFS mount."""

    def __init__(self, module, entries, client, files=None):
        self.module = module
        # The one Docker volume listing of the task.
        self.client = ListedVolumes(client)
        files = files or HostFiles()
        self.mounts = {}
        self.managers = []
        for label, settings, params in entries:
            shared = None
            if uses_mount(params):
                shared = self.mounts.setdefault(settings['gluster_volume'], SharedMount(settings['gluster_volume']))
                shared.entries.append(label)
            self.managers.append((label, GlusterVolumeManager(module, settings, self.client, files, params=params,
                                                              shared_mount=shared, defer_stale=True)))
        self.results = []
        self.tail_actions = []
        self.stale = []
        self.restarted = []

    def entry_result(self, label, manager, error=None):
        """One entry's result: the single form's, without the mount-wide container lists."""
        result = manager.result()
        del result['stale_containers'], result['restarted_containers']
        # As it is now: the stale-container check may add to the manager's actions later.
        result['actions'] = result['commands'] = list(result['actions'])
        result.update(name=manager.settings['name'], entry=label, failed=error is not None)
        if error is not None:
            message, details = failure(error)
            result.update(details, msg=message)
        return result

    def report(self):
        actions = [action for result in self.results for action in result['actions']] + self.tail_actions
        report = dict(changed=any(result['changed'] for result in self.results) or bool(self.tail_actions),
                      actions=actions, commands=actions, results=self.results, stale_containers=self.stale,
                      restarted_containers=self.restarted,
                      mounts=[dict(shared.report, gluster_volume=shared.gluster_volume, entries=shared.entries)
                              for shared in self.mounts.values() if shared.checked])
        if self.module._diff:
            # A list of diffs, one per Docker volume: ansible shows each under its header.
            report['diff'] = [dict(result['diff'], before_header='Docker volume %s' % result['name'],
                                   after_header='Docker volume %s' % result['name'])
                              for result in self.results if 'diff' in result]
        return report

    def run(self):
        for label, manager in self.managers:
            try:
                manager.plan()
            except (GlusterdockError, OSError) as error:
                self.results = [self.entry_result(label, manager, error)]
                self.module.fail_json(msg='%s: %s No entry was changed: every entry is checked before the first '
                                          'change.' % (label, sentence(self.results[0]['msg'])), **self.report())
        for index, (label, manager) in enumerate(self.managers):
            try:
                manager.apply()
            except (GlusterdockError, OSError) as error:
                done = [(result['entry'], result['changed']) for result in self.results]
                self.results.append(self.entry_result(label, manager, error))
                self.module.fail_json(msg=failure_message(label, self.results[-1]['msg'], done, [
                    later for later, _manager in self.managers[index + 1:]]), **self.report())
            self.results.append(self.entry_result(label, manager))
        self.tend_stale_containers()
        self.module.exit_json(**self.report())

    def tend_stale_containers(self):
        """The single form's check for containers still holding a dead bind, once per GlusterFS mount,
        after every entry's own work (run by the last entry on that mount)."""
        for shared in self.mounts.values():
            manager = [manager for label, manager in self.managers if label == shared.entries[-1]][0]
            first_action = len(manager.actions)
            try:
                manager.tend_stale_containers()
            except GlusterdockError as error:
                message, details = failure(error)
                self.module.fail_json(msg='Every entry was done, but restarting the containers left on the dead mount '
                                          '%s failed: %s' % (manager.settings['mount_point'], message),
                                      **dict(self.report(), **details))
            finally:
                self.tail_actions.extend(manager.actions[first_action:])
            self.stale.extend(manager.stale)
            self.restarted.extend(manager.restarted)


def main():
    module = build_module()
    nothing_done = dict(changed=False, actions=[], commands=[])
    # Bad input fails here, before any mount, file system or Docker call.
    if module.params['volumes'] is not None:
        entries = validate_entries(module, nothing_done)
        if not entries:
            # An empty list needs no Docker or host call.
            module.exit_json(changed=False, actions=[], commands=[], results=[], stale_containers=[],
                             restarted_containers=[], mounts=[])
        try:
            run = VolumeListRun(module, entries, connect(module, nothing_done))
        except GlusterdockError as error:
            # The one listing failed: nothing was looked at or changed.
            module.fail_json(msg=str(error), results=[], **nothing_done)
        run.run()
    try:
        settings = validate(module.params)
    except GlusterdockError as error:
        module.fail_json(msg=str(error), **nothing_done)
    GlusterVolumeManager(module, settings, connect(module, nothing_done)).run()


if __name__ == '__main__':
    main()
