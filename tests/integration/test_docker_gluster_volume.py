"""docker_gluster_volume on a real GlusterFS pool and two Docker hosts (Docker-in-Docker).

A replica 3 volume `web` is created on node1..3 with the plain CLI and shared by every test: bad
input, failures before anything is created, check mode, the Docker volume `site` on docker1 and
docker2 with files written on one host and read on the other, idempotence, drift, in-use refusals,
removal that keeps the data, purge, volumes and bind mounts a purge must never reach, a Swarm service
that moves to the other host with its data when its host is drained, and a dead
mount (its FUSE client killed) mounted again, by the module and by the role, with the containers on
it restarted, and a hung mount (its FUSE client stopped) refused within stat_timeout. Each test first
brings the Docker hosts and the data it needs to the state it starts from (bare_docker_hosts,
site_on_both_hosts, files_in), so the tests run in any order. The backup and restore playbooks (restic,
installed by the role with apt) are proved on docker1 too: this lab already has the Docker hosts they need.
"""
import json
import os
import re
import shlex
import subprocess
import time

import pytest

from . import brick_data, safety_matrix

LAB_NODES = 3
LAB_DOCKER_HOSTS = 2

MODULE = 'glusterdock.storage.docker_gluster_volume'
SERVERS = ['node1', 'node2', 'node3']
MOUNT_POINT = '/mnt/glusterfs/web'
BRICK = '/bricks/web/b'
BUSYBOX = 'glusterdock/busybox'


def args(**overrides):
    """The task's arguments for the Docker volume `site` on `web`, with overrides."""
    base = {'name': 'site', 'gluster_volume': 'web', 'servers': list(SERVERS), 'owner': '33', 'group': '33',
            'mode': '0750', 'labels': {'app': 'web'}}
    base.update(overrides)
    return base


def run(lab, host, task_args, **options):
    return lab.run_module(host, MODULE, task_args, **options)


def succeeded(result):
    assert not result.get('failed'), result
    return result


def failed(result, *fragments):
    assert result.get('failed'), result
    for fragment in fragments:
        assert fragment in result['msg'], result
    return result


def docker_volumes(lab, host):
    return sorted(lab.sh(host, 'docker volume ls -q').stdout.split())


def gluster_mounts(lab, host):
    """The fuse.glusterfs lines of the host's mountinfo."""
    return [line for line in lab.sh(host, 'cat /proc/self/mountinfo').stdout.splitlines() if ' fuse.glusterfs ' in line]


def listing(lab, host, path):
    """`ls -A` of a directory, or None when it does not exist."""
    result = lab.sh(host, 'ls -A %s' % path, check=False)
    return result.stdout.split() if result.returncode == 0 else None


def in_container(lab, host, script, volume='site'):
    return lab.sh(host, "docker run --rm -v %s:/data %s sh -c '%s'" % (volume, BUSYBOX, script)).stdout


# --- the state a test starts from, whatever ran before ------------------------------------------

def bare_docker_hosts(lab):
    """Both Docker hosts without containers, Docker volumes or GlusterFS mounts (the data on web
    stays): where the failure and check-mode tests start."""
    for host in lab.docker_hosts:
        lab.sh(host, 'docker rm -f $(docker ps -aq) >/dev/null 2>&1; docker volume rm $(docker volume ls -q) '
                     '>/dev/null 2>&1; true')
        points = sorted(set([line.split()[4] for line in gluster_mounts(lab, host)] + [MOUNT_POINT]))
        for point in points:
            lab.unmount(host, point)
        # Mount points go too (rmdir removes only empty directories), so a test sees the module make them.
        lab.sh(host, 'rmdir -p --ignore-fail-on-non-empty %s 2>/dev/null; true' % ' '.join(points))
        assert gluster_mounts(lab, host) == [] and docker_volumes(lab, host) == []


def remove_from_web(lab, *subdirectories):
    """Delete subdirectories of web through a mount on node1."""
    path = brick_data.mount(lab, 'node1', 'web')
    lab.sh('node1', 'rm -rf %s' % ' '.join('%s/%s' % (path, subdirectory) for subdirectory in subdirectories))


def site_on_both_hosts(lab):
    """The Docker volume site on both hosts exactly as args() asks (made again where it differs),
    with the files test_create_on_both_hosts_and_share_files writes."""
    for host in lab.docker_hosts:
        succeeded(run(lab, host, args(recreate='options_changed')))
    lab.sh('docker1', 'test -f %s/site/deep/er/two || (dd if=/dev/urandom of=%s/site/one bs=1k count=512 2>/dev/null '
                      '&& mkdir -p %s/site/deep/er && echo hello > %s/site/deep/er/two)' % ((MOUNT_POINT,) * 4))


def web_mounted_on_docker1(lab):
    """web at MOUNT_POINT on docker1, as the module mounts it."""
    lab.sh('docker1', 'mkdir -p {0} && (mountpoint -q {0} || mount -t glusterfs -o backup-volfile-servers=node2:node3 '
                      'node1:/web {0})'.format(MOUNT_POINT))


def files_in(lab, subdirectory, count, prefix):
    """Files under SUBDIRECTORY of web, written through docker1's mount unless already there."""
    web_mounted_on_docker1(lab)
    if listing(lab, 'docker1', '%s/%s' % (MOUNT_POINT, subdirectory)) is None:
        brick_data.write_files(lab, 'docker1', '%s/%s' % (MOUNT_POINT, subdirectory), count=count, prefix=prefix)


@pytest.fixture(scope='module')
def web(pool):
    """The pool with the started replica 3 volume web."""
    for node in pool.nodes:
        pool.sh(node, 'mkdir -p /bricks/web')
    # lab.sh fails with gluster's own message, which lab.gluster would drop.
    pool.sh('node1', 'gluster.real --mode=script volume create web replica 3 %s'
            % ' '.join('%s:%s' % (node, BRICK) for node in pool.nodes))
    pool.sh('node1', 'gluster.real --mode=script volume start web')
    assert 'Started' in pool.gluster('node1', 'volume', 'info', 'web')
    return pool


@pytest.mark.parametrize('overrides, message', [
    ({'name': 'v; touch /tmp/p'}, "name: 'v; touch /tmp/p' is not a Docker volume name"),
    ({'name': '-x'}, 'is not a Docker volume name'),
    ({'name': 'a'}, 'is not a Docker volume name'),
    ({'gluster_volume': '$(id)'}, "gluster_volume: '$(id)'"),
    ({'gluster_volume': 'all'}, 'reserved by the gluster CLI'),
    ({'gluster_volume': 'help'}, 'reserved by the gluster CLI'),
    ({'subdirectory': '/etc'}, 'must be relative to the mount point'),
    ({'subdirectory': '../escape'}, 'must not contain ".."'),
    ({'subdirectory': 'a/../../escape'}, 'must not contain ".."'),
    ({'subdirectory': '.'}, 'names the mount point itself'),
    ({'mount_point': 'relative'}, 'must be an absolute path'),
    ({'servers': ['node1; touch /tmp/p']}, 'is not a host name'),
    ({'servers': ['--help']}, 'starts with "-"'),
    ({'mount_options': 'ro,$(id)'}, 'is not a mount option'),
    ({'mode': 'u+rwx'}, 'symbolic modes are not supported'),
    ({'labels': {'org.glusterdock.subdirectory': 'x'}}, 'are set by this module'),
    ({'driver_options': {'device': '/tmp'}}, 'must not be set with driver=local'),
])
def test_bad_input_fails_before_any_call(web, overrides, message):
    before = host_state(web, 'docker1')
    # A Docker socket that does not exist: a Docker call would fail with another message.
    result = run(web, 'docker1', args(docker_host='unix:///nonexistent/docker.sock', **overrides))
    failed(result, message)
    assert result['actions'] == []
    assert web.sh('docker1', 'test -e /tmp/p', check=False).returncode != 0
    assert host_state(web, 'docker1') == before


def host_state(lab, host):
    """What a task that fails before any call must leave as it was: GlusterFS mounts, Docker
    volumes and the mount root."""
    return gluster_mounts(lab, host), docker_volumes(lab, host), listing(lab, host, '/mnt/glusterfs')


def test_docker_host_is_honoured_and_checked_before_mounting(web):
    bare_docker_hosts(web)
    result = failed(run(web, 'docker1', args(docker_host='unix:///nonexistent/docker.sock')),
                    'Cannot connect to the Docker API at unix:///nonexistent/docker.sock')
    assert result['actions'] == [] and gluster_mounts(web, 'docker1') == []


def test_missing_docker_sdk_is_a_clear_failure(web):
    # The gluster nodes have no Docker SDK for Python.
    failed(run(web, 'node1', args()), 'Failed to import the required Python library (Docker SDK for Python')
    assert web.sh('node1', 'test -e /mnt/glusterfs', check=False).returncode != 0


def test_stopped_gluster_volume_fails_before_creating_anything(web):
    bare_docker_hosts(web)
    web.gluster('node1', 'volume', 'stop', 'web')
    try:
        result = failed(run(web, 'docker1', args()), 'Mounting the GlusterFS volume web at %s failed' % MOUNT_POINT)
    finally:
        web.gluster('node1', 'volume', 'start', 'web')
    assert 'mount -t glusterfs' in result['cmd'] and result['rc'] != 0
    assert listing(web, 'docker1', MOUNT_POINT) == []
    assert gluster_mounts(web, 'docker1') == [] and docker_volumes(web, 'docker1') == []


def test_unreachable_server_fails_before_creating_anything(web):
    bare_docker_hosts(web)
    result = failed(run(web, 'docker1', args(servers=['node9'], mount_point='/mnt/unreachable')), 'failed')
    assert listing(web, 'docker1', '/mnt/unreachable') == []
    assert gluster_mounts(web, 'docker1') == [] and docker_volumes(web, 'docker1') == []
    assert not any('docker volume create' in action for action in result['actions'])


def test_not_mounted_with_mount_false_is_refused(web):
    bare_docker_hosts(web)
    failed(run(web, 'docker1', args(mount=False)), '%s is not mounted' % MOUNT_POINT)
    assert docker_volumes(web, 'docker1') == [] and gluster_mounts(web, 'docker1') == []


def test_mount_that_succeeds_without_a_live_mount_creates_nothing(web):
    bare_docker_hosts(web)
    # auth.allow refuses the Docker host: mount.glusterfs can exit 0 while no live mount is left.
    assert 'success' in web.gluster('node1', 'volume', 'set', 'web', 'auth.allow', '10.9.9.9')
    try:
        result = run(web, 'docker1', args(mount_point='/mnt/refused'))
    finally:
        web.sh('docker1', 'umount -l /mnt/refused', check=False)
        assert 'success' in web.gluster('node1', 'volume', 'reset', 'web', 'auth.allow')
    assert result.get('failed'), result
    if result.get('rc') is None:
        # mount(8) exited 0 (as mount.glusterfs of GlusterFS 10 does here): the module found no live mount
        # and stopped there.
        assert ('mount reported success but /mnt/refused is not a live GlusterFS mount of web: nothing created'
                in result['msg']), result
    else:
        assert 'Mounting the GlusterFS volume web at /mnt/refused failed' in result['msg'], result
    assert not any('docker volume create' in action or 'mkdir -p /mnt/refused/' in action
                   for action in result['actions']), result
    assert docker_volumes(web, 'docker1') == []
    assert listing(web, 'docker1', '/mnt/refused') == []
    assert gluster_mounts(web, 'docker1') == []


