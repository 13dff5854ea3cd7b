"""started_volumes_switched_to_tls: the gluster_volumes role refuses to turn TLS on for a started
volume (its bricks read client.ssl/server.ssl only when they start), judged on captured XML."""
import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.glusterdock.storage.plugins.filter.tls_switch import (
    containers_on_mounts, started_volumes_switched_to_tls, volumes_to_convert)
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
        {'name': 'arb', 'started': True, 'options': TLS}]
    assert volumes_to_convert(fixture(version, 'volume-info-arb'), {}) == []
    assert volumes_to_convert(fixture(version, 'volume-info-created'), {'client.ssl': 'off'}) == []


def test_volumes_to_convert_compares_switches_as_booleans():
    info = ('<cliOutput><opRet>0</opRet><volInfo><volumes><volume><name>v</name><status>1</status><options>'
            '<option><name>client.ssl</name><value>true</value></option>'
            '<option><name>auth.ssl-allow</name><value>node1</value></option>'
            '</options></volume></volumes></volInfo></cliOutput>')
    assert volumes_to_convert(info, TLS) == [{'name': 'v', 'started': True, 'options': {
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
