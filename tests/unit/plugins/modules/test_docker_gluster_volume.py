"""docker_gluster_volume through the real AnsibleModule: its arguments (aliases, types, choices,
options required together), bad input refused before any Docker or mount call, and the module's
flow with a fake Docker client and the host's file system under a tmp directory.

The Docker client here is a fake that checks every call it gets; these are unit tests, the
integration tests (tests/integration/test_docker_gluster_volume.py) run a real Docker and GlusterFS.
"""
import errno
import os
import re

import pytest
from ansible.module_utils import basic
from ansible.module_utils.testing import patch_module_args

from ansible_collections.glusterdock.storage.plugins.module_utils.docker_client import DockerClientError
from ansible_collections.glusterdock.storage.plugins.module_utils.docker_gluster_volume_plan import (
    LABEL_GLUSTER_VOLUME, LABEL_SUBDIRECTORY, validate, wanted_volume,
)
from ansible_collections.glusterdock.storage.plugins.module_utils.docker_gluster_mount import NoAnswer
from ansible_collections.glusterdock.storage.plugins.module_utils.docker_volume_files import HostFiles
from ansible_collections.glusterdock.storage.plugins.module_utils.errors import StateError
from ansible_collections.glusterdock.storage.plugins.modules import docker_gluster_volume as module_code

NAME = 'site'


class Finished(Exception):
    """exit_json or fail_json was called; ``result`` is what the module reported."""

    def __init__(self, result):
        super().__init__(result.get('msg'))
        self.result = result


class FakeDockerClient:
    """The Docker calls of DockerVolumeClient, each checked against the volume the task names."""

    def __init__(self, volume=None, others=(), containers=(), using=(), pids=None):
        self.volume = volume
        self.others = list(others)
        self.containers = list(containers)
        self.using = list(using)
        self.pids = dict(pids or {})
        self.calls = []

    def _named(self, name):
        assert name == NAME, 'the module asked Docker about %r, not the volume of the task' % name

    def inspect_volume(self, name):
        self._named(name)
        return self.volume

    def containers_using(self, name):
        self._named(name)
        return self.using

    def list_volumes(self, fresh=True):
        return ([dict(self.volume, Name=NAME)] if self.volume else []) + self.others

    def list_containers(self, fresh=True):
        return self.containers

    def container_pid(self, container_id):
        return self.pids.get(container_id, 0)

    def stop_container(self, container_id):
        self.calls.append(('stop', container_id))

    def start_container(self, container_id):
        self.calls.append(('start', container_id))

    def create_volume(self, name, driver, driver_options, labels):
        self._named(name)
        self.calls.append(('create', name, driver, driver_options, labels))
        self.volume = {'Name': name, 'Driver': driver, 'Options': driver_options, 'Labels': labels}
        return self.volume

    def remove_volume(self, name):
        self._named(name)
        self.calls.append(('remove', name))
        self.volume = None


class Host:
    """What the module may do on the host: mount(8) runs (recorded, answered rc 0), and the mount
    table it then reads (``mountinfo``: the texts, read in turn, the last repeating)."""

    def __init__(self, mountinfo=('',)):
        self.mountinfo = list(mountinfo)
        self.ran = []

    def read_text(self, path):
        assert path == '/proc/self/mountinfo'
        return self.mountinfo.pop(0) if len(self.mountinfo) > 1 else self.mountinfo[0]

    def files(self):
        return HostFiles(read_text=self.read_text, stat_within=within(os.stat))

    def run_command(self, argv, **kwargs):
        assert argv[:3] == ['/sbin/mount', '-t', 'glusterfs'], argv
        self.ran.append(argv)
        return 0, '', ''


def within(stat):
    """A HostFiles.stat_within that stats in this process (the paths of these tests always answer)."""
    return lambda path, seconds: stat(path)


def nothing_allowed(*args, **kwargs):
    pytest.fail('bad input must be refused before any Docker, mount or file-system call')