def test_another_file_system_at_the_mount_point_is_refused(web):
    bare_docker_hosts(web)
    web.sh('docker1', 'mkdir -p /mnt/other && mount -t tmpfs tmpfs /mnt/other')
    try:
        failed(run(web, 'docker1', args(mount_point='/mnt/other')), 'a tmpfs file system (tmpfs) is mounted there')
        assert listing(web, 'docker1', '/mnt/other') == []
    finally:
        web.sh('docker1', 'umount /mnt/other')
    assert docker_volumes(web, 'docker1') == []


def test_check_mode_creates_nothing(web):
    bare_docker_hosts(web)
    web.sh('docker1', 'mkdir -p %s' % MOUNT_POINT)
    result = succeeded(run(web, 'docker1', args(), check=True, diff=True))
    assert result['changed']
    # The empty mount-point directory exists, so there is no mkdir for it.
    assert result['actions'][:2] == [
        'mount -t glusterfs -o backup-volfile-servers=node2:node3 node1:/web %s' % MOUNT_POINT,
        'mkdir -p %s/site (owner 33, group 33, mode 0750) (if missing)' % MOUNT_POINT]
    assert result['actions'][-1].startswith('docker volume create --driver local --opt device=%s/site' % MOUNT_POINT)
    assert result['diff']['before'] == {'exists': False, 'mounted': False, 'directory': None}
    assert result['diff']['after']['exists'] and result['diff']['after']['labels']['org.glusterdock.subdirectory'] == 'site'
    assert docker_volumes(web, 'docker1') == [] and gluster_mounts(web, 'docker1') == []
    assert listing(web, 'docker1', MOUNT_POINT) == []


def test_create_on_both_hosts_and_share_files(web):
    bare_docker_hosts(web)
    remove_from_web(web, 'site')
    # docker1's mount point exists, docker2's does not (the module makes it).
    web.sh('docker1', 'mkdir -p %s' % MOUNT_POINT)
    first = succeeded(run(web, 'docker1', args(), diff=True))
    assert first['changed']
    assert first['actions'] == [
        'mount -t glusterfs -o backup-volfile-servers=node2:node3 node1:/web %s' % MOUNT_POINT,
        'mkdir -p %s/site (owner 33, group 33, mode 0750)' % MOUNT_POINT,
        'docker volume create --driver local --opt device=%s/site --opt o=bind --opt type=none --label app=web '
        '--label org.glusterdock.gluster-volume=web --label org.glusterdock.servers=node1,node2,node3 '
        '--label org.glusterdock.subdirectory=site site' % MOUNT_POINT]
    assert first['mount']['live'] and first['mount']['source'] == 'node1:/web'
    assert first['volume']['Options'] == {'type': 'none', 'o': 'bind', 'device': MOUNT_POINT + '/site'}
    assert first['volume']['Labels']['org.glusterdock.gluster-volume'] == 'web'
    second = succeeded(run(web, 'docker2', args()))
    # The subdirectory already exists on GlusterFS: docker2 only mounts and creates its volume.
    assert [action.split()[0] for action in second['actions']] == ['mkdir', 'mount', 'docker']

    written = in_container(web, 'docker1', 'dd if=/dev/urandom of=/data/one bs=1k count=512 2>/dev/null && '
                                           'mkdir -p /data/deep/er && echo hello > /data/deep/er/two && '
                                           'cd /data && md5sum one deep/er/two')
    read = in_container(web, 'docker2', 'cd /data && md5sum one deep/er/two')
    assert written == read and len(written.splitlines()) == 2
    for node in web.nodes:
        assert web.sh(node, 'cd %s/site && md5sum one deep/er/two' % BRICK).stdout == written
        assert web.sh(node, 'stat -c "%%u %%g %%a" %s/site' % BRICK).stdout.split() == ['33', '33', '750']


def test_second_run_changes_nothing(web):
    site_on_both_hosts(web)
    for host in web.docker_hosts:
        result = succeeded(run(web, host, args(), diff=True))
        assert not result['changed'] and result['actions'] == [] and result['differences'] == [], result
        assert result['diff']['before'] == result['diff']['after']
        checked = succeeded(run(web, host, args(), check=True))
        assert not checked['changed'] and checked['actions'] == []


def test_directory_drift_is_corrected(web):
    site_on_both_hosts(web)
    web.sh('docker1', 'chmod 0700 %s/site' % MOUNT_POINT)
    result = succeeded(run(web, 'docker2', args()))
    assert result['changed'] and result['actions'] == ['chmod 0750 %s/site' % MOUNT_POINT]


def test_volume_drift_is_reported_not_recreated(web):
    site_on_both_hosts(web)
    result = succeeded(run(web, 'docker1', args(labels={'app': 'web', 'tier': 'front'})))
    assert not result['changed'] and result['actions'] == []
    assert result['differences'] == [{'parameter': 'labels.tier', 'before': None, 'after': 'front'}]
    assert any('recreate=options_changed' in warning for warning in result.get('warnings', []))


def test_volume_in_use_is_neither_recreated_nor_removed(web):
    site_on_both_hosts(web)
    web.sh('docker1', 'docker run -d --name holder -v site:/data %s sleep 3600' % BUSYBOX)
    try:
        failed(run(web, 'docker1', args(labels={'app': 'web', 'tier': 'front'}, recreate='options_changed')),
               'Refusing to recreate the Docker volume site', 'holder')
        failed(run(web, 'docker1', {'name': 'site', 'state': 'absent'}),
               'Refusing to remove the Docker volume site', 'holder')
        failed(run(web, 'docker1', args(state='absent', purge=True)), 'Refusing to remove', 'holder')
        # A stopped container still uses the volume.
        web.sh('docker1', 'docker stop -t 1 holder')
        failed(run(web, 'docker1', {'name': 'site', 'state': 'absent'}), 'holder')
        assert 'site' in docker_volumes(web, 'docker1')
        assert web.sh('node1', 'test -f %s/site/one' % BRICK, check=False).returncode == 0
    finally:
        web.sh('docker1', 'docker rm -f holder')


def test_recreate_when_options_changed(web):
    site_on_both_hosts(web)
    result = succeeded(run(web, 'docker1', args(labels={'app': 'web', 'tier': 'front'}, recreate='options_changed'),
                           diff=True))
    assert result['changed'] and [action.split()[:3] for action in result['actions']] == [
        ['docker', 'volume', 'rm'], ['docker', 'volume', 'create']]
    assert result['volume']['Labels']['tier'] == 'front'
    assert result['diff']['before']['labels'].get('tier') is None and result['diff']['after']['labels']['tier'] == 'front'
    assert 'hello' in in_container(web, 'docker1', 'cat /data/deep/er/two')


def test_absent_removes_the_volume_and_keeps_the_data(web):
    site_on_both_hosts(web)
    checked = succeeded(run(web, 'docker1', {'name': 'site', 'state': 'absent'}, check=True))
    assert checked['changed'] and checked['actions'] == ['docker volume rm site']
    assert 'site' in docker_volumes(web, 'docker1')
    result = succeeded(run(web, 'docker1', {'name': 'site', 'state': 'absent'}, diff=True))
    assert result['changed'] and result['diff'] == {'before': dict(result['diff']['before'], exists=True),
                                                    'after': {'exists': False}}
    assert 'site' not in docker_volumes(web, 'docker1')
    assert web.sh('node1', 'test -f %s/site/one' % BRICK, check=False).returncode == 0
    again = succeeded(run(web, 'docker1', {'name': 'site', 'state': 'absent'}))
    assert not again['changed'] and again['actions'] == []


def test_purge_without_a_labelled_volume_is_refused(web):
    site_on_both_hosts(web)
    succeeded(run(web, 'docker1', {'name': 'site', 'state': 'absent'}))
    # docker1 no longer has the Docker volume site: nothing shows the directory is its data.
    result = failed(run(web, 'docker1', args(state='absent', purge=True)),
                    'Refusing to purge %s/site: there is no Docker volume site on this host' % MOUNT_POINT,
                    'purge_without_volume')
    assert not any(action.startswith('rm ') for action in result['actions'])
    assert web.sh('node1', 'test -f %s/site/one' % BRICK, check=False).returncode == 0


def test_purge_removes_the_volume_and_the_data(web):
    site_on_both_hosts(web)
    purge = args(state='absent', purge=True)
    checked = succeeded(run(web, 'docker2', purge, check=True))
    assert checked['actions'] == ['docker volume rm site', 'rm -rf %s/site' % MOUNT_POINT]
    assert 'site' in docker_volumes(web, 'docker2')
    assert web.sh('node1', 'test -d %s/site' % BRICK, check=False).returncode == 0
    result = succeeded(run(web, 'docker2', purge))
    assert result['changed'] and result['actions'] == checked['actions']
    assert 'site' not in docker_volumes(web, 'docker2')
    for node in web.nodes:
        assert web.sh(node, 'test -e %s/site' % BRICK, check=False).returncode != 0
    again = succeeded(run(web, 'docker2', purge))
    assert not again['changed'] and again['actions'] == []


# --- only our own volumes are removed or recreated; a purge reaches no other data ----------------

def docker_state(lab, host):
    """`docker volume ls` and the inspect of every volume: what a refusal must leave exactly as it was."""
    names = docker_volumes(lab, host)
    return names, lab.sh(host, 'docker volume inspect %s' % ' '.join(names)).stdout if names else ''


def local_volume_sums(lab, host, volume):
    """'md5  ./path' lines of every file of a Docker volume, read through a container on the host."""
    return in_container(lab, host, 'cd /data && find . -type f | sort | xargs md5sum', volume=volume).splitlines()


def record_local_volume(lab, host, volume, expected, operation, outcome):
    """The matrix row of a plain local Docker volume: its files read back through Docker on its host."""
    lost = safety_matrix.count_lost(expected, local_volume_sums(lab, host, volume))
    safety_matrix.record(operation, 'local Docker volume on a Docker host', 'none', outcome, len(expected), lost)
    assert lost == 0, '%d of %d files of the local volume %s lost or changed' % (lost, len(expected), volume)


def gluster_sums(lab, subdirectory):
    """Checksums of a subdirectory of web, read through docker1's GlusterFS mount."""
    return brick_data.checksums(lab, 'docker1', '%s/%s' % (MOUNT_POINT, subdirectory))


def test_foreign_local_volume_is_never_removed_or_recreated(web):
    # A plain local volume that someone made by hand, with data: the module must never take it for its own.
    local_sums = local_volume_mine(web)
    files_in(web, 'keep', 60, 'k')
    keep_sums = gluster_sums(web, 'keep')
    before = docker_state(web, 'docker1')
    mountpoint = web.sh('docker1', "docker volume inspect -f '{{.Mountpoint}}' mine").stdout.strip()
    details = ("(it carries no org.glusterdock.gluster-volume or org.glusterdock.subdirectory label). Its driver is "
               "local, its mountpoint %s, and its data lives in %s, Docker's own directory on this host. Nothing was "
               "changed." % (mountpoint, mountpoint))
    for task, doing, wanted in [
            (args(name='mine', recreate='options_changed'), 'recreate', 'GlusterFS volume web, subdirectory mine'),
            (args(name='mine'), 'use', 'GlusterFS volume web, subdirectory mine'),
            ({'name': 'mine', 'state': 'absent'}, 'remove', 'subdirectory mine of a GlusterFS volume'),
            (args(name='mine', state='absent', purge=True), 'remove', 'GlusterFS volume web, subdirectory mine')]:
        for check in (True, False):
            result = failed(run(web, 'docker1', task, check=check))
            assert result['msg'] == ('Refusing to %s the Docker volume mine: it is not one this collection made for '
                                     '%s %s' % (doing, wanted, details)), result
            assert result['actions'] == [] and not result['changed'], result
    assert docker_state(web, 'docker1') == before
    assert 'mine' not in listing(web, 'docker1', MOUNT_POINT)
    record_local_volume(web, 'docker1', 'mine', local_sums, 'recreate or remove a plain local Docker volume of the '
                        'same name', 'refused, nothing changed')
    safety_matrix.verify_and_record(web, 'web', keep_sums, 'recreate or remove a plain local Docker volume of the '
                                    'same name', 'replica 3, 2 Docker hosts', 'none', 'refused, nothing changed',
                                    subdirectory='keep')


