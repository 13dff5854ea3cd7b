"""started_volumes_switched_to_tls: the gluster_volumes role refuses to turn TLS on for a started
volume (its bricks read client.ssl/server.ssl only when they start), judged on captured XML."""
import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.glusterdock.storage.plugins.filter.tls_switch import (
    clients_outside, containers_on_mounts, started_volumes_switched_to_tls, swarm_services_on_mounts, volumes_to_convert)
from ansible_collections.glusterdock.storage.tests.unit.fixtures import VERSIONS, fixture

TLS = {'client.ssl': 'on', 'server.ssl': 'on', 'auth.ssl-allow': 'node1,node2,node3'}


@pytest.mark.parametrize('version', VERSIONS)
def test_a_started_volume_without_tls_is_listed(version):
    assert started_volumes_switched_to_tls(fixture(version, 'volume-info-arb'), [{'name': 'arb'}], TLS) == [
        'arb (client.ssl, server.ssl)']


@pytest.mark.parametrize('version', VERSIONS)
def test_new_not_started_stopping_and_own_options_are_not(version):
    info = fixture(version, 'volume-info-arb')
    assert started_volumes_switched_to_tls(info, [{'name': 'new'}], TLS) == []
    assert started_volumes_switched_to_tls(info, [{'name': 'arb', 'state': 'stopped'}], TLS) == []
    assert started_volumes_switched_to_tls(info, [{'name': 'arb', 'options': {'client.ssl': 'off', 'server.ssl': 'no'}}],
                                           TLS) == []
    assert started_volumes_switched_to_tls(info, [{'name': 'arb', 'options': {'server.ssl': 'off'}}], TLS) == [
        'arb (client.ssl)']
    assert started_volumes_switched_to_tls(info, [{'name': 'arb'}], {}) == []
    assert started_volumes_switched_to_tls(fixture(version, 'volume-info-created'), [{'name': 'dist'}], TLS) == []


def test_a_failed_read_is_an_error_not_an_empty_list():
    with pytest.raises(AnsibleFilterError, match='opRet -1'):
        started_volumes_switched_to_tls('<cliOutput><opRet>-1</opRet><opErrstr>x</opErrstr></cliOutput>', [], TLS)
    with pytest.raises(AnsibleFilterError, match='not XML'):
        started_volumes_switched_to_tls('Connection failed', [], TLS)


@pytest.mark.parametrize('version', VERSIONS)
def test_volumes_to_convert_lists_only_the_options_that_differ(version):
    assert volumes_to_convert(fixture(version, 'volume-info-arb'), TLS) == [
        {'name': 'arb', 'started': True, 'options': TLS, 'self_heal': True}]
    assert volumes_to_convert(fixture(version, 'volume-info-arb'), {}) == []
    assert volumes_to_convert(fixture(version, 'volume-info-created'), {'client.ssl': 'off'}) == []


def test_volumes_to_convert_compares_switches_as_booleans():
    info = ('<cliOutput><opRet>0</opRet><volInfo><volumes><volume><name>v</name><status>1</status><options>'
            '<option><name>client.ssl</name><value>true</value></option>'
            '<option><name>auth.ssl-allow</name><value>node1</value></option>'
            '</options></volume></volumes></volInfo></cliOutput>')
    assert volumes_to_convert(info, TLS) == [{'name': 'v', 'started': True, 'self_heal': False, 'options': {
        'auth.ssl-allow': 'node1,node2,node3', 'server.ssl': 'on'}}]
    with pytest.raises(AnsibleFilterError, match='opRet -1'):
        volumes_to_convert('<cliOutput><opRet>-1</opRet></cliOutput>', TLS)


def test_containers_on_mounts_finds_binds_and_volumes_bound_to_a_mount():
    volumes = [{'Name': 'data', 'Options': {'device': '/mnt/glusterfs/web/data', 'o': 'bind', 'type': 'none'}},
               {'Name': 'local', 'Options': None}]

    def container(name, running, *mounts):
        return {'Name': '/' + name, 'State': {'Running': running}, 'Mounts': list(mounts)}
    containers = [
        container('web', True, {'Type': 'volume', 'Name': 'data', 'Source': '/var/lib/docker/volumes/data/_data'}),
        container('bind', True, {'Type': 'bind', 'Source': '/mnt/glusterfs/web'}),
        container('stopped', False, {'Type': 'bind', 'Source': '/mnt/glusterfs/web/x'}),
        container('other', True, {'Type': 'volume', 'Name': 'local', 'Source': '/var/lib/docker/volumes/local/_data'},
                  {'Type': 'bind', 'Source': '/mnt/glusterfs/website'}),
    ]
    assert containers_on_mounts(containers, volumes, ['/mnt/glusterfs/web']) == ['bind', 'web']
    assert containers_on_mounts(containers, volumes, []) == []


