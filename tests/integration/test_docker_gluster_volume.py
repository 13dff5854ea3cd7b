"""docker_gluster_volume on a real GlusterFS pool and two Docker hosts (Docker-in-Docker).

A replica 3 volume `web` is created on node1..3 with the plain CLI. The tests build on each other
in file order: bad input, failures before anything is created, check mode, the Docker volume
`site` on docker1 and docker2 with files written on one host and read on the other, idempotence,
drift, in-use refusals, removal that keeps the data, and purge.
"""
import pytest

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


@pytest.fixture(scope='module')
def web(pool):
    """The pool with the started replica 3 volume web."""
    for node in pool.nodes:
        pool.sh(node, 'mkdir -p /bricks/web')
    pool.gluster('node1', 'volume', 'create', 'web', 'replica', '3',
                 *['%s:%s' % (node, BRICK) for node in pool.nodes])
    pool.gluster('node1', 'volume', 'start', 'web')
    assert 'Started' in pool.gluster('node1', 'volume', 'info', 'web')
    return pool


@pytest.mark.parametrize('overrides, message', [
    ({'name': 'v; touch /tmp/p'}, "name: 'v; touch /tmp/p' is not a Docker volume name"),
    ({'name': '-x'}, 'is not a Docker volume name'),
    ({'name': 'a'}, 'is not a Docker volume name'),
    ({'gluster_volume': '$(id)'}, "gluster_volume: '$(id)'"),
    ({'gluster_volume': 'all'}, 'reserved by gluster'),
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
    # A Docker socket that does not exist: a Docker call would fail with another message.
    result = run(web, 'docker1', args(docker_host='unix:///nonexistent/docker.sock', **overrides))
    failed(result, message)
    assert result['actions'] == []
    assert web.sh('docker1', 'test -e /tmp/p || test -e /mnt/glusterfs', check=False).returncode != 0
    assert gluster_mounts(web, 'docker1') == []


def test_docker_host_is_honoured_and_checked_before_mounting(web):
    result = failed(run(web, 'docker1', args(docker_host='unix:///nonexistent/docker.sock')),
                    'Cannot connect to the Docker API at unix:///nonexistent/docker.sock')
    assert result['actions'] == [] and gluster_mounts(web, 'docker1') == []


def test_missing_docker_sdk_is_a_clear_failure(web):
    # The gluster nodes have no Docker SDK for Python.
    failed(run(web, 'node1', args()), 'Failed to import the required Python library (Docker SDK for Python')
    assert web.sh('node1', 'test -e /mnt/glusterfs', check=False).returncode != 0


def test_stopped_gluster_volume_fails_before_creating_anything(web):
    web.gluster('node1', 'volume', 'stop', 'web')
    try:
        result = failed(run(web, 'docker1', args()), 'Mounting the GlusterFS volume web at %s failed' % MOUNT_POINT)
    finally:
        web.gluster('node1', 'volume', 'start', 'web')
    assert 'mount -t glusterfs' in result['cmd'] and result['rc'] != 0
    assert listing(web, 'docker1', MOUNT_POINT) == []
    assert gluster_mounts(web, 'docker1') == [] and docker_volumes(web, 'docker1') == []


def test_unreachable_server_fails_before_creating_anything(web):
    result = failed(run(web, 'docker1', args(servers=['node9'], mount_point='/mnt/unreachable')), 'failed')
    assert listing(web, 'docker1', '/mnt/unreachable') == []
    assert gluster_mounts(web, 'docker1') == [] and docker_volumes(web, 'docker1') == []
    assert not any('docker volume create' in action for action in result['actions'])


def test_not_mounted_with_mount_false_is_refused(web):
    failed(run(web, 'docker1', args(mount=False)), '%s is not mounted' % MOUNT_POINT)
    assert docker_volumes(web, 'docker1') == [] and gluster_mounts(web, 'docker1') == []


def test_mount_that_succeeds_without_a_live_mount_creates_nothing(web):
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
    web.sh('docker1', 'mkdir -p /mnt/other && mount -t tmpfs tmpfs /mnt/other')
    try:
        failed(run(web, 'docker1', args(mount_point='/mnt/other')), 'a tmpfs file system (tmpfs) is mounted there')
        assert listing(web, 'docker1', '/mnt/other') == []
    finally:
        web.sh('docker1', 'umount /mnt/other')
    assert docker_volumes(web, 'docker1') == []


def test_check_mode_creates_nothing(web):
    result = succeeded(run(web, 'docker1', args(), check=True, diff=True))
    assert result['changed']
    # The failure tests above left the empty mount-point directory, so there is no mkdir for it.
    assert result['actions'][:2] == [
        'mount -t glusterfs -o backup-volfile-servers=node2:node3 node1:/web %s' % MOUNT_POINT,
        'mkdir -p %s/site (owner 33, group 33, mode 0750) (if missing)' % MOUNT_POINT]
    assert result['actions'][-1].startswith('docker volume create --driver local --opt device=%s/site' % MOUNT_POINT)
    assert result['diff']['before'] == {'exists': False, 'mounted': False, 'directory': None}
    assert result['diff']['after']['exists'] and result['diff']['after']['labels']['org.glusterdock.subdirectory'] == 'site'
    assert docker_volumes(web, 'docker1') == [] and gluster_mounts(web, 'docker1') == []
    assert listing(web, 'docker1', MOUNT_POINT) == []  # left by the failure tests, still empty


def test_create_on_both_hosts_and_share_files(web):
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
    for host in web.docker_hosts:
        result = succeeded(run(web, host, args(), diff=True))
        assert not result['changed'] and result['actions'] == [] and result['differences'] == [], result
        assert result['diff']['before'] == result['diff']['after']
        checked = succeeded(run(web, host, args(), check=True))
        assert not checked['changed'] and checked['actions'] == []


def test_directory_drift_is_corrected(web):
    web.sh('docker1', 'chmod 0700 %s/site' % MOUNT_POINT)
    result = succeeded(run(web, 'docker2', args()))
    assert result['changed'] and result['actions'] == ['chmod 0750 %s/site' % MOUNT_POINT]


def test_volume_drift_is_reported_not_recreated(web):
    result = succeeded(run(web, 'docker1', args(labels={'app': 'web', 'tier': 'front'})))
    assert not result['changed'] and result['actions'] == []
    assert result['differences'] == [{'parameter': 'labels.tier', 'before': None, 'after': 'front'}]
    assert any('recreate=options_changed' in warning for warning in result.get('warnings', []))


def test_volume_in_use_is_neither_recreated_nor_removed(web):
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
        assert docker_volumes(web, 'docker1') == ['site']
        assert web.sh('node1', 'test -f %s/site/one' % BRICK, check=False).returncode == 0
    finally:
        web.sh('docker1', 'docker rm -f holder')


def test_recreate_when_options_changed(web):
    result = succeeded(run(web, 'docker1', args(labels={'app': 'web', 'tier': 'front'}, recreate='options_changed'),
                           diff=True))
    assert result['changed'] and [action.split()[:3] for action in result['actions']] == [
        ['docker', 'volume', 'rm'], ['docker', 'volume', 'create']]
    assert result['volume']['Labels']['tier'] == 'front'
    assert result['diff']['before']['labels'].get('tier') is None and result['diff']['after']['labels']['tier'] == 'front'
    assert 'hello' in in_container(web, 'docker1', 'cat /data/deep/er/two')


def test_absent_removes_the_volume_and_keeps_the_data(web):
    checked = succeeded(run(web, 'docker1', {'name': 'site', 'state': 'absent'}, check=True))
    assert checked['changed'] and checked['actions'] == ['docker volume rm site']
    assert docker_volumes(web, 'docker1') == ['site']
    result = succeeded(run(web, 'docker1', {'name': 'site', 'state': 'absent'}, diff=True))
    assert result['changed'] and result['diff'] == {'before': dict(result['diff']['before'], exists=True),
                                                    'after': {'exists': False}}
    assert docker_volumes(web, 'docker1') == []
    assert web.sh('node1', 'test -f %s/site/one' % BRICK, check=False).returncode == 0
    again = succeeded(run(web, 'docker1', {'name': 'site', 'state': 'absent'}))
    assert not again['changed'] and again['actions'] == []


def test_purge_without_a_labelled_volume_is_refused(web):
    # docker1 no longer has the Docker volume site: nothing shows the directory is its data.
    result = failed(run(web, 'docker1', args(state='absent', purge=True)),
                    'Refusing to purge %s/site: there is no Docker volume site on this host' % MOUNT_POINT,
                    'purge_without_volume')
    assert not any(action.startswith('rm ') for action in result['actions'])
    assert web.sh('node1', 'test -f %s/site/one' % BRICK, check=False).returncode == 0


def test_purge_removes_the_volume_and_the_data(web):
    purge = args(state='absent', purge=True)
    checked = succeeded(run(web, 'docker2', purge, check=True))
    assert checked['actions'] == ['docker volume rm site', 'rm -rf %s/site' % MOUNT_POINT]
    assert docker_volumes(web, 'docker2') == ['site']
    assert web.sh('node1', 'test -d %s/site' % BRICK, check=False).returncode == 0
    result = succeeded(run(web, 'docker2', purge))
    assert result['changed'] and result['actions'] == checked['actions']
    assert docker_volumes(web, 'docker2') == []
    for node in web.nodes:
        assert web.sh(node, 'test -e %s/site' % BRICK, check=False).returncode != 0
    again = succeeded(run(web, 'docker2', purge))
    assert not again['changed'] and again['actions'] == []


def test_dead_mount_is_refused(web):
    # Kill the FUSE client: the mount stays in mountinfo, and stat fails with ENOTCONN.
    web.sh('docker1', 'kill -9 $(pidof glusterfs)')
    try:
        result = failed(run(web, 'docker1', args(name='late')), 'is a dead GlusterFS mount',
                        'Transport endpoint is not connected')
        assert not any('docker volume create' in action for action in result['actions'])
        assert docker_volumes(web, 'docker1') == []
    finally:
        web.sh('docker1', 'umount -l %s' % MOUNT_POINT)
    assert listing(web, 'docker1', MOUNT_POINT) == []