def local_volume_mine(lab):
    """The plain local Docker volume mine on docker1, with 5 files; returns their checksums."""
    lab.sh('docker1', 'docker volume create mine')
    in_container(lab, 'docker1', 'mkdir -p /data/d && for i in 1 2 3 4 5; do test -f /data/d/f$i || '
                                 'dd if=/dev/urandom of=/data/d/f$i bs=1k count=64 2>/dev/null; done', volume='mine')
    local_sums = local_volume_sums(lab, 'docker1', 'mine')
    assert len(local_sums) == 5
    return local_sums


def outer_volume(lab):
    """The Docker volume outer (subdirectory apps, with files in apps/own) on docker1, held by nothing."""
    lab.sh('docker1', 'docker rm -f runner linked second whole >/dev/null 2>&1; true')
    succeeded(run(lab, 'docker1', {'name': 'inner', 'subdirectory': 'apps/inner', 'state': 'absent'}))
    succeeded(run(lab, 'docker1', args(name='outer', subdirectory='apps')))
    files_in(lab, 'apps/own', 20, 'o')


def test_purge_never_reaches_another_docker_volume(web):
    # outer holds apps, inner holds apps/inner and is used by a running container.
    succeeded(run(web, 'docker1', args(name='outer', subdirectory='apps')))
    succeeded(run(web, 'docker1', args(name='inner', subdirectory='apps/inner')))
    brick_data.write_files(web, 'docker1', MOUNT_POINT + '/apps/inner', count=80, prefix='i')
    brick_data.write_files(web, 'docker1', MOUNT_POINT + '/apps/own', count=20, prefix='o')
    apps_sums = gluster_sums(web, 'apps')
    web.sh('docker1', 'docker run -d --name runner -v inner:/data %s sleep 3600' % BUSYBOX)
    before = docker_state(web, 'docker1')
    try:
        for check in (False, True):
            result = failed(run(web, 'docker1', args(name='outer', subdirectory='apps', state='absent', purge=True),
                                check=check))
            assert result['msg'] == (
                'Refusing to purge %s/apps: it contains /apps/inner of the GlusterFS volume web, held by the Docker '
                'volume inner. Remove those Docker volumes or containers first (stopped containers count too). '
                'Nothing was changed.' % MOUNT_POINT), result
            assert not any(action.startswith(('rm ', 'docker volume rm')) for action in result['actions']), result
        # And the other way round: inner's directory lies inside outer's (inner is free once runner is gone).
        web.sh('docker1', 'docker rm -f runner')
        before = docker_state(web, 'docker1')
        result = failed(run(web, 'docker1', args(name='inner', subdirectory='apps/inner', state='absent', purge=True)))
        assert result['msg'].startswith('Refusing to purge %s/apps/inner: it lies inside /apps of the GlusterFS volume '
                                        'web, held by the Docker volume outer.' % MOUNT_POINT), result
    finally:
        web.sh('docker1', 'docker rm -f runner', check=False)
    assert docker_state(web, 'docker1') == before
    safety_matrix.verify_and_record(web, 'web', apps_sums, 'purge a Docker volume whose directory holds another\'s',
                                    'replica 3, 2 Docker hosts', 'none', 'refused, nothing changed',
                                    subdirectory='apps')


def test_purge_never_reaches_a_container_bind_mount(web):
    # Stopped containers bind parts of apps: through a symbolic link with a trailing slash, through
    # another mount point of web, and the whole volume.
    outer_volume(web)
    apps_sums = gluster_sums(web, 'apps')
    web.sh('docker1', 'mkdir -p /srv /mnt/web-second && ln -sfn %s/apps /srv/apps-link && '
                      'mount -t glusterfs node1:/web /mnt/web-second' % MOUNT_POINT)
    purge_outer = args(name='outer', subdirectory='apps', state='absent', purge=True)
    try:
        web.sh('docker1', 'docker create --name linked -v /srv/apps-link/inner/:/data %s true' % BUSYBOX)
        source = web.sh('docker1', "docker inspect -f '{{(index .Mounts 0).Source}}' linked").stdout.strip()
        before = docker_state(web, 'docker1')
        result = failed(run(web, 'docker1', purge_outer))
        assert result['msg'] == (
            'Refusing to purge %s/apps: it contains %s/apps/inner, held by a bind mount (%s) of the container linked. '
            'Remove those Docker volumes or containers first (stopped containers count too). Nothing was changed.'
            % (MOUNT_POINT, MOUNT_POINT, source)), result
        web.sh('docker1', 'docker rm linked')
        web.sh('docker1', 'docker create --name second -v /mnt/web-second/apps/own:/data %s true && '
                          'docker create --name whole -v %s/:/data %s true' % (BUSYBOX, MOUNT_POINT, BUSYBOX))
        whole = web.sh('docker1', "docker inspect -f '{{(index .Mounts 0).Source}}' whole").stdout.strip()
        result = failed(run(web, 'docker1', purge_outer))
        assert sorted(result['conflicts']) == sorted([
            'it contains /apps/own of the GlusterFS volume web, held by a bind mount (/mnt/web-second/apps/own) of '
            'the container second',
            'it lies inside %s, held by a bind mount (%s) of the container whole' % (MOUNT_POINT, whole)]), result
        assert docker_state(web, 'docker1') == before
    finally:
        web.sh('docker1', 'docker rm -f linked second whole; umount /mnt/web-second', check=False)
    safety_matrix.verify_and_record(web, 'web', apps_sums, 'purge a directory that a container binds (stopped, via '
                                    'a link or another mount point)', 'replica 3, 2 Docker hosts', 'none',
                                    'refused, nothing changed', subdirectory='apps')


def test_a_bind_mount_of_a_subdirectory_is_not_the_volume(web):
    # Bound from inside the GlusterFS mount, /mnt/bound shows fuse.glusterfs node1:/web with root /bindsrc.
    files_in(web, 'bindsrc/own', 20, 'b')
    bindsrc_sums = gluster_sums(web, 'bindsrc')
    web.sh('docker1', 'mkdir -p /mnt/bound && mount --bind %s/bindsrc /mnt/bound' % MOUNT_POINT)
    try:
        listed = listing(web, 'docker1', '/mnt/bound')
        # A new volume would be made inside bindsrc, and a purge of "own" would delete bindsrc/own.
        for task in (args(name='sub', mount_point='/mnt/bound'),
                     args(name='own-data', subdirectory='own', mount_point='/mnt/bound', state='absent',
                          purge=True, purge_without_volume=True)):
            result = failed(run(web, 'docker1', task))
            assert result['msg'] == ('/mnt/bound is not a mount of the GlusterFS volume web: the directory /bindsrc '
                                     'of the GlusterFS volume web is bind-mounted there, not the root of the volume '
                                     '(mountinfo root field). Nothing was created.'), result
            assert not any(action.startswith(('mkdir', 'rm ', 'docker')) for action in result['actions']), result
        assert listing(web, 'docker1', '/mnt/bound') == listed
        assert 'sub' not in docker_volumes(web, 'docker1')
    finally:
        web.sh('docker1', 'umount /mnt/bound')
    safety_matrix.verify_and_record(web, 'web', bindsrc_sums, 'create or purge at a bind mount of a subdirectory',
                                    'replica 3, 2 Docker hosts', 'none', 'refused, nothing changed',
                                    subdirectory='bindsrc')


def containers_play(containers, **variables):
    return {'hosts': 'docker1', 'gather_facts': False,
            'roles': [{'role': 'glusterdock.storage.docker_containers',
                       'vars': dict(variables, docker_containers_list=containers)}]}


def test_docker_containers_role_starts_nothing_on_a_volume_not_on_glusterfs(web):
    sleeper = {'image': BUSYBOX, 'command': ['sleep', '3600']}
    local_volume_mine(web)
    outer_volume(web)
    before = docker_state(web, 'docker1')
    refused = web.run_play(containers_play([dict(sleeper, name='on-missing', volumes=['nosuch:/data']),
                                            dict(sleeper, name='on-local', volumes=['mine:/data'])]))
    assert refused.returncode != 0, refused.stdout[-3000:]
    mountpoint = web.sh('docker1', "docker volume inspect -f '{{.Mountpoint}}' mine").stdout.strip()
    assert ('container on-missing: the Docker volume nosuch does not exist; Docker would create an empty local volume '
            'and the data would land on local disk. Create it with docker_gluster_volumes first, or list it in '
            'local_volumes if it is meant to be local.' in refused.stdout), refused.stdout[-3000:]
    assert ("container on-local: the Docker volume mine is not a GlusterFS volume of this collection (it carries no "
            "org.glusterdock.gluster-volume or org.glusterdock.subdirectory label): its driver is local and its data "
            "lives in %s, Docker's own directory on this host. List it in local_volumes if that is meant." % mountpoint
            in refused.stdout), refused.stdout[-3000:]
    assert docker_state(web, 'docker1') == before
    assert web.sh('docker1', 'docker ps -aq --filter name=on-').stdout.split() == []
    # Declared local on purpose, and a GlusterFS volume of this collection: both start.
    started = web.run_play(containers_play([dict(sleeper, name='on-local', volumes=['mine:/data'],
                                                 local_volumes=['mine']),
                                            dict(sleeper, name='on-gluster', volumes=['outer:/data:ro'])]))
    try:
        assert started.returncode == 0, started.stdout[-3000:]
        running = web.sh('docker1', "docker ps --filter name=on- --format '{{.Names}}'").stdout.split()
        assert sorted(running) == ['on-gluster', 'on-local']
    finally:
        web.sh('docker1', 'docker rm -f on-local on-gluster', check=False)


def volumes_play(hosts, items, **variables):
    return {'hosts': hosts, 'gather_facts': False,
            'roles': [{'role': 'glusterdock.storage.docker_gluster_volumes',
                       'vars': dict(variables, docker_gluster_volumes_list=items,
                                    docker_gluster_volumes_servers=list(SERVERS),
                                    docker_gluster_volumes_mount_root='/mnt/role',
                                    docker_gluster_volumes_order_docker_after_mounts=False)}]}


def recap(output, host):
    return dict((key, int(value)) for key, value in re.findall(r'(\w+)=(\d+)', re.search(
        r'^%s\s+:(.*)$' % host, output, re.MULTILINE).group(1)))


