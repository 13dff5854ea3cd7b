"""docker_gluster_volume's list form (volumes) through the real AnsibleModule: every entry checked
before any Docker, mount or file-system call (errors name the entry), entries checked together,
one Docker volume listing per task, one mount check per GlusterFS volume, every entry planned before
the first change, a stop at the first failure, check mode and diff.

Docker is a fake that counts its calls and knows several volumes; the host's file system is a tmp
directory, with mount(8) answered by adding the mount to the mount table it reads.
"""
import errno
import os
import re

import pytest

from ansible_collections.glusterdock.storage.plugins.module_utils.docker_client import DockerClientError
from ansible_collections.glusterdock.storage.plugins.module_utils.docker_volume_files import HostFiles
from ansible_collections.glusterdock.storage.tests.unit.plugins.modules import test_docker_gluster_volume as single_form

# The single form's fixture: the real AnsibleModule, a Docker client and the host's files handed in.
run = single_form.run
bound_volume = single_form.bound_volume


class CountingDocker:
    """Docker volumes by name and the containers; counts every call by kind."""

    def __init__(self, volumes=(), containers=(), using=None, pids=None, fail_create=None):
        self.volumes = dict((volume['Name'], volume) for volume in volumes)
        self.containers = list(containers)
        self.using = dict(using or {})
        self.pids = dict(pids or {})
        self.fail_create = fail_create
        self.counts = {}
        self.changes = []

    def _count(self, kind):
        self.counts[kind] = self.counts.get(kind, 0) + 1

    def inspect_volume(self, name):
        self._count('inspect')
        return self.volumes.get(name)

    def list_volumes(self, fresh=True):
        self._count('list_volumes')
        return list(self.volumes.values())

    def list_containers(self, fresh=True):
        self._count('list_containers')
        return self.containers

    def containers_using(self, name):
        self._count('containers_using')
        return self.using.get(name, [])

    def container_pid(self, container_id):
        return self.pids.get(container_id, 0)

    def stop_container(self, container_id):
        self.changes.append(('stop', container_id))

    def start_container(self, container_id):
        self.changes.append(('start', container_id))

    def create_volume(self, name, driver, driver_options, labels):
        if name == self.fail_create:
            raise DockerClientError('docker volume create %s failed: no space left' % name)
        self.changes.append(('create', name))
        self.volumes[name] = {'Name': name, 'Driver': driver, 'Options': driver_options, 'Labels': labels,
                              'Mountpoint': '/var/lib/docker/volumes/%s/_data' % name}
        return self.volumes[name]

    def remove_volume(self, name):
        self.changes.append(('remove', name))
        self.volumes.pop(name)


class MountTable:
    """The host's mount table: GlusterFS volumes mounted (mount(8) adds one), and how often it was read."""

    def __init__(self, mounted=None):
        self.mounted = dict(mounted or {})
        self.reads = 0
        self.ran = []

    def read_text(self, path):
        assert path == '/proc/self/mountinfo'
        self.reads += 1
        return ''.join('%d 1 0:5 / %s rw - fuse.glusterfs node1:/%s rw\n' % (30 + index, point, volume)
                       for index, (point, volume) in enumerate(sorted(self.mounted.items())))

    def files(self):
        return HostFiles(read_text=self.read_text, stat_within=single_form.within(os.stat))

    def run_command(self, argv, **kwargs):
        assert argv[:3] == ['/sbin/mount', '-t', 'glusterfs'], argv
        self.ran.append(argv)
        self.mounted[argv[-1]] = argv[-2].split(':/')[1]
        return 0, '', ''


def entry(tmp_path, name, gluster_volume, **overrides):
    return dict(dict(name=name, gluster_volume=gluster_volume, servers=['node1', 'node2'],
                     mount_point=str(tmp_path / gluster_volume)), **overrides)


