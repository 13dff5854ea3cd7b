"""bricks_on_removed_servers (the gluster_volumes role's refusal when servers leave the inventory)
and shrink_plan (playbooks/shrink.yml's plan and refusals), judged on captured XML."""
import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.glusterdock.storage.plugins.filter.inventory_servers import (
    bricks_on_removed_servers, grown_volumes, shrink_plan,
)
from ansible_collections.glusterdock.storage.tests.unit.fixtures import VERSIONS, fixture

SERVERS = ['node1', 'node2', 'node3']


@pytest.mark.parametrize('version', VERSIONS)
def test_bricks_left_on_servers_out_of_the_inventory_are_named(version):
    info = fixture(version, 'volume-info-all')
    assert bricks_on_removed_servers(info, [{'name': 'drep'}, {'name': 'rep'}], ['node1', 'node2'], '/bricks') == [
        'volume drep: node3:/bricks/drep/b1, node3:/bricks/drep/b2', 'volume rep: node3:/bricks/rep/b']


@pytest.mark.parametrize('version', VERSIONS)
def test_explicit_absent_new_and_complete_volumes_are_not(version):
    info = fixture(version, 'volume-info-all')
    definitions = [{'name': 'drep', 'bricks': ['node1:/bricks/drep/b1']}, {'name': 'rep', 'state': 'absent'},
                   {'name': 'new'}]
    assert bricks_on_removed_servers(info, definitions, ['node1', 'node2'], '/bricks') == []
    assert bricks_on_removed_servers(info, [{'name': 'rep'}], SERVERS, '/bricks') == []


def test_a_failed_read_is_an_error_not_an_empty_list():
    with pytest.raises(AnsibleFilterError, match='opRet -1'):
        bricks_on_removed_servers('<cliOutput><opRet>-1</opRet></cliOutput>', [{'name': 'rep'}], SERVERS, '/bricks')
    with pytest.raises(AnsibleFilterError, match='not XML'):
        shrink_plan('Connection failed', '', ['node3'])


@pytest.mark.parametrize('version', VERSIONS)
def test_shrink_removes_whole_sets_and_detaches_servers_left_without_bricks(version):
    plan = shrink_plan(fixture(version, 'volume-info-dist'), fixture(version, 'pool-list'), ['node3'], None, 'node1')
    assert plan == dict(problems=[], removals=[{'volume': 'dist', 'bricks': ['node3:/bricks/dist/b1']}],
                        detach=['node3'], kept=[])


@pytest.mark.parametrize('version', VERSIONS)
def test_shrink_of_named_volumes_keeps_servers_with_other_bricks_in_the_pool(version):
    plan = shrink_plan(fixture(version, 'volume-info-all'), fixture(version, 'pool-list'), ['node3'], ['dist'], 'node1')
    assert plan['problems'] == [] and plan['detach'] == []
    assert plan['removals'] == [{'volume': 'dist', 'bricks': ['node3:/bricks/dist/b1']}]
    assert plan['kept'] == ['node3 (bricks of arb, dec, drep, ec, rep)']


@pytest.mark.parametrize('version', VERSIONS)
def test_shrink_refuses_partial_sets_unknown_hosts_and_volumes_and_itself(version):
    plan = shrink_plan(fixture(version, 'volume-info-all'), fixture(version, 'pool-list'),
                       ['node3', 'node9', 'node1'], ['rep', 'nope'], 'node1', ['node1', 'node2', 'node3'])
    assert plan['problems'] == [
        'node9 is not a member of the trusted pool nor an inventory host: check the name',
        'node1 is the server running this playbook; run it from a server that stays',
        'volume nope does not exist',
        'volume rep: set 1 (node1:/bricks/rep/b, node2:/bricks/rep/b, node3:/bricks/rep/b) would lose only some of '
        'its bricks (remove-brick migrates whole sets only; move the others onto these servers, or these onto '
        'staying servers, with gluster_brick state=replaced first)',
    ]


@pytest.mark.parametrize('version', VERSIONS)
def test_shrink_refuses_to_empty_a_volume_and_takes_a_gone_inventory_host_as_done(version):
    info, pool = fixture(version, 'volume-info-all'), fixture(version, 'pool-list')
    plan = shrink_plan(info, pool, ['node2', 'node3'], ['dist'], 'node1')
    assert plan['removals'] == [{'volume': 'dist', 'bricks': ['node2:/bricks/dist/b1', 'node3:/bricks/dist/b1']}]
    done = shrink_plan(info, pool, ['node4'], None, 'node1', ['node1', 'node4'])
    assert done == dict(problems=[], removals=[], detach=[], kept=[])
    alone = shrink_plan(fixture(version, 'volume-info-rep'), pool, ['node2', 'node3'], None, 'node1')
    assert alone['problems'][0].startswith('volume rep: set 1')


def test_shrink_input_is_checked():
    assert shrink_plan('', '', [])['problems'] == ["shrink_servers must be a non-empty list of server names, got []"]
    assert shrink_plan('', '', 'node4')['problems'] == [
        "shrink_servers must be a non-empty list of server names, got 'node4'"]
    assert shrink_plan('', '', ['node4'], 'v')['problems'] == ["shrink_volumes must be a list of volume names, got 'v'"]


def test_grown_volumes_are_started_ones_given_whole_sets_not_a_higher_replica_count():
    started = {'status': 'started'}
    results = [
        {'name': 'web', 'volume': started,
         'commands': ['gluster --mode=script volume add-brick web node4:/b/web/brick1 node5:/b/web/brick1 '
                      'node6:/b/web/brick1 --xml',
                      'gluster --mode=script volume rebalance web fix-layout start --xml']},
        {'name': 'pair', 'volume': started,
         'commands': ['gluster --mode=script volume add-brick pair replica 3 node3:/b/pair/b --xml']},
        {'name': 'off', 'volume': {'status': 'stopped'},
         'commands': ['gluster --mode=script volume add-brick off node4:/b/off/brick1 --xml']},
        {'name': 'new', 'commands': ['gluster --mode=script volume create new node1:/b/new/brick1 --xml']},
        {'name': 'same', 'commands': []},
        {'name': 'failed', 'failed': True, 'msg': 'refused'},
    ]
    assert grown_volumes(results) == ['web']
    assert grown_volumes([]) == []