def test_role_purge_checks_every_docker_host_before_any_deletes(web):
    for host in web.docker_hosts:
        succeeded(run(web, host, args(name='held', subdirectory='held')))
    brick_data.write_files(web, 'docker1', MOUNT_POINT + '/held', count=40, prefix='h')
    held_sums = gluster_sums(web, 'held')
    files_in(web, 'keep', 60, 'k')
    keep_sums = gluster_sums(web, 'keep')
    # A container on docker2 uses held; the play runs on docker1 only.
    web.sh('docker2', 'docker run -d --name user2 -v held:/data %s sleep 3600' % BUSYBOX)
    purge_held = [{'name': 'held', 'gluster_volume': 'web', 'subdirectory': 'held', 'state': 'absent', 'purge': True}]
    before = dict((host, docker_state(web, host)) for host in web.docker_hosts)
    try:
        refused = web.run_play(volumes_play('docker1', purge_held))
        assert refused.returncode != 0, refused.stdout[-3000:]
        assert ('Refusing to remove the Docker volume held: it is used by the container(s) user2. Remove those '
                'containers first (stopped containers count too).' in refused.stdout), refused.stdout[-3000:]
        assert dict((host, docker_state(web, host)) for host in web.docker_hosts) == before
    finally:
        web.sh('docker2', 'docker rm -f user2', check=False)
    safety_matrix.verify_and_record(web, 'web', held_sums, 'purge with the docker_gluster_volumes role',
                                    'replica 3, 2 Docker hosts', 'a container on another Docker host uses the volume',
                                    'refused on every host, nothing changed', subdirectory='held')
    # Nothing uses it any more: every host removes its volume, the data goes once, and a re-run changes nothing.
    purged = web.run_play(volumes_play('docker_hosts', purge_held))
    assert purged.returncode == 0, purged.stdout[-3000:]
    for host in web.docker_hosts:
        assert 'held' not in docker_volumes(web, host)
    for node in web.nodes:
        assert web.sh(node, 'test -e %s/held' % BRICK, check=False).returncode != 0
    again = web.run_play(volumes_play('docker_hosts', purge_held))
    assert again.returncode == 0 and all(recap(again.stdout, host)['changed'] == 0 for host in web.docker_hosts), \
        again.stdout[-3000:]
    safety_matrix.verify_and_record(web, 'web', keep_sums, 'purge with the docker_gluster_volumes role',
                                    'replica 3, 2 Docker hosts', 'none', 'done, other data kept', subdirectory='keep')


def test_purge_deletes_only_its_own_directory(web):
    outer_volume(web)  # nothing holds apps: inner removed, no container binds it
    local_sums = local_volume_mine(web)
    files_in(web, 'keep', 60, 'k')
    keep_sums = gluster_sums(web, 'keep')
    result = succeeded(run(web, 'docker1', args(name='outer', subdirectory='apps', state='absent', purge=True)))
    assert result['actions'] == ['docker volume rm outer', 'rm -rf %s/apps' % MOUNT_POINT]
    assert web.sh('node1', 'test -e %s/apps' % BRICK, check=False).returncode != 0
    record_local_volume(web, 'docker1', 'mine', local_sums, 'purge next to a plain local Docker volume',
                        'done, other data kept')
    safety_matrix.verify_and_record(web, 'web', keep_sums, 'purge next to other data', 'replica 3, 2 Docker hosts',
                                    'none', 'done, other data kept', subdirectory='keep')


# --- a dead GlusterFS mount (the FUSE client killed) is mounted again; stale containers restarted --

NOT_CONNECTED = 'Transport endpoint is not connected'


def kill_fuse_client(lab, host, mount_point):
    """Kill -9 the glusterfs client of one mount (its command line ends with the mount point): the mount
    stays in mountinfo and answers ENOTCONN, as after a client crash in an outage."""
    lab.sh(host, 'for pid in $(pidof glusterfs); do tr "\\0" " " < /proc/$pid/cmdline | grep -q " %s *$" && '
                 'kill -9 $pid; done; sleep 1' % mount_point)
    probe = lab.sh(host, 'stat %s' % mount_point, check=False)
    assert probe.returncode != 0 and NOT_CONNECTED in probe.stderr, probe


def container_sums(lab, host, container):
    """Sorted 'md5  ./path' lines of the files under /data, read inside a running container, or the
    error it gets."""
    result = lab.sh(host, "docker exec %s sh -c 'cd /data && find . -type f | xargs md5sum'" % container, check=False)
    return sorted(result.stdout.splitlines()) if result.returncode == 0 else result.stderr


def names(containers):
    return [container['name'] for container in containers]


def test_dead_mount_is_mounted_again_and_its_containers_restarted(web):
    succeeded(run(web, 'docker1', args(name='stale')))
    brick_data.write_files(web, 'docker1', MOUNT_POINT + '/stale', count=60, prefix='s')
    sums = gluster_sums(web, 'stale')
    web.sh('docker1', 'docker run -d --name stale-user -v stale:/data %s sleep 3600' % BUSYBOX)
    try:
        assert container_sums(web, 'docker1', 'stale-user') == sorted(sums)
        kill_fuse_client(web, 'docker1', MOUNT_POINT)
        assert NOT_CONNECTED in container_sums(web, 'docker1', 'stale-user')
        remount = ['umount -l %s' % MOUNT_POINT,
                   'mount -t glusterfs -o backup-volfile-servers=node2:node3 node1:/web %s' % MOUNT_POINT]

        # Check mode lists the remount and the restart, and does neither.
        checked = succeeded(run(web, 'docker1', args(name='stale', restart_containers=True), check=True))
        assert checked['changed'] and checked['actions'] == remount + [
            'mkdir -p %s/stale (owner 33, group 33, mode 0750) (if missing)' % MOUNT_POINT,
            'docker stop stale-user', 'docker start stale-user'], checked
        assert names(checked['stale_containers']) == names(checked['restarted_containers']) == ['stale-user']
        assert NOT_CONNECTED in web.sh('docker1', 'stat %s' % MOUNT_POINT, check=False).stderr
        assert NOT_CONNECTED in container_sums(web, 'docker1', 'stale-user')

        # Remounted and proven live; the container still holds the dead bind, and is named.
        result = succeeded(run(web, 'docker1', args(name='stale')))
        assert result['changed'] and result['actions'] == remount, result
        assert result['mount']['live'] and result['mount']['remounted_dead_mount']
        assert names(result['stale_containers']) == ['stale-user'] and result['restarted_containers'] == []
        assert any('stale-user still hold the dead mount' in warning for warning in result.get('warnings', [])), result
        # The dead mount is detached: one mount of web is left at the mount point, the new one.
        assert len([line for line in gluster_mounts(web, 'docker1') if ' %s ' % MOUNT_POINT in line]) == 1
        assert gluster_sums(web, 'stale') == sums
        assert NOT_CONNECTED in container_sums(web, 'docker1', 'stale-user')

        # Restarted: the container reads the same files again.
        restarted = succeeded(run(web, 'docker1', args(name='stale', restart_containers=True)))
        assert restarted['changed'] and restarted['actions'] == ['docker stop stale-user', 'docker start stale-user']
        assert names(restarted['restarted_containers']) == ['stale-user']
        assert container_sums(web, 'docker1', 'stale-user') == sorted(sums)

        again = succeeded(run(web, 'docker1', args(name='stale', restart_containers=True)))
        assert not again['changed'] and again['actions'] == [] and again['stale_containers'] == [], again
    finally:
        web.sh('docker1', 'docker rm -f stale-user', check=False)
    safety_matrix.verify_and_record(web, 'web', sums, 'remount a dead GlusterFS mount, restart its containers',
                                    'replica 3, 2 Docker hosts', 'FUSE client killed on a Docker host',
                                    'done; the container reads its files again', subdirectory='stale')


def test_role_mounts_a_dead_mount_again_and_restarts_its_containers(web):
    # The role mounts web at /mnt/role/web (fstab) on docker1, unless mounted there already.
    items = [{'name': 'rolestale', 'gluster_volume': 'web', 'subdirectory': 'rolestale'}]
    created = web.run_play(volumes_play('docker1', items))
    assert created.returncode == 0, created.stdout[-3000:]
    brick_data.write_files(web, 'docker1', '/mnt/role/web/rolestale', count=30, prefix='r')
    sums = brick_data.checksums(web, 'docker1', '/mnt/role/web/rolestale')
    web.sh('docker1', 'docker run -d --name role-stale-user -v rolestale:/data %s sleep 3600' % BUSYBOX)
    try:
        kill_fuse_client(web, 'docker1', '/mnt/role/web')
        assert NOT_CONNECTED in container_sums(web, 'docker1', 'role-stale-user')
        repaired = web.run_play(volumes_play('docker1', items, docker_gluster_volumes_restart_containers=True))
        assert repaired.returncode == 0, repaired.stdout[-3000:]
        repair_output = [chunk for chunk in repaired.stdout.split('TASK [')
                         if chunk.split(']')[0].endswith('Mount the dead GlusterFS mounts again')]
        assert len(repair_output) == 1, repaired.stdout[-3000:]
        assert 'changed: [docker1] => (item=web)' in repair_output[0], repair_output[0]
        assert container_sums(web, 'docker1', 'role-stale-user') == sorted(sums)
        again = web.run_play(volumes_play('docker1', items, docker_gluster_volumes_restart_containers=True))
        assert again.returncode == 0 and recap(again.stdout, 'docker1')['changed'] == 0, again.stdout[-3000:]
    finally:
        web.sh('docker1', 'docker rm -f role-stale-user', check=False)
    safety_matrix.verify_and_record(web, 'web', sums, 'remount a dead GlusterFS mount with the docker_gluster_volumes '
                                    'role, restart its containers', 'replica 3, 2 Docker hosts',
                                    'FUSE client killed on a Docker host', 'done; the container reads its files again',
                                    subdirectory='rolestale')


# --- a hung GlusterFS mount (the FUSE client stopped) is refused within its time; nothing changes --

HUNG_SECONDS = 5
# Far more than the module needs with HUNG_SECONDS (ansible-playbook included), far less than forever.
OUTER_SECONDS = 180


def fuse_client_pids(lab, host, mount_point):
    """The pids of the glusterfs clients of one mount (their command line ends with the mount point)."""
    return lab.sh(host, 'for pid in $(pidof glusterfs); do tr "\\0" " " < /proc/$pid/cmdline | grep -q " %s *$" && '
                        'echo $pid; done; true' % mount_point).stdout.split()


def health_playbook(lab):
    """playbooks/health.yml on the lab; returns (rc, output)."""
    completed = subprocess.run(['ansible-playbook', '-i', lab.inventory, 'playbooks/health.yml'],
                               capture_output=True, text=True, cwd=lab.root, check=False, timeout=OUTER_SECONDS)
    return completed.returncode, completed.stdout + completed.stderr


