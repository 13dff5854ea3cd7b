"""Parsers on XML captured from real GlusterFS 10 and 11 servers (tests/fixtures/capture)."""
import pytest

from ansible_collections.glusterdock.storage.plugins.module_utils import gluster_xml
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_cli import GlusterCommandError, parse_cli_output
from ansible_collections.glusterdock.storage.tests.unit.fixtures import VERSIONS, fixture, manifest


def parsed(version, name):
    node, rc, command = manifest(version)[name]
    return parse_cli_output(command, rc, fixture(version, name), '')


@pytest.fixture(params=VERSIONS)
def version(request):
    return request.param


def test_both_versions_are_captured():
    assert [v.split('.')[0] for v in VERSIONS] == ['10', '11']


def by_any_name(peers):
    return {name: peer for peer in peers for name in peer.hostnames}


def test_pool_list_has_self_and_every_name_of_a_peer(version):
    peers = gluster_xml.parse_peers(parsed(version, 'pool-list'))
    by_name = by_any_name(peers)
    assert by_name['localhost'].is_self and by_name['localhost'].in_cluster
    node2 = by_name['node2']
    # node2 was probed again by its address: both names are its own (GlusterFS 11 then shows
    # the address as <hostname>, 10 keeps the first name).
    assert 'node2' in node2.hostnames and len(node2.hostnames) == 2
    assert node2.hostname in node2.hostnames
    assert node2.connected and node2.state == gluster_xml.PEER_IN_CLUSTER and node2.in_cluster
    assert not node2.is_self
    assert len({peer.uuid for peer in peers}) == 3


def test_peer_status_has_no_self(version):
    peers = gluster_xml.parse_peers(parsed(version, 'peer-status'))
    assert len(peers) == 2 and {'node2', 'node3'} <= set(by_any_name(peers))
    assert not any(peer.is_self for peer in peers)


def test_pool_list_alone_is_only_self(version):
    peers = gluster_xml.parse_peers(parsed(version, 'pool-list-alone'))
    assert [(peer.hostname, peer.is_self) for peer in peers] == [('localhost', True)]


def test_a_peer_with_glusterd_down_is_not_in_cluster(version):
    peers = by_any_name(gluster_xml.parse_peers(parsed(version, 'pool-list-peer-down')))
    assert not peers['node3'].connected and not peers['node3'].in_cluster
    assert peers['node2'].in_cluster


@pytest.mark.parametrize('name, type_name, bricks, replica, arbiter, disperse, redundancy, sets', [
    ('dist', 'Distribute', 4, 0, 0, 0, 0, 4),
    ('rep', 'Replicate', 3, 3, 0, 0, 0, 1),
    ('arb', 'Replicate', 3, 3, 1, 0, 0, 1),
    ('ec', 'Disperse', 3, 0, 0, 3, 1, 1),
    ('drep', 'Distributed-Replicate', 6, 3, 0, 0, 0, 2),
    ('dec', 'Distributed-Disperse', 6, 0, 0, 3, 1, 2),
])
def test_volume_info_of_every_type(version, name, type_name, bricks, replica, arbiter, disperse, redundancy, sets):
    volume = gluster_xml.parse_volume_info(parsed(version, 'volume-info-' + name))[name]
    assert (volume.type_name, volume.brick_count, volume.replica_count, volume.arbiter_count,
            volume.disperse_count, volume.redundancy_count) == (type_name, bricks, replica, arbiter, disperse, redundancy)
    assert volume.distribute_count == sets
    assert len(volume.bricks) == bricks
    assert volume.transport == 'tcp'
    assert all(brick.host_uuid for brick in volume.bricks)
    assert [brick.is_arbiter for brick in volume.bricks] == ([False, False, True] if name == 'arb' else [False] * bricks)


def test_volume_info_keeps_brick_order_and_splits_host_and_path(version):
    volume = gluster_xml.parse_volume_info(parsed(version, 'volume-info-drep'))['drep']
    assert [brick.name for brick in volume.bricks] == [
        'node1:/bricks/drep/b1', 'node2:/bricks/drep/b1', 'node3:/bricks/drep/b1',
        'node1:/bricks/drep/b2', 'node2:/bricks/drep/b2', 'node3:/bricks/drep/b2']
    assert (volume.bricks[4].host, volume.bricks[4].path) == ('node2', '/bricks/drep/b2')


def test_volume_status_names(version):
    created = gluster_xml.parse_volume_info(parsed(version, 'volume-info-created'))['dist']
    assert created.status == 'created' and not created.started
    started = gluster_xml.parse_volume_info(parsed(version, 'volume-info-dist'))['dist']
    assert started.started


