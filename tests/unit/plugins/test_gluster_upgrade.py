"""The filters of playbooks/upgrade.yml: which checksums must agree, which rejected peers stop the
rollout, and how far the op-version may go. Their input is what gluster_info and the playbook's read
of /var/lib/glusterd/vols/*/cksum return."""
from xml.etree import ElementTree

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.glusterdock.storage.plugins.filter.gluster_upgrade import (
    FilterModule,
    gluster_upgrade_cksum_problems,
    gluster_upgrade_op_version,
    gluster_upgrade_pool_views,
    gluster_upgrade_running_tasks,
)
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_xml import parse_volume_statuses
from ansible_collections.glusterdock.storage.tests.unit.fixtures import VERSIONS, fixture

UUIDS = {'node1': '11111111-1111-1111-1111-111111111111', 'node2': '22222222-2222-2222-2222-222222222222',
         'node3': '33333333-3333-3333-3333-333333333333'}


def view(server, states):
    """SERVER's pool.peers as gluster_info returns it; STATES maps each other server to its state."""
    peers = [{'uuid': UUIDS[server], 'hostname': 'localhost', 'connected': True, 'state': 'Peer in Cluster', 'self': True}]
    for other, state in sorted(states.items()):
        peers.append({'uuid': UUIDS[other], 'hostname': 'lab-%s.lab' % other, 'connected': state != 'down',
                      'state': 'Peer in Cluster' if state == 'down' else state, 'self': False})
    return peers


def test_every_filter_is_registered():
    assert set(FilterModule().filters()) == {'gluster_upgrade_cksum_problems', 'gluster_upgrade_pool_views',
                                             'gluster_upgrade_op_version', 'gluster_upgrade_running_tasks'}


def test_checksums_are_compared_between_servers_of_one_version_only():
    checksums = {'node1': {'web': 'info=1', 'db': 'info=7'}, 'node2': {'web': 'info=2', 'db': 'info=7'},
                 'node3': {'web': 'info=2'}}
    # In the middle of 10 -> 11, node1's definitions are written in 11's format: not a problem.
    assert gluster_upgrade_cksum_problems(checksums, {'node1': '11.1', 'node2': '10.3', 'node3': '10.3'}) == [
        'volume db: /var/lib/glusterd/vols/db/cksum differs between servers of GlusterFS 10.3 (node2: info=7; node3: missing)']
    assert gluster_upgrade_cksum_problems(checksums) == [
        'volume db: /var/lib/glusterd/vols/db/cksum differs between servers (node1, node2: info=7; node3: missing)',
        'volume web: /var/lib/glusterd/vols/web/cksum differs between servers (node1: info=1; node2, node3: info=2)']
    assert gluster_upgrade_cksum_problems({'node1': {'web': 'info=1\n'}, 'node2': {'web': 'info=1'}}) == []


def test_checksums_of_the_wrong_shape_are_an_error():
    with pytest.raises(AnsibleFilterError):
        gluster_upgrade_cksum_problems(['node1'])


def test_a_rejection_between_servers_of_one_version_stops_and_names_them():
    views = {'node1': view('node1', {'node2': 'Peer Rejected', 'node3': 'Peer in Cluster'}),
             'node2': view('node2', {'node1': 'Peer Rejected', 'node3': 'Peer in Cluster'}),
             'node3': view('node3', {'node1': 'Peer in Cluster', 'node2': 'Peer in Cluster'})}
    judged = gluster_upgrade_pool_views(views, {'node1': '11.1', 'node2': '11.1', 'node3': '10.3'})
    assert judged == {'rejected_same_version': ['node1 (11.1) sees node2 (11.1) as Peer Rejected',
                                                'node2 (11.1) sees node1 (11.1) as Peer Rejected'],
                      'rejected_across_versions': [], 'rejected_servers': ['node1', 'node2'], 'whole_view': 'node3'}


def test_a_rejection_across_versions_is_reported_apart_and_health_is_read_where_every_peer_is_seen():
    views = {'node1': view('node1', {'node2': 'Peer in Cluster', 'node3': 'Peer in Cluster'}),
             'node2': view('node2', {'node1': 'Peer in Cluster', 'node3': 'Peer Rejected'}),
             'node3': view('node3', {'node1': 'Peer in Cluster', 'node2': 'Peer Rejected'})}
    judged = gluster_upgrade_pool_views(views, {'node1': '11.1', 'node2': '11.1', 'node3': '10.3'})
    assert judged['rejected_same_version'] == [] and judged['rejected_servers'] == []
    assert judged['rejected_across_versions'] == ['node2 (11.1) sees node3 (10.3) as Peer Rejected',
                                                  'node3 (10.3) sees node2 (11.1) as Peer Rejected']
    assert judged['whole_view'] == 'node1'


