"""Derived bricks planned against the existing volume: its bricks first and in their order, the bricks
of servers added after them as whole new sets, each on different servers."""
import pytest

from ansible_collections.glusterdock.storage.plugins.module_utils.derived_bricks import (
    DerivedBricksError, bricks_in_sets, plan_derived_bricks,
)
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_xml import Brick

OLD = ['node1', 'node2', 'node3']
NEW = OLD + ['node4', 'node5', 'node6']


def bricks(*names):
    return ['%s:/bricks/v/brick%d' % (name[:-1], int(name[-1])) for name in names]


def volume(*names, uuids=None):
    return [Brick(name=brick, host_uuid=(uuids or {}).get(brick.partition(':')[0], '')) for brick in bricks(*names)]


def hosts_of_sets(planned, size):
    return [[brick.partition(':')[0] for brick in planned[start:start + size]] for start in range(0, len(planned), size)]


def test_two_bricks_per_server_replica_3_grows_from_3_to_6_servers_after_the_old_bricks():
    # As the role created it (every server once before any server twice).
    existing = volume('node11', 'node21', 'node31', 'node12', 'node22', 'node32')
    planned = plan_derived_bricks(NEW, '/bricks', 'v', 2, 3, existing)
    assert planned == bricks('node11', 'node21', 'node31', 'node12', 'node22', 'node32',
                             'node41', 'node51', 'node61', 'node42', 'node52', 'node62')
    assert all(len(set(hosts)) == 3 for hosts in hosts_of_sets(planned, 3))
    # The list derived without the volume (what the role gave before) reorders the existing bricks.
    assert plan_derived_bricks(NEW, '/bricks', 'v', 2, 3)[:6] != planned[:6]


def test_a_volume_in_the_old_order_keeps_it_whatever_the_sets_look_like():
    # replica 2 over three servers, created in the old order: sets (1,2), (3,1), (2,3).
    existing = volume('node11', 'node21', 'node31', 'node12', 'node22', 'node32')
    planned = plan_derived_bricks(OLD + ['node4', 'node5'], '/bricks', 'v', 2, 2, existing)
    assert planned == [brick.name for brick in existing] + bricks('node41', 'node51', 'node42', 'node52')
    # Listed in another order in the inventory: the volume's order still comes first.
    shuffled = plan_derived_bricks(['node3', 'node1', 'node2', 'node4', 'node5'], '/bricks', 'v', 2, 2, existing)
    assert shuffled[:6] == [brick.name for brick in existing]
    assert hosts_of_sets(shuffled[6:], 2) == [['node4', 'node5'], ['node4', 'node5']]


@pytest.mark.parametrize('per_server, set_size, servers, added', [
    (1, 3, 3, 3), (2, 3, 3, 3), (3, 3, 3, 6), (2, 2, 2, 2), (3, 2, 4, 2), (2, 3, 3, 6), (1, 1, 3, 1), (2, 1, 2, 1),
])
def test_any_count_grows_by_whole_sets_on_different_servers(per_server, set_size, servers, added):
    # replica, replica with arbiter (the last brick of a set) and disperse all group by set size.
    old = ['n%d' % number for number in range(1, servers + 1)]
    new = old + ['n%d' % number for number in range(servers + 1, servers + added + 1)]
    existing = [Brick(name=brick) for brick in plan_derived_bricks(old, '/b', 'v', per_server, set_size)]
    planned = plan_derived_bricks(new, '/b', 'v', per_server, set_size, existing)
    assert planned[:len(existing)] == [brick.name for brick in existing]
    assert sorted(planned) == sorted(plan_derived_bricks(new, '/b', 'v', per_server, set_size))
    if set_size > 1:
        assert all(len(set(hosts)) == set_size for hosts in hosts_of_sets(planned[len(existing):], set_size))


def test_an_unchanged_inventory_gives_the_volume_as_it_is():
    existing = volume('node11', 'node21', 'node31', 'node12', 'node22', 'node32')
    assert plan_derived_bricks(OLD, '/bricks/', 'v', 2, 3, existing) == [brick.name for brick in existing]


def test_bricks_named_by_address_are_matched_by_peer_uuid():
    existing = [Brick(name='192.0.2.%d:/bricks/v/brick1' % number, host_uuid='uuid-%d' % number) for number in (1, 2, 3)]
    uuids = {'node%d' % number: 'uuid-%d' % number for number in (1, 2, 3)}
    planned = plan_derived_bricks(NEW, '/bricks', 'v', 1, 3, existing, uuids)
    assert planned == [brick.name for brick in existing] + bricks('node41', 'node51', 'node61')
    # Without the pool the bricks are none of the derived ones: the plain list, which gluster_volume refuses.
    assert plan_derived_bricks(NEW, '/bricks', 'v', 1, 3, existing) == bricks(*('node%d1' % n for n in range(1, 7)))


def test_bricks_per_server_raised_fills_new_sets_on_every_server():
    existing = volume('node11', 'node21', 'node31')
    assert plan_derived_bricks(OLD, '/bricks', 'v', 2, 3, existing) == bricks(
        'node11', 'node21', 'node31', 'node12', 'node22', 'node32')


def test_new_bricks_crowded_on_one_server_are_dealt_over_the_sets():
    assert bricks_in_sets(bricks('node11', 'node12', 'node21', 'node22'), 2) == bricks(
        'node11', 'node21', 'node12', 'node22')


def test_one_server_added_to_a_replica_3_volume_is_refused_as_no_whole_set():
    existing = volume('node11', 'node21', 'node31', 'node12', 'node22', 'node32')
    with pytest.raises(DerivedBricksError) as error:
        plan_derived_bricks(OLD + ['node4'], '/bricks', 'v', 2, 3, existing)
    assert str(error.value) == (
        'the new bricks of volume v are 2 (node4:/bricks/v/brick1, node4:/bricks/v/brick2), not whole sets of 3 (the '
        'replica or disperse count): add servers so that their bricks (bricks_per_server each) fill whole sets')


def test_one_server_added_to_a_replica_2_volume_is_refused_naming_it():
    existing = volume('node11', 'node21', 'node12', 'node22')
    with pytest.raises(DerivedBricksError) as error:
        plan_derived_bricks(['node1', 'node2', 'node3'], '/bricks', 'v', 2, 2, existing)
    assert str(error.value) == (
        'the new bricks of volume v (node3:/bricks/v/brick1, node3:/bricks/v/brick2) make 1 set(s) of 2, but node3 '
        'holds 2 of them: two bricks of one set would be on one server, and losing it would take both. Add servers '
        'so that each new set has 2 different servers (or lower bricks_per_server)')


def test_a_new_volume_on_too_few_servers_is_refused():
    with pytest.raises(DerivedBricksError, match='node2 holds 3 of them: two bricks of one set'):
        plan_derived_bricks(['node1', 'node2'], '/bricks', 'v', 3, 3)
    assert plan_derived_bricks(OLD, '/bricks', 'v', 2, 3) == bricks(
        'node11', 'node21', 'node31', 'node12', 'node22', 'node32')