def five_on_two(tmp_path):
    """Five Docker volumes on the GlusterFS volumes web (three) and data (two)."""
    return [entry(tmp_path, 'site', 'web'), entry(tmp_path, 'logs', 'data'), entry(tmp_path, 'assets', 'web'),
            entry(tmp_path, 'db', 'data', subdirectory='pg/main'), entry(tmp_path, 'cache', 'web', mode='0700')]


def made(tmp_path, entries):
    """The Docker volumes the entries ask for, as the module makes them."""
    return [bound_volume(tmp_path / item['gluster_volume'], item.get('subdirectory', item['name']),
                         item['gluster_volume'], item['name']) for item in entries]


def converged(tmp_path, entries):
    """Docker and the host after the entries were created: volumes, mounts and directories."""
    for item in entries:
        (tmp_path / item['gluster_volume'] / item.get('subdirectory', item['name'])).mkdir(parents=True, exist_ok=True)
    (tmp_path / 'web' / 'cache').chmod(0o700)
    return CountingDocker(made(tmp_path, entries)), MountTable(dict(
        (str(tmp_path / volume), volume) for volume in ('web', 'data')))


def no_call(*args, **kwargs):
    pytest.fail('bad input must be refused before any Docker, mount or file-system call')


# --- every entry checked before any call ------------------------------------------------------------

@pytest.mark.parametrize('bad, message', [
    (dict(subdirectory='../up'), "volumes[3] (name web-data): subdirectory: '../up' must not contain \"..\" (it "
                                 "would leave the GlusterFS mount)"),
    (dict(state='gone'), 'volumes[3] (name web-data): value of state must be one of: present, absent, got: gone'),
    (dict(size='1G'), 'volumes[3] (name web-data): unsupported parameters: size (an entry takes the options of one '
                      'Docker volume: '),
    (dict(docker_host='tcp://x:2375'), 'volumes[3] (name web-data): unsupported parameters: docker_host'),
    (dict(gluster_volume='all'), "volumes[3] (name web-data): gluster_volume: 'all' is a word reserved by the "
                                 "gluster CLI"),
    (dict(name='-x'), "volumes[3] (name -x): name: '-x' is not a Docker volume name"),
])
def test_a_bad_entry_is_refused_before_any_call_naming_it(run, tmp_path, bad, message):
    entries = [entry(tmp_path, 'a-%d' % index, 'web') for index in range(3)] + [
        dict(entry(tmp_path, 'web-data', 'web'), **bad)]
    result = run(dict(volumes=entries))
    assert result['failed'] and result['msg'].startswith(message), result['msg']
    assert result['msg'].endswith('Nothing was changed.')
    assert result['actions'] == [] and not result['changed'] and result['connections'] == []


def test_every_bad_entry_is_listed_at_once(run, tmp_path):
    result = run(dict(volumes=[entry(tmp_path, 'ok', 'web'), entry(tmp_path, 'one', 'web', mode='u+x'),
                               {'gluster_volume': 'web'}, entry(tmp_path, 'two', 'web', servers=[])]))
    assert result['msg'] == (
        "volumes[1] (name one): mode: 'u+x' is not an octal mode such as \"0755\" (symbolic modes are not supported); "
        "volumes[2]: missing required arguments: name; "
        "volumes[3] (name two): servers: list at least one GlusterFS server. Nothing was changed.")
    assert result['connections'] == []


@pytest.mark.parametrize('args, pattern', [
    (dict(name='site', volumes=[]), 'parameters are mutually exclusive: name|volumes$'),
    (dict(volumes='site'), "^Elements value for option 'volumes' is of type str and we were unable to convert to dict"),
    (dict(volumes=[], gluster_volume='web', recreate='options_changed'),
     '^gluster_volume: give it in each entry of volumes, not beside the list; recreate: give it in each entry of '
     'volumes, not beside the list. Nothing was changed.$'),
])
def test_the_list_and_the_single_form_do_not_mix(run, args, pattern):
    result = run(args)
    assert result['failed'] and re.search(pattern, result['msg']), result['msg']
    assert result['connections'] == []


