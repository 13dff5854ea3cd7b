"""The docker_gluster_volume core: input checks, the mount command, volume comparison, and the purge
refusals."""
import pytest

from ansible_collections.glusterdock.storage.plugins.module_utils.docker_client import connection_settings
from ansible_collections.glusterdock.storage.plugins.module_utils.docker_gluster_mount import mount_argv
from ansible_collections.glusterdock.storage.plugins.module_utils.docker_gluster_volume_plan import (
    LABEL_GLUSTER_VOLUME, LABEL_SUBDIRECTORY, RequestProblems, create_command, differences, directory_changes,
    gluster_volume_name_error, in_use_message, mount_option_list, normalise_driver, normalise_subdirectory, parse_mode,
    purge_refusal, server_name_problem, validate, volume_config, wanted_volume,
)
from ansible_collections.glusterdock.storage.plugins.module_utils.errors import RequestError

SERVERS = ['node1', 'node2', 'node3']


def params(**overrides):
    base = dict(name='site', state='present', gluster_volume='web', servers=list(SERVERS), mount_point=None,
                mount_options=None, subdirectory=None, owner=None, group=None, mode=None, labels=None,
                driver='local', driver_options=None, purge=False)
    base.update(overrides)
    return base


def problems_of(**overrides):
    with pytest.raises(RequestError) as error:
        validate(params(**overrides))
    return str(error.value)


# --- validation -------------------------------------------------------------------------------

def test_defaults():
    settings = validate(params())
    assert settings['mount_point'] == '/mnt/glusterfs/web'
    assert settings['subdirectory'] == 'site'
    assert settings['path'] == '/mnt/glusterfs/web/site'
    assert settings['driver'] == 'local'


@pytest.mark.parametrize('name', ['ab', 'site', 'my.volume_1-x', '0a'])
def test_docker_names_accepted(name):
    assert validate(params(name=name))['name'] == name


@pytest.mark.parametrize('name', ['', 'a', '-site', '.site', '_site', 'a b', 'a/b', 'v; touch /tmp/p', '$(id)',
                                  'a\nb', None])
def test_docker_names_refused(name):
    assert 'name:' in problems_of(name=name)


@pytest.mark.parametrize('volume, problem', [
    ('', 'required'), ('all', 'reserved'), ('help', 'reserved'), ('-web', 'must not start with "-"'),
    ('a/b', 'characters glusterd refuses'), ('a b', 'characters glusterd refuses'),
    ('a\nb', 'characters glusterd refuses'), ('x' * 256, 'too long'), ('web;id', 'characters glusterd refuses'),
])
def test_gluster_volume_names_refused(volume, problem):
    # The rule is gluster_volume_spec.validate_volume_name's, the one gluster_volume applies.
    error = gluster_volume_name_error(volume)
    assert error.argument == 'gluster_volume' and problem in str(error)
    assert str(error) in problems_of(gluster_volume=volume)


@pytest.mark.parametrize('volume', ['web', '_web', 'a-b_c', 'x' * 255])
def test_gluster_volume_names_accepted(volume):
    assert gluster_volume_name_error(volume) is None


@pytest.mark.parametrize('server', ['node1', 'node1.example.com', '10.0.1.2', 'gluster_2'])
def test_servers_accepted(server):
    assert server_name_problem(server) is None


@pytest.mark.parametrize('server, problem', [
    ('', 'empty'), ('-o', 'starts with'), ('fe80::1', 'IPv6'), ('a b', 'not a host'), ('$(id)', 'not a host'),
    ('a..b', 'not a host'), ('node1,node2', 'not a host'),
])
def test_servers_refused(server, problem):
    assert problem in server_name_problem(server)


def test_servers_required_and_unique():
    assert 'list at least one' in problems_of(servers=[])
    assert 'twice' in problems_of(servers=['node1', 'node1'])


def test_gluster_volume_required_for_present_and_purge_only():
    assert 'gluster_volume: is required' in problems_of(gluster_volume=None)
    assert 'gluster_volume: is required' in problems_of(gluster_volume=None, state='absent', purge=True)
    settings = validate(params(gluster_volume=None, servers=None, state='absent'))
    assert settings['path'] is None


@pytest.mark.parametrize('subdirectory, normalised', [
    ('site', 'site'), ('a/b', 'a/b'), ('a//b/./c/', 'a/b/c'), ('./x', 'x'), ('a..b', 'a..b'), ('.hidden', '.hidden'),
])
def test_subdirectory_normalised(subdirectory, normalised):
    assert normalise_subdirectory(subdirectory) == normalised


@pytest.mark.parametrize('subdirectory, problem', [
    ('/abs', 'relative'), ('..', '".."'), ('../other', '".."'), ('a/../../etc', '".."'), ('a/..', '".."'),
    ('.', 'mount point itself'), ('./', 'mount point itself'), ('', 'empty'), ('a\nb', 'newline'),
])
def test_subdirectory_refused(subdirectory, problem):
    with pytest.raises(RequestError, match=problem):
        normalise_subdirectory(subdirectory)
    assert 'subdirectory:' in problems_of(subdirectory=subdirectory)


