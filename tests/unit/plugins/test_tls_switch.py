"""started_volumes_switched_to_tls: the gluster_volumes role refuses to turn TLS on for a started
volume (its bricks read client.ssl/server.ssl only when they start), judged on captured XML."""
import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.glusterdock.storage.plugins.filter.tls_switch import started_volumes_switched_to_tls
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
