"""Ownership of Docker volumes and the reach of a purge: decided on what Docker and mountinfo report."""
import pytest

from ansible_collections.glusterdock.storage.plugins.filter.container_volumes import (
    FilterModule, container_named_volumes,
)
from ansible_collections.glusterdock.storage.plugins.module_utils.docker_gluster_mount import (
    parse_mountinfo,
)
from ansible_collections.glusterdock.storage.plugins.module_utils.docker_gluster_volume_plan import (
    LABEL_GLUSTER_VOLUME, LABEL_SUBDIRECTORY,
)
from ansible_collections.glusterdock.storage.plugins.module_utils.docker_volume_safety import (
    container_volume_problems, containers_on_mount, data_location, foreign_volume_message, gluster_location, locations,
    mount_covering, named_volumes, normalise_path, ownership, purge_conflict_message, purge_conflicts, purge_holders,
    relation, stale_container_warning,
)


def ours(name='site', gluster_volume='web', subdirectory='site', device='/mnt/glusterfs/web/site'):
    return {'Name': name, 'Driver': 'local', 'Mountpoint': '/var/lib/docker/volumes/%s/_data' % name,
            'Options': {'type': 'none', 'o': 'bind', 'device': device},
            'Labels': {LABEL_GLUSTER_VOLUME: gluster_volume, LABEL_SUBDIRECTORY: subdirectory, 'app': 'web'}}


PLAIN = {'Name': 'mine', 'Driver': 'local', 'Mountpoint': '/var/lib/docker/volumes/mine/_data', 'Options': None,
         'Labels': None}


# --- ownership ----------------------------------------------------------------------------------

def test_a_volume_with_our_labels_for_the_same_directory_is_ours():
    assert ownership(ours(), 'web', 'site') == ('ours', None)
    # Without a GlusterFS volume to compare (state=absent), any of ours for the subdirectory.
    assert ownership(ours(), None, 'site') == ('ours', None)
    # A volume plugin carrying the labels is ours too: it keeps no data in Docker's directory.
    plugin = dict(ours(), Driver='example/plugin:latest', Options={'path': '/mnt/glusterfs/web/site'})
    assert ownership(plugin, 'web', 'site') == ('ours', None)


def test_missing():
    assert ownership(None, 'web', 'site') == ('missing', None)


@pytest.mark.parametrize('volume, gluster_volume, subdirectory, why', [
    (PLAIN, 'web', 'mine', 'it carries no org.glusterdock.gluster-volume or org.glusterdock.subdirectory label'),
    (ours(gluster_volume='db'), 'web', 'site', 'its labels name GlusterFS volume db, subdirectory site'),
    (ours(subdirectory='other'), 'web', 'site', 'its labels name GlusterFS volume web, subdirectory other'),
    (ours(subdirectory='other'), None, 'site', 'its labels name GlusterFS volume web, subdirectory other'),
    (dict(ours(), Labels={LABEL_SUBDIRECTORY: 'site'}), None, 'site',
     'its labels name GlusterFS volume None, subdirectory site'),
    # Removing a plain local volume deletes its data, whatever its labels say.
    (dict(ours(), Options={}), 'web', 'site',
     'its labels match, but the local driver keeps its data itself, not on GlusterFS'),
    (dict(ours(), Options={'type': 'nfs', 'o': 'addr=10.0.0.1', 'device': ':/export'}), 'web', 'site',
     'its labels match, but the local driver keeps its data itself, not on GlusterFS'),
])
def test_anything_else_is_foreign(volume, gluster_volume, subdirectory, why):
    assert ownership(volume, gluster_volume, subdirectory) == ('foreign', why)


def test_data_location_in_words():
    assert data_location(PLAIN) == "/var/lib/docker/volumes/mine/_data, Docker's own directory on this host"
    assert data_location(ours()) == '/mnt/glusterfs/web/site on this host (a bind of the local driver)'
    assert data_location(dict(PLAIN, Options={'type': 'nfs', 'device': ':/export'})) == \
        ':/export (a nfs file system mounted by the local driver)'
    assert data_location(dict(PLAIN, Driver='vieux/sshfs:latest', Mountpoint='')) == \
        'the volume plugin vieux/sshfs:latest (mounted at (none) while in use)'