def test_volume_info_options_are_stored_full_keys(version):
    volume = gluster_xml.parse_volume_info(parsed(version, 'volume-info-rep-options'))['rep']
    # Set as "write-behind off": glusterd stores the full key and the value as given.
    assert volume.options['performance.write-behind'] == 'off'
    assert volume.options['performance.readdir-ahead'] == 'disable'


def test_volume_info_of_all_volumes(version):
    volumes = gluster_xml.parse_volume_info(parsed(version, 'volume-info-all'))
    assert sorted(volumes) == ['arb', 'dec', 'dist', 'drep', 'ec', 'rep']


def test_volume_info_none(version):
    assert gluster_xml.parse_volume_info(parsed(version, 'volume-info-none')) == {}


def test_missing_volume_is_an_error_with_glusterd_errno(version):
    with pytest.raises(GlusterCommandError) as error:
        parsed(version, 'volume-info-missing')
    assert error.value.op_errno == gluster_xml.NO_SUCH_VOLUME_ERRNO
    assert error.value.op_errstr == 'Volume does not exist'


def test_volume_get_separates_defaults(version):
    options = gluster_xml.parse_volume_get(parsed(version, 'volume-get-all'))
    assert len(options) > 300
    assert options['performance.write-behind'] == gluster_xml.OptionValue('off', False)
    assert options['cluster.min-free-disk'] == gluster_xml.OptionValue('10%', True)
    one = gluster_xml.parse_volume_get(parsed(version, 'volume-get-one'))
    assert list(one) == ['performance.write-behind']


def test_volume_status_bricks_daemons_and_clients(version):
    status = gluster_xml.parse_volume_status(parsed(version, 'volume-status-clients'))
    assert status.name == 'rep'
    assert [brick.name for brick in status.bricks] == ['node1:/bricks/rep/b', 'node2:/bricks/rep/b', 'node3:/bricks/rep/b']
    assert all(brick.online and brick.port and brick.pid for brick in status.bricks)
    assert status.clients and all(':' not in client for client in status.clients)


def test_volume_status_brick_down(version):
    status = gluster_xml.parse_volume_status(parsed(version, 'volume-status-brick-down'))
    online = {brick.name: brick.online for brick in status.bricks}
    assert online == {'node1:/bricks/rep/b': True, 'node2:/bricks/rep/b': False, 'node3:/bricks/rep/b': True}
    assert status.bricks[1].pid is None and status.bricks[1].port is None
    assert {daemon.name.split(' on ')[0] for daemon in status.daemons} == {'Self-heal Daemon'}


def counts(brick):
    return (brick.connected, brick.total, brick.pending, brick.split_brain, brick.possibly_healing, brick.clean)


def test_heal_info_clean(version):
    # `heal info` gives only the total (numberOfEntries), `heal info summary` every count.
    for name in ('heal-info', 'heal-info-summary'):
        bricks = gluster_xml.parse_heal_info(parsed(version, name))
        assert [(brick.connected, brick.unhealed, brick.clean) for brick in bricks] == [(True, 0, True)] * 3
    summary = gluster_xml.parse_heal_info(parsed(version, 'heal-info-summary'))
    assert [counts(brick) for brick in summary] == [(True, 0, 0, 0, 0, True)] * 3


def test_heal_info_pending_with_a_brick_down(version):
    """The brick killed: `heal info` gives it '-' counts, the summary runs its status and count
    together and gives no count element; either way its counts are unknown, not zero."""
    for name, status in (('heal-info-pending', 'Transport endpoint is not connected'),
                         ('heal-info-summary-pending',
                          'Failed to process entries completely. (Transport endpoint is not connected)')):
        bricks = {brick.name: brick for brick in gluster_xml.parse_heal_info(parsed(version, name))}
        down = bricks['node2:/bricks/rep/b']
        assert counts(down) == (False, None, None, None, None, False) and down.unhealed is None
        assert down.status == status and down.host_uuid == ''
        assert bricks['node1:/bricks/rep/b'].unhealed == 6 and not bricks['node1:/bricks/rep/b'].clean
    summary = gluster_xml.parse_heal_info(parsed(version, 'heal-info-summary-pending'))
    assert counts(summary[0]) == (True, 6, 6, 0, 0, False)


