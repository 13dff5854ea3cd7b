# -*- coding: utf-8 -*-
# Copyright: glusterdock developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Are the files of a distributed volume reachable by name after a migration?

DHT finds a file by hashing its name into the parent directory's layout. With
``cluster.lookup-optimize`` (on by default) a client trusts that layout whenever the directory's
commit hash equals the volume's, and answers ENOENT without looking on the other bricks.
``remove-brick start`` rewrites directory layouts without the bricks being removed but reuses
the volume's last commit hash, and only the nodes hosting removed bricks migrate anything. So a
``remove-brick stop`` leaves layouts that no longer match where files are, and even a clean
removal (GlusterFS 10.3) or a rebalance whose nodes wrote different layouts for one directory
leaves some files where no lookup by name finds them, while a directory listing still shows
them. Only a full rebalance moves every file to the brick its name hashes to (a fix-layout
alone changes the commit hash, which the next remove-brick start resets).

So the checks here crawl a private FUSE mount made with ``use-readdirp=no``: readdir then gives
names only, and each ``lstat`` is a fresh lookup by name, as an application opening a path does.
With readdirp the listing itself would resolve every entry and hide the unreachable ones.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from dataclasses import dataclass, field
from typing import List

from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_migration import (
    CLEAN,
    describe_migration,
    judge_migration,
    rebalance_finished,
    rebalance_task,
)
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_cli import GlusterCommandError
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_wait import (
    STATUS_READ_ERRORS,
    WaitTimeout,
    wait_tolerating_errors,
)
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_xml import (
    parse_migration_status,
    parse_volume_info,
    parse_volume_status,
)

# Full rebalances tried before giving up: the rebalance processes of different nodes can write
# different layouts for one directory and move files by their own; a second run converges.
LAYOUT_HEAL_ROUNDS = 3
# Unreachable paths named in results and messages.
EXAMPLES = 10


class LayoutCheckError(Exception):
    """The volume could not be mounted or crawled."""


@dataclass
class Reachability:
    """What a crawl of the volume found: entries listed and entries a lookup by name missed."""
    files: int = 0
    directories: int = 0
    unreachable: int = 0
    examples: List[str] = field(default_factory=list)
    # Names a directory listed more than once (a migration cut short can leave a file on two bricks).
    duplicates: int = 0
    seconds: float = 0.0

    @property
    def whole(self):
        return self.unreachable == 0

    def to_dict(self):
        return {'files': self.files, 'directories': self.directories, 'unreachable': self.unreachable,
                'examples': list(self.examples), 'duplicates': self.duplicates, 'seconds': round(self.seconds, 3)}


def crawl(root, listdir=os.listdir, lstat=os.lstat, is_directory=None, clock=None):
    """Walk ``root`` (a mount made with use-readdirp=no): list each directory, then look up every
    entry by name. An entry listed but not found by its lookup is unreachable. ``listdir``,
    ``lstat`` and ``clock`` are injected for tests."""
    import stat as stat_module
    import time
    clock = clock or time.monotonic
    started = clock()
    result = Reachability()
    pending = ['']
    while pending:
        relative = pending.pop()
        result.directories += 1
        try:
            listed = listdir(os.path.join(root, relative) if relative else root)
        except OSError:
            if not relative:
                raise
            _unreachable(result, relative)
            continue
        names = sorted(set(listed))
        result.duplicates += len(listed) - len(names)
        for name in names:
            path = os.path.join(relative, name) if relative else name
            try:
                info = lstat(os.path.join(root, path))
            except OSError:
                # ENOENT: the lookup by name missed; ENOTCONN/EIO: its brick is down.
                _unreachable(result, path)
                continue
            if (is_directory or (lambda value: stat_module.S_ISDIR(value.st_mode)))(info):
                pending.append(path)
            else:
                result.files += 1
    result.seconds = clock() - started
    return result


def _unreachable(result, path):
    result.unreachable += 1
    if len(result.examples) < EXAMPLES:
        result.examples.append('/' + path)


def describe_reachability(check):
    """One sentence on a crawl's result."""
    if check.whole:
        return 'all %d files in %d directories are reachable by name' % (check.files, check.directories)
    return ('%d of %d entries do not answer a lookup by name (a directory listing still shows them), e.g. %s'
            % (check.unreachable, check.files + check.unreachable, ', '.join(check.examples)))