def test_an_empty_list_makes_no_docker_call(run):
    result = run(dict(volumes=[]))
    assert not result['failed'] and not result['changed'] and result['results'] == [] and result['connections'] == []


@pytest.mark.parametrize('second, message', [
    (dict(name='site', subdirectory='other'),
     'volumes[1] (name site): the Docker volume site is listed twice (also volumes[0] (name site)); list each once'),
    (dict(name='bb', servers=['node2', 'node1']),
     "volumes[1] (name bb): servers is ['node2', 'node1'] here but ['node1', 'node2'] in volumes[0] (name site): "
     "entries on the GlusterFS volume web share its mount, so give them the same servers"),
    (dict(name='bb', mount_options='ro'),
     "volumes[1] (name bb): mount_options is ['ro'] here but [] in volumes[0] (name site): entries on the GlusterFS "
     "volume web share its mount"),
    (dict(name='bb', restart_containers=True),
     'volumes[1] (name bb): restart_containers is True here but False in volumes[0] (name site)'),
    (dict(name='bb', mount_point='/mnt/elsewhere'), "volumes[1] (name bb): mount_point is '/mnt/elsewhere' here"),
    (dict(name='bb', gluster_volume='data', mount_point='SAME'),
     'volumes[1] (name bb): mount_point SAME is also the mount point of the GlusterFS volume web (volumes[0] (name '
     'site)): one mount point holds one volume'),
    (dict(name='bb', state='absent', purge=True, subdirectory='.//'), "subdirectory: './/' names the mount point"),
    (dict(name='bb', state='absent', purge=True, subdirectory='site/inner'),
     'volumes[1] (name bb): purge: the subdirectory site/inner lies inside the subdirectory site that volumes[0] '
     '(name site) keeps on the GlusterFS volume web; a purge never deletes the data of a Docker volume the same task '
     'keeps'),
])
def test_entries_are_checked_together(run, tmp_path, second, message):
    first = entry(tmp_path, 'site', 'web')
    if second.get('mount_point') == 'SAME':
        second = dict(second, mount_point=first['mount_point'])
        message = message.replace('SAME', first['mount_point'])
    result = run(dict(volumes=[first, dict(entry(tmp_path, 'x', 'web'), **second)]))
    assert result['failed'] and message in result['msg'], result['msg']
    assert result['connections'] == [] and result['actions'] == []


def test_a_purge_before_a_kept_parent_is_refused_whatever_the_order(run, tmp_path):
    purge = entry(tmp_path, 'old', 'web', subdirectory='apps', state='absent', purge=True)
    result = run(dict(volumes=[purge, entry(tmp_path, 'inner', 'web', subdirectory='apps/inner')]))
    assert 'volumes[0] (name old): purge: the subdirectory apps contains the subdirectory apps/inner that volumes[1] ' \
           '(name inner) keeps' in result['msg']
    # Another GlusterFS volume is no conflict.
    result = run(dict(volumes=[purge, entry(tmp_path, 'inner', 'data', subdirectory='apps/inner')]),
                 client=CountingDocker(), host=MountTable())
    assert not result['failed'], result['msg']


def test_a_purge_of_the_parent_of_a_volume_removed_without_purge_is_refused_whatever_the_order(run, tmp_path):
    """A Docker volume removed with purge false keeps its data: once it is gone nothing on the host
    holds a later purge of its parent back, so the list itself must."""
    keep_data = entry(tmp_path, 'app', 'web', subdirectory='proj/app', state='absent')
    purge = entry(tmp_path, 'proj', 'web', subdirectory='proj', state='absent', purge=True)
    for volumes, purging in (([keep_data, purge], 'volumes[1] (name proj)'), ([purge, keep_data], 'volumes[0] (name proj)')):
        docker, host = CountingDocker(), MountTable()
        result = run(dict(volumes=volumes), client=docker, host=host)
        assert result['failed'] and ('%s: purge: the subdirectory proj contains the subdirectory proj/app that '
                                     % purging) in result['msg'], result['msg']
        assert result['actions'] == [] and docker.changes == [] and host.ran == []


