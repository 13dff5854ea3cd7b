"""The brick_list filter keeps the copies of one set on different servers."""
from xml.etree import ElementTree

import pytest

from ansible.errors import AnsibleFilterError
from ansible_collections.glusterdock.storage.plugins.filter.brick_list import (
    brick_list, brick_parent_directories, planned_bricks, volumes_with_new_bricks_on,
)
from ansible_collections.glusterdock.storage.tests.unit.fixtures import VERSIONS, fixture


def test_one_brick_per_server():
    assert brick_list(['node1', 'node2', 'node3'], '/bricks/', 'web') == [
        'node1:/bricks/web/brick1', 'node2:/bricks/web/brick1', 'node3:/bricks/web/brick1']


def test_two_bricks_per_server_are_server_minor():
    bricks = brick_list(['a', 'b', 'c'], '/bricks', 'v', per_server=2)
    assert bricks == ['a:/bricks/v/brick1', 'b:/bricks/v/brick1', 'c:/bricks/v/brick1',
                      'a:/bricks/v/brick2', 'b:/bricks/v/brick2', 'c:/bricks/v/brick2']
    # Every replica 3 set (three consecutive bricks) spans three servers.
    assert all(len({brick.split(':')[0] for brick in bricks[i:i + 3]}) == 3 for i in (0, 3))


@pytest.mark.parametrize('servers, root, per_server, message', [
    ([], '/bricks', 1, 'non-empty list of servers'),
    (['a'], 'bricks', 1, 'absolute brick root'),
    (['a'], '/bricks', 0, 'at least 1'),
    (['a'], '/bricks', 'x', 'whole number'),
])
def test_bad_input(servers, root, per_server, message):
    with pytest.raises(AnsibleFilterError, match=message):
        brick_list(servers, root, 'v', per_server)


def test_brick_parent_directories_of_one_server():
    volumes = [
        {'name': 'web', 'replica': 3},
        {'name': 'old', 'state': 'absent'},
        {'name': 'explicit', 'bricks': ['node2:/data/x/b', 'node1:/srv/e/b1', 'node1:/srv/e/b2']},
    ]
    servers = ['node1', 'node2', 'node3']
    assert brick_parent_directories(volumes, 'node1', servers, '/bricks') == ['/bricks/web', '/srv/e']
    assert brick_parent_directories(volumes, 'node2', servers, '/bricks') == ['/bricks/web', '/data/x']
    assert brick_parent_directories(volumes, 'elsewhere', servers, '/bricks') == []


# ---- planned_bricks: the role's bricks planned against the volumes as they exist -------------------

SIX = ['node%d' % number for number in range(1, 7)]


def derived_info(version):
    """The captured volumes with their bricks named as the role derives them (drep: replica 3 with two
    bricks per server, dec: disperse 3 with two, rep and arb: one), in the role's old order."""
    info = fixture(version, 'volume-info-all')
    for name in ('drep', 'dec'):
        info = info.replace('/bricks/%s/b1<' % name, '/bricks/%s/brick1<' % name)
        info = info.replace('/bricks/%s/b2<' % name, '/bricks/%s/brick2<' % name)
    for name in ('rep', 'arb'):
        info = info.replace('/bricks/%s/b<' % name, '/bricks/%s/brick1<' % name)
    return info


def named(volume, servers, number):
    return ['%s:/bricks/%s/brick%d' % (server, volume, number) for server in servers]