@pytest.fixture
def run(monkeypatch):
    """run(args, client=None, host=None, check_mode=False, diff=False) -> the module's result.

    Without ``client``/``host`` any Docker or host call fails the test."""

    def exit_json(module, **result):
        raise Finished(dict(result, failed=False))

    def fail_json(module, msg, **result):
        raise Finished(dict(result, msg=msg, failed=True))

    monkeypatch.setattr(basic.AnsibleModule, 'exit_json', exit_json)
    monkeypatch.setattr(basic.AnsibleModule, 'fail_json', fail_json)
    monkeypatch.setattr(basic.AnsibleModule, 'get_bin_path',
                        lambda module, name, required=False, opt_dirs=None: '/sbin/' + name)
    monkeypatch.setattr(module_code, 'missing_sdk', lambda: None)

    def run_module(args, client=None, host=None, check_mode=False, diff=False):
        connections = []
        warnings = []
        # Collected per run (ansible-core keeps them process-wide), reported as exit_json would.
        monkeypatch.setattr(basic.AnsibleModule, 'warn', lambda module, warning: warnings.append(warning))

        def connect(settings):
            if client is None:
                nothing_allowed()
            connections.append(settings)
            return client

        monkeypatch.setattr(module_code, 'DockerVolumeClient', connect)
        monkeypatch.setattr(module_code, 'HostFiles', host.files if host else nothing_allowed)
        monkeypatch.setattr(basic.AnsibleModule, 'run_command',
                            (lambda module, argv, **kwargs: host.run_command(argv, **kwargs)) if host else nothing_allowed)
        args = dict(args, _ansible_check_mode=check_mode, _ansible_diff=diff)
        with patch_module_args(args), pytest.raises(Finished) as finished:
            module_code.main()
        finished.value.result['connections'] = connections
        if warnings:
            finished.value.result['warnings'] = warnings
        return finished.value.result

    return run_module


def task(tmp_path=None, **overrides):
    args = dict(name=NAME, gluster_volume='web', servers=['node1', 'node2'])
    if tmp_path is not None:
        args['mount_point'] = str(tmp_path / 'mnt')
    args.update(overrides)
    return args


def live(mount_point, volume='web'):
    """A mountinfo line showing a live FUSE mount of ``volume`` at ``mount_point``."""
    return '30 1 0:5 / %s rw - fuse.glusterfs node1:/%s rw\n' % (mount_point, volume)


def bound_volume(mount_point, subdirectory='site', gluster_volume='web', name=NAME):
    """A Docker volume as docker_gluster_volume makes it: labelled, bound to the subdirectory."""
    return {'Name': name, 'Driver': 'local', 'Mountpoint': '/var/lib/docker/volumes/%s/_data' % name,
            'Options': {'type': 'none', 'o': 'bind', 'device': '%s/%s' % (mount_point, subdirectory)},
            'Labels': {LABEL_GLUSTER_VOLUME: gluster_volume, LABEL_SUBDIRECTORY: subdirectory,
                       'org.glusterdock.servers': 'node1,node2'}}


# --- arguments ------------------------------------------------------------------------------------

# ansible-core's own messages; older releases write the type as <class 'str'>.
STR = "(str|<class 'str'>)"


@pytest.mark.parametrize('args, pattern', [
    (dict(gluster_volume='web'), 'one of the following is required: name, volumes$'),
    (task(state='gone'), 'value of state must be one of: present, absent, got: gone$'),
    (task(recreate='always'), 'value of recreate must be one of: never, options_changed, got: always$'),
    (task(mount='maybe'), "argument 'mount' is of type %s and we were unable to convert to bool: "
                          "The value 'maybe' is not a valid boolean" % STR),
    (task(timeout='soon'), "argument 'timeout' is of type %s and we were unable to convert to int" % STR),
    (task(labels='app'), "argument 'labels' is of type %s and we were unable to convert to dict" % STR),
    (task(client_cert='/c.pem'), 'parameters are required together: client_cert, client_key$'),
])
def test_ansible_refuses_bad_arguments(run, args, pattern):
    result = run(args)
    assert result['failed'] and re.match(pattern, result['msg']), result['msg']
    assert result['connections'] == []


