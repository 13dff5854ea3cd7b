# -*- coding: utf-8 -*-
# Copyright: glusterdock developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The file-system work of docker_gluster_volume on the Docker host: reading the mount table,
mounting the GlusterFS volume, creating the subdirectory with its owner, group and mode, and
purging it.

Every os call goes through a HostFiles object (the real os functions by default), so that tests
can hand in their own and check what is asked of the host, without Ansible.
"""

from __future__ import annotations

import grp
import os
import pwd
import shutil
import stat
import subprocess
import sys
from dataclasses import dataclass
from typing import Callable

from ansible_collections.glusterdock.storage.plugins.module_utils.docker_gluster_mount import (
    NoAnswer, is_dead_mount_error, mount_argv, mount_at, mounts_below, parse_mountinfo, umount_argv,
)
from ansible_collections.glusterdock.storage.plugins.module_utils.docker_gluster_volume_plan import (
    quote_argument, with_details,
)
from ansible_collections.glusterdock.storage.plugins.module_utils.errors import (
    GlusterdockError, RequestError, StateError,
)

MOUNTINFO = '/proc/self/mountinfo'
# The child of bounded_stat: prints the errno of a failed stat, nothing when it answered.
STAT_CHILD = 'import os, sys\ntry:\n    os.stat(sys.argv[1])\nexcept OSError as error:\n    print(error.errno)\n'
# Seconds to reap a stat child after SIGKILL; one blocked in the kernel is left behind, never waited for.
KILLED_CHILD_GRACE = 1


def _read_text(path):
    with open(path) as handle:
        return handle.read()


def bounded_stat(path, seconds, argv=None):
    """Stat ``path`` in a child process: returns None when it answered; raises its OSError, or
    NoAnswer when it did not answer within ``seconds``.

    A stat of a FUSE mount whose client neither answers nor is gone blocks, and only a fatal signal
    ends it (none at all once the client has taken the request): so the module itself never stats
    a mount point it has not proven answers, and it never waits for the killed child. The child has
    no stdin, stdout or stderr of the module's, so a leftover one cannot hold up Ansible either.
    ``argv`` replaces the child's command (tests). Not run_command: it waits for its child to
    end, and a child blocked in the kernel never does."""
    child = subprocess.Popen(argv or [sys.executable, '-I', '-S', '-c', STAT_CHILD, path],
                             stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                             close_fds=True, start_new_session=True)
    try:
        returncode = child.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        child.kill()
        try:
            child.wait(timeout=KILLED_CHILD_GRACE)
        except subprocess.TimeoutExpired:
            pass
        raise NoAnswer(path, seconds) from None
    output = child.stdout.read().decode('ascii', 'replace').strip()
    child.stdout.close()
    if returncode != 0:
        raise OSError(None, 'the stat child process failed (exit code %s)' % returncode, path)
    if output.isdigit():
        number = int(output)
        raise OSError(number, os.strerror(number), path)
    return None


@dataclass
class HostFiles:
    """The os functions the module uses on the Docker host (tests pass their own)."""
    lstat: Callable = os.lstat
    stat: Callable = os.stat
    mkdir: Callable = os.mkdir
    makedirs: Callable = os.makedirs
    chown: Callable = os.chown
    chmod: Callable = os.chmod
    scandir: Callable = os.scandir
    realpath: Callable = os.path.realpath
    rmtree: Callable = shutil.rmtree
    read_text: Callable = _read_text
    getpwnam: Callable = pwd.getpwnam
    getgrnam: Callable = grp.getgrnam
    stat_within: Callable = bounded_stat

    def mountinfo(self):
        """The entries of /proc/self/mountinfo."""
        return parse_mountinfo(self.read_text(MOUNTINFO))

    def mount_at(self, mount_point, resolve=True):
        """The mountinfo entry visible at ``mount_point``, or None.

        mountinfo lists resolved paths. realpath lstats the mount point itself: a dead mount fails
        that at once (realpath goes on), a hung one blocks it. With resolve=False only the parent
        directory is resolved, so a mount point that does not answer can still be named."""
        if resolve:
            return mount_at(self.mountinfo(), self.realpath(mount_point))
        parent, name = os.path.split(mount_point.rstrip('/'))
        return mount_at(self.mountinfo(), os.path.join(self.realpath(parent or '/'), name))

    def is_directory(self, path, follow_symlinks=True):
        """Whether ``path`` is a directory (a symbolic link to one only with follow_symlinks)."""
        try:
            status = self.stat(path) if follow_symlinks else self.lstat(path)
        except OSError:
            return False
        return stat.S_ISDIR(status.st_mode)

    def exists(self, path):
        """Whether anything, a dangling symbolic link included, is at ``path``."""
        try:
            self.lstat(path)
        except OSError:
            return False
        return True


def resolve_id(value, kind, files):
    """A user (kind 'owner') or group id from a name or a number; None stays None. Raises a
    RequestError for names this host does not know."""
    if value is None:
        return None
    if value.isdigit():
        return int(value)
    try:
        return files.getpwnam(value).pw_uid if kind == 'owner' else files.getgrnam(value).gr_gid
    except KeyError:
        raise RequestError('there is no %s %r on this host; use a number'
                           % ('user' if kind == 'owner' else 'group', value), kind) from None


def describe_mode(mode):
    """A mode as four octal digits, as chmod takes it."""
    return '%04o' % mode


# --- the mount ----------------------------------------------------------------------------------

def mount_point_to_create(mount_point, files):
    """Whether the mount-point directory must be created before mounting; refuses anything but a
    directory there."""
    if files.is_directory(mount_point):
        return False
    if files.exists(mount_point):
        raise StateError('%s exists and is not a directory' % mount_point, 'mount_point')
    return True


def mount_volume(settings, run_command, find_program):
    """Run ``mount -t glusterfs`` for the settings. ``run_command(argv)`` returns (rc, stdout,
    stderr); ``find_program(name)`` returns a program's path or None. Raises a GlusterdockError
    (with the command and its output for the result) when mount fails."""
    if not find_program('mount.glusterfs'):
        raise GlusterdockError('mount.glusterfs was not found: install the GlusterFS FUSE client '
                               '(glusterfs-client on Debian and Ubuntu, glusterfs-fuse on the RHEL family)')
    argv = mount_argv(settings, mount=find_program('mount') or 'mount')
    rc, stdout, stderr = run_command(argv)
    if rc != 0:
        raise with_details(GlusterdockError(
            'Mounting the GlusterFS volume %s at %s failed (is it started, and are the servers reachable?). '
            'Nothing was created.' % (settings['gluster_volume'], settings['mount_point'])),
            cmd=' '.join(argv), rc=rc, stdout=stdout, stderr=stderr)


def stat_error(path, files, seconds=None):
    """The OSError of a stat of path, or None when it answers; with ``seconds``, the stat runs in
    a child process and a NoAnswer is returned when it does not answer within them."""
    try:
        if seconds is None:
            files.stat(path)
        else:
            files.stat_within(path, seconds)
    except OSError as error:
        return error
    return None


def live_mount_problem(mount_point, files, seconds):
    """Stat the mount point of a mount made in this run that mountinfo shows as the right volume,
    within ``seconds``: the problem when it does not answer, None when it answers."""
    error = stat_error(mount_point, files, seconds)
    if error is None:
        return None
    if isinstance(error, NoAnswer):
        return 'stat: no answer within %s s (hung FUSE client)' % seconds
    return 'stat: %s' % (os.strerror(error.errno) if error.errno else error.strerror)


def unmount_lazily(mount_point, run_command, find_program):
    """Run ``umount -l`` on a dead mount (``run_command`` and ``find_program`` as for mount_volume).
    Raises a GlusterdockError, with the command and its output, when umount fails."""
    argv = umount_argv(mount_point, umount=find_program('umount') or 'umount')
    rc, stdout, stderr = run_command(argv)
    if rc != 0:
        raise with_details(GlusterdockError(
            'Unmounting the dead GlusterFS mount %s failed: it is busy in a way a lazy unmount cannot clear. '
            'Nothing was mounted or created.' % mount_point),
            cmd=' '.join(argv), rc=rc, stdout=stdout, stderr=stderr)


def stale_containers(candidates, container_pid, files, seconds):
    """The candidates (from containers_on_mount) that still hold a dead bind: a stat of one of their
    mount destinations through /proc/<pid>/root, inside the container's own mount namespace, fails
    the way a dead FUSE mount does (within ``seconds``: a bind that does not answer is not known to
    be dead, and is not restarted). ``container_pid(id)`` is the container's main process id (0 when
    it is not running). Returns the candidates found stale, as dicts of name and id."""
    stale = []
    for candidate in candidates:
        pid = container_pid(candidate['id'])
        if not pid:
            continue
        for destination in candidate['destinations']:
            error = stat_error('/proc/%d/root%s' % (pid, destination), files, seconds)
            if error is not None and is_dead_mount_error(error.errno):
                stale.append(dict(name=candidate['name'], id=candidate['id']))
                break
    return stale


# --- the subdirectory ---------------------------------------------------------------------------

def walk_subdirectory(mount_point, subdirectory, files):
    """The existing components of the subdirectory path; refuses symbolic links and non-directories,
    which could lead outside the GlusterFS volume. Returns (missing components, final lstat)."""
    current = mount_point
    parts = subdirectory.split('/')
    status = None
    for index, part in enumerate(parts):
        current = os.path.join(current, part)
        try:
            status = files.lstat(current)
        except FileNotFoundError:
            return parts[index:], None
        if stat.S_ISLNK(status.st_mode):
            raise StateError('%s is a symbolic link; refusing to follow it out of the GlusterFS volume' % current)
        if not stat.S_ISDIR(status.st_mode):
            raise StateError('%s exists and is not a directory' % current)
    return [], status


def mkdir_action(path, owner_id, group_id, mode):
    """The actions-list entry for creating the subdirectory."""
    details = []
    if owner_id is not None:
        details.append('owner %d' % owner_id)
    if group_id is not None:
        details.append('group %d' % group_id)
    if mode is not None:
        details.append('mode %s' % describe_mode(mode))
    return 'mkdir -p %s%s' % (quote_argument(path), ' (%s)' % ', '.join(details) if details else '')


def make_directories(mount_point, subdirectory, missing, owner_group_mode, files):
    """Create the ``missing`` last components of the subdirectory; ``owner_group_mode`` (owner id,
    group id, mode; None leaves one as it is) goes to the last one only."""
    parts = subdirectory.split('/')
    current = os.path.join(mount_point, *parts[:len(parts) - len(missing)])
    for part in missing:
        current = os.path.join(current, part)
        try:
            files.mkdir(current, 0o755)
        except FileExistsError:
            # Another Docker host of the same play may have made it a moment ago.
            if not files.is_directory(current, follow_symlinks=False):
                raise StateError('%s appeared and is not a directory' % current) from None
    owner_id, group_id, mode = owner_group_mode
    if owner_id is not None or group_id is not None:
        files.chown(current, -1 if owner_id is None else owner_id, -1 if group_id is None else group_id)
    if mode is not None:
        files.chmod(current, mode)


def directory_state(status):
    """(uid, gid, mode bits) of an lstat result."""
    return status.st_uid, status.st_gid, stat.S_IMODE(status.st_mode)


def describe_directory(path, status):
    """The subdirectory as the diff shows it."""
    uid, gid, bits = directory_state(status)
    return dict(path=path, owner=uid, group=gid, mode=describe_mode(bits))


def change_action(path, what, value):
    """The actions-list entry for one change of directory_changes."""
    if what == 'mode':
        return 'chmod %s %s' % (describe_mode(value), quote_argument(path))
    return '%s %d %s' % ('chown' if what == 'owner' else 'chgrp', value, quote_argument(path))


def apply_change(path, what, value, files):
    """Make one change of directory_changes."""
    if what == 'mode':
        files.chmod(path, value)
    else:
        files.chown(path, value if what == 'owner' else -1, value if what == 'group' else -1)


def require_on_mount(path, mount_point, files):
    """Refuse a subdirectory on another file system than the GlusterFS mount (something mounted
    inside the mount would keep the data off GlusterFS). Returns its lstat."""
    status = files.lstat(path)
    if status.st_dev != files.stat(mount_point).st_dev:
        raise StateError('%s is on another file system than the GlusterFS mount %s' % (path, mount_point))
    return status


# --- the purge ----------------------------------------------------------------------------------

def other_devices(path, device, files, limit=10):
    """Up to ``limit`` paths inside the directory ``path`` whose st_dev is not ``device``. Walks with
    lstat and never follows symbolic links; a mount point shows the device of what is mounted on it."""
    found = []
    pending = [path]
    while pending and len(found) < limit:
        with files.scandir(pending.pop()) as entries:
            for entry in entries:
                status = entry.stat(follow_symlinks=False)
                if status.st_dev != device:
                    found.append(entry.path)
                    if len(found) >= limit:
                        break
                elif stat.S_ISDIR(status.st_mode):
                    pending.append(entry.path)
    return found


def refuse_other_file_systems(path, mount_point, files):
    """Refuse when the subdirectory, or anything in it, is not on the GlusterFS mount's file system:
    rm -rf must never descend into another file system mounted inside it."""
    device = files.stat(mount_point).st_dev
    found = mounts_below(files.mountinfo(), files.realpath(path))
    if files.lstat(path).st_dev != device:
        found.insert(0, path)
    if not found:
        found = other_devices(path, device, files)
    if found:
        raise with_details(StateError(
            'Refusing to purge %s: not on the file system of the GlusterFS mount %s: %s. Unmount what is mounted '
            'there first. Nothing was deleted.' % (path, mount_point, ', '.join(found[:10]))),
            other_file_systems=found)
