"""The gluster_health filters judge a pool from captured XML; anything they cannot read is an
error, never 'healthy'."""
import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.glusterdock.storage.plugins.filter.gluster_health import (
    FilterModule,
    gluster_heal_problems,
    gluster_healing_volumes,
    gluster_offline_bricks,
    gluster_pool_problems,
    glusterd_port_range,
)

from ansible_collections.glusterdock.storage.tests.unit.fixtures import VERSIONS, fixture


def test_every_filter_is_registered():
    assert set(FilterModule().filters()) == {'gluster_pool_problems', 'gluster_offline_bricks', 'gluster_healing_volumes',
                                             'gluster_heal_problems', 'glusterd_port_range'}


@pytest.mark.parametrize('version', VERSIONS)
def test_a_whole_pool_has_no_problems(version):
    assert gluster_pool_problems(fixture(version, 'pool-list')) == []
    assert gluster_offline_bricks(fixture(version, 'volume-status-rep'), fixture(version, 'volume-info-rep')) == []
    assert gluster_heal_problems(fixture(version, 'heal-info-summary'), 'rep') == []


@pytest.mark.parametrize('version', VERSIONS)
def test_a_disconnected_peer_is_named(version):
    assert gluster_pool_problems(fixture(version, 'pool-list-peer-down')) == ['peer node3 is disconnected']


@pytest.mark.parametrize('version', VERSIONS)
def test_a_killed_brick_is_offline(version):
    assert gluster_offline_bricks(fixture(version, 'volume-status-brick-down'),
                                  fixture(version, 'volume-info-rep')) == ['node2:/bricks/rep/b (volume rep)']


@pytest.mark.parametrize('version', VERSIONS)
def test_the_bricks_of_a_peer_status_does_not_list_are_offline(version):
    # With node3 stopped, volume status leaves node3's brick out altogether.
    assert gluster_offline_bricks(fixture(version, 'volume-status-peer-down'),
                                  fixture(version, 'volume-info-rep')) == ['node3:/bricks/rep/b (volume rep)']


def test_status_of_all_volumes_covers_started_volumes_only():
    status, info = fixture('10.3', 'volume-status-all'), fixture('10.3', 'volume-info-r-s')
    assert gluster_offline_bricks(status, info) == []
    assert 'r' in gluster_healing_volumes(info) and 's' not in gluster_healing_volumes(info)


@pytest.mark.parametrize('version', VERSIONS)
def test_only_started_volumes_with_copies_heal(version):
    assert gluster_healing_volumes(fixture(version, 'volume-info-rep')) == ['rep']
    assert gluster_healing_volumes(fixture(version, 'volume-info-dist')) == []


@pytest.mark.parametrize('version', VERSIONS)
def test_pending_entries_and_an_unreachable_brick_are_problems(version):
    problems = gluster_heal_problems(fixture(version, 'heal-info-summary-pending'), 'rep')
    assert 'node2:/bricks/rep/b is not connected (Failed to process entries completely)' in problems
    assert any(problem.startswith('node1:/bricks/rep/b has ') and problem.endswith(' entries to heal')
               for problem in problems), problems


@pytest.mark.parametrize('reply', ['', 'not xml', '<cliOutput><opRet>-1</opRet><opErrstr>Volume x does not exist'
                                                  '</opErrstr></cliOutput>'])
def test_an_unreadable_reply_is_an_error_not_health(reply):
    with pytest.raises(AnsibleFilterError):
        gluster_heal_problems(reply, 'x')
    with pytest.raises(AnsibleFilterError):
        gluster_offline_bricks(reply, reply)


def test_a_reply_without_bricks_is_not_healed():
    assert gluster_heal_problems('<cliOutput><opRet>0</opRet><healInfo><bricks/></healInfo></cliOutput>', 'x') == [
        'volume x: the heal reply lists no bricks']


@pytest.mark.parametrize('text, expected', [
    ('    option max-port  60999\n#   option base-port 49152\n', '49152-60999'),
    ('    option base-port 50000\n    option max-port 50100\n', '50000-50100'),
    ('', '49152-60999'),
])
def test_the_port_range_glusterd_vol_gives(text, expected):
    assert glusterd_port_range(text) == expected


@pytest.mark.parametrize('version', VERSIONS)
def test_the_results_of_a_loop_over_volumes_are_judged_together(version):
    results = [{'item': 'rep', 'stdout': fixture(version, 'heal-info-summary')},
               {'item': 'rep', 'stdout': fixture(version, 'heal-info-summary-pending')}]
    assert gluster_heal_problems(results) == gluster_heal_problems(fixture(version, 'heal-info-summary-pending'), 'rep')
    assert gluster_heal_problems([]) == []