@pytest.mark.parametrize('args, message', [
    (task(name='-x'), "name: '-x' is not a Docker volume name (two or more characters of [a-zA-Z0-9_.-], the first "
                      "a letter or digit)"),
    (dict(name=NAME), 'gluster_volume: is required with state=present and with purge=true; '
                      'servers: list at least one GlusterFS server'),
    (dict(name=NAME, state='absent', purge=True, servers=['node1']),
     'gluster_volume: is required with state=present and with purge=true'),
    (task(gluster_volume='help'), "gluster_volume: 'help' is a word reserved by the gluster CLI"),
    (task(servers=['node1', 'fe80::1']), "servers: 'fe80::1' contains \":\" (IPv6 addresses cannot be used: \":\" "
                                         "separates backup-volfile-servers)"),
    (task(subdirectory='../up'), "subdirectory: '../up' must not contain \"..\" (it would leave the GlusterFS mount)"),
    (task(mount_point='relative'), "mount_point: 'relative' must be an absolute path"),
    (task(mode='u+rwx'), "mode: 'u+rwx' is not an octal mode such as \"0755\" (symbolic modes are not supported)"),
    (task(labels={'org.glusterdock.servers': 'x'}),
     "labels: 'org.glusterdock.servers': the org.glusterdock.* labels are set by this module"),
    (task(driver_options={'device': '/tmp'}), 'driver_options: must not be set with driver=local; the module binds '
                                              'the volume to the GlusterFS subdirectory itself'),
    (task(mount_options='backup-volfile-servers=node2'),
     "mount_options: 'backup-volfile-servers=node2': list the backup servers in servers instead"),
    (task(stat_timeout=0), 'stat_timeout: 0 is not a number of seconds from 1 to 3600'),
    (task(stat_timeout=3601), 'stat_timeout: 3601 is not a number of seconds from 1 to 3600'),
])
def test_bad_input_is_refused_before_any_call(run, args, message):
    result = run(args)
    assert result['failed'] and result['changed'] is False and result['actions'] == []
    assert result['msg'] == message and result['connections'] == []


def test_every_bad_input_is_listed_at_once(run):
    result = run(task(name='-x', gluster_volume='all', subdirectory='/abs'))
    assert result['msg'] == (
        "name: '-x' is not a Docker volume name (two or more characters of [a-zA-Z0-9_.-], the first a letter or "
        "digit); gluster_volume: 'all' is a word reserved by the gluster CLI; subdirectory: '/abs' must be relative "
        "to the mount point")


def test_aliases_and_connection_arguments(run, tmp_path):
    """volume_name is name, docker_url is docker_host; a comma string is a list of servers."""
    host = Host([live(tmp_path / 'mnt')])
    (tmp_path / 'mnt' / NAME).mkdir(parents=True)
    client = FakeDockerClient()
    args = task(tmp_path, servers='node1,node2', docker_url='tcp://docker:2376', tls_verify='yes', mount='no')
    args['volume_name'] = args.pop('name')
    result = run(args, client=client, host=host)
    assert not result['failed'], result['msg']
    assert result['connections'][0]['base_url'] == 'https://docker:2376'
    assert result['connections'][0]['tls']['verify'] is True
    assert client.calls == [('create', NAME, 'local', {'type': 'none', 'o': 'bind', 'device': '%s/mnt/site' % tmp_path},
                             {LABEL_GLUSTER_VOLUME: 'web', LABEL_SUBDIRECTORY: NAME,
                              'org.glusterdock.servers': 'node1,node2'})]


def test_mount_false_refuses_an_unmounted_volume(run, tmp_path):
    client = FakeDockerClient()
    result = run(task(tmp_path, mount=False), client=client, host=Host())
    assert result['failed'] and result['msg'] == (
        '%s/mnt is not mounted: mount the GlusterFS volume web there, or set mount=true. Nothing was created.'
        % tmp_path)
    assert client.calls == []


def test_diff_only_in_diff_mode(run, tmp_path):
    (tmp_path / 'mnt' / NAME).mkdir(parents=True)
    volume = bound_volume(tmp_path / 'mnt')
    result = run(task(tmp_path), client=FakeDockerClient(volume), host=Host([live(tmp_path / 'mnt')]))
    assert not result['failed'] and not result['changed'] and 'diff' not in result
    result = run(task(tmp_path), client=FakeDockerClient(volume), host=Host([live(tmp_path / 'mnt')]), diff=True)
    assert result['diff']['before']['exists'] and result['diff']['after']['mounted']


# --- nothing is created or purged without a live mount checked in this run ----------------------

def test_mount_that_does_not_show_up_creates_nothing(run, tmp_path):
    host, client = Host(), FakeDockerClient()
    mount_point = str(tmp_path / 'mnt')
    result = run(task(tmp_path), client=client, host=host)
    assert result['failed'] and result['msg'].startswith(
        'mount reported success but %s is not a live GlusterFS mount of web: nothing created (nothing is mounted '
        'there' % mount_point)
    assert host.ran == [['/sbin/mount', '-t', 'glusterfs', '-o', 'backup-volfile-servers=node2', 'node1:/web',
                         mount_point]]
    assert client.calls == [] and os.listdir(mount_point) == []
    assert not any('docker volume create' in action or 'mkdir -p %s/' % mount_point in action
                   for action in result['actions'])