def test_heal_summary_total_is_pending_plus_split_brain_plus_possibly_healing(version):
    """A real split-brain: total 2 = 0 waiting + 2 in split-brain + 0 possibly healing (glfs-heal.c
    counts each entry once, in one of the three). The old parser of gluster_info read only the
    parts, the old parse_heal_info only the total: every count is kept now."""
    bricks = gluster_xml.parse_heal_info(parsed(version, 'health-heal-summary-split-brain'))
    assert [counts(brick) for brick in bricks] == [(True, 2, 0, 2, 0, False)] * 2
    assert [brick.unhealed for brick in bricks] == [2, 2]
    resolved = gluster_xml.parse_heal_info(parsed(version, 'health-heal-summary-split-resolved'))
    assert all(brick.clean for brick in resolved)


def test_a_brick_is_clean_only_when_every_count_is_known_and_zero(version):
    text = fixture(version, 'heal-info-summary')
    reply = parse_cli_output('gluster volume heal rep info summary --xml', 0, text, '')
    assert all(brick.clean for brick in gluster_xml.parse_heal_info(reply))

    def first(old, new):
        changed = parse_cli_output('gluster volume heal rep info summary --xml', 0, text.replace(old, new, 1), '')
        return gluster_xml.parse_heal_info(changed)[0]
    # Entries only possibly healing (locked now) are not in sync yet.
    possibly = first('<numberOfEntriesPossiblyHealing>0<', '<numberOfEntriesPossiblyHealing>3<')
    assert possibly.possibly_healing == 3 and possibly.unhealed == 3 and not possibly.clean
    # A part larger than the total (no such reply is known): the larger count stands.
    assert first('<numberOfEntriesInSplitBrain>0<', '<numberOfEntriesInSplitBrain>1<').unhealed == 1
    # No total, or a '-' one: unknown, even with the parts at zero (no fallback to numberOfEntries).
    assert first('<totalNumberOfEntries>0</totalNumberOfEntries>', '').unhealed is None
    dash = first('<totalNumberOfEntries>0<', '<totalNumberOfEntries>-<')
    assert dash.connected and dash.unhealed is None and not dash.clean


def test_heal_info_on_distribute_is_refused(version):
    with pytest.raises(GlusterCommandError) as error:
        parsed(version, 'heal-info-distribute')
    assert 'not of type replicate/disperse' in error.value.op_errstr


def test_remove_brick_status_completed(version):
    status = gluster_xml.parse_migration_status(parsed(version, 'remove-brick-status-completed'))
    assert status.task_id
    assert status.aggregate.status == gluster_xml.MIGRATION_COMPLETED
    assert status.aggregate.completed_cleanly
    # One node migrated: the one holding the brick, named as the pool knows it.
    assert len(status.nodes) == 1 and status.nodes[0].node in ('node2', manifest(version)['peer-probe-by-address'][2].split()[-2])


def test_rebalance_status_completed(version):
    status = gluster_xml.parse_migration_status(parsed(version, 'rebalance-status-completed'))
    assert status.aggregate.status == gluster_xml.MIGRATION_COMPLETED
    assert len(status.nodes) >= 1 and all(node.failures == 0 for node in status.nodes)


@pytest.mark.parametrize('name, message', [
    ('remove-brick-start-again', 'An earlier remove-brick task exists'),
    ('remove-brick-status-none', 'remove-brick not started'),
    ('rebalance-status-none', 'Rebalance not started'),
    ('volume-start-again', 'already started'),
    ('volume-create-replica-same-host', 'Multiple bricks of a replicate volume are present on the same server'),
    ('volume-create-peer-down', 'Host node3 not connected'),
    ('peer-detach-with-bricks', 'hosts one or more bricks'),
    ('volume-set-unknown-key', 'option : no.such-option does not exist'),
])
def test_failures_carry_glusterds_message(version, name, message):
    with pytest.raises(GlusterCommandError) as error:
        parsed(version, name)
    assert message in error.value.op_errstr
    assert message in str(error.value)


@pytest.mark.parametrize('version', VERSIONS)
def test_a_completed_fix_layout_reads_as_a_completed_migration(version):
    from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_migration import CLEAN, judge_migration

    status = gluster_xml.parse_migration_status(parsed(version, 'layout-rebalance-status-fix-layout-completed'))
    # gluster numbers a fix-layout's states 5-8; completed is 7.
    assert [node.status for node in status.nodes] == [gluster_xml.MIGRATION_COMPLETED] * 3
    assert all(node.status_name == 'fix-layout completed' for node in status.nodes)
    assert judge_migration(status, [node.node_id for node in status.nodes]) == CLEAN
    # ... but it moved no file, and says so: state rebalanced must not take it for a rebalance.
    assert status.fix_layout
    assert not gluster_xml.parse_migration_status(parsed(version, 'layout-rebalance-status-completed')).fix_layout