def test_entries_on_one_volume_without_the_mount_need_not_agree(run, tmp_path):
    """A removal without purge does not use the mount: its mount options are not compared."""
    docker = CountingDocker([bound_volume(tmp_path / 'web', 'gone', name='gone')])
    result = run(dict(volumes=[entry(tmp_path, 'site', 'web'), dict(name='gone', state='absent')]),
                 client=docker, host=MountTable())
    assert not result['failed'], result['msg']
    assert docker.changes == [('create', 'site'), ('remove', 'gone')]


def test_a_failed_listing_fails_before_anything_is_looked_at(run, tmp_path):
    class Unreachable(CountingDocker):
        def list_volumes(self, fresh=True):
            raise DockerClientError('docker volume ls failed: connection refused')

    host = MountTable()
    result = run(dict(volumes=five_on_two(tmp_path)), client=Unreachable(), host=host)
    assert result['failed'] and result['msg'] == 'docker volume ls failed: connection refused'
    assert result['actions'] == [] and host.reads == 0 and host.ran == []


# --- one listing, one mount check per GlusterFS volume ---------------------------------------------

def test_five_volumes_on_two_gluster_volumes_in_one_task(run, tmp_path):
    docker, host = CountingDocker(), MountTable()
    entries = five_on_two(tmp_path)
    result = run(dict(volumes=entries), client=docker, host=host, diff=True)
    assert not result['failed'] and result['changed'], result.get('msg')
    web, data = tmp_path / 'web', tmp_path / 'data'
    assert result['actions'] == [
        'mkdir -p %s' % web,
        'mount -t glusterfs -o backup-volfile-servers=node2 node1:/web %s' % web,
        'mkdir -p %s/site' % web,
        'docker volume create --driver local --opt device=%s/site --opt o=bind --opt type=none --label '
        'org.glusterdock.gluster-volume=web --label org.glusterdock.servers=node1,node2 --label '
        'org.glusterdock.subdirectory=site site' % web,
        'mkdir -p %s' % data,
        'mount -t glusterfs -o backup-volfile-servers=node2 node1:/data %s' % data,
        'mkdir -p %s/logs' % data,
        'docker volume create --driver local --opt device=%s/logs --opt o=bind --opt type=none --label '
        'org.glusterdock.gluster-volume=data --label org.glusterdock.servers=node1,node2 --label '
        'org.glusterdock.subdirectory=logs logs' % data,
        'mkdir -p %s/assets' % web,
        'docker volume create --driver local --opt device=%s/assets --opt o=bind --opt type=none --label '
        'org.glusterdock.gluster-volume=web --label org.glusterdock.servers=node1,node2 --label '
        'org.glusterdock.subdirectory=assets assets' % web,
        'mkdir -p %s/pg/main' % data,
        'docker volume create --driver local --opt device=%s/pg/main --opt o=bind --opt type=none --label '
        'org.glusterdock.gluster-volume=data --label org.glusterdock.servers=node1,node2 --label '
        'org.glusterdock.subdirectory=pg/main db' % data,
        'mkdir -p %s/cache (mode 0700)' % web,
        'docker volume create --driver local --opt device=%s/cache --opt o=bind --opt type=none --label '
        'org.glusterdock.gluster-volume=web --label org.glusterdock.servers=node1,node2 --label '
        'org.glusterdock.subdirectory=cache cache' % web]
    assert result['commands'] == result['actions']
    # One listing and no inspect of the volumes that exist; no container listing (no running container to check).
    assert docker.counts == {'list_volumes': 1, 'list_containers': 1}
    # One mount (and its check) per GlusterFS volume: before the mount and after it, for each.
    assert [argv[-1] for argv in host.ran] == [str(web), str(data)] and host.reads == 4
    assert [(mount['gluster_volume'], mount['live'], mount['mounted_by_task'], mount['entries'])
            for mount in result['mounts']] == [
        ('web', True, True, ['volumes[0] (name site)', 'volumes[2] (name assets)', 'volumes[4] (name cache)']),
        ('data', True, True, ['volumes[1] (name logs)', 'volumes[3] (name db)'])]
    assert [(item['name'], item['entry'], item['changed'], item['failed']) for item in result['results']] == [
        (item['name'], 'volumes[%d] (name %s)' % (index, item['name']), True, False)
        for index, item in enumerate(entries)]
    assert result['results'][2]['actions'] == result['actions'][8:10]
    assert result['results'][3]['volume']['Options']['device'] == '%s/pg/main' % data
    assert [item['diff']['before']['mounted'] for item in result['results']] == [False, False, True, True, True]
    assert all(item['diff']['after']['mounted'] and item['diff']['after']['exists'] for item in result['results'])
    assert [diff['before_header'] for diff in result['diff']] == ['Docker volume %s' % item['name'] for item in entries]
    assert (web / 'cache').stat().st_mode & 0o777 == 0o700

    # The second run changes nothing: still one listing and one mount check per GlusterFS volume.
    docker.counts, host.reads = {}, 0
    again = run(dict(volumes=entries), client=docker, host=host)
    assert not again['failed'] and not again['changed'] and again['actions'] == []
    assert docker.counts == {'list_volumes': 1, 'list_containers': 1} and host.reads == 2 and len(host.ran) == 2
    assert [item['changed'] for item in again['results']] == [False] * 5