def test_mount_that_shows_up_as_something_else_creates_nothing(run, tmp_path):
    # The first read sees nothing mounted; after mount(8) the wrong volume shows up.
    host, client = Host(['', live(tmp_path / 'mnt', volume='other')]), FakeDockerClient()
    result = run(task(tmp_path), client=client, host=host)
    assert result['failed'] and result['msg'].startswith(
        'mount reported success but %s/mnt is not a live GlusterFS mount of web: nothing created' % tmp_path)
    assert client.calls == [] and os.listdir(str(tmp_path / 'mnt')) == []


def test_purge_after_a_mount_that_does_not_show_up_deletes_nothing(run, tmp_path):
    (tmp_path / 'mnt' / NAME).mkdir(parents=True)
    client = FakeDockerClient(bound_volume(tmp_path / 'mnt'))
    result = run(task(tmp_path, state='absent', purge=True), client=client, host=Host())
    assert result['failed'] and result['msg'].startswith('mount reported success but')
    assert client.calls == [] and os.listdir(str(tmp_path / 'mnt')) == [NAME]
    assert not any(action.startswith('rm -rf') for action in result['actions'])


def test_check_mode_before_mounting_predicts(run, tmp_path):
    (tmp_path / 'mnt').mkdir()
    host, client = Host(), FakeDockerClient()
    result = run(task(tmp_path), client=client, host=host, check_mode=True)
    assert not result['failed'] and result['changed']
    assert host.ran == [] and client.calls == []
    assert result['actions'][-1].startswith('docker volume create')


def test_create_refused_without_live_mount_outside_check_mode(tmp_path):
    settings = validate(task(tmp_path, state='present', mount_point=str(tmp_path / 'mnt')))
    with patch_module_args(task(tmp_path)):
        module = module_code.build_module()
    client = FakeDockerClient()
    manager = module_code.GlusterVolumeManager(module, settings, client, Host().files())
    with pytest.raises(StateError, match='is not a live GlusterFS mount of web in this run'):
        manager.create_volume(wanted_volume(settings))
    with pytest.raises(StateError, match='is not a live GlusterFS mount of web in this run'):
        manager.ensure_directory(None, None, None)
    assert client.calls == [] and manager.actions == []


# --- purge --------------------------------------------------------------------------------------

@pytest.fixture
def data(tmp_path):
    """A mount point holding the subdirectory with a file, live in mountinfo."""
    mount_point = tmp_path / 'mnt'
    (mount_point / NAME / 'deep').mkdir(parents=True)
    (mount_point / NAME / 'deep' / 'file').write_text('data')
    return mount_point


def purge(tmp_path, **overrides):
    return task(tmp_path, state='absent', purge=True, **overrides)


def test_purge_with_labelled_volume(run, tmp_path, data):
    client = FakeDockerClient(bound_volume(data))
    result = run(purge(tmp_path), client=client, host=Host([live(data)]))
    assert not result['failed'] and result['changed']
    assert client.calls == [('remove', NAME)] and os.listdir(str(data)) == []
    assert result['actions'] == ['docker volume rm site', 'rm -rf %s/site' % data]


def test_purge_without_volume_refused_unless_opted_in(run, tmp_path, data):
    result = run(purge(tmp_path), client=FakeDockerClient(), host=Host([live(data)]))
    assert result['failed'] and 'there is no Docker volume site on this host' in result['msg']
    assert os.listdir(str(data)) == [NAME] and result['actions'] == []
    result = run(purge(tmp_path, purge_without_volume=True), client=FakeDockerClient(), host=Host([live(data)]))
    assert not result['failed'] and os.listdir(str(data)) == []
    assert result['actions'] == ['rm -rf %s/site' % data]


def test_purge_of_a_missing_directory_without_volume_is_a_no_op(run, tmp_path, data):
    os.rename(str(data / NAME), str(data / 'gone'))
    result = run(purge(tmp_path), client=FakeDockerClient(), host=Host([live(data)]))
    assert not result['failed'] and not result['changed'] and result['actions'] == []


