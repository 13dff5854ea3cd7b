"""The file-system work of docker_gluster_volume, with the os calls handed in: what is asked of the
host (mkdir, chown, chmod, mount argv) is checked call by call."""
import errno
import os
import stat
import time
from types import SimpleNamespace

import pytest

from ansible_collections.glusterdock.storage.plugins.module_utils.docker_gluster_mount import NoAnswer
from ansible_collections.glusterdock.storage.plugins.module_utils.docker_volume_files import (
    HostFiles, apply_change, bounded_stat, change_action, live_mount_problem, make_directories, mkdir_action,
    mount_point_to_create, mount_volume, other_devices, refuse_other_file_systems, require_on_mount, resolve_id,
    stale_containers, stat_error, unmount_lazily, walk_subdirectory,
)
from ansible_collections.glusterdock.storage.plugins.module_utils.errors import (
    GlusterdockError, RequestError, StateError,
)

SETTINGS = dict(servers=['node1', 'node2'], mount_options=['log-level=WARNING'], gluster_volume='web',
                mount_point='/mnt/glusterfs/web')


def recording_files(calls, **overrides):
    """Real reads; mkdir, chown and chmod recorded (mkdir also made, so later reads see it)."""
    def mkdir(path, mode):
        calls.append(('mkdir', path, oct(mode)))
        os.mkdir(path, mode)
    return HostFiles(mkdir=mkdir, chown=lambda path, uid, gid: calls.append(('chown', path, uid, gid)),
                     chmod=lambda path, mode: calls.append(('chmod', path, oct(mode))), **overrides)


def test_walk_finds_the_missing_components(tmp_path):
    (tmp_path / 'a').mkdir()
    assert walk_subdirectory(str(tmp_path), 'a/b/c', HostFiles()) == (['b', 'c'], None)
    missing, status = walk_subdirectory(str(tmp_path), 'a', HostFiles())
    assert missing == [] and stat.S_ISDIR(status.st_mode)


def test_walk_refuses_links_and_files(tmp_path):
    (tmp_path / 'link').symlink_to('/')
    (tmp_path / 'file').write_text('x')
    with pytest.raises(StateError, match='link is a symbolic link; refusing to follow it'):
        walk_subdirectory(str(tmp_path), 'link/etc', HostFiles())
    with pytest.raises(StateError, match='file exists and is not a directory'):
        walk_subdirectory(str(tmp_path), 'file/x', HostFiles())


def test_make_directories_sets_ownership_on_the_last_only(tmp_path):
    (tmp_path / 'a').mkdir()
    calls = []
    make_directories(str(tmp_path), 'a/b/c', ['b', 'c'], (33, None, 0o750), recording_files(calls))
    assert calls == [('mkdir', str(tmp_path / 'a' / 'b'), '0o755'), ('mkdir', str(tmp_path / 'a' / 'b' / 'c'), '0o755'),
                     ('chown', str(tmp_path / 'a' / 'b' / 'c'), 33, -1), ('chmod', str(tmp_path / 'a' / 'b' / 'c'),
                                                                          '0o750')]


def test_make_directories_leaves_ownership_alone_when_not_asked(tmp_path):
    calls = []
    make_directories(str(tmp_path), 'a', ['a'], (None, None, None), recording_files(calls))
    assert calls == [('mkdir', str(tmp_path / 'a'), '0o755')]


def test_make_directories_accepts_a_directory_made_meanwhile_but_not_a_file(tmp_path):
    def made_by_another_host(path, mode):
        os.mkdir(path)
        raise FileExistsError(errno.EEXIST, 'exists', path)

    make_directories(str(tmp_path), 'a', ['a'], (None, None, None), HostFiles(mkdir=made_by_another_host))

    def file_made_meanwhile(path, mode):
        open(path, 'w').close()
        raise FileExistsError(errno.EEXIST, 'exists', path)

    with pytest.raises(StateError, match='b appeared and is not a directory'):
        make_directories(str(tmp_path), 'b', ['b'], (None, None, None), HostFiles(mkdir=file_made_meanwhile))


def test_actions_and_changes():
    assert mkdir_action('/m/a b', 33, 33, 0o755) == "mkdir -p '/m/a b' (owner 33, group 33, mode 0755)"
    assert mkdir_action('/m/a', None, None, None) == 'mkdir -p /m/a'
    assert change_action('/m/a', 'mode', 0o700) == 'chmod 0700 /m/a'
    assert change_action('/m/a', 'group', 5) == 'chgrp 5 /m/a'
    calls = []
    files = recording_files(calls)
    apply_change('/m/a', 'owner', 7, files)
    apply_change('/m/a', 'group', 8, files)
    apply_change('/m/a', 'mode', 0o700, files)
    assert calls == [('chown', '/m/a', 7, -1), ('chown', '/m/a', -1, 8), ('chmod', '/m/a', '0o700')]