def test_hung_mount_is_refused_within_its_time_and_nothing_changes(web):
    """kill -STOP of the FUSE client: a stat of the mount blocks (a dead client, killed, answers
    ENOTCONN at once). The module must return within stat_timeout with the hung-mount refusal, run
    no umount or mount and change nothing; health.yml names the mount as not answering."""
    succeeded(run(web, 'docker1', args(name='hung')))
    brick_data.write_files(web, 'docker1', MOUNT_POINT + '/hung', count=40, prefix='h')
    sums = gluster_sums(web, 'hung')
    mounts_before, volumes_before = gluster_mounts(web, 'docker1'), docker_volumes(web, 'docker1')
    pids = fuse_client_pids(web, 'docker1', MOUNT_POINT)
    assert len(pids) == 1, pids
    web.sh('docker1', 'kill -STOP %s' % pids[0])
    try:
        # The attribute cache may answer for a second; then a stat blocks until killed.
        probe = web.sh('docker1', 'sleep 2; timeout -s KILL 3 stat %s' % MOUNT_POINT, check=False)
        assert probe.returncode in (124, 137), probe
        started = time.monotonic()
        result = run(web, 'docker1', args(name='hung', stat_timeout=HUNG_SECONDS), timeout=OUTER_SECONDS)
        seconds = time.monotonic() - started
        failed(result, '%s does not answer within %d s (hung FUSE client; fuse.glusterfs node1:/web is mounted there): '
                       'nothing was changed, and a hung mount is not mounted again' % (MOUNT_POINT, HUNG_SECONDS),
               'kill -CONT PID')
        assert not result['changed'] and result['actions'] == [] and result['mount']['hung'], result
        assert seconds < 90, seconds
        assert gluster_mounts(web, 'docker1') == mounts_before and docker_volumes(web, 'docker1') == volumes_before
        assert fuse_client_pids(web, 'docker1', MOUNT_POINT) == pids

        rc, output = health_playbook(web)
        assert rc != 0
        assert ('docker1: mount %s of volume web does not answer within 20 s (hung FUSE client)' % MOUNT_POINT
                in output), output[-3000:]
    finally:
        web.sh('docker1', 'kill -CONT %s' % pids[0], check=False)
    # Continued, the same client answers again (after a reconnect if it missed its pings): nothing to repair.
    web.sh('docker1', 'for i in $(seq 1 120); do stat %s >/dev/null 2>&1 && ls %s/hung >/dev/null 2>&1 && exit 0; '
                      'sleep 1; done; exit 1' % (MOUNT_POINT, MOUNT_POINT))
    again = succeeded(run(web, 'docker1', args(name='hung', stat_timeout=HUNG_SECONDS), timeout=OUTER_SECONDS))
    assert not again['changed'] and again['actions'] == [] and again['mount']['live'], again
    assert fuse_client_pids(web, 'docker1', MOUNT_POINT) == pids
    web.sh('docker1', 'docker volume rm hung')
    safety_matrix.verify_and_record(web, 'web', sums, 'docker_gluster_volume on a hung GlusterFS mount',
                                    'replica 3, 2 Docker hosts', 'FUSE client stopped (SIGSTOP) on a Docker host',
                                    'refused within stat_timeout, nothing changed', subdirectory='hung')


# --- the list form: many Docker volumes in one task -------------------------------------------------

DATA_MOUNT_POINT = '/mnt/glusterfs/data'
# Five Docker volumes on two GlusterFS volumes (web and data); they hold the data the tests write.
LIST_ENTRIES = [
    {'name': 'l-site', 'gluster_volume': 'web', 'owner': '33', 'group': '33', 'mode': '0750'},
    {'name': 'l-logs', 'gluster_volume': 'data'},
    {'name': 'l-assets', 'gluster_volume': 'web', 'subdirectory': 'l-site-assets', 'labels': {'app': 'web'}},
    {'name': 'l-db', 'gluster_volume': 'data', 'subdirectory': 'pg/main', 'mode': '0700'},
    {'name': 'l-cache', 'gluster_volume': 'web'},
]
# Counts the Docker API requests of a module run: a socket that forwards to dockerd's and logs what
# the client sends (the request lines are what counts).
API_PROXY = r'''
import os, socket, sys, threading
listen, target, log = sys.argv[1:4]

def pump(source, sink, logged):
    try:
        while True:
            data = source.recv(65536)
            if not data:
                break
            if logged:
                with open(log, 'ab') as handle:
                    handle.write(data)
            sink.sendall(data)
    except OSError:
        pass
    finally:
        for end in (source, sink):
            try:
                end.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

def serve(client):
    upstream = socket.socket(socket.AF_UNIX)
    upstream.connect(target)
    threading.Thread(target=pump, args=(client, upstream, True), daemon=True).start()
    pump(upstream, client, False)

if os.path.exists(listen):
    os.unlink(listen)
server = socket.socket(socket.AF_UNIX)
server.bind(listen)
server.listen(16)
while True:
    threading.Thread(target=serve, args=(server.accept()[0],), daemon=True).start()
'''
COUNTED_SOCKET = '/run/glusterdock-counted-docker.sock'
API_LOG = '/tmp/glusterdock-docker-api.log'


def list_args(entries=None, **task):
    """The list-form task: every entry with the servers (the mount point is the default one)."""
    return dict(task, volumes=[dict(entry, servers=list(SERVERS)) for entry in (entries or LIST_ENTRIES)])


@pytest.fixture(scope='module')
def web_and_data(web):
    """web, and the started replica 3 volume data."""
    for node in web.nodes:
        web.sh(node, 'mkdir -p /bricks/data')
    web.gluster('node1', 'volume', 'create', 'data', 'replica', '3', *['%s:/bricks/data/b' % node for node in web.nodes])
    web.gluster('node1', 'volume', 'start', 'data')
    assert 'Started' in web.gluster('node1', 'volume', 'info', 'data')
    return web


@pytest.fixture(scope='module')
def docker_api_counter(web_and_data):
    """count() -> the Docker API requests made through COUNTED_SOCKET on docker1 since the last call,
    as 'METHOD /path' (the API version left out)."""
    lab = web_and_data
    lab.sh('docker1', 'cat > /usr/local/bin/glusterdock-api-proxy', stdin=API_PROXY)
    lab.sh('docker1', 'systemctl stop glusterdock-api-proxy 2>/dev/null; systemctl reset-failed glusterdock-api-proxy '
                      '2>/dev/null; systemd-run --unit glusterdock-api-proxy /usr/bin/python3 /usr/local/bin/glusterdock-api-proxy '
                      '%s /var/run/docker.sock %s && for i in $(seq 1 50); do test -S %s && exit 0; sleep 0.2; done; '
                      'exit 1' % (COUNTED_SOCKET, API_LOG, COUNTED_SOCKET))

    def count():
        text = lab.sh('docker1', 'cat %s 2>/dev/null; : > %s' % (API_LOG, API_LOG)).stdout
        # Anywhere in the stream: a request right after a body without a final newline starts mid-line.
        return ['%s %s' % (method, path) for method, _version, path in
                re.findall(r'(GET|POST|PUT|DELETE|HEAD) (/v[\d.]+)?(/\S*) HTTP/1\.[01]\r?\n', text)]

    yield count
    lab.sh('docker1', 'systemctl stop glusterdock-api-proxy', check=False)


def list_entries_gone(lab):
    """Both Docker hosts bare, and the list entries' data gone from web and data."""
    bare_docker_hosts(lab)
    for host in lab.docker_hosts:
        lab.sh(host, 'rmdir %s /mnt/glusterfs 2>/dev/null; true' % DATA_MOUNT_POINT)
    remove_from_web(lab, 'l-site', 'l-site-assets', 'l-cache')
    path = brick_data.mount(lab, 'node1', 'data')
    lab.sh('node1', 'rm -rf %s/l-logs %s/pg' % (path, path))


def volume_listings(requests):
    return [request for request in requests if request.split('?')[0] == 'GET /volumes']


def test_list_form_creates_five_volumes_on_two_gluster_volumes_in_one_task(web_and_data, docker_api_counter):
    lab = web_and_data
    list_entries_gone(lab)
    docker_api_counter()
    result = succeeded(run(lab, 'docker1', list_args(docker_host='unix://' + COUNTED_SOCKET), diff=True))
    requests = docker_api_counter()
    assert result['changed']
    assert [action for action in result['actions'] if action.startswith('mount ')] == [
        'mount -t glusterfs -o backup-volfile-servers=node2:node3 node1:/web %s' % MOUNT_POINT,
        'mount -t glusterfs -o backup-volfile-servers=node2:node3 node1:/data %s' % DATA_MOUNT_POINT]
    assert [action.split()[-1] for action in result['actions'] if action.startswith('docker volume create')] == [
        entry['name'] for entry in LIST_ENTRIES]
    # One volume listing for the task; no inspect of a volume that did not exist (one after each create).
    assert len(volume_listings(requests)) == 1, requests
    assert [request for request in requests if request.startswith('GET /volumes/')] == [
        'GET /volumes/%s' % entry['name'] for entry in LIST_ENTRIES], requests
    assert [(mount['gluster_volume'], mount['live'], mount['mounted_by_task'], len(mount['entries']))
            for mount in result['mounts']] == [('web', True, True, 3), ('data', True, True, 2)]
    assert [(item['name'], item['changed'], item['failed']) for item in result['results']] == [
        (entry['name'], True, False) for entry in LIST_ENTRIES]
    assert [diff['before_header'] for diff in result['diff']] == ['Docker volume %s' % entry['name']
                                                                  for entry in LIST_ENTRIES]
    assert sorted(docker_volumes(lab, 'docker1')) == sorted(entry['name'] for entry in LIST_ENTRIES)
    assert lab.sh('docker1', 'stat -c "%%a %%u" %s/pg/main %s/l-site' % (DATA_MOUNT_POINT, MOUNT_POINT)).stdout.split() \
        == ['700', '0', '750', '33']

    # Data written through the Docker volumes, then a second run: nothing changes, nothing is touched.
    in_container(lab, 'docker1', 'mkdir -p /data/a && for i in 1 2 3 4 5 6 7 8; do dd if=/dev/urandom '
                                 'of=/data/a/f$i bs=1k count=32 2>/dev/null; done', volume='l-site')
    in_container(lab, 'docker1', 'for i in 1 2 3 4 5 6; do dd if=/dev/urandom of=/data/db$i bs=1k count=16 '
                                 '2>/dev/null; done', volume='l-db')
    site_sums, db_sums = gluster_sums(lab, 'l-site'), brick_data.checksums(lab, 'docker1', DATA_MOUNT_POINT + '/pg/main')
    docker_api_counter()
    again = succeeded(run(lab, 'docker1', list_args(docker_host='unix://' + COUNTED_SOCKET), diff=True))
    requests = docker_api_counter()
    assert not again['changed'] and again['actions'] == [], again
    # What the listing reports compares as equal to what the entries want, as inspect did: no difference.
    assert all(not item['changed'] and item['differences'] == [] and item['diff']['before'] == item['diff']['after']
               for item in again['results']), again['results']
    # The whole no-op: one volume listing and one container listing for five Docker volumes, one mount
    # check per GlusterFS volume (two, found live and not mounted again).
    assert len(volume_listings(requests)) == 1 and not [request for request in requests
                                                        if request.startswith('GET /volumes/')], requests
    assert len([request for request in requests if request.startswith('GET /containers/json')]) == 1, requests
    assert [(mount['gluster_volume'], mount['live'], mount['mounted_by_task']) for mount in again['mounts']] == [
        ('web', True, False), ('data', True, False)]
    assert len(gluster_mounts(lab, 'docker1')) == 2
    safety_matrix.verify_and_record(lab, 'web', site_sums, 'second run of a list of 5 Docker volumes',
                                    'replica 3, 2 Docker hosts', 'none', 'nothing changed', subdirectory='l-site')
    safety_matrix.verify_and_record(lab, 'data', db_sums, 'second run of a list of 5 Docker volumes',
                                    'replica 3, 2 Docker hosts', 'none', 'nothing changed', subdirectory='pg/main')


