# -*- coding: utf-8 -*-
# Copyright: glusterdock developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The GlusterFS mount of docker_gluster_volume, decided on what /proc/self/mountinfo says: which
mount is at the mount point, whether it is the wanted volume, the mount command, and whether the
subdirectory may be touched in this run.

Nothing here touches the system, so all of it is unit-tested directly.
"""

from __future__ import annotations

import errno
import os
import re
from dataclasses import dataclass

from ansible_collections.glusterdock.storage.plugins.module_utils.errors import StateError

GLUSTER_FSTYPE = 'fuse.glusterfs'

# How a FUSE mount answers once its client is gone: ENOTCONN when the glusterfs process died (the
# kernel aborts the connection when /dev/fuse is closed), ECONNABORTED after an abort through
# /sys/fs/fuse/connections. Nothing else means the mount is dead.
DEAD_MOUNT_ERRNOS = (errno.ENOTCONN, errno.ECONNABORTED)
# Seconds a stat of the mount point may take. Longer than GlusterFS's default network.ping-timeout
# (42 s), after which a client stops waiting for a server that vanished without a reset and answers
# again: a mount that still does not answer then is hung, not just waiting out a partition.
DEFAULT_STAT_TIMEOUT = 60


class NoAnswer(OSError):
    """A stat that did not answer within ``seconds``: the FUSE client behind the path neither
    answers nor is gone (its process stopped or blocked, or a server unreachable without a reset)."""

    def __init__(self, path, seconds):
        super().__init__('%s does not answer within %s s' % (path, seconds))
        self.path = path
        self.seconds = seconds


def _unescape_mountinfo(field):
    """mountinfo writes space, tab, newline and backslash in paths as octal escapes (\\040 ...)."""
    return re.sub(r'\\([0-7]{3})', lambda match: chr(int(match.group(1), 8)), field)


@dataclass
class MountEntry:
    """One line of /proc/self/mountinfo."""
    mount_point: str
    fstype: str
    source: str
    root: str = '/'


def parse_mountinfo(text):
    """The entries of a /proc/self/mountinfo text, in order (later entries are mounted on top)."""
    entries = []
    for line in text.splitlines():
        fields = line.split(' ')
        try:
            separator = fields.index('-', 6)
        except ValueError:
            continue
        if len(fields) < separator + 3:
            continue
        entries.append(MountEntry(mount_point=_unescape_mountinfo(fields[4]), fstype=fields[separator + 1],
                                  source=_unescape_mountinfo(fields[separator + 2]),
                                  root=_unescape_mountinfo(fields[3])))
    return entries


def mount_at(entries, mount_point):
    """The entry visible at mount_point (the last one mounted there), or None."""
    found = None
    for entry in entries:
        if entry.mount_point == mount_point:
            found = entry
    return found


def split_gluster_source(source):
    """('node1', 'web') from 'node1:/web' or 'node1:web'; (None, None) for other sources."""
    if ':' not in source:
        return None, None
    server, volume = source.split(':', 1)
    return server, volume.lstrip('/')


def mount_problem(entry, gluster_volume, servers):
    """Why the mount at the mount point is not the wanted GlusterFS volume, or None when it is.

    entry is the mountinfo entry at the mount point (None when nothing is mounted there)."""
    if entry is None:
        return 'nothing is mounted there'
    if entry.fstype != GLUSTER_FSTYPE:
        return 'a %s file system (%s) is mounted there, not %s' % (entry.fstype, entry.source, GLUSTER_FSTYPE)
    server, volume = split_gluster_source(entry.source)
    if volume != gluster_volume:
        return 'the GlusterFS volume %s is mounted there, not %s' % (entry.source, gluster_volume)
    if server not in servers:
        return 'the volume is mounted from %s, which is not one of the servers (%s)' % (server, ', '.join(servers))
    if entry.root != '/':
        # A bind mount of a directory inside a GlusterFS mount shows that directory as its root:
        # subdirectories would then be made, and purged, below it instead of below the volume's root.
        return ('the directory %s of the GlusterFS volume %s is bind-mounted there, not the root of the volume '
                '(mountinfo root field)' % (entry.root, gluster_volume))
    return None


def unverified_mount_message(mount_point, gluster_volume, problem):
    """The failure after ``mount`` exited 0 but the mount point is not a live GlusterFS mount."""
    return ('mount reported success but %s is not a live GlusterFS mount of %s: nothing created (%s; see the '
            'GlusterFS client log on this host, and check that auth.allow of the volume admits this host)'
            % (mount_point, gluster_volume, problem))


def data_access(check_mode, mount_live, mount_point, gluster_volume):
    """Whether the subdirectory and the Docker volume may be looked at and changed.

    'live': the live-mount check passed in this run; 'predict': check mode before mounting (only
    predict, never look at the bare mount point). Outside check mode, anything but a mount that
    passed the check in this run raises StateError: nothing is created, changed or purged."""
    if mount_live:
        return 'live'
    if check_mode:
        return 'predict'
    raise StateError('%s is not a live GlusterFS mount of %s in this run: nothing created, changed or purged'
                     % (mount_point, gluster_volume))


def mounts_below(entries, path):
    """The mount points of entries at or below path (file systems a purge must not descend into)."""
    prefix = path.rstrip('/') + '/'
    return sorted(set(entry.mount_point for entry in entries
                      if entry.mount_point == path or entry.mount_point.startswith(prefix)))


def mount_argv(settings, mount='mount'):
    """The mount(8) argv that FUSE-mounts the GlusterFS volume: first server, the others as backups."""
    servers = settings['servers']
    options = list(settings['mount_options'])
    if len(servers) > 1:
        options.append('backup-volfile-servers=%s' % ':'.join(servers[1:]))
    argv = [mount, '-t', 'glusterfs']
    if options:
        argv += ['-o', ','.join(options)]
    return argv + ['%s:/%s' % (servers[0], settings['gluster_volume']), settings['mount_point']]


def umount_argv(mount_point, umount='umount'):
    """The umount(8) argv that detaches a dead mount lazily: it never waits for the dead client, and
    processes still inside keep their (dead) view while the mount point is freed for a new mount."""
    return [umount, '-l', mount_point]


def is_dead_mount_error(error_number):
    """Whether a failed stat of a GlusterFS mount means its FUSE client is gone."""
    return error_number in DEAD_MOUNT_ERRNOS


def found_mount_state(mount_point, stat_error):
    """'live', 'dead' or 'hung' for the GlusterFS mount of the wanted volume found at mount_point,
    from the error of a bounded stat of it (None when stat answered, NoAnswer when it did not in
    time). Any other error raises StateError: only a mount whose client is gone is ever remounted."""
    if stat_error is None:
        return 'live'
    if isinstance(stat_error, NoAnswer):
        return 'hung'
    if is_dead_mount_error(stat_error.errno):
        return 'dead'
    raise StateError('Cannot stat the GlusterFS mount %s: %s. Nothing was created.'
                     % (mount_point, os.strerror(stat_error.errno) if stat_error.errno else stat_error))


def dead_mount_refusal(mount_point, stat_error):
    """The failure for a dead mount that the task may not mount again (mount=false)."""
    return ('%s is a dead GlusterFS mount (%s): set mount=true to mount it again, or unmount it (umount -l %s) '
            'and run again. Nothing was created.' % (mount_point, os.strerror(stat_error.errno), mount_point))


def hung_mount_refusal(mount_point, no_answer, entry):
    """The failure for a mount point whose stat did not answer in time (``no_answer``, a NoAnswer);
    ``entry`` is the mountinfo entry there, or None.

    A hung mount is refused, never repaired the way a dead one is (umount -l, then mount again).
    A dead client is gone: the kernel cut its connection, nothing can reach or flush through it any
    more, so detaching its mount loses nothing. A hung client is alive: it may still hold writes it
    acknowledged but has not sent to the bricks, and detaching its mount lets the kernel cut it off
    once its last user lets go, losing them; when a server is only unreachable, the client answers
    again by itself after network.ping-timeout. Which of these it is, only the operator can tell."""
    what = ('%s %s is mounted there' % (entry.fstype, entry.source) if entry is not None
            else 'mountinfo shows nothing mounted at that path')
    return ('%s does not answer within %s s (hung FUSE client; %s): nothing was changed, and a hung mount is not '
            'mounted again by this module, since its client may still hold writes it has not sent to the servers. '
            'Find the client (ps -eo pid,stat,args | grep "[g]lusterfs.*%s"): if it is stopped (state T), continue '
            'it (kill -CONT PID); if a server is unreachable, restore the network (the client gives up on a server '
            'after network.ping-timeout, 42 s by default); if it stays hung, stop what uses the mount and kill the '
            'client: the mount then answers "Transport endpoint is not connected" and the next run mounts it again.'
            % (mount_point, no_answer.seconds, what, mount_point))


def leftover_mount_problem(mount_point, entry):
    """After umount -l, what is still mounted at mount_point (a second mount stacked below the dead
    one, say), or None when the mount point is free. Mounting on top of it would hide it, so the
    task stops there."""
    if entry is None:
        return None
    return ('%s is still a mount point after umount -l (%s %s): it is busy in a way a lazy unmount cannot '
            'clear; unmount what is mounted there and run again. Nothing was mounted or created.'
            % (mount_point, entry.fstype, entry.source))