def test_foreign_volume_message_names_driver_mountpoint_and_data():
    assert foreign_volume_message('mine', PLAIN, 'recreate', 'web', 'mine', 'it carries no labels') == (
        'Refusing to recreate the Docker volume mine: it is not one this collection made for GlusterFS volume web, '
        'subdirectory mine (it carries no labels). Its driver is local, its mountpoint '
        "/var/lib/docker/volumes/mine/_data, and its data lives in /var/lib/docker/volumes/mine/_data, Docker's own "
        'directory on this host. Nothing was changed.')
    assert 'made for subdirectory mine of a GlusterFS volume (' in foreign_volume_message(
        'mine', PLAIN, 'remove', None, 'mine', 'x')


# --- the docker_containers role -------------------------------------------------------------------

def test_named_volumes():
    assert named_volumes(['site:/www:ro', '/etc/ssl:/ssl:ro', './conf:/conf', '~/x:/x', '/anonymous', 'db:/db',
                          'site:/again']) == ['site', 'db']
    assert named_volumes(None) == []


def test_container_named_volumes_filter_skips_absent_and_declared_local():
    containers = [{'name': 'a', 'volumes': ['site:/www', 'cache:/cache'], 'local_volumes': ['cache']},
                  {'name': 'b', 'volumes': ['gone:/x'], 'state': 'absent'},
                  {'name': 'c', 'volumes': ['site:/www', 'tmp:/tmp']}]
    assert container_named_volumes(containers) == ['site', 'tmp']
    assert container_named_volumes(containers, ['tmp']) == ['site']
    assert set(FilterModule().filters()) == {'container_named_volumes', 'container_volume_problems', 'node_volume_labels',
                                             'service_constraints', 'service_mounts', 'service_volume_problems'}


def test_container_volume_problems():
    containers = [{'name': 'web', 'volumes': ['site:/www', 'mine:/m', 'nosuch:/n', '/srv:/srv']},
                  {'name': 'cache', 'volumes': ['mine:/m'], 'local_volumes': ['mine']},
                  {'name': 'old', 'volumes': ['nosuch:/n'], 'state': 'absent'}]
    volumes = {'site': ours(), 'mine': PLAIN, 'nosuch': None}
    problems = container_volume_problems(containers, volumes)
    assert problems == [
        "container web: the Docker volume mine is not a GlusterFS volume of this collection (it carries no "
        "org.glusterdock.gluster-volume or org.glusterdock.subdirectory label): its driver is local and its data lives "
        "in /var/lib/docker/volumes/mine/_data, Docker's own directory on this host. List it in local_volumes if that "
        "is meant.",
        'container web: the Docker volume nosuch does not exist; Docker would create an empty local volume and the '
        'data would land on local disk. Create it with docker_gluster_volumes first, or list it in local_volumes if '
        'it is meant to be local.']
    assert container_volume_problems(containers, volumes, local_volumes=['mine', 'nosuch']) == []
    # Check mode: an earlier role of the same run would create the missing volume.
    assert len(container_volume_problems(containers, volumes, check_mode=True)) == 1
    # A labelled volume whose data the local driver keeps itself is not one of ours.
    assert 'keeps its data itself' in container_volume_problems(
        [{'name': 'x', 'volumes': ['site:/www']}], {'site': dict(ours(), Options={})})[0]


# --- what a purge must not reach -------------------------------------------------------------------

# A Docker host: web mounted at /mnt/glusterfs/web and again at /mnt/second, a bind mount of its
# subdirectory apps at /mnt/bound (root /apps), and a running container's volume bound by Docker.
MOUNTINFO = r'''1512 1323 0:208 / / rw,relatime - overlay overlay rw
2166 1512 0:267 / /mnt/glusterfs/web rw,relatime - fuse.glusterfs node1:/web rw,user_id=0
2170 1512 0:267 / /mnt/second rw,relatime - fuse.glusterfs node2:/web rw,user_id=0
2171 1512 0:267 /apps /mnt/bound rw,relatime - fuse.glusterfs node1:/web rw,user_id=0
2172 1512 0:268 / /mnt/glusterfs/db rw,relatime - fuse.glusterfs node1:/db rw,user_id=0
2180 1512 0:267 /apps/inner /var/lib/docker/volumes/inner/_data rw,relatime - fuse.glusterfs node1:/web rw
'''
ENTRIES = parse_mountinfo(MOUNTINFO)
LINKS = {'/srv/apps-link': '/mnt/glusterfs/web/apps'}