def test_list_form_check_mode_lists_every_action_and_does_nothing(web_and_data):
    lab = web_and_data
    list_entries_gone(lab)
    before = host_state(lab, 'docker1')
    result = succeeded(run(lab, 'docker1', list_args(), check=True))
    assert result['changed']
    assert result['actions'] == [
        'mkdir -p %s' % MOUNT_POINT,
        'mount -t glusterfs -o backup-volfile-servers=node2:node3 node1:/web %s' % MOUNT_POINT,
        'mkdir -p %s/l-site (owner 33, group 33, mode 0750) (if missing)' % MOUNT_POINT,
        result['actions'][3],
        'mkdir -p %s' % DATA_MOUNT_POINT,
        'mount -t glusterfs -o backup-volfile-servers=node2:node3 node1:/data %s' % DATA_MOUNT_POINT,
        'mkdir -p %s/l-logs (if missing)' % DATA_MOUNT_POINT,
        result['actions'][7],
        'mkdir -p %s/l-site-assets (if missing)' % MOUNT_POINT,
        result['actions'][9],
        'mkdir -p %s/pg/main (mode 0700) (if missing)' % DATA_MOUNT_POINT,
        result['actions'][11],
        'mkdir -p %s/l-cache (if missing)' % MOUNT_POINT,
        result['actions'][13]]
    assert [result['actions'][index].split()[-1] for index in (3, 7, 9, 11, 13)] == [
        entry['name'] for entry in LIST_ENTRIES]
    assert all(result['actions'][index].startswith('docker volume create --driver local') for index in (3, 7, 9, 11, 13))
    assert [(mount['gluster_volume'], mount['live'], mount['mounted_by_task']) for mount in result['mounts']] == [
        ('web', False, True), ('data', False, True)]
    assert host_state(lab, 'docker1') == before


def test_list_form_refuses_a_bad_entry_before_anything_is_touched(web_and_data):
    lab = web_and_data
    list_entries_gone(lab)
    before = host_state(lab, 'docker1')
    # Bad input: refused before any Docker call (the socket does not exist) or mount.
    entries = LIST_ENTRIES[:3] + [dict(LIST_ENTRIES[3], name='web-data', subdirectory='../../etc')] + LIST_ENTRIES[4:]
    result = failed(run(lab, 'docker1', list_args(entries, docker_host='unix:///nonexistent/docker.sock')))
    assert result['msg'] == ("volumes[3] (name web-data): subdirectory: '../../etc' must not contain \"..\" (it would "
                             "leave the GlusterFS mount). Nothing was changed."), result
    assert result['actions'] == [] and host_state(lab, 'docker1') == before
    # A plain local volume of an entry's name: every entry is checked against Docker before the first change,
    # so the entries before it are not created either and nothing is mounted.
    local_sums = local_volume_mine(lab)
    before = host_state(lab, 'docker1')
    entries = LIST_ENTRIES[:4] + [{'name': 'mine', 'gluster_volume': 'web'}] + LIST_ENTRIES[4:]
    result = failed(run(lab, 'docker1', list_args(entries)))
    assert result['msg'].startswith('volumes[4] (name mine): Refusing to use the Docker volume mine: it is not one '
                                    'this collection made for GlusterFS volume web, subdirectory mine'), result
    assert result['msg'].endswith('No entry was changed: every entry is checked before the first change.')
    assert result['actions'] == [] and not result['changed']
    assert host_state(lab, 'docker1') == before and gluster_mounts(lab, 'docker1') == []
    record_local_volume(lab, 'docker1', 'mine', local_sums, 'a list of Docker volumes with one of a plain local '
                        "volume's name", 'refused before any change')


def test_role_applies_its_list_in_one_task(web_and_data):
    lab = web_and_data
    list_entries_gone(lab)
    items = [dict(entry, subdirectory='role-' + entry.get('subdirectory', entry['name']).replace('/', '-'))
             for entry in LIST_ENTRIES]
    created = lab.run_play(volumes_play('docker1', items))
    assert created.returncode == 0, created.stdout[-3000:]
    task_output = [chunk for chunk in created.stdout.split('TASK [')
                   if chunk.split(']')[0].endswith('Create or remove the Docker volumes on GlusterFS')]
    # One task for the five Docker volumes, not one item each.
    assert len(task_output) == 1 and 'item=' not in task_output[0] and 'changed: [docker1]' in task_output[0], \
        task_output
    assert set(entry['name'] for entry in LIST_ENTRIES) <= set(docker_volumes(lab, 'docker1'))
    again = lab.run_play(volumes_play('docker1', items))
    assert again.returncode == 0 and recap(again.stdout, 'docker1')['changed'] == 0, again.stdout[-3000:]


# --- tuning profiles of the gluster_volumes role: applied once, and correct with two clients ----

# The profiles that ship (plugins/module_utils/gluster_volume_profiles.py). The candidate
# containers of bench/profiles_cost.py, run here as a profile, failed the two-client test, also
# with COHERENCE_SECONDS of 5 (bench/results/profiles.md).
TUNED_PROFILES = ['default']
TUNED_CLIENT = 'tuned-client'
# Gluster's own cache window is one second (FUSE entry and attribute timeouts, md-cache); the
# rest is room for a loaded 2-core machine, where one docker exec takes about a second.
COHERENCE_SECONDS = 5


def tuned_volume(profile):
    return 'tuned-' + profile


def tuned_volumes_play(definitions):
    return {'hosts': 'gluster_servers', 'gather_facts': False,
            'roles': [{'role': 'glusterdock.storage.gluster_volumes',
                       'vars': {'gluster_volumes_list': definitions, 'gluster_volumes_restrict_clients': False}}]}


def reconfigured_options(lab, volume):
    """The options volume info lists for a volume (those set on it), key -> value."""
    text = lab.gluster('node1', 'volume', 'info', volume)
    return dict(re.findall(r'^([\w.-]+): (.*)$', text.split('Options Reconfigured:')[1], re.MULTILINE))


@pytest.fixture(scope='module')
def tuned(web):
    """A replica 3 volume per shipped profile, made by the gluster_volumes role, each with one option
    of its own."""
    definitions = [{'name': tuned_volume(profile), 'replica': 3, 'profile': profile,
                    'options': {'performance.cache-size': '64MB'}} for profile in TUNED_PROFILES]
    created = web.run_play(tuned_volumes_play(definitions))
    assert created.returncode == 0, created.stdout[-3000:]
    return web, definitions


def test_role_refuses_an_unknown_profile_before_any_gluster_call(web):
    web.reset_call_log()
    refused = web.run_play(tuned_volumes_play([{'name': 'tuned-other', 'replica': 3, 'profile': 'fast'}]))
    assert refused.returncode != 0
    assert ("gluster_volumes_list: volume tuned-other: profile 'fast' is unknown; the profiles are: default"
            in refused.stdout), refused.stdout[-3000:]
    assert [web.call_log(node) for node in web.nodes] == [[], [], []]


def test_role_applies_each_profile_once_and_a_rerun_changes_nothing(tuned):
    lab, definitions = tuned
    # default adds nothing: the options of a volume made with the plain CLI (web), and its own.
    assert reconfigured_options(lab, tuned_volume('default')) == dict(reconfigured_options(lab, 'web'),
                                                                      **{'performance.cache-size': '64MB'})
    again = lab.run_play(tuned_volumes_play(definitions))
    assert again.returncode == 0 and set(re.findall(r'changed=(\d+)', again.stdout.split('PLAY RECAP')[1])) == {'0'}, \
        again.stdout[-3000:]


def client_sh(lab, host, script):
    """SCRIPT in the long-running busybox container on HOST; its stdout (fails on an error)."""
    return lab.sh(host, 'docker exec %s sh -c "%s"' % (TUNED_CLIENT, script)).stdout


@pytest.mark.parametrize('profile', TUNED_PROFILES)
def test_two_clients_see_every_change_of_the_other_at_once(tuned, profile):
    """Each change made in a container on one Docker host is seen, with the same bytes, by a
    container on the other host within the client's cache window: a new file the reader looked up
    (and missed) just before, an overwrite of a file it has stat'ed, a rename, an unlink and a
    re-create. The reader's caches are primed each time, which is where metadata caching would
    serve stale answers.

    GlusterFS's FUSE client lets the kernel keep names and attributes for a second
    (entry-timeout, attribute-timeout) and md-cache keeps them for a second too, so with gluster's
    own defaults a reader that looks within that second can still see the old size or name (seen
    in CI: docker2 read the old length of a file docker1 had just shrunk). The reader asks again
    until COHERENCE_SECONDS have passed; a profile that caches longer fails here."""
    lab, _definitions = tuned
    volume = tuned_volume(profile)
    for host in lab.docker_hosts:
        succeeded(run(lab, host, args(name=volume, gluster_volume=volume, subdirectory='data', owner='0', group='0',
                                      mode='0755', labels={})))
        lab.sh(host, 'docker rm -f %s >/dev/null 2>&1; docker run -d --name %s -v %s:/data %s sleep 3600'
               % (TUNED_CLIENT, TUNED_CLIENT, volume, BUSYBOX))
    try:
        # Every change from docker1; back from docker2 the write alone (each nested exec costs a second in CI).
        for writer, reader, step_count in (('docker1', 'docker2', None), ('docker2', 'docker1', 1)):
            folder = '/data/from-' + writer
            client_sh(lab, writer, 'rm -rf %s && mkdir %s' % (folder, folder))
            # The reader looks the name up before it exists (a negative entry a cache could keep).
            assert 'No such file' in client_sh(lab, reader, 'ls -la %s; cat %s/f 2>&1; true' % (folder, folder))
            steps = [
                ('head -c 65536 /dev/urandom > {0}/f && md5sum {0}/f', 'md5sum {0}/f'),
                # An overwrite that shrinks the file the reader has just stat'ed and read.
                ('head -c 1000 /dev/urandom > {0}/f && md5sum {0}/f', 'md5sum {0}/f'),
                ('mv {0}/f {0}/g && ls {0} && md5sum {0}/g', 'ls {0} && md5sum {0}/g'),
                ('rm {0}/g && ls {0} && echo gone', 'ls {0} && test ! -e {0}/g && echo gone'),
                ('head -c 3000 /dev/urandom > {0}/g && md5sum {0}/g && wc -c < {0}/g', 'md5sum {0}/g && wc -c < {0}/g'),
            ]
            for change, check in steps[:step_count]:
                written = client_sh(lab, writer, change.format(folder))
                deadline = time.time() + COHERENCE_SECONDS
                seen = client_sh(lab, reader, check.format(folder) + ' 2>&1; true')
                while seen != written and time.time() < deadline:
                    time.sleep(0.5)
                    seen = client_sh(lab, reader, check.format(folder) + ' 2>&1; true')
                assert seen == written, (profile, writer, change, written, seen)
    finally:
        for host in lab.docker_hosts:
            lab.sh(host, 'docker rm -f %s' % TUNED_CLIENT, check=False)


# --- Swarm services on GlusterFS (docker_swarm, docker_services) --------------------------------

# The service's task: on start, verifies every file earlier tasks wrote (md5sum -c of their sums,
# result in check-<its container id>), then writes checksummed files, each renamed into place
# whole, until stopped (TERM ends it between two files).
SWARM_WRITER = '''trap "exit 0" TERM
cd /data
if [ -f sums ]; then md5sum -c sums > check-$HOSTNAME 2>&1; echo "rc=$?" >> check-$HOSTNAME; fi
n=0
while true; do
  n=$((n+1)); f=$HOSTNAME-$n
  head -c 8192 /dev/urandom > .$f.tmp && mv .$f.tmp $f && md5sum $f >> sums
  sleep 0.2
done'''
SWARM_DATA = '/mnt/role/web/swarmdata'
# How many data files the tasks wrote (a shell expression).
SWARM_FILE_COUNT = "$(ls %s | grep -v -e '^check-' -e '^sums$' | wc -l)" % SWARM_DATA