@pytest.mark.parametrize('version', VERSIONS)
def test_planned_bricks_grow_every_layout_after_its_bricks(version):
    definitions = [{'name': 'drep', 'replica': 3, 'bricks_per_server': 2}, {'name': 'dec', 'bricks_per_server': 2},
                   {'name': 'rep', 'replica': 3}, {'name': 'arb', 'replica': 3, 'arbiter': 1},
                   {'name': 'new', 'replica': 3}, {'name': 'mine', 'bricks': ['node1:/x/b']}]
    planned = planned_bricks(definitions, SIX, '/bricks', derived_info(version))
    old, added = SIX[:3], SIX[3:]
    assert planned == {
        'drep': named('drep', old, 1) + named('drep', old, 2) + named('drep', added, 1) + named('drep', added, 2),
        'dec': named('dec', old, 1) + named('dec', old, 2) + named('dec', added, 1) + named('dec', added, 2),
        'rep': named('rep', old, 1) + named('rep', added, 1),
        'arb': named('arb', old, 1) + named('arb', added, 1),
        'new': named('new', SIX, 1),
        'mine': ['node1:/x/b'],
    }
    # Unchanged servers: every volume as it is. Not read: the plain derived lists.
    assert planned_bricks(definitions[:1], SIX[:3], '/bricks', derived_info(version)) == {
        'drep': named('drep', old, 1) + named('drep', old, 2)}
    assert planned_bricks(definitions[:1], SIX, '/bricks') == {'drep': named('drep', SIX, 1) + named('drep', SIX, 2)}


# gluster's CLI takes "replica 2 arbiter 1" as "replica 3 arbiter 1": sets of three bricks either way.
ARBITER_SPELLINGS = pytest.mark.parametrize('layout', [{'replica': 3, 'arbiter': 1}, {'replica': 2, 'arbiter': 1}],
                                            ids=['replica 3 arbiter 1', 'replica 2 arbiter 1'])


def as_arbiter(info, name, first=0):
    """``info`` with volume ``name`` as replica 3 arbiter 1 (the last brick of each set the arbiter, as
    gluster reports it), its bricks listed from the ``first``-th on (a volume created in another order)."""
    root = ElementTree.fromstring(info)
    volume = next(element for element in root.iter('volume') if element.findtext('name') == name)
    volume.find('arbiterCount').text = '1'
    brick_list_element = volume.find('bricks')
    bricks = list(brick_list_element)
    for brick in bricks:
        brick_list_element.remove(brick)
    for position, brick in enumerate(bricks[first:] + bricks[:first]):
        brick.find('isArbiter').text = '1' if position % 3 == 2 else '0'
        brick_list_element.append(brick)
    return ElementTree.tostring(root, encoding='unicode')


@ARBITER_SPELLINGS
def test_planned_bricks_create_an_arbiter_volume_in_either_spelling(layout):
    assert planned_bricks([dict(layout, name='v')], ['n1', 'n2', 'n3'], '/bricks') == {
        'v': ['n1:/bricks/v/brick1', 'n2:/bricks/v/brick1', 'n3:/bricks/v/brick1']}
    assert planned_bricks([dict(layout, name='v', bricks_per_server=2)], SIX, '/bricks') == {
        'v': named('v', SIX, 1) + named('v', SIX, 2)}


@pytest.mark.parametrize('version', VERSIONS)
@ARBITER_SPELLINGS
def test_planned_bricks_grow_an_arbiter_volume_in_either_spelling(version, layout):
    # One brick per server, created as node2, node3, node1 (its arbiter on node1): kept in that order.
    info = as_arbiter(derived_info(version), 'arb', first=1)
    assert planned_bricks([dict(layout, name='arb')], SIX, '/bricks', info) == {
        'arb': ['node2:/bricks/arb/brick1', 'node3:/bricks/arb/brick1', 'node1:/bricks/arb/brick1']
        + named('arb', SIX[3:], 1)}
    # Two bricks per server: two sets on the old servers, two new ones after them.
    info = as_arbiter(derived_info(version), 'drep')
    old, added = SIX[:3], SIX[3:]
    assert planned_bricks([dict(layout, name='drep', bricks_per_server=2)], SIX, '/bricks', info) == {
        'drep': named('drep', old, 1) + named('drep', old, 2) + named('drep', added, 1) + named('drep', added, 2)}


@pytest.mark.parametrize('version', VERSIONS)
@ARBITER_SPELLINGS
def test_planned_bricks_leave_a_conversion_to_arbiter_to_the_module_in_either_spelling(version, layout):
    # Volume rep as replica 2 on node1 and node2: an arbiter on node3 makes sets of three, a replica change.
    root = ElementTree.fromstring(derived_info(version))
    volume = next(element for element in root.iter('volume') if element.findtext('name') == 'rep')
    volume.find('replicaCount').text = volume.find('brickCount').text = '2'
    volume.find('bricks').remove(list(volume.find('bricks'))[2])
    info = ElementTree.tostring(root, encoding='unicode')
    assert planned_bricks([dict(layout, name='rep')], SIX[:3], '/bricks', info) == {'rep': named('rep', SIX[:3], 1)}


