"""Good copies per set before a brick is rebuilt, on XML captured from GlusterFS 10.3 and 11.1.

The captured status and heal replies come from the replica 3 volume ``rep`` (all online, and
with node2's brick process killed: its partners then report 6 entries each); for the arbiter
and disperse volumes the same replies are renamed to their bricks (same hosts, same shape)."""
import re
from xml.etree import ElementTree

import pytest

from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_brick_health import healed
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_brick_plan import BrickPlanError
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_brick_sets import (
    brick_sets,
    judge_cycle,
    plan_rebuild_cycles,
    set_members,
)
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_xml import (
    parse_heal_info,
    parse_volume_info,
    parse_volume_status,
)

from ansible_collections.glusterdock.storage.tests.unit.fixtures import VERSIONS, fixture

ALL_ONLINE = ('volume-status-rep', 'heal-info-summary')
NODE2_DOWN = ('volume-status-brick-down', 'heal-info-summary-pending')


def state(version, name, replies, pending=None):
    """(volume, status, heal) of volume ``name`` with the rep volume's captured ``replies``
    renamed to its bricks; ``pending`` replaces every brick's count of entries."""
    volume = list(parse_volume_info(ElementTree.fromstring(fixture(version, 'volume-info-' + name))).values())[0]
    texts = []
    for reply in replies:
        text = fixture(version, reply).replace('/bricks/rep/', '/bricks/%s/' % name)
        if pending is not None and reply.startswith('heal'):
            for element in ('totalNumberOfEntries', 'numberOfEntriesInHealPending'):
                text = re.sub('<%s>[0-9]+<' % element, '<%s>%d<' % (element, pending), text)
        texts.append(ElementTree.fromstring(text))
    return volume, parse_volume_status(texts[0]), parse_heal_info(texts[1])


def cycles(version, name, replies, bricks, pending=None, **options):
    planned, wait_first = plan_rebuild_cycles(*state(version, name, replies, pending), rebuild=bricks, **options)
    return [cycle.bricks for cycle in planned], wait_first


@pytest.mark.parametrize('version', VERSIONS)
def test_sets_of_an_arbiter_and_a_disperse_volume(version):
    arbiter = brick_sets(state(version, 'arb', ALL_ONLINE)[0])
    assert [(item.kind, item.names, item.arbiters) for item in arbiter] == [
        ('replica', ['node1:/bricks/arb/b', 'node2:/bricks/arb/b', 'node3:/bricks/arb/b'], ['node3:/bricks/arb/b'])]
    disperse = brick_sets(state(version, 'ec', ALL_ONLINE)[0])
    assert [(item.kind, item.redundancy) for item in disperse] == [('disperse', 1)]


@pytest.mark.parametrize('version', VERSIONS)
def test_both_data_bricks_of_an_arbiter_set_are_rebuilt_one_heal_cycle_apart(version):
    bricks = ['node1:/bricks/arb/b', 'node2:/bricks/arb/b']
    assert cycles(version, 'arb', ALL_ONLINE, bricks) == ([[bricks[0]], [bricks[1]]], False)
    # The arbiter holds no data but decides which copy heal trusts: it gets a cycle of its own too.
    assert cycles(version, 'arb', ALL_ONLINE, ['node3:/bricks/arb/b', bricks[0]])[0] == [
        ['node3:/bricks/arb/b'], [bricks[0]]]


@pytest.mark.parametrize('version', VERSIONS)
def test_without_waiting_for_heal_two_bricks_of_one_set_are_refused(version):
    with pytest.raises(BrickPlanError) as refused:
        cycles(version, 'arb', ALL_ONLINE, ['node1:/bricks/arb/b', 'node2:/bricks/arb/b'], wait_for_heal=False)
    assert str(refused.value) == (
        'wait_for_heal: false, but node1:/bricks/arb/b, node2:/bricks/arb/b of one set can only be rebuilt one heal '
        'cycle apart (node1:/bricks/arb/b; then node2:/bricks/arb/b); nothing was changed. Let the module wait for '
        'heal, or rebuild one brick per set per run')


@pytest.mark.parametrize('version', VERSIONS)
def test_one_brick_of_each_set_goes_in_one_cycle(version):
    bricks = ['node3:/bricks/drep/b2', 'node1:/bricks/drep/b1', 'node2:/bricks/drep/b1']
    volume = list(parse_volume_info(ElementTree.fromstring(fixture(version, 'volume-info-drep'))).values())[0]
    heal = parse_heal_info(ElementTree.fromstring(
        fixture(version, 'heal-info-summary').replace('/bricks/rep/b', '/bricks/drep/b1')))
    heal += parse_heal_info(ElementTree.fromstring(
        fixture(version, 'heal-info-summary').replace('/bricks/rep/b', '/bricks/drep/b2')))
    status = parse_volume_status(ElementTree.fromstring(fixture(version, 'volume-status-rep').replace(
        '/bricks/rep/b', '/bricks/drep/b1')))
    status.bricks += parse_volume_status(ElementTree.fromstring(fixture(version, 'volume-status-rep').replace(
        '/bricks/rep/b', '/bricks/drep/b2'))).bricks
    planned, _wait = plan_rebuild_cycles(volume, status, heal, bricks)
    assert [(cycle.bricks, cycle.sets) for cycle in planned] == [
        (['node3:/bricks/drep/b2', 'node1:/bricks/drep/b1'], [1, 2]), (['node2:/bricks/drep/b1'], [1])]