def test_require_on_mount_refuses_another_device(tmp_path):
    (tmp_path / 'a').mkdir()
    assert require_on_mount(str(tmp_path / 'a'), str(tmp_path), HostFiles()).st_dev == os.stat(str(tmp_path)).st_dev
    other = HostFiles(stat=lambda path: SimpleNamespace(st_dev=-1))
    with pytest.raises(StateError, match='a is on another file system than the GlusterFS mount'):
        require_on_mount(str(tmp_path / 'a'), str(tmp_path), other)


def test_mount_runs_the_argv_and_reports_a_failure():
    ran = []

    def run_command(argv):
        ran.append(argv)
        return 32, '', 'Mount failed'

    with pytest.raises(GlusterdockError) as failure:
        mount_volume(SETTINGS, run_command, lambda name: '/sbin/' + name)
    argv = ['/sbin/mount', '-t', 'glusterfs', '-o', 'log-level=WARNING,backup-volfile-servers=node2', 'node1:/web',
            '/mnt/glusterfs/web']
    assert ran == [argv]
    assert str(failure.value).startswith('Mounting the GlusterFS volume web at /mnt/glusterfs/web failed')
    assert failure.value.details == dict(cmd=' '.join(argv), rc=32, stdout='', stderr='Mount failed')
    mount_volume(SETTINGS, lambda argv: (0, '', ''), lambda name: '/sbin/' + name)


def test_mount_needs_the_fuse_client():
    with pytest.raises(GlusterdockError, match='mount.glusterfs was not found'):
        mount_volume(SETTINGS, lambda argv: pytest.fail('nothing may run'), lambda name: None)


def test_mount_point_to_create(tmp_path):
    (tmp_path / 'file').write_text('x')
    assert mount_point_to_create(str(tmp_path), HostFiles()) is False
    assert mount_point_to_create(str(tmp_path / 'new'), HostFiles()) is True
    with pytest.raises(StateError) as error:
        mount_point_to_create(str(tmp_path / 'file'), HostFiles())
    assert error.value.argument == 'mount_point' and 'exists and is not a directory' in str(error.value)


def not_connected(path):
    raise OSError(errno.ENOTCONN, os.strerror(errno.ENOTCONN), path)


def within(stat):
    return lambda path, seconds: stat(path)


def hung(path, seconds):
    raise NoAnswer(path, seconds)


def test_live_mount_problem():
    assert live_mount_problem('/m', HostFiles(stat_within=within(lambda path: None)), 5) is None
    # A mount made in this run that does not answer is a problem (mount reported success).
    assert live_mount_problem('/m', HostFiles(stat_within=within(not_connected)), 5) == (
        'stat: ' + os.strerror(errno.ENOTCONN))
    assert live_mount_problem('/m', HostFiles(stat_within=hung), 5) == 'stat: no answer within 5 s (hung FUSE client)'


def test_stat_error():
    assert stat_error('/m', HostFiles(stat=lambda path: None)) is None
    assert stat_error('/m', HostFiles(stat=not_connected)).errno == errno.ENOTCONN
    # With seconds, through the bounded stat only.
    files = HostFiles(stat=lambda path: pytest.fail('unbounded stat'), stat_within=hung)
    error = stat_error('/m', files, 5)
    assert isinstance(error, NoAnswer) and error.errno is None and error.seconds == 5


def test_bounded_stat_answers_fails_like_stat_and_never_waits_past_its_time(tmp_path):
    assert bounded_stat(str(tmp_path), 30) is None
    with pytest.raises(OSError) as missing:
        bounded_stat(str(tmp_path / 'missing'), 30)
    assert missing.value.errno == errno.ENOENT and missing.value.filename == str(tmp_path / 'missing')
    # A child that never answers (as a stat of a hung FUSE mount): killed, and NoAnswer after the time.
    started = time.monotonic()
    with pytest.raises(NoAnswer) as no_answer:
        bounded_stat('/m', 0.5, argv=['sleep', '60'])
    assert 0.5 <= time.monotonic() - started < 5
    assert no_answer.value.seconds == 0.5 and str(no_answer.value) == '/m does not answer within 0.5 s'
    # A child that cannot even run is a failure, never an answer.
    with pytest.raises(OSError) as broken:
        bounded_stat('/m', 30, argv=['false'])
    assert broken.value.errno is None and 'exit code 1' in broken.value.strerror