def test_a_loop_of_the_single_form_costs_one_docker_read_and_mount_check_per_volume(run, tmp_path):
    """What the list form saves (the figure the benchmark measures on a real host)."""
    entries = five_on_two(tmp_path)
    docker, host = converged(tmp_path, entries)
    for item in entries:
        assert not run(item, client=docker, host=host)['changed']
    assert docker.counts == {'inspect': 5, 'list_containers': 5} and host.reads == 5


def test_check_mode_lists_everything_and_does_nothing(run, tmp_path):
    docker, host = CountingDocker(), MountTable()
    (tmp_path / 'web').mkdir()
    result = run(dict(volumes=five_on_two(tmp_path)), client=docker, host=host, check_mode=True)
    assert not result['failed'] and result['changed']
    assert [action.split(' ')[0:3] for action in result['actions']] == [
        ['mount', '-t', 'glusterfs'], ['mkdir', '-p', '%s/site' % (tmp_path / 'web')], ['docker', 'volume', 'create'],
        ['mkdir', '-p', str(tmp_path / 'data')], ['mount', '-t', 'glusterfs'],
        ['mkdir', '-p', '%s/logs' % (tmp_path / 'data')], ['docker', 'volume', 'create'],
        ['mkdir', '-p', '%s/assets' % (tmp_path / 'web')], ['docker', 'volume', 'create'],
        ['mkdir', '-p', '%s/pg/main' % (tmp_path / 'data')], ['docker', 'volume', 'create'],
        ['mkdir', '-p', '%s/cache' % (tmp_path / 'web')], ['docker', 'volume', 'create']]
    assert all(action.endswith('(if missing)') for action in result['actions']
               if action.startswith(('mkdir -p %s/' % (tmp_path / 'web'), 'mkdir -p %s/' % (tmp_path / 'data'))))
    assert docker.changes == [] and host.ran == [] and not (tmp_path / 'data').exists()
    assert [mount['mounted_by_task'] and not mount['live'] for mount in result['mounts']] == [True, True]


# --- every entry planned before the first change; a stop at the first failure ------------------------