def test_purge_refused_over_another_file_system(run, tmp_path, data):
    client = FakeDockerClient(bound_volume(data))
    mountinfo = live(data) + '31 30 0:6 / %s/site/deep rw - tmpfs tmpfs rw\n' % data
    result = run(purge(tmp_path), client=client, host=Host([mountinfo]))
    assert result['failed'] and 'not on the file system of the GlusterFS mount' in result['msg']
    assert result['other_file_systems'] == ['%s/site/deep' % data]
    # The Docker volume is not removed either: every purge check runs first.
    assert client.calls == [] and (data / NAME / 'deep' / 'file').exists()


def test_purge_refused_when_an_entry_is_on_another_device(run, tmp_path, data):
    """mountinfo shows nothing inside, but the walk finds an entry on another device."""
    deep = str(data / NAME / 'deep')
    real_scandir = os.scandir

    class OtherDevice:
        def __init__(self, status):
            self.status = status

        def __getattr__(self, name):
            return -1 if name == 'st_dev' else getattr(self.status, name)

    class Entry:
        def __init__(self, entry):
            self.entry, self.path = entry, entry.path

        def stat(self, follow_symlinks=True):
            status = self.entry.stat(follow_symlinks=follow_symlinks)
            return OtherDevice(status) if self.path == deep else status

    class Listing:
        def __init__(self, path):
            self.listing = real_scandir(path)

        def __enter__(self):
            return [Entry(entry) for entry in self.listing.__enter__()]

        def __exit__(self, *details):
            return self.listing.__exit__(*details)

    host, client = Host([live(data)]), FakeDockerClient(bound_volume(data))
    host.files = lambda: HostFiles(read_text=host.read_text, scandir=Listing, stat_within=within(os.stat))
    result = run(purge(tmp_path), client=client, host=host)
    assert result['failed'] and 'not on the file system' in result['msg'] and 'site/deep' in result['msg']
    assert client.calls == [] and (data / NAME / 'deep' / 'file').exists()


@pytest.mark.parametrize('state, recreate, doing', [
    ('present', 'options_changed', 'recreate'), ('present', 'never', 'use'), ('absent', 'never', 'remove')])
def test_foreign_volume_is_neither_used_recreated_nor_removed(run, tmp_path, data, state, recreate, doing):
    plain = {'Name': NAME, 'Driver': 'local', 'Mountpoint': '/var/lib/docker/volumes/site/_data', 'Options': None,
             'Labels': None}
    host, client = Host([live(data)]), FakeDockerClient(plain)
    result = run(task(tmp_path, state=state, recreate=recreate), client=client, host=host)
    assert result['failed'] and result['msg'].startswith(
        'Refusing to %s the Docker volume site: it is not one this collection made for GlusterFS volume web, '
        'subdirectory site (it carries no' % doing)
    assert "its data lives in /var/lib/docker/volumes/site/_data, Docker's own directory" in result['msg']
    assert client.calls == [] and result['actions'] == [] and host.ran == []


def test_volume_in_use_is_not_removed(run, tmp_path, data):
    client = FakeDockerClient(bound_volume(data), using=['web'])
    result = run(task(tmp_path, state='absent'), client=client, host=Host([live(data)]))
    assert result['failed'] and result['msg'] == (
        'Refusing to remove the Docker volume site: it is used by the container(s) web. Remove those containers '
        'first (stopped containers count too).')
    assert result['containers'] == ['web'] and client.calls == []


def test_purge_refused_when_another_volume_holds_a_directory_inside(run, tmp_path, data):
    client = FakeDockerClient(bound_volume(data), others=[bound_volume(data, subdirectory='site/deep', name='inner')])
    result = run(purge(tmp_path), client=client, host=Host([live(data)]))
    assert result['msg'] == (
        'Refusing to purge %s/site: it contains /site/deep of the GlusterFS volume web, held by the Docker volume '
        'inner. Remove those Docker volumes or containers first (stopped containers count too). Nothing was changed.'
        % data)
    assert result['conflicts'] == ['it contains /site/deep of the GlusterFS volume web, held by the Docker volume inner']
    # Every purge check runs before the Docker volume is removed.
    assert client.calls == [] and (data / NAME / 'deep' / 'file').exists()


