"""bricks_on_removed_servers (the gluster_volumes role's refusal when servers leave the inventory)
and shrink_plan (playbooks/shrink.yml's plan and refusals), judged on captured XML."""
from xml.etree import ElementTree

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.glusterdock.storage.plugins.filter.inventory_servers import (
    bricks_on_removed_servers, grown_volumes, shrink_plan,
)
from ansible_collections.glusterdock.storage.tests.unit.fixtures import VERSIONS, fixture

SERVERS = ['node1', 'node2', 'node3']


def peer_uuid(version, pool_list, hostname):
    """The UUID under which the captured pool list names ``hostname``."""
    root = ElementTree.fromstring(fixture(version, pool_list))
    return next(peer.findtext('uuid') for peer in root.iter('peer') if peer.findtext('hostname') == hostname)


@pytest.mark.parametrize('version', VERSIONS)
def test_bricks_left_on_servers_out_of_the_inventory_are_named(version):
    info = fixture(version, 'volume-info-all')
    assert bricks_on_removed_servers(info, [{'name': 'drep'}, {'name': 'rep'}], ['node1', 'node2'], '/bricks') == [
        'volume drep: node3:/bricks/drep/b1, node3:/bricks/drep/b2', 'volume rep: node3:/bricks/rep/b']


@pytest.mark.parametrize('version', VERSIONS)
def test_bricks_of_servers_still_in_the_inventory_under_another_name_are_not_named(version):
    info, pool = fixture(version, 'volume-info-all'), fixture(version, 'pool-list')
    rep = [{'name': 'rep'}]
    # The inventory names node3 by the peer's name in another case: still node3.
    assert bricks_on_removed_servers(info, rep, ['node1', 'node2', 'NODE3.'], '/bricks') == []
    # By identity: node3's brick named by its address (as when the volume was created by address) is
    # still on node3, whose peer UUID the brick carries.
    by_address = info.replace('node3:/bricks/rep/b', '192.0.2.3:/bricks/rep/b')
    assert bricks_on_removed_servers(by_address, rep, SERVERS, '/bricks', pool, 'node1') == []
    assert bricks_on_removed_servers(by_address, rep, SERVERS, '/bricks') == ['volume rep: 192.0.2.3:/bricks/rep/b']
    assert bricks_on_removed_servers(by_address, rep, ['node1', 'node2'], '/bricks', pool, 'node1') == [
        'volume rep: 192.0.2.3:/bricks/rep/b']
    # Read on node2, whose pool names node1 by its reverse-DNS name: node1's bricks stay on node1.
    assert bricks_on_removed_servers(info, rep, SERVERS, '/bricks', fixture(version, 'pool-list-node2'), 'node2') == []
    assert bricks_on_removed_servers(info, rep, ['node2', 'node3'], '/bricks', fixture(version, 'pool-list-node2'),
                                     'node2') == ['volume rep: node1:/bricks/rep/b']


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
                        detach=['node3'], detach_peers=[peer_uuid(version, 'pool-list', 'node3')], kept=[], done=[])


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
        'node1 is the server running this playbook; run it from a server that stays',
        'node9 is not a member of the trusted pool nor an inventory host: check the name',
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
    assert done == dict(problems=[], removals=[], detach=[], detach_peers=[], kept=[], done=['node4'])
    alone = shrink_plan(fixture(version, 'volume-info-rep'), pool, ['node2', 'node3'], None, 'node1')
    assert alone['problems'][0].startswith('volume rep: set 1')


@pytest.mark.parametrize('version', VERSIONS)
def test_shrink_finds_the_probing_server_by_its_bricks_when_the_pool_knows_it_by_another_name(version):
    # Read on node2, whose pool list names node1 by its reverse-DNS name: node1 must not be taken as
    # already removed while bricks of dist are on it; its peer is the bricks' host UUID.
    info, pool = fixture(version, 'volume-info-all'), fixture(version, 'pool-list-node2')
    first = next(peer for peer in ElementTree.fromstring(pool).iter('peer')
                 if peer.findtext('hostname').startswith('glusterdock-capture-'))
    plan = shrink_plan(info, pool, ['node1'], ['dist'], 'node2', SERVERS)
    assert plan['removals'] == [{'volume': 'dist', 'bricks': ['node1:/bricks/dist/b1', 'node1:/bricks/dist/b2']}]
    assert plan['problems'] == [] and plan['done'] == []
    assert plan['kept'] == ['node1 (bricks of arb, dec, drep, ec, rep)']
    alone = shrink_plan(fixture(version, 'volume-info-dist'), pool, ['NODE1.'], None, 'node2', SERVERS)
    assert alone['removals'] == [{'volume': 'dist', 'bricks': ['node1:/bricks/dist/b1', 'node1:/bricks/dist/b2']}]
    # gluster_peer gets the UUID: 'node1' is no name of that peer in node2's pool list.
    assert alone['detach'] == ['NODE1.'] and alone['detach_peers'] == [first.findtext('uuid')]


@pytest.mark.parametrize('version', VERSIONS)
def test_shrink_refuses_a_name_nothing_knows_while_bricks_are_on_hosts_the_pool_names_otherwise(version):
    info, pool = fixture(version, 'volume-info-all'), fixture(version, 'pool-list-node2')
    plan = shrink_plan(info, pool, ['node1.example.org'], None, 'node2', SERVERS + ['node1.example.org'])
    assert plan['removals'] == [] and plan['done'] == [] and plan['detach'] == []
    assert plan['problems'] == [
        'node1.example.org is neither a name of a pool member nor the host of a brick, but bricks are on node1, '
        'which the pool lists under other names: name the server as its bricks do, or by its peer UUID (gluster '
        'pool list), so that its bricks are not taken as gone, or leave it out if it has already left the pool']
    # Once node1 itself is named, node1.example.org may be an alias of it: nothing is left unknown.
    both = shrink_plan(fixture(version, 'volume-info-dist'), pool, ['node1', 'node1.example.org'], None, 'node2',
                       SERVERS + ['node1.example.org'])
    assert both['problems'] == [] and both['done'] == ['node1.example.org'] and both['detach'] == ['node1']


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


def test_grown_volumes_of_a_failed_run_are_those_whose_add_brick_completed():
    # The role's rescue rebalances these: a later volume failing must not leave them unbalanced for good.
    started = {'status': 'started'}
    add_web = 'gluster --mode=script volume add-brick web node4:/b/web/brick1 node5:/b/web/brick1 --xml'
    results = [
        {'name': 'web', 'volume': started, 'changed': True, 'failed': False, 'commands': [add_web]},
        {'name': 'logs', 'volume': started, 'changed': True, 'failed': True, 'msg': 'fix-layout did not complete',
         'commands': ['gluster --mode=script volume add-brick logs node4:/b/logs/brick1 --xml',
                      'gluster --mode=script volume rebalance logs fix-layout start --xml']},
    ]
    assert grown_volumes(results) == ['web', 'logs']
    # The failed command is the last one: an add-brick that failed grew nothing.
    refused = [{'name': 'db', 'volume': started, 'changed': False, 'failed': True, 'msg': 'brick in use',
                'commands': ['gluster --mode=script volume add-brick db node4:/b/db/brick1 --xml']}]
    assert grown_volumes(refused) == []