def test_default_subdirectory_is_the_name():
    assert validate(params(name='my.vol'))['subdirectory'] == 'my.vol'


@pytest.mark.parametrize('mount_point, problem', [
    ('relative/dir', 'absolute'), ('/', 'must not be "/"'), ('/mnt/../etc', '".."'), ('/mnt/a\nb', 'newline'),
])
def test_mount_point_refused(mount_point, problem):
    assert problem in problems_of(mount_point=mount_point)


def test_mount_point_normalised():
    assert validate(params(mount_point='//srv/gluster//web/'))['path'] == '/srv/gluster/web/site'


def test_mount_options():
    assert mount_option_list('log-level=WARNING, ro') == ['log-level=WARNING', 'ro']
    assert mount_option_list(['a', 'b,c']) == ['a', 'b', 'c']
    assert mount_option_list(None) == []
    assert 'list the backup servers in servers' in problems_of(mount_options='backup-volfile-servers=n2')
    assert 'not a mount option' in problems_of(mount_options=['ro x'])
    assert 'not a mount option' in problems_of(mount_options=['$(id)'])


@pytest.mark.parametrize('mode, value', [('0755', 0o755), ('755', 0o755), ('2770', 0o2770), ('0o700', 0o700),
                                         (0o750, 0o750), (None, None)])
def test_modes(mode, value):
    assert parse_mode(mode) == value


@pytest.mark.parametrize('mode', ['u+rwx', '999', '75', 'rwx', True, 0o17777])
def test_modes_refused(mode):
    with pytest.raises(RequestError, match='mode'):
        parse_mode(mode)


def test_labels_and_options_must_be_strings():
    assert 'labels.port: value 80 must be a string' in problems_of(labels={'port': 80})
    assert 'set by this module' in problems_of(labels={'org.glusterdock.subdirectory': 'x'})
    assert 'driver_options.size: value 1 must be a string' in problems_of(driver='p/x', driver_options={'size': 1})


def test_driver_options_not_with_local():
    assert 'must not be set with driver=local' in problems_of(driver_options={'device': '/tmp'})


def test_owner_group():
    assert 'owner:' in problems_of(owner='-1')
    assert 'group:' in problems_of(group='a b')
    assert validate(params(owner='33', group='www-data'))['name'] == 'site'


def test_every_problem_reported_at_once():
    with pytest.raises(RequestProblems) as error:
        validate(params(name='-x', gluster_volume='all', subdirectory='../y'))
    assert [problem.argument for problem in error.value.problems] == ['name', 'gluster_volume', 'subdirectory']
    assert str(error.value) == '; '.join(str(problem) for problem in error.value.problems)


# --- the mount command -----------------------------------------------------------------------

def test_mount_argv():
    settings = validate(params(mount_options=['log-level=WARNING']))
    assert mount_argv(settings, mount='/bin/mount') == [
        '/bin/mount', '-t', 'glusterfs', '-o', 'log-level=WARNING,backup-volfile-servers=node2:node3',
        'node1:/web', '/mnt/glusterfs/web']
    assert mount_argv(validate(params(servers=['node1']))) == ['mount', '-t', 'glusterfs', 'node1:/web',
                                                               '/mnt/glusterfs/web']


# --- the Docker volume ------------------------------------------------------------------------

def inspected(driver='local', options=None, labels=None):
    return {'Name': 'site', 'Driver': driver, 'Options': options, 'Labels': labels, 'Scope': 'local'}


def local_volume(settings, extra_labels=None, **option_changes):
    wanted = wanted_volume(settings)
    options = dict(wanted['driver_options'], **option_changes)
    labels = dict(wanted['labels'], **(extra_labels or {}))
    return volume_config(inspected(options=options, labels=labels))


def test_wanted_local_volume():
    wanted = wanted_volume(validate(params(labels={'app': 'web'})))
    assert wanted == {
        'driver': 'local',
        'driver_options': {'type': 'none', 'o': 'bind', 'device': '/mnt/glusterfs/web/site'},
        'labels': {'app': 'web', 'org.glusterdock.gluster-volume': 'web', 'org.glusterdock.subdirectory': 'site',
                   'org.glusterdock.servers': 'node1,node2,node3'},
    }


def test_same_volume_no_differences():
    settings = validate(params())
    assert differences(local_volume(settings), wanted_volume(settings)) == []