def test_purge_refused_over_a_container_bind_mount_through_a_link(run, tmp_path, data):
    (tmp_path / 'link').symlink_to(str(data / NAME))
    client = FakeDockerClient(bound_volume(data), containers=[{'Names': ['/binder'], 'Mounts': [
        {'Type': 'bind', 'Source': str(tmp_path / 'link') + '/deep/', 'Destination': '/data'}]}])
    result = run(purge(tmp_path), client=client, host=Host([live(data)]))
    assert result['failed'] and ('it contains %s/site/deep, held by a bind mount (%s/link/deep/) of the container '
                                 'binder' % (data, tmp_path)) in result['msg']
    assert client.calls == [] and (data / NAME / 'deep' / 'file').exists()


def test_check_mode_before_mounting_still_refuses_a_conflict(run, tmp_path):
    mount_point = tmp_path / 'mnt'
    client = FakeDockerClient(bound_volume(mount_point),
                              others=[bound_volume(mount_point, subdirectory='site/x', name='inner')])
    host = Host()
    result = run(purge(tmp_path), client=client, host=host, check_mode=True)
    assert result['failed'] and 'held by the Docker volume inner' in result['msg']
    assert client.calls == [] and host.ran == []


def test_a_failed_docker_call_is_reported_as_it_is(run, tmp_path):
    class Unreachable(FakeDockerClient):
        def inspect_volume(self, name):
            self._named(name)
            raise DockerClientError('docker volume inspect site failed: connection refused')

    host = Host()
    result = run(task(tmp_path), client=Unreachable(), host=host)
    assert result['failed'] and result['msg'] == 'docker volume inspect site failed: connection refused'
    assert result['actions'] == [] and host.ran == []


# --- a dead GlusterFS mount -----------------------------------------------------------------------

class DeadMountHost(Host):
    """A host whose GlusterFS mount at ``mount_point`` is dead (stat fails with ENOTCONN) until
    ``umount -l`` runs, and whose containers (by pid) see the dead mount until restarted.
    ``umount_rc`` is what umount answers."""

    def __init__(self, mount_point, mountinfo, dead_pids=(), umount_rc=0, remount_answers=True):
        super().__init__(mountinfo)
        self.mount_point = str(mount_point)
        self.dead = True
        self.dead_pids = set(dead_pids)
        self.umount_rc = umount_rc
        self.remount_answers = remount_answers

    def stat(self, path):
        dead_here = path == self.mount_point and (self.dead or not self.remount_answers)
        if dead_here or any(path.startswith('/proc/%d/root/' % pid) for pid in self.dead_pids):
            raise OSError(errno.ENOTCONN, os.strerror(errno.ENOTCONN), path)
        if path.startswith('/proc/'):
            return os.stat('/')
        return os.stat(path)

    def files(self):
        return HostFiles(read_text=self.read_text, stat=self.stat, stat_within=within(self.stat))

    def run_command(self, argv, **kwargs):
        if argv[:2] == ['/sbin/umount', '-l']:
            self.ran.append(argv)
            if self.umount_rc == 0:
                self.dead = False
            return self.umount_rc, '', '' if self.umount_rc == 0 else 'umount: target is busy'
        return super().run_command(argv, **kwargs)


def using_site(name, pid_id):
    """A running container that uses the Docker volume site."""
    return {'Id': pid_id, 'Names': ['/' + name], 'State': 'running',
            'Mounts': [{'Type': 'volume', 'Name': NAME, 'Source': '/var/lib/docker/volumes/site/_data',
                        'Destination': '/data'}]}


def umount_and_mount(mount_point):
    return ['umount -l %s' % mount_point,
            'mount -t glusterfs -o backup-volfile-servers=node2 node1:/web %s' % mount_point]


@pytest.fixture
def stale(tmp_path, data):
    """A dead mount of web over the data, a container web using site (pid 10, holding the dead bind),
    a stopped one, and mountinfo: the dead mount, nothing after umount -l, the new mount."""
    client = FakeDockerClient(bound_volume(data), containers=[using_site('web', 'w1'),
                                                              dict(using_site('old', 'o1'), State='exited')],
                              pids={'w1': 10})
    host = DeadMountHost(data, [live(data), '', live(data)], dead_pids=[10])
    return host, client