def test_a_refusal_of_a_later_entry_changes_nothing(run, tmp_path):
    plain = {'Name': 'mine', 'Driver': 'local', 'Mountpoint': '/var/lib/docker/volumes/mine/_data', 'Options': None,
             'Labels': None}
    docker, host = CountingDocker([plain]), MountTable()
    entries = five_on_two(tmp_path) + [entry(tmp_path, 'mine', 'web')]
    result = run(dict(volumes=entries), client=docker, host=host)
    assert result['failed'] and result['msg'].startswith(
        'volumes[5] (name mine): Refusing to use the Docker volume mine: it is not one this collection made for '
        'GlusterFS volume web, subdirectory mine')
    assert result['msg'].endswith('Nothing was changed. No entry was changed: every entry is checked before the first '
                                  'change.')
    assert result['actions'] == [] and not result['changed']
    assert [(item['name'], item['failed']) for item in result['results']] == [('mine', True)]
    assert docker.changes == [] and host.ran == [] and host.reads == 0 and not (tmp_path / 'web').exists()


def test_a_volume_in_use_refuses_the_task_before_any_change(run, tmp_path):
    entries = five_on_two(tmp_path)
    docker, host = converged(tmp_path, entries)
    docker.using = {'cache': ['worker']}
    drifted = entries[:4] + [dict(entries[4], labels={'tier': 'x'}, recreate='options_changed')]
    result = run(dict(volumes=[entry(tmp_path, 'new', 'web')] + drifted), client=docker, host=host)
    assert result['failed'] and result['msg'].startswith(
        'volumes[5] (name cache): Refusing to recreate the Docker volume cache: it is used by the container(s) worker.')
    assert result['results'][0]['containers'] == ['worker']
    assert docker.changes == [] and 'new' not in docker.volumes and not (tmp_path / 'web' / 'new').exists()


def test_the_run_stops_at_the_first_failure_and_says_what_was_done(run, tmp_path):
    docker, host = CountingDocker(fail_create='db'), MountTable()
    result = run(dict(volumes=five_on_two(tmp_path)), client=docker, host=host)
    assert result['failed'] and result['changed']
    assert result['msg'] == (
        'volumes[3] (name db): docker volume create db failed: no space left. Entries done before it: volumes[0] '
        '(name site) changed, volumes[1] (name logs) changed, volumes[2] (name assets) changed. Not attempted (the '
        'run stops at the first failure): volumes[4] (name cache).')
    assert [(item['name'], item['changed'], item['failed']) for item in result['results']] == [
        ('site', True, False), ('logs', True, False), ('assets', True, False), ('db', True, True)]
    # The directory was made before the create failed: the failed entry's actions say so, and what it tried.
    assert [action.split(' ')[:3] for action in result['results'][3]['actions']] == [
        ['mkdir', '-p', '%s/pg/main' % (tmp_path / 'data')], ['docker', 'volume', 'create']]
    assert docker.changes == [('create', 'site'), ('create', 'logs'), ('create', 'assets')]
    assert not (tmp_path / 'web' / 'cache').exists()


def test_removal_and_purge_in_one_task(run, tmp_path):
    entries = five_on_two(tmp_path)
    docker, host = converged(tmp_path, entries)
    (tmp_path / 'web' / 'site' / 'file').write_text('data')
    result = run(dict(volumes=[
        dict(entries[0], state='absent', purge=True), dict(name='logs', state='absent'), entries[2]]),
        client=docker, host=host)
    assert not result['failed'] and result['actions'] == [
        'docker volume rm site', 'rm -rf %s/site' % (tmp_path / 'web'), 'docker volume rm logs']
    assert not (tmp_path / 'web' / 'site').exists() and (tmp_path / 'data' / 'logs').exists()
    # The purge read the host again right before it deleted; the rest came from the one listing (the
    # removals asked Docker which containers use their volumes, as the single form does).
    assert docker.counts == {'list_volumes': 2, 'list_containers': 1, 'containers_using': 2}