def test_no_whole_view_when_every_server_misses_a_peer():
    views = {'node1': view('node1', {'node2': 'down'}), 'node2': view('node2', {'node1': 'down'}), 'node3': []}
    assert gluster_upgrade_pool_views(views, {})['whole_view'] is None


def info(op_version, max_op_version, clients, healthy=True, problems=()):
    return {'healthy': healthy, 'problems': list(problems),
            'pool': {'peers': [], 'op_version': op_version, 'max_op_version': max_op_version},
            'volumes': [{'name': 'web', 'clients': [{'address': address, 'op_version': version}
                                                    for address, version in clients]}]}


def test_the_op_version_is_raised_to_what_every_server_supports_unless_a_client_supports_less():
    assert gluster_upgrade_op_version(info(100000, 110000, [('172.18.0.5', 110000)])) == {
        'current': 100000, 'target': 110000, 'raise': True, 'clients_below': [], 'unread': []}
    assert gluster_upgrade_op_version(info(100000, 110000, [('172.18.0.5', 100000)])) == {
        'current': 100000, 'target': 110000, 'raise': True,
        'clients_below': ['172.18.0.5 (volume web, op-version 100000)'], 'unread': []}
    assert gluster_upgrade_op_version(info(110000, 110000, []))['raise'] is False


def test_a_client_whose_op_version_is_unknown_counts_as_older():
    plan = gluster_upgrade_op_version(info(100000, 110000, [('172.18.0.5', 110000), ('172.18.0.6', None)]))
    assert plan['clients_below'] == ['172.18.0.6 (volume web, op-version unknown)']


def test_a_read_that_was_not_whole_leaves_the_clients_unknown():
    problem = 'the clients could not be read: Another transaction is in progress'
    plan = gluster_upgrade_op_version(info(100000, 110000, [], healthy=False, problems=[problem]))
    assert plan['raise'] and plan['clients_below'] == [] and plan['unread'] == [problem]
    # A result without its verdict (not gluster_info's) is not trusted either.
    assert gluster_upgrade_op_version({'pool': {'op_version': 1, 'max_op_version': 2}})['unread'] == [
        'the pool could not be read']


def test_an_op_version_that_could_not_be_read_is_an_error():
    with pytest.raises(AnsibleFilterError, match='could not be read'):
        gluster_upgrade_op_version(info(None, 110000, []))


def volumes_with_tasks(version, status_text=None):
    """gluster_info's volumes (name, tasks) from the captured status of dist during a remove-brick that
    completed; ``status_text`` replaces the task's statusStr (and its code) as the test says."""
    captured = fixture(version, 'volume-status-remove-brick')
    if status_text is not None:
        assert '<statusStr>completed</statusStr>' in captured
        captured = captured.replace('<status>3</status>', '<status>1</status>').replace(
            '<statusStr>completed</statusStr>', '<statusStr>%s</statusStr>' % status_text)
    return {'volumes': [{'name': status.name, 'tasks': list(status.tasks)}
                        for status in parse_volume_statuses(ElementTree.fromstring(captured))]}


@pytest.mark.parametrize('version', VERSIONS)
def test_a_running_remove_brick_blocks_stopping_a_server(version):
    # As captured: completed (waiting for its commit), nothing migrates any more.
    assert gluster_upgrade_running_tasks(volumes_with_tasks(version)) == []
    # The same task while it still moves files (the test sets its status to in progress).
    assert gluster_upgrade_running_tasks(volumes_with_tasks(version, 'in progress')) == [
        'volume dist: Remove brick in progress (node2:/bricks/dist/b2)']


def test_a_task_in_a_state_not_known_as_finished_blocks_too():
    info = {'volumes': [{'name': 'web', 'tasks': [{'type': 'Rebalance', 'id': '1', 'status': 'not started', 'bricks': ''},
                                                  {'type': 'Rebalance', 'id': '2', 'status': 'stopped', 'bricks': ''}]},
                        {'name': 'db'}]}
    assert gluster_upgrade_running_tasks(info) == ['volume web: Rebalance not started']
    with pytest.raises(AnsibleFilterError):
        gluster_upgrade_running_tasks(None)