def test_dead_mount_is_remounted_and_stale_containers_reported(run, tmp_path, data, stale):
    host, client = stale
    result = run(task(tmp_path), client=client, host=host, diff=True)
    assert not result['failed'] and result['changed']
    assert result['actions'] == umount_and_mount(data)
    assert host.ran == [['/sbin/umount', '-l', str(data)],
                        ['/sbin/mount', '-t', 'glusterfs', '-o', 'backup-volfile-servers=node2', 'node1:/web',
                         str(data)]]
    assert result['mount']['live'] and result['mount']['remounted_dead_mount']
    assert result['diff']['before']['mounted'] is False and result['diff']['after']['mounted'] is True
    assert result['stale_containers'] == [{'name': 'web', 'id': 'w1'}] and result['restarted_containers'] == []
    assert result['warnings'] == [
        'The dead GlusterFS mount %s was mounted again, but the containers web still hold the dead mount and cannot '
        'read their data until they are restarted (set restart_containers=true to restart them).' % data]
    # Nothing touched below the mount point, nothing done in Docker.
    assert client.calls == [] and (data / NAME / 'deep' / 'file').read_text() == 'data'


def test_dead_mount_in_check_mode_is_only_predicted(run, tmp_path, data, stale):
    host, client = stale
    result = run(task(tmp_path, restart_containers=True), client=client, host=host, check_mode=True)
    assert not result['failed'] and result['changed']
    # The dead mount cannot be looked at: the subdirectory is predicted, as before a first mount.
    assert result['actions'] == umount_and_mount(data) + [
        'mkdir -p %s/site (if missing)' % data, 'docker stop web', 'docker start web']
    assert host.ran == [] and client.calls == [] and host.dead
    assert result['stale_containers'] == result['restarted_containers'] == [{'name': 'web', 'id': 'w1'}]


def test_restart_containers_stops_them_all_before_starting_any(run, tmp_path, data):
    # The mount is live (remounted by an earlier run); two containers still hold the dead bind.
    client = FakeDockerClient(bound_volume(data), containers=[using_site('web', 'w1'), using_site('api', 'a1'),
                                                              using_site('fresh', 'f1')],
                              pids={'w1': 10, 'a1': 11, 'f1': 12})
    host = DeadMountHost(data, [live(data)], dead_pids=[10, 11])
    host.dead = False
    result = run(task(tmp_path), client=client, host=host)
    assert not result['changed'] and result['actions'] == []
    assert [container['name'] for container in result['stale_containers']] == ['api', 'web']
    assert result['warnings'][0].startswith('The GlusterFS mount %s is live, but the containers api, web' % data)
    result = run(task(tmp_path, restart_containers=True), client=client, host=host)
    assert not result['failed'] and result['changed'] and 'warnings' not in result
    assert result['actions'] == ['docker stop api web', 'docker start api web']
    assert client.calls == [('stop', 'a1'), ('stop', 'w1'), ('start', 'a1'), ('start', 'w1')]
    assert result['restarted_containers'] == result['stale_containers'] and host.ran == []


class HungMountHost(DeadMountHost):
    """A host whose mount at ``mount_point`` does not answer: the bounded stat reports NoAnswer, and
    any other look at the mount point (stat, lstat, realpath: all would block) fails the test."""

    def __init__(self, mount_point, mountinfo):
        super().__init__(mount_point, mountinfo)
        self.asked = []

    def stat_within(self, path, seconds):
        self.asked.append((path, seconds))
        if path == self.mount_point:
            raise NoAnswer(path, seconds)
        return os.stat(path)

    def blocked(self, path, *args, **kwargs):
        if path == self.mount_point or path.startswith(self.mount_point + '/'):
            pytest.fail('%s would block: the hung mount point was looked at without a time limit' % path)
        return os.path.realpath(path)

    def files(self):
        return HostFiles(read_text=self.read_text, stat=self.blocked, lstat=self.blocked, realpath=self.blocked,
                         stat_within=self.stat_within)


@pytest.mark.parametrize('check_mode', [False, True])
@pytest.mark.parametrize('overrides', [{}, {'mount': False}, {'state': 'absent', 'purge': True}])
def test_hung_mount_is_refused_within_the_time_and_nothing_is_changed(run, tmp_path, data, stale, check_mode,
                                                                      overrides):
    """A mount whose stat does not answer (its client stopped, or a server unreachable without a
    reset) is neither remounted like a dead one nor looked at without a time limit."""
    _host, client = stale
    host = HungMountHost(data, [live(data)])
    result = run(task(tmp_path, stat_timeout=7, **overrides), client=client, host=host, check_mode=check_mode)
    assert result['failed'] and result['changed'] is False and result['actions'] == []
    assert result['msg'].startswith(
        '%s does not answer within 7 s (hung FUSE client; fuse.glusterfs node1:/web is mounted there): nothing was '
        'changed, and a hung mount is not mounted again by this module' % data)
    assert result['mount'] == dict(mount_point=str(data), fstype='fuse.glusterfs', source='node1:/web', live=False,
                                   mounted_by_task=False, hung=True)
    assert host.asked == [(str(data), 7)] and host.ran == [] and client.calls == []
    assert (data / NAME / 'deep' / 'file').read_text() == 'data'