def swarm_play(services=None):
    services = services or [{'name': 'writer', 'image': BUSYBOX + ':latest', 'command': ['sh', '-c', SWARM_WRITER],
                             'volumes': ['swarmdata:/data']}]
    return {'hosts': 'docker_hosts', 'gather_facts': False,
            'roles': [{'role': 'glusterdock.storage.docker_swarm'},
                      {'role': 'glusterdock.storage.docker_services', 'vars': {'docker_services_list': services}}]}


def swarm_state(lab, host):
    return lab.sh(host, "docker info --format '{{.Swarm.LocalNodeState}}'").stdout.strip()


def wait_for(lab, host, script, what, seconds=120):
    """Run SCRIPT on HOST every second until it succeeds; fail naming WHAT after SECONDS."""
    result = lab.sh(host, 'for i in $(seq 1 %d); do (%s) && exit 0; sleep 1; done; exit 1' % (seconds, script),
                    check=False)
    assert result.returncode == 0, 'no %s after %d s: %s%s' % (what, seconds, result.stdout, result.stderr)
    return result.stdout.strip()


def no_swarm(lab):
    """Both Docker hosts out of any Swarm, its services' containers gone (the data on web stays)."""
    lab.sh('docker1', 'docker service rm $(docker service ls -q) >/dev/null 2>&1; true')
    for host in lab.docker_hosts:
        lab.sh(host, 'docker swarm leave --force >/dev/null 2>&1; true')
        wait_for(lab, host, '[ -z "$(docker ps -aq --filter label=com.docker.swarm.service.name)" ]',
                 'end of the service containers')
        assert swarm_state(lab, host) == 'inactive'


def swarmdata_on_both_hosts(lab):
    """No Swarm, and an empty Docker volume swarmdata (web/swarmdata) on both hosts, made by the role."""
    no_swarm(lab)
    for host in lab.docker_hosts:
        lab.sh(host, 'docker volume rm swarmdata >/dev/null 2>&1; true')
    remove_from_web(lab, 'swarmdata')
    made = lab.run_play(volumes_play('docker_hosts', [{'name': 'swarmdata', 'gluster_volume': 'web',
                                                       'subdirectory': 'swarmdata'}]))
    assert made.returncode == 0, made.stdout[-3000:]


def running_task_node(lab, other_than=''):
    """The node of the writer's running task (other than OTHER_THAN); waits for one."""
    return wait_for(lab, 'docker1', "node=$(docker service ps writer --filter desired-state=running --format "
                                    "'{{.Node}} {{.CurrentState}}' | grep ' Running' | cut -d' ' -f1 | grep -vx '%s') "
                                    "&& echo $node" % other_than, 'running task of the service writer')


def written_by_tasks(lab):
    """The data files the tasks wrote ('md5  ./name' lines), read through docker1's mount."""
    return [line for line in brick_data.checksums(lab, 'docker1', SWARM_DATA)
            if not re.search(r'  \./(\.|sums$|check-)', line)]


def test_swarm_service_moves_with_its_data_when_its_node_is_drained(web):
    swarmdata_on_both_hosts(web)
    try:
        # Check mode before any Swarm: the Swarm and the service are predicted, nothing is made.
        checked = web.run_play(swarm_play(), check=True)
        assert checked.returncode == 0, checked.stdout[-3000:]
        # docker1: the Swarm, its node label, the service; docker2: the join, its node label.
        assert recap(checked.stdout, 'docker1')['changed'] == 3 and recap(checked.stdout, 'docker2')['changed'] == 2, \
            checked.stdout[-3000:]
        assert [swarm_state(web, host) for host in web.docker_hosts] == ['inactive', 'inactive']

        # A node that lacks the GlusterFS volume (a task there would get an empty local one): the
        # Swarm forms, no service is made.
        web.sh('docker2', 'docker volume rm swarmdata')
        refused = web.run_play(swarm_play())
        assert refused.returncode != 0, refused.stdout[-3000:]
        assert ('container writer: the Docker volume swarmdata does not exist; Docker would create an empty local '
                'volume' in refused.stdout), refused.stdout[-3000:]
        assert ('No service was changed: the Swarm node(s) docker2 were not checked for the volumes and images (they '
                'failed above or are not in this play); run the role on every node of the Swarm.'
                in refused.stdout), refused.stdout[-3000:]
        assert web.sh('docker1', 'docker service ls -q').stdout.strip() == ''
        assert 'swarmdata' not in docker_volumes(web, 'docker2')
        # No node is labelled as checked while one of them failed.
        assert web.sh('docker1', "docker node inspect docker1 --format '{{json .Spec.Labels}}'").stdout.strip() in (
            '{}', 'null')

        made = web.run_play(volumes_play('docker2', [{'name': 'swarmdata', 'gluster_volume': 'web',
                                                      'subdirectory': 'swarmdata'}]))
        assert made.returncode == 0, made.stdout[-3000:]
        # A label of the user's own on docker2 stays (the role merges its labels).
        web.sh('docker1', 'docker node update --label-add team=web docker2')
        made = web.run_play(swarm_play())
        assert made.returncode == 0, made.stdout[-3000:]
        nodes = web.sh('docker1', "docker node ls --format '{{.Hostname}} {{.Status}} {{.ManagerStatus}}'").stdout
        assert sorted(nodes.splitlines()) == ['docker1 Ready Leader', 'docker2 Ready ']
        # Tasks go only to nodes that checked swarmdata: a node that joins later stays without them.
        placement = web.sh('docker1', "docker service inspect writer --format "
                                      "'{{json .Spec.TaskTemplate.Placement.Constraints}}'").stdout
        assert json.loads(placement) == ['node.labels.glusterdock.volumes.swarmdata == checked']
        labels = web.sh('docker1', "docker node inspect docker1 docker2 --format '{{json .Spec.Labels}}'").stdout
        assert [json.loads(line) for line in labels.splitlines()] == [
            {'glusterdock.volumes.swarmdata': 'checked'},
            {'glusterdock.volumes.swarmdata': 'checked', 'team': 'web'}]
        first = running_task_node(web)
        wait_for(web, 'docker1', '[ %s -ge 20 ]' % SWARM_FILE_COUNT, '20 files from the service')
        before = written_by_tasks(web)
        assert len(before) >= 20

        web.sh('docker1', 'docker node update --availability drain %s' % first)
        second = running_task_node(web, other_than=first)
        assert second != first
        # The new task read every file back (md5sum -c) and goes on writing next to them.
        check = wait_for(web, 'docker1', 'cat %s/check-* | grep rc=' % SWARM_DATA, "the new task's check")
        assert check == 'rc=0', web.sh('docker1', 'cat %s/check-*' % SWARM_DATA).stdout
        assert 'FAILED' not in web.sh('docker1', 'cat %s/check-*' % SWARM_DATA).stdout
        wait_for(web, 'docker1', '[ %s -ge %d ]' % (SWARM_FILE_COUNT, len(before) + 10),
                 'new files from the moved task')
        safety_matrix.verify_and_record(web, 'web', before, 'drain the Swarm node running a service (docker_services)',
                                        'replica 3, 2 Docker hosts in a Swarm', 'none',
                                        'task moved to the other node, read every file, wrote on',
                                        subdirectory='swarmdata')

        # Idempotence (the check run before the Swarm existed changed nothing, above).
        version = web.sh('docker1', "docker service inspect writer --format '{{.Version.Index}}'").stdout
        again = web.run_play(swarm_play())
        assert again.returncode == 0, again.stdout[-3000:]
        assert [recap(again.stdout, host)['changed'] for host in web.docker_hosts] == [0, 0], again.stdout[-3000:]
        assert web.sh('docker1', "docker service inspect writer --format '{{.Version.Index}}'").stdout == version

        # A host of another Swarm is neither taken over nor made to leave: the play fails there.
        web.sh('docker2', 'docker swarm leave --force >/dev/null && docker swarm init --advertise-addr $(hostname -i)')
        own_swarm = web.sh('docker2', "docker info --format '{{.Swarm.NodeID}}'").stdout
        other = web.run_play(swarm_play())
        assert other.returncode != 0, other.stdout[-3000:]
        assert ('docker2 is not a node of the Swarm of docker1 (it belongs to another Swarm: leave it there first, '
                '`docker swarm leave`).' in other.stdout), other.stdout[-3000:]
        assert web.sh('docker2', "docker info --format '{{.Swarm.NodeID}}'").stdout == own_swarm
    finally:
        web.sh('docker1', 'docker node update --availability active docker1; '
                          'docker node update --availability active docker2', check=False)
        no_swarm(web)
        for host in web.docker_hosts:
            web.sh(host, 'docker volume rm swarmdata >/dev/null 2>&1; true')


# --- playbooks/backup.yml and playbooks/restore.yml (restic) on docker1 ------------------------------

RESTIC_REPOSITORY = '/var/backups/glusterdock-restic'
RESTIC_CACHE = "/var/cache/glusterdock restic's cache"
# A mount root below a directory of the host that is empty and must stay.
BACKUP_PARENT = '/var/tmp/glusterdock-empty'
BACKUP_VARIABLES = {'backup_hosts': 'docker1', 'gluster_backup_repository': RESTIC_REPOSITORY,
                    'gluster_backup_password': 'lab-backup-password', 'gluster_backup_volumes': ['web'],
                    'gluster_backup_docker_volumes': ['bk-app'],
                    # Two snapshots a source, whatever the day: a second run adds one and keeps both.
                    'gluster_backup_keep_last': 2, 'gluster_backup_keep_daily': 0, 'gluster_backup_keep_weekly': 0,
                    'gluster_backup_keep_monthly': 0,
                    # A secret-looking variable that must never show, and restic's cache directory by a name that
                    # needs quoting: restic reads both from the private environment file.
                    'gluster_backup_environment': {'AWS_SECRET_ACCESS_KEY': 'lab-s3cret-key',
                                                   'RESTIC_CACHE_DIR': RESTIC_CACHE}}


def run_playbook(lab, playbook, check=False, verbose=False, **variables):
    """Run playbooks/PLAYBOOK on the lab with BACKUP_VARIABLES and VARIABLES; returns (rc, {task name: docker1's
    result}, the failure message or None). VERBOSE: at -vvv, where Ansible prints each remote command line."""
    command = ['ansible-playbook', '-i', lab.inventory, 'playbooks/%s' % playbook,
               '-e', json.dumps(dict(BACKUP_VARIABLES, **variables))] + (['--check'] if check else []) + (
                   ['-vvv'] if verbose else [])
    env = dict(os.environ, ANSIBLE_STDOUT_CALLBACK='ansible.posix.json', ANSIBLE_NOCOLOR='1')
    completed = subprocess.run(command, capture_output=True, text=True, env=env, cwd=lab.root, check=False)
    # At -vvv the JSON report comes last, after the verbose lines.
    output = json.JSONDecoder().raw_decode(completed.stdout[completed.stdout.rindex('\n{\n') + 1:])[0] if verbose \
        else json.loads(completed.stdout)
    tasks, failure = {}, None
    for task in output['plays'][-1]['tasks']:
        result = task['hosts'].get('docker1')
        if result is not None:
            # Role tasks are named 'ROLE : NAME'.
            tasks[task['task']['name'].split(' : ', 1)[-1]] = result
            if result.get('failed') and not result.get('ignore_errors'):
                failure = result.get('msg')
    assert 'lab-backup-password' not in completed.stdout + completed.stderr, 'the repository password was printed'
    assert 'lab-s3cret-key' not in completed.stdout + completed.stderr, 'gluster_backup_environment was printed'
    return completed.returncode, tasks, failure