def test_a_purge_judges_the_host_as_it_is_right_before_it_deletes(run, tmp_path):
    """A Docker volume made on the host after the task's one listing (by another run) still stops the purge."""
    (tmp_path / 'web' / 'apps' / 'own').mkdir(parents=True)
    docker = CountingDocker([bound_volume(tmp_path / 'web', 'apps', name='apps')])
    host = MountTable({str(tmp_path / 'web'): 'web'})
    listing = docker.list_volumes

    def later_listing(fresh=True):
        if docker.counts.get('list_volumes'):
            docker.volumes['intruder'] = bound_volume(tmp_path / 'web', 'apps/own', name='intruder')
        return listing(fresh)

    docker.list_volumes = later_listing
    result = run(dict(volumes=[entry(tmp_path, 'apps', 'web', subdirectory='apps', state='absent', purge=True)]),
                 client=docker, host=host)
    assert result['failed'] and result['msg'].startswith(
        'volumes[0] (name apps): Refusing to purge %s/apps: it contains /apps/own of the GlusterFS volume web, held '
        'by the Docker volume intruder.' % (tmp_path / 'web')), result['msg']
    assert docker.changes == [] and (tmp_path / 'web' / 'apps' / 'own').exists()


# --- containers left on a dead mount: once per GlusterFS mount, after every entry --------------------

def test_stale_containers_are_checked_once_per_mount_after_every_entry(run, tmp_path):
    entries = five_on_two(tmp_path)
    docker, host = converged(tmp_path, entries)
    running = {'Id': 'c1', 'Names': ['/app'], 'State': 'running',
               'Mounts': [{'Type': 'volume', 'Name': 'site', 'Destination': '/data'}]}
    docker.containers, docker.pids = [running], {'c1': 7}
    entries = [dict(item, restart_containers=True) for item in entries]

    def stat(path):
        if path.startswith('/proc/7/root'):
            raise OSError(errno.ENOTCONN, os.strerror(errno.ENOTCONN), path)
        return os.stat(path)

    host.files = lambda: HostFiles(read_text=host.read_text, stat=stat, stat_within=single_form.within(stat))
    result = run(dict(volumes=entries), client=docker, host=host)
    assert not result['failed'] and result['changed'], result.get('msg')
    assert result['actions'] == ['docker stop app', 'docker start app']
    assert all(item['actions'] == [] and not item['changed'] for item in result['results'])
    assert result['stale_containers'] == result['restarted_containers'] == [{'name': 'app', 'id': 'c1'}]
    assert docker.changes == [('stop', 'c1'), ('start', 'c1')]
    assert docker.counts == {'list_volumes': 1, 'list_containers': 1}


def test_a_dead_mount_is_mounted_again_once_for_every_entry_on_it(run, tmp_path):
    mount_point = tmp_path / 'mnt'
    (mount_point / 'site').mkdir(parents=True)
    (mount_point / 'assets').mkdir()
    docker = CountingDocker([bound_volume(mount_point), bound_volume(mount_point, 'assets', name='assets')])
    # The dead mount, nothing after umount -l, the new mount (read from then on).
    host = single_form.DeadMountHost(mount_point, [single_form.live(mount_point), '', single_form.live(mount_point)])
    entries = [dict(name=name, gluster_volume='web', servers=['node1', 'node2'], mount_point=str(mount_point))
               for name in ('site', 'assets')]
    result = run(dict(volumes=entries), client=docker, host=host, diff=True)
    assert not result['failed'] and result['changed'], result.get('msg')
    assert result['actions'] == single_form.umount_and_mount(mount_point)
    assert [argv[:2] for argv in host.ran] == [['/sbin/umount', '-l'], ['/sbin/mount', '-t']]
    assert [item['actions'] for item in result['results']] == [single_form.umount_and_mount(mount_point), []]
    assert [(item['diff']['before']['mounted'], item['diff']['after']['mounted']) for item in result['results']] == [
        (False, True), (True, True)]
    assert result['mounts'][0]['remounted_dead_mount'] and result['mounts'][0]['live']
    assert docker.changes == []