def brick_node_ids(volume):
    """Peer UUIDs of every node hosting a brick of ``volume``: each runs a rebalance process and
    must report its own row before a rebalance counts as done."""
    return sorted(set(brick.host_uuid for brick in volume.bricks if brick.host_uuid))


def is_glusterfs_mount(path, mountinfo_text):
    """True when /proc/self/mountinfo (its text) shows ``path`` as a fuse.glusterfs mount."""
    for line in mountinfo_text.splitlines():
        fields = line.split()
        if ' - ' not in line or len(fields) < 5:
            continue
        mount_point = fields[4].replace('\\040', ' ')
        filesystem = line.split(' - ', 1)[1].split()[0]
        if mount_point == path and filesystem == 'fuse.glusterfs':
            return True
    return False


def _read_mountinfo():
    with open('/proc/self/mountinfo') as handle:
        return handle.read()


@contextlib.contextmanager
def private_mount(run_command, volume_name, server='localhost', read_mountinfo=_read_mountinfo):
    """Mount ``volume_name`` at a new temporary directory with use-readdirp=no and yield its path;
    always unmounted and removed afterwards. ``run_command(argv)`` returns (rc, stdout, stderr)."""
    point = tempfile.mkdtemp(prefix='glusterdock-check-%s-' % volume_name)
    mounted = False
    try:
        rc, out, err = run_command(['mount', '-t', 'glusterfs', '-o', 'use-readdirp=no',
                                    '%s:/%s' % (server, volume_name), point])
        mounted = is_glusterfs_mount(point, read_mountinfo())
        if rc != 0 or not mounted:
            raise LayoutCheckError('could not mount volume %s to check that its files are reachable (rc=%s): %s%s'
                                   % (volume_name, rc, out, err))
        yield point
    finally:
        if mounted or is_glusterfs_mount(point, read_mountinfo()):
            rc, _out, _err = run_command(['umount', point])
            if rc != 0:
                run_command(['umount', '-l', point])
        # rmdir only: never delete anything that could be inside a mount.
        if not is_glusterfs_mount(point, read_mountinfo()):
            try:
                os.rmdir(point)
            except OSError:
                pass


def check_reachable(run_command, volume_name, crawl_function=crawl):
    """Mount the volume privately and crawl it; returns a Reachability."""
    with private_mount(run_command, volume_name) as point:
        return crawl_function(point)


class LayoutNotWhole(Exception):
    """Files stay unreachable by name: ``reason`` says why they could not be made reachable."""

    def __init__(self, reason, check):
        super().__init__(reason)
        self.reason = reason
        self.check = check


def repair_layout(check, rebalance, blockers, check_mode=False, rounds=LAYOUT_HEAL_ROUNDS):
    """Crawl (``check()``); while some file is unreachable by name, run a full rebalance
    (``rebalance()`` starts one and waits until it completed cleanly, or raises) and crawl again.
    ``blockers()`` lists reasons a rebalance cannot run now (a peer disconnected, a brick offline):
    then, or after ``rounds`` rebalances, raise LayoutNotWhole. In check mode the first rebalance
    is only recorded. Returns (last check, rebalances run)."""
    found = check()
    runs = 0
    while not found.whole:
        problems = blockers()
        if problems:
            raise LayoutNotWhole('cannot run now (%s)' % '; '.join(problems), found)
        if runs >= rounds:
            raise LayoutNotWhole('did not make every file reachable after %d full rebalances' % runs, found)
        rebalance()
        runs += 1
        if check_mode:
            break
        found = check()
    return found, runs


def stopped_message(bricks, volume_name, stop_outcome, layout_outcome, status_text):
    """The failure message after a removal that was stopped (or could not be)."""
    return ('remove-brick of %s on volume %s did not complete cleanly, nothing was committed (%s). %s '
            'Status per node: %s' % (' '.join(bricks), volume_name, stop_outcome, layout_outcome, status_text))