def _volume_with(options):
    return ('<cliOutput><opRet>0</opRet><volInfo><volumes><volume><name>v</name><status>1</status><options>%s'
            '</options></volume></volumes></volInfo></cliOutput>'
            % ''.join('<option><name>%s</name><value>%s</value></option>' % item for item in options.items()))


def test_a_volume_with_tls_on_is_not_stopped_for_auth_ssl_allow_alone():
    # auth.ssl-allow takes effect live: a new Docker host is no reason for an outage of every volume.
    on = _volume_with({'client.ssl': 'on', 'server.ssl': 'on', 'auth.ssl-allow': 'node1'})
    assert volumes_to_convert(on, TLS) == []
    assert volumes_to_convert(on, TLS, [{'name': 'v', 'options': {'auth.ssl-allow': '*'}}]) == []
    assert volumes_to_convert(on, dict(TLS, **{'ssl.certificate-depth': '2'})) == []


def test_a_volume_definition_overrides_the_tls_options():
    plain = _volume_with({})
    assert volumes_to_convert(plain, TLS, [{'name': 'v', 'options': {'client.ssl': 'off', 'server.ssl': 'off'}}]) == []
    assert volumes_to_convert(plain, TLS, [{'name': 'v', 'options': {'auth.ssl-allow': 'node1'}}]) == [
        {'name': 'v', 'started': True, 'self_heal': False,
         'options': {'auth.ssl-allow': 'node1', 'client.ssl': 'on', 'server.ssl': 'on'}}]
    # Keys outside the TLS options are gluster_volumes' business, not this playbook's.
    assert volumes_to_convert(plain, TLS, [{'name': 'v', 'options': {'performance.cache-size': '64MB'}}])[0][
        'options'] == TLS
    assert volumes_to_convert(plain, TLS, [{'name': 'other'}, 'not a dict'])[0]['options'] == TLS


@pytest.mark.parametrize('version', VERSIONS)
def test_a_distribute_volume_has_no_self_heal_daemon_to_list_its_clients_by(version):
    assert volumes_to_convert(fixture(version, 'clients-volume-info-idle-distribute'), TLS)[0]['self_heal'] is False


@pytest.mark.parametrize('version', VERSIONS)
def test_clients_outside_the_inventory_are_named(version):
    from xml.etree import ElementTree
    from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_xml import parse_volume_status
    reply = fixture(version, 'clients-status-mounted')
    addresses = parse_volume_status(ElementTree.fromstring(reply)).clients
    assert clients_outside([reply], addresses) == []
    assert clients_outside([reply], addresses[1:] + ['node1']) == ['seen: %s' % addresses[0]]
    # A refused reply (a distribute volume nothing mounts) is judged elsewhere; no reply, no clients.
    assert clients_outside([fixture(version, 'clients-status-idle-distribute'), '', None], []) == []


def _container(name, running, labels, *mounts):
    return {'Name': '/' + name, 'State': {'Running': running}, 'Config': {'Labels': labels}, 'Mounts': list(mounts)}


def test_swarm_services_on_mounts_are_named():
    task = {'com.docker.swarm.service.id': 'k2x', 'com.docker.swarm.service.name': 'web'}
    on_mount = {'Type': 'bind', 'Source': '/mnt/glusterfs/web/data'}
    containers = [_container('web.1.abc', True, task, on_mount),
                  _container('web.2.def', True, task, on_mount),
                  _container('db.1.x', True, {'com.docker.swarm.service.id': 'z9', 'com.docker.swarm.service.name': 'db'},
                             {'Type': 'bind', 'Source': '/srv/db'}),
                  _container('nameless', True, {'com.docker.swarm.service.id': 'q1'}, on_mount),
                  _container('old.1.y', False, {'com.docker.swarm.service.id': 'o', 'com.docker.swarm.service.name': 'old'},
                             on_mount),
                  _container('plain', True, None, on_mount)]
    assert swarm_services_on_mounts(containers, [], ['/mnt/glusterfs/web']) == ['q1', 'web']
    assert containers_on_mounts(containers, [], ['/mnt/glusterfs/web']) == ['nameless', 'plain', 'web.1.abc', 'web.2.def']
    assert swarm_services_on_mounts(containers, [], []) == []
