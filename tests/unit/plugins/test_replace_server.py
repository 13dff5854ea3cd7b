"""replace_server_plan (playbooks/replace_server.yml's plan and refusals), judged on captured XML: a pool of
node1-3 whose node3 is down (volumes dist on node1-2 and rep, replica 3, on node1-3)."""
import re

import pytest

from ansible_collections.glusterdock.storage.plugins.filter.replace_server import replace_server_plan
from ansible_collections.glusterdock.storage.tests.unit.fixtures import VERSIONS, fixture
from ansible_collections.glusterdock.storage.tests.unit.plugins.test_inventory_servers import peer_uuid

INVENTORY = ('node1', 'node2', 'node3', 'node4')
FRESH = {'uuid': '6f1c2a4e-0000-4000-8000-000000000001', 'peers': '0', 'volumes': '0'}


def reads(version, pool='health-pool-list-node-down', status='health-volume-status-all-node-down'):
    return fixture(version, 'health-volume-info-all'), fixture(version, pool), fixture(version, status)


def plan(version, old, new, new_host=None, heal=True, inventory=INVENTORY, **names):
    info, pool, status = reads(version, **names)
    heal_replies = {'rep': fixture(version, 'health-heal-summary-node-down')} if heal else None
    return replace_server_plan(info, pool, status, old, new, 'node1', inventory, new_host, heal_replies)


@pytest.mark.parametrize('version', VERSIONS)
def test_a_dead_server_is_replaced_by_a_new_host_brick_by_brick_and_detached_last(version):
    node3 = peer_uuid(version, 'health-pool-list-node-down', 'node3')
    result = plan(version, 'node3', 'node4')
    assert result['problems'] == []
    assert result['rebuilds'] == [{'volume': 'rep', 'brick': 'node3:/bricks/rep/b', 'set': 1,
                                   'new_brick': 'node4:/bricks/rep/b', 'online': False}]
    assert (result['same_host'], result['restore'], result['old_uuid'], result['detach'], result['done']) == (
        False, False, node3, [node3], False)
    assert result['heal_volumes'] == ['rep']
    # By its peer UUID too.
    assert plan(version, node3, 'node4')['rebuilds'] == result['rebuilds']


@pytest.mark.parametrize('version', VERSIONS)
def test_a_server_that_still_answers_is_refused(version):
    node3 = peer_uuid(version, 'health-pool-list', 'node3')
    result = plan(version, 'node3', 'node4', heal=False, pool='health-pool-list', status='health-volume-status-all')
    assert result['problems'] == [
        'node3 still answers (peer %s is Peer in Cluster, connected): replace only a server that is gone for good; '
        'move the bricks of a running server with gluster_brick state=replaced, or take it out with '
        'playbooks/shrink.yml' % node3]


@pytest.mark.parametrize('version', VERSIONS)
def test_unknown_servers_are_refused(version):
    assert plan(version, 'node9', 'node4')['problems'] == [
        'node9 is neither a member of the trusted pool nor the host of a brick: check the name (as gluster pool list '
        'shows it, or its peer UUID)']
    assert plan(version, 'node3', 'node5')['problems'] == [
        'replace_server_new node5 is not an inventory host: add the replacement server to the inventory (group '
        'gluster_servers)']
    assert plan(version, '', 'node4')['problems'] == ["replace_server_old must name a server, got ''"]


@pytest.mark.parametrize('version', VERSIONS)
def test_a_distribute_volume_on_the_dead_server_is_refused(version):
    info, pool, status = reads(version)
    node2, node3 = (peer_uuid(version, 'health-pool-list-node-down', name) for name in ('node2', 'node3'))
    # dist's second brick on node3 instead of node2.
    info = info.replace('node2:/bricks/dist/b', 'node3:/bricks/dist/b').replace(
        '<hostUuid>%s</hostUuid><isArbiter>0</isArbiter></brick>\n' % node2, '<hostUuid>%s</hostUuid><isArbiter>0'
        '</isArbiter></brick>\n' % node3, 1)
    result = replace_server_plan(info, pool, status, 'node3', 'node4', 'node1', INVENTORY)
    assert result['problems'] == [
        'volume dist is Distribute: its bricks on node3 (node3:/bricks/dist/b) held the only copy of their files, '
        'so no new brick can be filled from elsewhere; replacing them would lose those files for good (restore them '
        'from a backup into a volume of their own)']


@pytest.mark.parametrize('version', VERSIONS)
def test_a_set_without_another_copy_online_is_refused(version):
    info, pool, status = reads(version)
    status = re.sub(r'(<hostname>node2</hostname>\s*<path>/bricks/rep/b</path>\s*<peerid>[^<]*</peerid>\s*'
                    r'<status>)1', r'\g<1>0', status)
    heal = {'rep': fixture(version, 'health-heal-summary-node-down')}
    result = replace_server_plan(info, pool, status, 'node3', 'node4', 'node1', INVENTORY, None, heal)
    assert len(result['problems']) == 1
    assert result['problems'][0].startswith('volume rep: refusing to rebuild node3:/bricks/rep/b of volume rep, '
                                            'nothing was changed: node2:/bricks/rep/b of set 1 ')