def layout_not_repaired(volume_name, reason, check=None, rerun=True):
    """The volume state when its layouts could not be repaired yet: what is wrong and what to run.
    ``rerun``: running the same task again repairs first (False once the bricks are committed away
    or after a rebalance, when a second run has nothing left to do)."""
    found = (' Last check: %s.' % describe_reachability(check)) if check is not None else ''
    if rerun:
        then = ('run this task again: it rebalances volume %s first (gluster volume rebalance %s start), checks that '
                'every file is reachable, and only then goes on.' % (volume_name, volume_name))
    else:
        then = ('run "gluster volume rebalance %s start" and wait until every node reports it completed; then every '
                'file should answer a lookup by name through a fresh mount again.' % volume_name)
    return ('The volume is NOT whole: its directory layouts no longer match where the files are, so some files '
            'may answer "No such file or directory" to a lookup by name although their data is on the bricks '
            '(a directory listing still shows them). Repairing this needs a full rebalance, which %s.%s Once every '
            'node is connected and every brick online, %s' % (reason, found, then))


# Why a grow ends with a fix-layout: the directories that exist have a layout over the old
# subvolumes only, and a client lists a directory entry from the subvolume its name hashes to;
# directories whose names hash to a new subvolume, which has none yet, vanish from listings (and
# with them every file below) until something looks them up by name. Measured: 300 of 500 files
# missing from a fresh mount's listing after 1 x 3 -> 2 x 3. A fix-layout writes layouts over all
# subvolumes and creates the directories on the new bricks; it moves no file.
FIX_LAYOUT_REASON = ('until it completes, clients may not list directories that existed before the bricks were '
                     'added, nor the files in them')


class FixLayoutFailed(Exception):
    """The bricks went in, but the fix-layout after them did not complete."""


def fix_layout_args(name):
    """The command that follows a grow of a started volume by a distribute subvolume."""
    return ['volume', 'rebalance', name, 'fix-layout', 'start']


# A fix-layout that completes with failures (a directory busy on one node) is run once more.
FIX_LAYOUT_ATTEMPTS = 2


def fix_layout_after_grow(cli, name, timeout, attempts=FIX_LAYOUT_ATTEMPTS):
    """Start a fix-layout of volume ``name`` after a grow and wait until every node hosting a brick
    reports it completed without failures; one that completes with failures is started once more.
    Raise FixLayoutFailed saying what is left. A rebalance task with another id than the one before
    the start was started by it; when another run started one first (its start holds the lock ours
    met), that one is waited for instead. In check mode the command is only recorded."""
    def task_id():
        try:
            task = rebalance_task(parse_volume_status(cli.read('volume', 'status', name)))
        except GlusterCommandError:
            return None
        return task['id'] if task else ''
    migration = None
    for _attempt in range(attempts):
        # The add-brick cleared the volume's rebalance task: '' before the first start.
        before = task_id() if migration is not None else ''

        def started(before=before):
            return task_id() not in (None, before)
        try:
            cli.change(*fix_layout_args(name), already_done=started)
        except GlusterCommandError as error:
            if not started():
                raise FixLayoutFailed('the bricks were added, but %s failed (%s); %s. Run it once the volume is '
                                      'whole' % (' '.join(['gluster'] + fix_layout_args(name)), error,
                                                 FIX_LAYOUT_REASON))
        if cli.check_mode:
            return None
        node_ids = brick_node_ids(parse_volume_info(cli.read('volume', 'info', name))[name])
        try:
            migration, _polls = wait_tolerating_errors(
                lambda: parse_migration_status(cli.read('volume', 'rebalance', name, 'status')),
                lambda value: rebalance_finished(value, node_ids), timeout, 'fix-layout of volume %s' % name,
                GlusterCommandError, STATUS_READ_ERRORS, describe=lambda value: describe_migration(value, node_ids))
        except WaitTimeout as error:
            raise FixLayoutFailed('the bricks were added, but %s; it is left running (gluster volume rebalance %s '
                                  'status); %s' % (error, name, FIX_LAYOUT_REASON))
        if judge_migration(migration, node_ids) == CLEAN:
            return migration
    raise FixLayoutFailed('the bricks were added, but the fix-layout did not complete on every node (%d attempts): %s; '
                          '%s. Run "gluster volume rebalance %s fix-layout start" once the volume is whole'
                          % (attempts, describe_migration(migration, node_ids), FIX_LAYOUT_REASON, name))