def resolve(path):
    """os.path.realpath on a host with one symbolic link."""
    for link, target in LINKS.items():
        if path == link or path.startswith(link + '/'):
            return target + path[len(link):]
    return path


@pytest.mark.parametrize('path, normalised', [('/a//b/./c/', '/a/b/c'), ('/', '/'), ('//x/', '/x'), ('a', '/a')])
def test_normalise_path(path, normalised):
    assert normalise_path(path) == normalised


@pytest.mark.parametrize('target, other, how', [
    ('/apps', '/apps', 'is'), ('/apps', '/apps/inner', 'contains'), ('/apps/inner', '/apps', 'lies inside'),
    ('/apps', '/', 'lies inside'), ('/apps', '/apps2', None), ('/apps2', '/apps', None), ('/a/b', '/a/c', None),
])
def test_relation(target, other, how):
    assert relation(target, other) == how


def test_mount_covering_takes_the_deepest_and_last_mount():
    assert mount_covering(ENTRIES, '/mnt/glusterfs/web/apps').mount_point == '/mnt/glusterfs/web'
    assert mount_covering(ENTRIES, '/mnt/glusterfs/webby').mount_point == '/'
    over = parse_mountinfo(MOUNTINFO + '2190 2166 0:300 / /mnt/glusterfs/web rw - tmpfs tmpfs rw\n')
    assert mount_covering(over, '/mnt/glusterfs/web/x').fstype == 'tmpfs'


def test_locations_on_glusterfs_use_the_mounts_root_field():
    assert locations('/mnt/glusterfs/web/apps/', ENTRIES, resolve) == [
        ('host', None, '/mnt/glusterfs/web/apps'), ('gluster', 'web', '/apps')]
    # Another mount point of the same volume, and a bind mount of a subdirectory of it.
    assert locations('/mnt/second/apps/own', ENTRIES, resolve)[1] == ('gluster', 'web', '/apps/own')
    assert locations('/mnt/bound/own', ENTRIES, resolve)[1] == ('gluster', 'web', '/apps/own')
    assert locations('/var/lib/docker/volumes/inner/_data', ENTRIES, resolve)[1] == ('gluster', 'web', '/apps/inner')
    # Symbolic links are resolved first; local paths have only their host location.
    assert locations('/srv/apps-link/inner/', ENTRIES, resolve) == [
        ('host', None, '/mnt/glusterfs/web/apps/inner'), ('gluster', 'web', '/apps/inner')]
    assert locations('/var/lib/docker/volumes/mine/_data', ENTRIES, resolve) == [
        ('host', None, '/var/lib/docker/volumes/mine/_data')]


TARGET = [('host', None, '/mnt/glusterfs/web/apps'), gluster_location('web', 'apps')]


def holders(volumes=(), containers=()):
    return purge_holders(list(volumes), list(containers), ENTRIES, resolve, 'outer')


def bind(name, source):
    return {'Names': ['/' + name], 'Mounts': [{'Type': 'bind', 'Source': source, 'Destination': '/data'}]}


def test_purge_holders_skip_the_volume_purged_and_container_volume_mounts():
    found = holders([ours('outer', subdirectory='apps', device='/mnt/glusterfs/web/apps'), PLAIN],
                    [{'Names': ['/runner'], 'Mounts': [{'Type': 'volume', 'Name': 'inner',
                                                        'Source': '/var/lib/docker/volumes/inner/_data'}]}])
    assert [holder[0] for holder in found] == ['the Docker volume mine']
    assert purge_conflicts(TARGET, found) == []