@pytest.mark.parametrize('version', VERSIONS)
def test_the_same_host_rebuilt_takes_its_old_uuid_back_once(version):
    node3 = peer_uuid(version, 'health-pool-list-node-down', 'node3')
    result = plan(version, 'node3', 'node3', FRESH)
    assert result['problems'] == []
    assert (result['same_host'], result['restore'], result['old_uuid'], result['detach'], result['done']) == (
        True, True, node3, [], False)
    assert result['runner_uuid'] == peer_uuid(version, 'health-pool-list-node-down', 'localhost')
    assert result['rebuilds'] == [{'volume': 'rep', 'brick': 'node3:/bricks/rep/b', 'set': 1,
                                   'new_brick': 'node3:/bricks/rep/b', 'online': False}]
    # Its UUID back, its brick still offline: the reset goes on, nothing is restored again.
    info, pool, status = reads(version)
    in_pool = pool.replace('<connected>0</connected>', '<connected>1</connected>')
    restored = replace_server_plan(info, in_pool, status, 'node3', 'node3', 'node1', INVENTORY,
                                   dict(FRESH, uuid=node3, peers='2', volumes='2'))
    assert (restored['restore'], restored['problems'], restored['done']) == (False, [], False)
    assert [rebuild['online'] for rebuild in restored['rebuilds']] == [False]
    # Its UUID back but not in the pool: before glusterd took the volumes, the restore runs again; after, refused.
    again = plan(version, 'node3', 'node3', dict(FRESH, uuid=node3, peers='2', volumes='0'))
    assert (again['restore'], again['problems']) == (True, [])
    assert plan(version, 'node3', 'node3', dict(FRESH, uuid=node3, peers='2', volumes='2'))['problems'] == [
        'node3 has its peer UUID %s back but is not in the pool (Peer in Cluster, disconnected): start glusterd on '
        'it, check that it reaches the other servers, and run this again' % node3]
    # Its brick online again: only its heal is verified; nothing to do.
    back = plan(version, 'node3', 'node3', dict(FRESH, uuid=node3, peers='2', volumes='2'),
                pool='health-pool-list', status='health-volume-status-all', heal=False)
    assert (back['restore'], back['problems'], back['done']) == (False, [], True)
    assert [rebuild['online'] for rebuild in back['rebuilds']] == [True]


@pytest.mark.parametrize('version', VERSIONS)
def test_a_rebuilt_host_that_already_knows_a_pool_is_refused(version):
    node3 = peer_uuid(version, 'health-pool-list-node-down', 'node3')
    result = plan(version, 'node3', 'node3', dict(FRESH, peers='1', volumes='0'))
    assert result['problems'] == [
        'node3 answers with peer UUID %s, not %s, and already knows 1 peer(s) and 0 volume(s): it is not a fresh '
        'install of the server that is gone, so its identity is not restored over that' % (FRESH['uuid'], node3)]


@pytest.mark.parametrize('version', VERSIONS)
def test_a_rerun_after_the_new_host_took_over_is_done(version):
    info, pool, status = reads(version, pool='health-pool-list', status='health-volume-status-all')
    # node3 was detached and its bricks moved: the pool lists node4 where node3 was.
    result = replace_server_plan(info.replace('node3:', 'node4:'), pool.replace('node3', 'node4'), status,
                                 'node3', 'node4', 'node1', INVENTORY)
    assert (result['problems'], result['done'], result['rebuilds']) == ([], True, [])
    # The runner cannot be replaced by itself.
    assert plan(version, 'node1', 'node4')['problems'] == [
        'node1 is the server running this playbook; it answers, so it is not gone']


@pytest.mark.parametrize('version', VERSIONS)
def test_the_bricks_of_one_volume_are_rebuilt_in_one_call_per_volume(version):
    # drep, 2x3 on node1-3: node3 (down) holds one brick of each set. gluster_brick waits for heal of the whole
    # volume, which cannot finish while the other brick is still down: both go to one call (one brick per set
    # per heal cycle).
    info, pool, status = (fixture(version, name) for name in ('volume-info-drep', 'pool-list-peer-down',
                                                              'volume-status-brick-down'))
    result = replace_server_plan(info, pool, status, 'node3', 'node4', 'node1', INVENTORY)
    assert result['problems'] == []
    assert [(rebuild['brick'], rebuild['set']) for rebuild in result['rebuilds']] == [
        ('node3:/bricks/drep/b1', 1), ('node3:/bricks/drep/b2', 2)]
    assert result['volumes'] == [{'volume': 'drep', 'bricks': ['node3:/bricks/drep/b1', 'node3:/bricks/drep/b2'],
                                  'new_bricks': ['node4:/bricks/drep/b1', 'node4:/bricks/drep/b2']}]
    same = replace_server_plan(info, pool, status, 'node3', 'node3', 'node1', INVENTORY, FRESH)
    assert (same['problems'], same['restore']) == ([], True)
    assert same['volumes'] == [{'volume': 'drep', 'bricks': ['node3:/bricks/drep/b1', 'node3:/bricks/drep/b2'],
                                'new_bricks': ['node3:/bricks/drep/b1', 'node3:/bricks/drep/b2']}]