def test_every_key_compared():
    settings = validate(params())
    wanted = wanted_volume(settings)
    # An option or label the task does not set is a difference too.
    assert differences(local_volume(settings, extra_labels={'old': 'x'}), wanted) == [('labels.old', 'x', None)]
    assert differences(local_volume(settings, device='/mnt/glusterfs/web'), wanted) == [
        ('driver_options.device', '/mnt/glusterfs/web', '/mnt/glusterfs/web/site')]
    existing = volume_config(inspected(options=None, labels=None))
    found = differences(existing, wanted)
    assert ('driver_options.o', None, 'bind') in found and ('labels.org.glusterdock.gluster-volume', None, 'web') in found


def test_plugin_names_compared_as_docker_reports_them():
    assert normalise_driver('vieux/sshfs') == 'vieux/sshfs:latest'
    assert normalise_driver('registry:5000/org/plugin') == 'registry:5000/org/plugin:latest'
    assert normalise_driver('org/plugin:1.2') == 'org/plugin:1.2'
    assert normalise_driver('local') == 'local'
    settings = validate(params(driver='example/plugin', driver_options={'path': '/mnt/glusterfs/web/site'}))
    wanted = wanted_volume(settings)
    assert wanted['driver_options'] == {'path': '/mnt/glusterfs/web/site'}
    existing = volume_config(inspected(driver='example/plugin:latest', options=dict(wanted['driver_options']),
                                       labels=dict(wanted['labels'])))
    assert differences(existing, wanted) == []
    existing['driver'] = 'local'
    assert differences(existing, wanted) == [('driver', 'local', 'example/plugin')]


def test_create_command_is_quoted():
    settings = validate(params(labels={'note': "it's here"}))
    command = create_command('site', wanted_volume(settings))
    assert command.startswith('docker volume create --driver local --opt device=/mnt/glusterfs/web/site ')
    assert "--label 'note=it'\"'\"'s here'" in command
    assert command.endswith(' site')


def test_in_use_message_names_containers():
    message = in_use_message('site', ['web2', 'web1'], 'remove')
    assert 'remove the Docker volume site' in message and 'web1, web2' in message


def test_directory_changes():
    assert directory_changes((0, 0, 0o755), None, None, None) == []
    assert directory_changes((0, 0, 0o755), 33, 0, 0o750) == [('owner', 33), ('mode', 0o750)]
    assert directory_changes((33, 33, 0o750), 33, 33, 0o750) == []


# --- the Docker connection --------------------------------------------------------------------

def connection(environ=None, **overrides):
    base = dict(docker_host='unix:///var/run/docker.sock', api_version='auto', timeout=60, ca_path=None,
                client_cert=None, client_key=None, tls=False, validate_certs=False)
    base.update(overrides)
    return connection_settings(base, environ or {})


def test_plain_socket():
    assert connection() == {'base_url': 'unix:///var/run/docker.sock', 'version': 'auto', 'timeout': 60, 'tls': None}


def test_tls_verify_with_cert_path():
    settings = connection({'DOCKER_CERT_PATH': '/certs'}, docker_host='tcp://docker.example:2376', validate_certs=True)
    assert settings['base_url'] == 'https://docker.example:2376'
    assert settings['tls'] == {'verify': True, 'ca_cert': '/certs/ca.pem',
                               'client_cert': ('/certs/cert.pem', '/certs/key.pem')}


def test_tls_without_verification():
    settings = connection(docker_host='tcp://d:2376', tls=True, client_cert='/c.pem', client_key='/k.pem',
                          ca_path='/ca.pem')
    assert settings['tls'] == {'verify': False, 'ca_cert': None, 'client_cert': ('/c.pem', '/k.pem')}


def test_no_tls_keeps_tcp():
    assert connection(docker_host='tcp://d:2375')['base_url'] == 'tcp://d:2375'


# --- safety decisions -------------------------------------------------------------------------

def labelled(volume='web', subdirectory='site'):
    return {'driver': 'local', 'driver_options': {}, 'labels': {LABEL_GLUSTER_VOLUME: volume,
                                                                LABEL_SUBDIRECTORY: subdirectory}}


@pytest.mark.parametrize('existing, opt_in, exists, refused', [
    (labelled(), False, True, None),
    (labelled(), False, None, None),
    (labelled('other'), False, None, 'is labelled as GlusterFS volume other, subdirectory site'),
    (labelled(subdirectory='elsewhere'), True, True, 'subdirectory elsewhere, not web, subdirectory site'),
    ({'driver': 'local', 'driver_options': {}, 'labels': {}}, True, True, 'labelled as GlusterFS volume None'),
    # No Docker volume: refused when the directory is there, unless purge_without_volume.
    (None, False, True, 'there is no Docker volume site on this host whose labels bind it'),
    (None, True, True, None),
    (None, False, False, None),
    (None, False, None, None),
])
def test_purge_refusal(existing, opt_in, exists, refused):
    settings = validate(params(state='absent', purge=True))
    refusal = purge_refusal(existing, settings, opt_in, exists)
    if refused is None:
        assert refusal is None
    else:
        assert refused in refusal and 'Refusing to purge' in refusal