@pytest.mark.parametrize('volumes, containers, conflict', [
    # The bug: another volume's directory inside the one purged.
    ([ours('inner', subdirectory='apps/inner', device='/mnt/glusterfs/web/apps/inner')], [],
     'it contains /apps/inner of the GlusterFS volume web, held by the Docker volume inner'),
    # Found by its bind device alone, on another mount point of the same volume.
    ([dict(PLAIN, Name='hand', Options={'type': 'none', 'o': 'bind', 'device': '/mnt/second/apps/x/'})], [],
     'it contains /apps/x of the GlusterFS volume web, held by the Docker volume hand'),
    # Or by the directory Docker bound at its mountpoint while a container runs.
    ([dict(PLAIN, Name='inner', Mountpoint='/var/lib/docker/volumes/inner/_data', Labels={})], [],
     'it contains /apps/inner of the GlusterFS volume web, held by the Docker volume inner'),
    ([ours('whole', subdirectory='.', device='/mnt/glusterfs/web')], [],
     'it lies inside / of the GlusterFS volume web, held by the Docker volume whole'),
    ([ours('same', subdirectory='apps', device='/mnt/glusterfs/web/apps')], [],
     'it is /apps of the GlusterFS volume web, held by the Docker volume same'),
    ([], [bind('linked', '/srv/apps-link/inner/')],
     'it contains /mnt/glusterfs/web/apps/inner, held by a bind mount (/srv/apps-link/inner/) of the container linked'),
    ([], [bind('host', '/')], 'it lies inside /, held by a bind mount (/) of the container host'),
    ([], [bind('bound', '/mnt/bound')],
     'it is /apps of the GlusterFS volume web, held by a bind mount (/mnt/bound) of the container bound'),
])
def test_purge_conflicts(volumes, containers, conflict):
    assert purge_conflicts(TARGET, holders(volumes, containers)) == [conflict]


@pytest.mark.parametrize('volumes, containers', [
    ([ours('db', gluster_volume='db', subdirectory='apps', device='/mnt/glusterfs/db/apps')], []),
    ([ours('sibling', subdirectory='apps2', device='/mnt/glusterfs/web/apps2')], []),
    ([], [bind('logs', '/var/log')]),
    ([], [bind('other', '/mnt/second/appsx')]),
])
def test_no_conflict_with_other_directories(volumes, containers):
    assert purge_conflicts(TARGET, holders(volumes, containers)) == []


def test_purge_conflict_message():
    assert purge_conflict_message('/mnt/glusterfs/web/apps', ['it is a, held by b', 'it contains c, held by d']) == (
        'Refusing to purge /mnt/glusterfs/web/apps: it is a, held by b; it contains c, held by d. Remove those Docker '
        'volumes or containers first (stopped containers count too). Nothing was changed.')


# --- containers on a GlusterFS mount ----------------------------------------------------------------

def container(name, state='running', *mounts):
    return {'Id': name + '-id', 'Names': ['/' + name], 'State': state, 'Mounts': list(mounts)}


def volume_mount(name, destination='/data'):
    return {'Type': 'volume', 'Name': name, 'Source': '/var/lib/docker/volumes/%s/_data' % name,
            'Destination': destination}


def bind_mount(source, destination='/data'):
    return {'Type': 'bind', 'Source': source, 'Destination': destination}


def test_containers_on_mount():
    volumes = [ours(), ours('db', 'db', 'db', '/mnt/glusterfs/db/db'), PLAIN]
    containers = [
        container('web', 'running', volume_mount('site'), volume_mount('mine', '/cache')),
        container('paused', 'paused', volume_mount('site', '/srv')),
        container('stopped', 'exited', volume_mount('site')),
        container('created', 'created', bind_mount('/mnt/glusterfs/web/site')),
        container('bound', 'restarting', bind_mount('/mnt/glusterfs/web/', '/all'), bind_mount('/etc', '/etc2')),
        container('other', 'running', volume_mount('db'), bind_mount('/mnt/glusterfs/webby', '/x')),
        container('local', 'running', volume_mount('mine'), {'Type': 'tmpfs', 'Destination': '/tmp'}),
    ]
    assert containers_on_mount(containers, volumes, ['/mnt/glusterfs/web']) == [
        dict(name='bound', id='bound-id', destinations=['/all']),
        dict(name='paused', id='paused-id', destinations=['/srv']),
        dict(name='web', id='web-id', destinations=['/data'])]
    # The mount point as mountinfo shows it, when the task's path goes through a link.
    assert containers_on_mount([container('web', 'running', bind_mount('/real/web/site'))], [],
                               ['/link/web', '/real/web'])[0]['destinations'] == ['/data']
    assert containers_on_mount([], volumes, ['/mnt/glusterfs/web']) == []


def test_stale_container_warning():
    stale = [dict(name='web', id='1'), dict(name='api', id='2')]
    assert stale_container_warning('/m', stale, True) == (
        'The dead GlusterFS mount /m was mounted again, but the containers web, api still hold the dead mount and '
        'cannot read their data until they are restarted (set restart_containers=true to restart them).')
    assert stale_container_warning('/m', stale, False).startswith('The GlusterFS mount /m is live, but the containers')