def restic_snapshots(lab):
    """The repository's snapshots as (short id, sorted tags), oldest first."""
    lab.sh('docker1', 'printf %s lab-backup-password > /root/.restic-test-password && chmod 600 /root/.restic-test-password')
    text = lab.sh('docker1', 'restic -r %s --password-file /root/.restic-test-password snapshots --json'
                  % RESTIC_REPOSITORY).stdout
    return [(snapshot['short_id'], sorted(snapshot['tags'])) for snapshot in sorted(json.loads(text), key=lambda s: s['time'])]


def started_at(lab, container):
    return lab.sh('docker1', "docker inspect -f '{{.State.Running}} {{.State.StartedAt}}' %s" % container).stdout.split()


def backup_host_state(lab):
    """What a check-mode run or a refusal must leave as it was on docker1: mounts, Docker volumes, containers,
    the backup mount root and the repository's files."""
    return (gluster_mounts(lab, 'docker1'), docker_volumes(lab, 'docker1'),
            lab.sh('docker1', "docker ps -a --format '{{.Names}} {{.State}}'").stdout,
            lab.sh('docker1', 'ls -A /run/glusterdock-backup /tmp 2>&1; find %s -type f 2>/dev/null | sort'
                   % RESTIC_REPOSITORY, check=False).stdout)


def bk_app_with_files(lab):
    """The Docker volume bk-app on docker1 with 200 checksummed files and the running container bk-user on it;
    no bk-app-restored and no restic repository. Returns the checksums."""
    lab.sh('docker1', 'docker rm -f bk-user >/dev/null 2>&1; docker volume rm bk-app bk-app-restored >/dev/null 2>&1; '
                      'rm -rf {0} {1} {2}; mkdir -p {2}; true'.format(RESTIC_REPOSITORY, shlex.quote(RESTIC_CACHE),
                                                                      BACKUP_PARENT))
    lab.sh('docker2', 'docker rm -f bk-remote >/dev/null 2>&1; docker volume rm bk-app >/dev/null 2>&1; true')
    web_mounted_on_docker1(lab)
    remove_from_web(lab, 'bk-app', 'bk-app-restored', 'bk-link')
    succeeded(run(lab, 'docker1', args(name='bk-app', subdirectory='bk-app')))
    brick_data.write_files(lab, 'docker1', MOUNT_POINT + '/bk-app', count=200, prefix='b')
    lab.sh('docker1', 'docker run -d --name bk-user -v bk-app:/data %s sleep 3600' % BUSYBOX)
    return gluster_sums(lab, 'bk-app')


def test_backup_and_restore_playbooks(web):
    original = bk_app_with_files(web)
    restic_before = web.sh('docker1', 'command -v restic', check=False).returncode == 0

    # --check: the plan, and nothing changes (no repository, no mount, no restic installed by it).
    before = backup_host_state(web)
    # At -vvv: gluster_backup_environment is on no remote command line (run_playbook looks for its secret).
    rc, tasks, failure = run_playbook(web, 'backup.yml', check=True, verbose=True)
    assert rc == 0, failure
    plan = tasks['Show the plan']['msg']
    assert plan[-6:] == ['restic init (no repository yet)', 'mount -o ro node1:/web /run/glusterdock-backup/web',
                         'restic backup web:/', 'restic backup web:/bk-app (Docker volume bk-app)',
                         'restic forget --prune --keep-last 2', 'restic check'], plan
    assert backup_host_state(web) == before
    assert (web.sh('docker1', 'command -v restic', check=False).returncode == 0) == restic_before

    # The backup: restic installed with apt, the repository made, one snapshot per source with its tags.
    rc, tasks, failure = run_playbook(web, 'backup.yml')
    assert rc == 0, failure
    assert tasks['Initialise the repository']['changed']
    first = restic_snapshots(web)
    assert [tags for _id, tags in first] == [
        ['gluster-volume=web', 'glusterdock', 'subdirectory=/'],
        ['docker-volume=bk-app', 'gluster-volume=web', 'glusterdock', 'subdirectory=bk-app']]
    assert gluster_mounts(web, 'docker1') == before[0]
    assert listing(web, 'docker1', shlex.quote(RESTIC_CACHE)), 'restic did not get gluster_backup_environment'
    # A second run: no init, a new snapshot of each source; its mount root, made below an empty directory of the
    # host, is removed after it, and that directory stays.
    rc, tasks, failure = run_playbook(web, 'backup.yml', gluster_backup_mount_root=BACKUP_PARENT + '/mounts')
    assert rc == 0, failure
    assert listing(web, 'docker1', BACKUP_PARENT) == []
    assert tasks['Initialise the repository'].get('skipped'), tasks['Initialise the repository']
    second = restic_snapshots(web)
    assert len(second) == 4 and second[:2] == first

    # A missing snapshot and an unknown GlusterFS volume: refused at once, before anything changes.
    before = backup_host_state(web)
    rc, _tasks, failure = run_playbook(web, 'restore.yml', gluster_backup_restore_snapshot='deadbeef',
                                       gluster_backup_restore_target={'docker_volume': 'bk-app-restored',
                                                                      'gluster_volume': 'nosuch'})
    assert rc != 0 and failure == (
        'Refusing to restore: the repository has no snapshot of this collection with the id deadbeef; GlusterFS volume '
        'nosuch does not exist (the pool has: %s). Nothing was changed.'
        % ', '.join(sorted(web.gluster('node1', 'volume', 'list').split()))), failure
    assert backup_host_state(web) == before

    # Files deleted and changed; then the latest snapshot into a new Docker volume while bk-user keeps running.
    web.sh('docker1', 'cd %s/bk-app && rm d00/* && for f in d01/*; do echo changed > $f; done' % MOUNT_POINT)
    damaged = gluster_sums(web, 'bk-app')
    assert damaged != original
    serving = started_at(web, 'bk-user')
    new_volume = {'gluster_backup_restore_source': {'docker_volume': 'bk-app'},
                  'gluster_backup_restore_target': {'docker_volume': 'bk-app-restored'}}
    # Check mode: the plan, and the new Docker volume is not made.
    before = backup_host_state(web)
    rc, tasks, failure = run_playbook(web, 'restore.yml', check=True, **new_volume)
    assert rc == 0, failure
    assert tasks['Show the plan']['msg'] == [
        'create the Docker volume bk-app-restored (docker_gluster_volume)',
        'restic restore %s (%s) into the Docker volume bk-app-restored (subdirectory bk-app-restored of the GlusterFS '
        'volume web)' % (second[-1][0], tasks['Show the plan']['msg'][1].split('(')[1].split(')')[0])]
    assert backup_host_state(web) == before and listing(web, 'docker1', MOUNT_POINT + '/bk-app-restored') is None
    rc, tasks, failure = run_playbook(web, 'restore.yml', **new_volume)
    assert rc == 0, failure
    assert gluster_sums(web, 'bk-app-restored') == original
    assert started_at(web, 'bk-user') == serving and gluster_sums(web, 'bk-app') == damaged
    assert 'bk-app-restored' in docker_volumes(web, 'docker1')

    # A target reached through a symbolic link that a container made: refused, nothing written where it points.
    web.sh('docker1', 'mkdir -p /var/tmp/bk-elsewhere && ln -s /var/tmp/bk-elsewhere %s/bk-link' % MOUNT_POINT)
    before = backup_host_state(web)
    rc, _tasks, failure = run_playbook(web, 'restore.yml', gluster_backup_restore_source={'docker_volume': 'bk-app'},
                                       gluster_backup_restore_target={'gluster_volume': 'web',
                                                                      'subdirectory': 'bk-link/restored'})
    assert rc != 0 and failure == (
        'Refusing to restore into subdirectory bk-link/restored of the GlusterFS volume web: its path leads to '
        '/var/tmp/bk-elsewhere/restored, as a part of it is a symbolic link, which may point off GlusterFS. Remove the '
        'link or restore elsewhere. Nothing was changed.'), failure
    assert backup_host_state(web) == before and listing(web, 'docker1', '/var/tmp/bk-elsewhere') == []
    web.sh('docker1', 'rm %s/bk-link && rmdir /var/tmp/bk-elsewhere' % MOUNT_POINT)

    # A container on docker2 uses the Docker volume too: refused even with the flag, since only docker1's
    # containers would be stopped.
    succeeded(run(web, 'docker2', args(name='bk-app', subdirectory='bk-app')))
    web.sh('docker2', 'docker run -d --name bk-remote -v bk-app:/data %s sleep 3600' % BUSYBOX)
    over_live = {'gluster_backup_restore_source': {'docker_volume': 'bk-app'},
                 'gluster_backup_restore_target': {'docker_volume': 'bk-app'}}
    before = backup_host_state(web)
    rc, _tasks, failure = run_playbook(web, 'restore.yml', restore_overwrite=True, **over_live)
    assert rc != 0 and failure == (
        'Refusing to restore into the Docker volume bk-app (subdirectory bk-app of the GlusterFS volume web): '
        'containers on other Docker hosts use it (docker2: bk-remote), and a restore stops only those of this host; '
        'stop them, then run again. Nothing was changed.'), failure
    assert backup_host_state(web) == before and started_at(web, 'bk-user') == serving
    assert gluster_sums(web, 'bk-app') == damaged
    web.sh('docker2', 'docker rm -f bk-remote && docker volume rm bk-app')

    # Over the live volume: refused without the flag, nothing changed...
    before = backup_host_state(web)
    rc, tasks, failure = run_playbook(web, 'restore.yml', **over_live)
    assert rc != 0 and failure.startswith(
        'Refusing to restore into the Docker volume bk-app (subdirectory bk-app of the GlusterFS volume web): it holds '
        'files (such as '), failure
    assert failure.endswith('Nothing was changed.'), failure
    assert backup_host_state(web) == before and started_at(web, 'bk-user') == serving
    assert gluster_sums(web, 'bk-app') == damaged
    # ... and done with it, bk-user stopped first and started after.
    rc, tasks, failure = run_playbook(web, 'restore.yml', restore_overwrite=True, **over_live)
    assert rc == 0, failure
    assert tasks['Stop the containers that use the target']['cmd'] == ['docker', 'stop', 'bk-user']
    assert tasks['Start the containers again']['cmd'] == ['docker', 'start', 'bk-user']
    restarted = started_at(web, 'bk-user')
    assert restarted[0] == 'true' and restarted[1] != serving[1]
    assert gluster_sums(web, 'bk-app') == original
    web.sh('docker1', 'docker rm -f bk-user')
    for subdirectory, outcome in (('bk-app-restored', 'restored into a new Docker volume, checksums equal'),
                                  ('bk-app', 'restored over the live volume, container stopped and started')):
        safety_matrix.verify_and_record(web, 'web', original, 'restic backup, files deleted and changed, restore',
                                        'replica 3, 2 Docker hosts', 'none', outcome, subdirectory=subdirectory)