@pytest.mark.parametrize('version', VERSIONS)
def test_an_online_brick_whose_set_has_entries_waiting_waits_for_heal_first(version):
    assert cycles(version, 'rep', ALL_ONLINE, ['node1:/bricks/rep/b'], pending=4) == ([['node1:/bricks/rep/b']], True)
    with pytest.raises(BrickPlanError) as refused:
        cycles(version, 'rep', ALL_ONLINE, ['node1:/bricks/rep/b'], pending=4, wait_for_heal=False)
    assert 'set 1 (node1:/bricks/rep/b, node2:/bricks/rep/b, node3:/bricks/rep/b) has 12 entries waiting for heal' \
        in str(refused.value)


@pytest.mark.parametrize('version', VERSIONS)
def test_an_online_brick_is_not_rebuilt_while_another_of_its_set_is_offline(version):
    with pytest.raises(BrickPlanError) as refused:
        cycles(version, 'arb', NODE2_DOWN, ['node1:/bricks/arb/b'])
    message = str(refused.value)
    assert message.startswith('bricks: refusing to rebuild node1:/bricks/arb/b of volume arb, nothing was changed: '
                              'node2:/bricks/arb/b of set 1 (node1:/bricks/arb/b, node2:/bricks/arb/b, '
                              'node3:/bricks/arb/b arbiter) is offline: rebuilding node1:/bricks/arb/b now would '
                              'leave no copy of its files online to heal from')
    # In replica 3 the third brick is still a copy, but the rule is the same: every other brick online.
    with pytest.raises(BrickPlanError) as refused:
        cycles(version, 'rep', NODE2_DOWN, ['node1:/bricks/rep/b'])
    assert 'rebuilding node1:/bricks/rep/b now would leave only node3:/bricks/rep/b as a copy' in str(refused.value)


@pytest.mark.parametrize('version', VERSIONS)
def test_an_offline_brick_whose_partners_report_entries_is_refused_unless_declared_stale(version):
    # node2's partners report 6 entries each: written while node2 was down, or missed by a partner
    # earlier and only on node2; gluster's counts cannot tell, so the rebuild is refused.
    with pytest.raises(BrickPlanError) as refused:
        cycles(version, 'arb', NODE2_DOWN, ['node2:/bricks/arb/b'])
    message = str(refused.value)
    assert 'reports 12 entries waiting for heal while node2:/bricks/arb/b is offline' in message
    assert 'set offline_bricks_are_stale: true' in message
    assert cycles(version, 'arb', NODE2_DOWN, ['node2:/bricks/arb/b'], offline_bricks_are_stale=True) == (
        [['node2:/bricks/arb/b']], False)
    # With nothing pending on its partners, an offline brick holds nothing they lack.
    assert cycles(version, 'arb', NODE2_DOWN, ['node2:/bricks/arb/b'], pending=0) == ([['node2:/bricks/arb/b']], False)


@pytest.mark.parametrize('version', VERSIONS)
def test_an_offline_brick_first_then_an_online_one_of_its_set(version):
    bricks = ['node1:/bricks/rep/b', 'node2:/bricks/rep/b']
    assert cycles(version, 'rep', NODE2_DOWN, bricks, pending=0) == ([[bricks[1]], [bricks[0]]], False)


@pytest.mark.parametrize('version', VERSIONS)
def test_disperse_never_has_more_bricks_offline_or_rebuilt_than_its_redundancy(version):
    # ec is disperse 3 redundancy 1; node2's brick is offline.
    with pytest.raises(BrickPlanError) as refused:
        cycles(version, 'ec', NODE2_DOWN, ['node1:/bricks/ec/b'], pending=0)
    assert ('set 1 (node1:/bricks/ec/b, node2:/bricks/ec/b, node3:/bricks/ec/b) has redundancy 1 and this is offline '
            '(node2:/bricks/ec/b): rebuilding node1:/bricks/ec/b as well would leave too few fragments'
            in str(refused.value))
    assert cycles(version, 'ec', NODE2_DOWN, ['node2:/bricks/ec/b'], pending=0) == ([['node2:/bricks/ec/b']], False)
    # The offline brick first; then, once heal is done, the online one.
    assert cycles(version, 'ec', NODE2_DOWN, ['node1:/bricks/ec/b', 'node2:/bricks/ec/b'], pending=0)[0] == [
        ['node2:/bricks/ec/b'], ['node1:/bricks/ec/b']]
    assert cycles(version, 'ec', ALL_ONLINE, ['node1:/bricks/ec/b', 'node3:/bricks/ec/b'])[0] == [
        ['node1:/bricks/ec/b'], ['node3:/bricks/ec/b']]


@pytest.mark.parametrize('version', VERSIONS)
def test_a_later_cycle_is_judged_again_and_heal_is_counted_per_set(version):
    volume, status, heal = state(version, 'arb', NODE2_DOWN)
    planned, _wait = plan_rebuild_cycles(volume, status, heal, ['node2:/bricks/arb/b', 'node1:/bricks/arb/b'],
                                         offline_bricks_are_stale=True)
    # If node2 were still offline when the second cycle comes, node1 must wait.
    verdicts = judge_cycle(planned[1], volume, status, heal)
    assert verdicts[0].problems and 'node2:/bricks/arb/b of set 1' in verdicts[0].problems[0]
    # What the module waits for between cycles: every brick of the cycle's sets healed.
    assert not healed(heal, volume, set_members(volume, [1]))
    assert healed(state(version, 'arb', ALL_ONLINE)[2], volume, set_members(volume, [1]))