def test_unmount_lazily_runs_umount_l_and_reports_a_failure():
    ran = []

    def busy(argv):
        ran.append(argv)
        return 32, '', 'umount: /m: not mounted.'

    unmount_lazily('/m', lambda argv: ran.append(argv) or (0, '', ''), lambda name: '/bin/' + name)
    with pytest.raises(GlusterdockError) as failure:
        unmount_lazily('/m', busy, lambda name: None)
    assert ran == [['/bin/umount', '-l', '/m'], ['umount', '-l', '/m']]
    assert str(failure.value).startswith('Unmounting the dead GlusterFS mount /m failed: it is busy in a way a lazy '
                                         'unmount cannot clear. Nothing was mounted or created.')
    assert failure.value.details == dict(cmd='umount -l /m', rc=32, stdout='', stderr='umount: /m: not mounted.')


def test_stale_containers_are_those_whose_bind_is_dead_inside_the_container():
    candidates = [dict(name='dead', id='d1', destinations=['/data']),
                  dict(name='live', id='l1', destinations=['/data']),
                  dict(name='second', id='s1', destinations=['/ok', '/data']),
                  dict(name='stopped', id='x1', destinations=['/data'])]
    pids = {'d1': 10, 'l1': 11, 's1': 12, 'x1': 0}
    looked_at = []

    def container_stat(path):
        looked_at.append(path)
        if path in ('/proc/10/root/data', '/proc/12/root/data'):
            not_connected(path)
        if path == '/proc/11/root/data':
            raise OSError(errno.EACCES, os.strerror(errno.EACCES), path)  # not a dead mount: not stale

    assert stale_containers(candidates, pids.get, HostFiles(stat_within=within(container_stat)), 5) == [
        dict(name='dead', id='d1'), dict(name='second', id='s1')]
    assert looked_at == ['/proc/10/root/data', '/proc/11/root/data', '/proc/12/root/ok', '/proc/12/root/data']
    # A bind that does not answer is not known to be dead: not restarted.
    assert stale_containers(candidates[:1], pids.get, HostFiles(stat_within=hung), 5) == []


def test_resolve_id():
    files = HostFiles(getpwnam=lambda name: {'www': SimpleNamespace(pw_uid=33)}[name],
                      getgrnam=lambda name: {'www': SimpleNamespace(gr_gid=34)}[name])
    assert resolve_id(None, 'owner', files) is None
    assert resolve_id('1000', 'owner', files) == 1000
    assert resolve_id('www', 'owner', files) == 33
    assert resolve_id('www', 'group', files) == 34
    with pytest.raises(RequestError) as error:
        resolve_id('nobody-here', 'group', files)
    assert str(error.value) == "group: there is no group 'nobody-here' on this host; use a number"


def test_other_devices_walks_without_following_links(tmp_path):
    (tmp_path / 'a' / 'b').mkdir(parents=True)
    (tmp_path / 'a' / 'b' / 'f').write_text('x')
    (tmp_path / 'link').symlink_to('/')
    device = os.lstat(str(tmp_path)).st_dev
    assert other_devices(str(tmp_path), device, HostFiles()) == []
    # Seen from another device, every entry of the top level is foreign, and nothing below is visited.
    assert sorted(other_devices(str(tmp_path), device + 1, HostFiles())) == [
        str(tmp_path / 'a'), str(tmp_path / 'link')]
    assert len(other_devices(str(tmp_path), device + 1, HostFiles(), limit=1)) == 1


def test_refuse_other_file_systems(tmp_path):
    (tmp_path / 'site' / 'deep').mkdir(parents=True)
    site = str(tmp_path / 'site')
    files = HostFiles(read_text=lambda path: '30 1 0:5 / %s rw - fuse.glusterfs node1:/web rw\n' % tmp_path)
    refuse_other_file_systems(site, str(tmp_path), files)
    files = HostFiles(read_text=lambda path: '30 1 0:5 / %s rw - fuse.glusterfs node1:/web rw\n'
                                             '31 30 0:6 / %s/deep rw - tmpfs tmpfs rw\n' % (tmp_path, site))
    with pytest.raises(StateError, match='not on the file system of the GlusterFS mount') as error:
        refuse_other_file_systems(site, str(tmp_path), files)
    assert error.value.details == dict(other_file_systems=[site + '/deep'])
