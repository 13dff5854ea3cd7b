"""The GlusterFS mount of docker_gluster_volume, decided on mountinfo: which mount is at the mount
point, whether it is the wanted volume, and whether the subdirectory may be touched in this run."""
import errno
import os

import pytest

from ansible_collections.glusterdock.storage.plugins.module_utils.docker_gluster_mount import (
    MountEntry, NoAnswer, data_access, dead_mount_refusal, found_mount_state, hung_mount_refusal, leftover_mount_problem,
    mount_at, mount_problem, mounts_below, parse_mountinfo, umount_argv, unverified_mount_message,
)
from ansible_collections.glusterdock.storage.plugins.module_utils.errors import StateError

# Captured on a Debian 12 Docker host (GlusterFS 10.3 client) with the volume web mounted, plus a
# path with a space to show mountinfo's escapes, and a tmpfs mounted over the GlusterFS mount.
MOUNTINFO = r'''1512 1323 0:208 / / rw,relatime master:482 - overlay overlay rw,lowerdir=/var/lib/docker/overlay2/l/K:/x
1513 1512 0:211 / /proc rw,nosuid,nodev,noexec,relatime - proc proc rw
1514 1512 0:212 / /dev rw,nosuid - tmpfs tmpfs rw,size=65536k,mode=755
2166 1512 0:267 / /mnt/glusterfs/web rw,relatime - fuse.glusterfs node1:/web rw,user_id=0,group_id=0,default_permissions,allow_other,max_read=131072
2170 1512 0:270 / /mnt/with\040space rw,relatime shared:5 master:7 - fuse.glusterfs node2:/logs rw,user_id=0,group_id=0
2180 1512 0:271 / /mnt/glusterfs/db rw,relatime - fuse.glusterfs node1:/db rw,user_id=0
2181 2180 0:272 / /mnt/glusterfs/db rw,relatime - tmpfs tmpfs rw
'''

SERVERS = ['node1', 'node2', 'node3']


def test_parse_mountinfo():
    entries = parse_mountinfo(MOUNTINFO)
    assert len(entries) == 7
    web = mount_at(entries, '/mnt/glusterfs/web')
    assert (web.fstype, web.source) == ('fuse.glusterfs', 'node1:/web')
    spaced = mount_at(entries, '/mnt/with space')
    assert (spaced.fstype, spaced.source) == ('fuse.glusterfs', 'node2:/logs')
    assert mount_at(entries, '/mnt/glusterfs') is None


def test_mount_problem():
    entries = parse_mountinfo(MOUNTINFO)
    assert mount_problem(mount_at(entries, '/mnt/glusterfs/web'), 'web', SERVERS) is None
    assert 'nothing is mounted' in mount_problem(None, 'web', SERVERS)
    assert 'not web' in mount_problem(mount_at(entries, '/mnt/with space'), 'web', SERVERS)
    assert 'not one of the servers' in mount_problem(mount_at(entries, '/mnt/glusterfs/web'), 'web', ['node9'])
    # The last mount at a path is the one that is visible: a tmpfs over the GlusterFS mount.
    assert 'tmpfs' in mount_problem(mount_at(entries, '/mnt/glusterfs/db'), 'db', SERVERS)
    assert 'ext4' in mount_problem(parse_mountinfo(
        '30 1 8:1 / /mnt/glusterfs/web rw - ext4 /dev/sda1 rw')[0], 'web', SERVERS)


def test_a_bind_mount_of_a_subdirectory_is_not_the_volume():
    # mount --bind /mnt/glusterfs/web/apps /mnt/bound: same source and type, but the root field is /apps.
    entry = parse_mountinfo(r'2171 1512 0:267 /apps /mnt/bound rw,relatime - fuse.glusterfs node1:/web rw')[0]
    assert entry.root == '/apps'
    assert mount_problem(entry, 'web', SERVERS) == (
        'the directory /apps of the GlusterFS volume web is bind-mounted there, not the root of the volume '
        '(mountinfo root field)')
    spaced = parse_mountinfo(r'2171 1512 0:267 /my\040apps /mnt/b rw - fuse.glusterfs node1:/web rw')[0]
    assert spaced.root == '/my apps'