@pytest.mark.parametrize('version', VERSIONS)
def test_the_same_host_that_still_answers_under_another_uuid_is_refused(version):
    # node3 is connected under its own UUID; the inventory's node3 says another: restoring would clone a live peer.
    node3 = peer_uuid(version, 'health-pool-list', 'node3')
    result = plan(version, 'node3', 'node3', FRESH, heal=False, pool='health-pool-list',
                  status='health-volume-status-all')
    assert result['problems'] == [
        'node3 still answers (peer %s is Peer in Cluster, connected): replace only a server that is gone for good; '
        'move the bricks of a running server with gluster_brick state=replaced, or take it out with '
        'playbooks/shrink.yml' % node3]
    assert (result['restore'], result['rebuilds']) == (False, [])
    # A fresh install at the old address: the pool connects to it and rejects the unknown UUID; it is restored.
    info, pool, status = reads(version)
    rejected = re.sub(r'(<hostname>node3</hostname>.*?<connected>)0(</connected>\s*<state>)3(</state>\s*<stateStr>)'
                      r'Peer in Cluster', r'\g<1>1\g<2>6\g<3>Peer Rejected', pool, count=1, flags=re.S)
    assert 'Peer Rejected' in rejected
    fresh = replace_server_plan(info, rejected, status, 'node3', 'node3', 'node1', INVENTORY, FRESH,
                                {'rep': fixture(version, 'health-heal-summary-node-down')})
    assert (fresh['problems'], fresh['restore']) == ([], True)


@pytest.mark.parametrize('version', VERSIONS)
def test_a_same_host_plan_without_the_host_read_is_refused(version):
    # The playbook compares the names as the plan does; should it not have read the host, the plan fails closed.
    from ansible_collections.glusterdock.storage.plugins.filter.replace_server import same_host as replace_server_same_host
    assert replace_server_same_host('NODE3.', 'node3') and not replace_server_same_host('', '')
    result = plan(version, 'NODE3.', 'node3', None)
    assert result['same_host'] is True
    assert result['problems'] == [
        'node3 was not read (its peer UUID and the peers and volumes it knows): it must answer as an inventory host '
        'before the same host can be restored']
    assert (result['restore'], result['rebuilds']) == (False, [])


@pytest.mark.parametrize('version', VERSIONS)
def test_a_new_brick_that_is_a_brick_already_or_shares_a_set_is_refused(version):
    info, pool, status = reads(version)
    heal = {'rep': fixture(version, 'health-heal-summary-node-down')}
    # dist's node2 brick named node4:/bricks/rep/b: the path the new host would take for rep's brick.
    taken = info.replace('node2:/bricks/dist/b', 'node4:/bricks/rep/b')
    result = replace_server_plan(taken, pool, status, 'node3', 'node4', 'node1', INVENTORY, None, heal)
    assert result['problems'] == [
        'volume rep: node4:/bricks/rep/b is a brick already (node4:/bricks/rep/b); choose a new host whose brick '
        'paths are free']
    # rep's node2 brick named after node4 (not in the pool yet): two bricks of set 1 would be on node4.
    shared = info.replace('node2:/bricks/rep/b', 'node4:/bricks/rep/b2')
    result = replace_server_plan(shared, pool, status, 'node3', 'node4', 'node1', INVENTORY, None, heal)
    assert result['problems'][0] == ('volume rep: node4 already holds node4:/bricks/rep/b2 of set 1 ('
                                     'node1:/bricks/rep/b, node4:/bricks/rep/b2, node3:/bricks/rep/b); two bricks '
                                     'of one set on one host would share its fate')


@pytest.mark.parametrize('version', VERSIONS)
def test_a_mistyped_old_name_with_the_new_host_in_the_pool_is_not_done(version):
    info, pool, status = reads(version)
    node3 = peer_uuid(version, 'health-pool-list-node-down', 'node3')
    # node4 is in the pool (the peer listed as node3, renamed) but holds no brick; node9 names nothing.
    joined = pool.replace('<hostname>node3</hostname>', '<hostname>node4</hostname>')
    elsewhere = info.replace(node3, '00000000-0000-4000-8000-000000000009').replace('node3:', 'nodeX:')
    result = replace_server_plan(elsewhere, joined, status, 'node9', 'node4', 'node1', INVENTORY)
    assert result['done'] is False
    assert result['problems'] == [
        'node9 is neither a member of the trusted pool nor the host of a brick: check the name (as gluster pool list '
        'shows it, or its peer UUID)']


@pytest.mark.parametrize('version', VERSIONS)
def test_the_new_host_must_be_a_gluster_server(version):
    result = plan(version, 'node3', 'node4', inventory=('node1', 'node2', 'node3'))
    assert result['problems'][0] == (
        'replace_server_new node4 is not an inventory host: add the replacement server to the inventory '
        '(group gluster_servers)')