@pytest.mark.parametrize('version', VERSIONS)
def test_planned_bricks_match_bricks_named_by_address_by_peer_identity(version):
    info = derived_info(version).replace('>node3:/bricks/rep/brick1<', '>192.0.2.3:/bricks/rep/brick1<')
    planned = planned_bricks([{'name': 'rep'}], SIX, '/bricks', info, fixture(version, 'pool-list'), 'node1')
    assert planned == {'rep': ['node1:/bricks/rep/brick1', 'node2:/bricks/rep/brick1', '192.0.2.3:/bricks/rep/brick1']
                       + named('rep', SIX[3:], 1)}


@pytest.mark.parametrize('version', VERSIONS)
def test_planned_bricks_refuse_new_sets_that_cannot_be_spread_naming_every_volume(version):
    definitions = [{'name': 'drep', 'replica': 3, 'bricks_per_server': 2}, {'name': 'rep', 'replica': 3}]
    with pytest.raises(AnsibleFilterError) as error:
        planned_bricks(definitions, SIX[:4], '/bricks', derived_info(version))
    assert str(error.value) == (
        'the new bricks of volume drep are 2 (node4:/bricks/drep/brick1, node4:/bricks/drep/brick2), not whole sets of '
        '3 (the replica or disperse count): add servers so that their bricks (bricks_per_server each) fill whole sets. '
        'the new bricks of volume rep are 1 (node4:/bricks/rep/brick1), not whole sets of 3 (the replica or disperse '
        'count): add servers so that their bricks (bricks_per_server each) fill whole sets. Nothing was changed.')


@pytest.mark.parametrize('version', VERSIONS)
def test_planned_bricks_leave_replica_changes_and_deletions_to_the_module(version):
    # A raised replica count and a volume to delete: the plain derived list (gluster_volume judges it).
    definitions = [{'name': 'rep', 'replica': 2, 'allow_replica_two': True}, {'name': 'drep', 'state': 'absent'}]
    assert planned_bricks(definitions, SIX, '/bricks', derived_info(version)) == {
        'rep': named('rep', SIX, 1), 'drep': named('drep', SIX, 1)}


@pytest.mark.parametrize('version', VERSIONS)
def test_only_volumes_with_a_new_brick_on_the_server_are_checked_there(version):
    info = derived_info(version)
    definitions = [{'name': 'rep', 'allow_root_filesystem_bricks': True}, {'name': 'drep', 'bricks_per_server': 2},
                   {'name': 'arb', 'force': True}, {'name': 'new', 'bricks': ['192.0.2.9:/b/new'],
                                                    'allow_root_filesystem_bricks': True}]
    planned = planned_bricks(definitions, SIX, '/bricks', info)
    assert volumes_with_new_bricks_on(definitions, planned, 'node4', SIX, info) == [
        dict(definitions[0], bricks=planned['rep']), dict(definitions[2], bricks=planned['arb']),
        dict(definitions[3], bricks=['192.0.2.9:/b/new'])]
    # node1 gets no new brick; the address could be any server's, so it checks that volume too.
    assert [item['name'] for item in volumes_with_new_bricks_on(definitions, planned, 'node1', SIX, info)] == ['new']
    # A no-op: nothing to check anywhere.
    unchanged = planned_bricks(definitions[:3], SIX[:3], '/bricks', info)
    assert volumes_with_new_bricks_on(definitions[:3], unchanged, 'node1', SIX[:3], info) == []
    # A volume to delete gets no brick.
    assert volumes_with_new_bricks_on([dict(definitions[0], state='absent')], planned, 'node4', SIX, info) == []
    # Not read: every brick is new.
    assert len(volumes_with_new_bricks_on(definitions[:3], unchanged, 'node1', SIX[:3])) == 2