def test_mount_source_without_slash():
    entry = parse_mountinfo('30 1 0:5 / /m rw - fuse.glusterfs node2:web rw')[0]
    assert mount_problem(entry, 'web', SERVERS) is None


# --- the live mount -----------------------------------------------------------------------------

def test_data_access_needs_a_live_mount_outside_check_mode():
    assert data_access(False, True, '/m', 'web') == 'live'
    assert data_access(True, True, '/m', 'web') == 'live'
    # Check mode before mounting only predicts.
    assert data_access(True, False, '/m', 'web') == 'predict'
    with pytest.raises(StateError, match='/m is not a live GlusterFS mount of web in this run: nothing created'):
        data_access(False, False, '/m', 'web')


def test_unverified_mount_message():
    message = unverified_mount_message('/mnt/glusterfs/web', 'web', 'nothing is mounted there')
    assert message.startswith('mount reported success but /mnt/glusterfs/web is not a live GlusterFS mount of web: '
                              'nothing created (nothing is mounted there;')


def test_mounts_below():
    entries = parse_mountinfo(MOUNTINFO + '2190 2166 0:280 / /mnt/glusterfs/web/site/cache rw - tmpfs tmpfs rw\n'
                                          '2191 2166 0:281 / /mnt/glusterfs/web/sitex rw - tmpfs tmpfs rw\n')
    assert mounts_below(entries, '/mnt/glusterfs/web/site') == ['/mnt/glusterfs/web/site/cache']
    assert mounts_below(entries, '/mnt/glusterfs/web/site/') == ['/mnt/glusterfs/web/site/cache']
    assert mounts_below(entries, '/mnt/glusterfs/web/other') == []
    assert mounts_below(entries, '/mnt/glusterfs/db') == ['/mnt/glusterfs/db']


def failure(number):
    return OSError(number, os.strerror(number), '/m')


def test_found_mount_state_remounts_only_a_mount_whose_client_is_gone():
    assert found_mount_state('/m', None) == 'live'
    # The glusterfs process died (ENOTCONN) or the connection was aborted through /sys/fs/fuse (ECONNABORTED).
    assert found_mount_state('/m', failure(errno.ENOTCONN)) == 'dead'
    assert found_mount_state('/m', failure(errno.ECONNABORTED)) == 'dead'
    for number in (errno.EACCES, errno.EIO, errno.ENOENT):
        with pytest.raises(StateError, match='^Cannot stat the GlusterFS mount /m: %s. Nothing was created.$'
                           % os.strerror(number)):
            found_mount_state('/m', failure(number))


def test_a_mount_that_does_not_answer_is_hung_and_refused_not_remounted():
    assert found_mount_state('/m', NoAnswer('/m', 60)) == 'hung'
    entry = MountEntry('/m', 'fuse.glusterfs', 'node1:/web')
    message = hung_mount_refusal('/m', NoAnswer('/m', 60), entry)
    assert message.startswith('/m does not answer within 60 s (hung FUSE client; fuse.glusterfs node1:/web is mounted '
                              'there): nothing was changed, and a hung mount is not mounted again by this module')
    assert 'kill -CONT PID' in message and 'grep "[g]lusterfs.*/m"' in message
    assert '(hung FUSE client; mountinfo shows nothing mounted at that path)' in hung_mount_refusal(
        '/m', NoAnswer('/m', 5), None)


def test_dead_mount_refusal_and_umount_argv():
    assert dead_mount_refusal('/m', failure(errno.ENOTCONN)) == (
        '/m is a dead GlusterFS mount (Transport endpoint is not connected): set mount=true to mount it again, or '
        'unmount it (umount -l /m) and run again. Nothing was created.')
    assert umount_argv('/m') == ['umount', '-l', '/m']
    assert umount_argv('/m', umount='/bin/umount') == ['/bin/umount', '-l', '/m']


def test_leftover_mount_problem():
    assert leftover_mount_problem('/m', None) is None
    assert leftover_mount_problem('/m', MountEntry('/m', 'fuse.glusterfs', 'node1:/web')) == (
        '/m is still a mount point after umount -l (fuse.glusterfs node1:/web): it is busy in a way a lazy unmount '
        'cannot clear; unmount what is mounted there and run again. Nothing was mounted or created.')