def test_stat_timeout_defaults_to_outlast_the_gluster_ping_timeout(run, tmp_path, data):
    host = HungMountHost(data, [live(data)])
    result = run(task(tmp_path), client=FakeDockerClient(bound_volume(data)), host=host)
    assert result['failed'] and host.asked == [(str(data), 60)]


def test_dead_mount_with_mount_false_is_refused(run, tmp_path, data, stale):
    host, client = stale
    result = run(task(tmp_path, mount=False), client=client, host=host)
    assert result['failed'] and result['msg'] == (
        '%s is a dead GlusterFS mount (Transport endpoint is not connected): set mount=true to mount it again, or '
        'unmount it (umount -l %s) and run again. Nothing was created.' % (data, data))
    assert result['actions'] == [] and host.ran == [] and client.calls == []


def test_dead_mount_that_umount_cannot_clear_fails_clearly(run, tmp_path, data):
    host = DeadMountHost(data, [live(data)], umount_rc=32)
    result = run(task(tmp_path), client=FakeDockerClient(bound_volume(data)), host=host)
    assert result['failed'] and result['msg'].startswith('Unmounting the dead GlusterFS mount %s failed' % data)
    assert result['cmd'] == '/sbin/umount -l %s' % data and result['stderr'] == 'umount: target is busy'
    assert host.ran == [['/sbin/umount', '-l', str(data)]]
    # Still a mount there after umount -l (two mounts stacked): nothing is mounted over it.
    host = DeadMountHost(data, [live(data) + live(data)])
    result = run(task(tmp_path), client=FakeDockerClient(bound_volume(data)), host=host)
    assert result['failed'] and 'is still a mount point after umount -l' in result['msg']
    assert host.ran == [['/sbin/umount', '-l', str(data)]]


def test_dead_mount_of_another_volume_is_refused_as_before(run, tmp_path, data):
    host = DeadMountHost(data, [live(data, volume='other')])
    result = run(task(tmp_path), client=FakeDockerClient(bound_volume(data)), host=host)
    assert result['failed'] and result['msg'] == (
        '%s is not a mount of the GlusterFS volume web: the GlusterFS volume node1:/other is mounted there, not web. '
        'Nothing was created.' % data)
    assert host.ran == [] and result['actions'] == []


def test_no_purge_on_a_repaired_mount_that_does_not_answer(run, tmp_path, data):
    host = DeadMountHost(data, [live(data), '', live(data)], remount_answers=False)
    client = FakeDockerClient(bound_volume(data))
    result = run(purge(tmp_path), client=client, host=host)
    assert result['failed'] and result['msg'].startswith(
        'mount reported success but %s is not a live GlusterFS mount of web: nothing created (stat: %s'
        % (data, os.strerror(errno.ENOTCONN)))
    assert result['actions'] == umount_and_mount(data)
    assert client.calls == [] and (data / NAME / 'deep' / 'file').read_text() == 'data'


def test_purge_after_a_repaired_mount_proven_live(run, tmp_path, data):
    host = DeadMountHost(data, [live(data), '', live(data)])
    client = FakeDockerClient(bound_volume(data))
    result = run(purge(tmp_path), client=client, host=host)
    assert not result['failed'] and result['actions'] == umount_and_mount(data) + [
        'docker volume rm site', 'rm -rf %s/site' % data]
    assert os.listdir(str(data)) == []


def test_a_live_mount_without_running_containers_costs_one_container_listing(run, tmp_path, data):
    class NoVolumeListing(FakeDockerClient):
        def list_volumes(self, fresh=True):
            pytest.fail('no running container: the volume list is not needed')

    client = NoVolumeListing(bound_volume(data), containers=[dict(using_site('old', 'o1'), State='exited')])
    result = run(task(tmp_path), client=client, host=Host([live(data)]))
    assert not result['failed'] and not result['changed'] and result['stale_containers'] == []
