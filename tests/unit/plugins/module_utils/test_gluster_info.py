"""gluster_info's core on replies captured from real GlusterFS 10.3 and 11.1 pools
(tests/fixtures/capture VERSION health: a healthy pool, a brick killed with writes pending heal,
a real data split-brain, glusterd stopped on a node)."""
from xml.etree import ElementTree

import pytest

from ansible_collections.glusterdock.storage.plugins.filter.gluster_upgrade import gluster_upgrade_op_version
from ansible_collections.glusterdock.storage.plugins.module_utils.errors import RequestError
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_cli import GlusterCli
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_info import (
    SUBSETS,
    facts_to_dict,
    parse_clients,
    parse_info_request,
    parse_split_brain,
    parse_status_detail,
    read_facts,
)
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_volume_spec import validate_volume_name
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_xml import parse_heal_info
from ansible_collections.glusterdock.storage.tests.unit.fixtures import VERSIONS, fixture, manifest

HEALTHY = {
    'pool list': 'health-pool-list',
    'volume get all all': 'health-get-all-all',
    'volume info': 'health-volume-info-all',
    'volume status all': 'health-volume-status-all',
    'volume status all detail': 'health-volume-status-all-detail',
    'volume heal rep info summary': 'health-heal-summary',
    'volume status all clients': 'health-clients-all',
}
BRICK_DOWN = dict(HEALTHY, **{
    'volume status all': 'health-volume-status-all-brick-down',
    'volume status all detail': 'health-volume-status-all-detail-brick-down',
    'volume heal rep info summary': 'health-heal-summary-brick-down',
})
SPLIT_BRAIN = {
    'volume info': 'health-volume-info-all-split',
    'volume heal rep info summary': 'health-heal-summary',
    'volume heal split info summary': 'health-heal-summary-split-brain',
    'volume heal split info split-brain': 'health-heal-split-brain',
}
NODE_DOWN = dict(HEALTHY, **{
    'pool list': 'health-pool-list-node-down',
    'volume info': 'health-volume-info-all-split',
    'volume status all': 'health-volume-status-all-node-down',
    'volume status all detail': 'health-volume-status-all-detail-node-down',
    'volume heal rep info summary': 'health-heal-summary-node-down',
})


def replying(version, replies, edited=None):
    """A GlusterCli whose runner answers each command with the reply captured for exactly that
    command (checked against the capture's MANIFEST) and fails the test on any other command;
    ``edited`` maps a command to a captured reply changed by the test, which says how."""
    commands = manifest(version)

    def run_command(argv):
        assert argv[:2] == ['gluster', '--mode=script'] and argv[-1] == '--xml', argv
        command = ' '.join(argv[2:-1])
        if command in (edited or {}):
            return 0, edited[command], ''
        assert command in replies, 'unexpected gluster call: %s' % command
        name = replies[command]
        assert commands[name][2] == 'gluster --mode=script %s --xml' % command, (name, commands[name])
        return commands[name][1], fixture(version, name), ''
    return GlusterCli(run_command, gluster='gluster')


def report_with_a_failing_read(version, command, word, stderr, **params):
    """The healthy pool's report where the call of ``command`` (the one whose argv holds ``word``)
    fails with ``stderr``, as gluster fails it."""
    replies = dict(HEALTHY)
    del replies[command]
    cli = replying(version, replies)

    def failing(argv):
        if word in argv:
            return 1, '', stderr
        return original(argv)
    original, cli._run_command = cli._run_command, failing
    wanted = request(**params)
    return facts_to_dict(read_facts(cli, wanted), wanted)


def request(**params):
    return parse_info_request(dict({'gather_subset': ['all'], 'volumes': None, 'full_percent': 90,
                                    'split_brain_files': 100}, **params), validate_volume_name)


def report(version, replies, **params):
    cli = replying(version, replies)
    wanted = request(**params)
    return facts_to_dict(read_facts(cli, wanted), wanted), cli.calls


@pytest.mark.parametrize('version', VERSIONS)
def test_a_healthy_pool_is_healthy_in_seven_calls_whatever_the_bricks(version):
    result, calls = report(version, HEALTHY)
    assert result['problems'] == [] and result['healthy']
    # pool list, volume get all all, volume info, status all, status all detail, one heal summary
    # (rep; dist has no copies to heal), status all clients.
    assert len(calls) == 7
    assert result['pool']['op_version'] == result['pool']['max_op_version'] > 0
    assert [peer['connected'] for peer in result['pool']['peers']] == [True, True, True]
    rep = next(volume for volume in result['volumes'] if volume['name'] == 'rep')
    assert rep['bricks_online'] == 3 and [daemon['online'] for daemon in rep['self_heal_daemons']] == [True] * 3
    assert rep['heal'] == {'pending': 0, 'split_brain': 0, 'split_brain_files': [], 'bricks_unknown': []}
    brick = rep['bricks'][0]
    assert brick['size_total'] > brick['size_free'] > 0 and 0 < brick['used_percent'] < 100
    assert brick['file_system'] and brick['inodes_total'] > 0
    # node3 mounted rep; every node's self-heal daemon connects too.
    assert len(rep['clients']) >= 3 and all(client['op_version'] for client in rep['clients'])
    dist = next(volume for volume in result['volumes'] if volume['name'] == 'dist')
    assert 'heal' not in dist and dist['bricks_online'] == 2


@pytest.mark.parametrize('version', VERSIONS)
def test_a_killed_brick_and_the_writes_it_missed_are_the_problems(version):
    result, _calls = report(version, BRICK_DOWN)
    assert not result['healthy']
    assert result['problems'] == [
        'brick node2:/bricks/rep/b of volume rep offline',
        'volume rep: 12 entries waiting for heal on node1:/bricks/rep/b',
        'volume rep: 12 entries waiting for heal on node3:/bricks/rep/b',
    ]
    rep = next(volume for volume in result['volumes'] if volume['name'] == 'rep')
    assert rep['heal']['pending'] == 24 and rep['heal']['bricks_unknown'] == ['node2:/bricks/rep/b']
    down = rep['bricks'][1]
    assert (down['online'], down['pid'], down['port']) == (False, None, None)
    assert 'Transport endpoint is not connected' in down['heal']['status']


@pytest.mark.parametrize('version', VERSIONS)
def test_entries_possibly_healing_or_without_a_count_are_problems(version):
    """The healthy pool's heal summary with node1's entries possibly healing (locked: being healed,
    or written to, now), then with no total: neither is healthy (both were before: only the
    heal-pending count was judged)."""
    def with_heal_summary(old, new):
        cli = replying(version, HEALTHY)
        original = cli._run_command

        def edited(argv):
            rc, out, err = original(argv)
            return rc, out.replace(old, new, 1) if 'heal' in argv else out, err
        cli._run_command = edited
        wanted = request()
        return facts_to_dict(read_facts(cli, wanted), wanted)
    possibly = with_heal_summary('<totalNumberOfEntries>0</totalNumberOfEntries>\n'
                                 '        <numberOfEntriesInHealPending>0</numberOfEntriesInHealPending>\n'
                                 '        <numberOfEntriesInSplitBrain>0</numberOfEntriesInSplitBrain>\n'
                                 '        <numberOfEntriesPossiblyHealing>0<',
                                 '<totalNumberOfEntries>3</totalNumberOfEntries>\n'
                                 '        <numberOfEntriesInHealPending>0</numberOfEntriesInHealPending>\n'
                                 '        <numberOfEntriesInSplitBrain>0</numberOfEntriesInSplitBrain>\n'
                                 '        <numberOfEntriesPossiblyHealing>3<')
    assert not possibly['healthy']
    assert possibly['problems'] == ['volume rep: 3 entries possibly healing on node1:/bricks/rep/b']
    rep = next(volume for volume in possibly['volumes'] if volume['name'] == 'rep')
    assert rep['bricks'][0]['heal'] == {'connected': True, 'status': 'Connected', 'pending': 0, 'split_brain': 0,
                                        'possibly_healing': 3}
    unknown = with_heal_summary('<totalNumberOfEntries>0</totalNumberOfEntries>', '')
    assert unknown['problems'] == ['volume rep: heal state of node1:/bricks/rep/b unknown (it gave no count of entries)']


@pytest.mark.parametrize('version', VERSIONS)
def test_a_real_split_brain_is_named_by_path_and_read_only_where_counted(version):
    result, calls = report(version, SPLIT_BRAIN, gather_subset=['heal'])
    assert result['problems'] == ['volume split: 2 files in split-brain (/torn, /torn2)']
    assert 'volume heal split info split-brain' in ' '.join(calls)
    # rep's summary counts no split-brain: its list is not read.
    assert not [call for call in calls if 'rep info split-brain' in call]
    split = next(volume for volume in result['volumes'] if volume['name'] == 'split')
    assert split['heal']['split_brain'] == 2 and split['heal']['split_brain_files'] == ['/torn', '/torn2']
    assert 'pool' not in result and result['gathered'] == ['volumes', 'heal']


@pytest.mark.parametrize('version', VERSIONS)
def test_a_stopped_node_shows_as_a_disconnected_peer_and_its_bricks_offline(version):
    result, _calls = report(version, NODE_DOWN, volumes=['rep', 'dist'])
    problems = result['problems']
    assert problems[0] == 'peer node3 is disconnected'
    assert 'brick node3:/bricks/rep/b of volume rep offline' in problems
    assert not [problem for problem in problems if 'dist' in problem]
    assert [volume['name'] for volume in result['volumes']] == ['dist', 'rep']


@pytest.mark.parametrize('version', VERSIONS)
def test_a_connected_but_rejected_peer_is_a_problem(version):
    # The healthy pool's reply with node3 in the state glusterd gave the servers a 10 -> 11
    # upgrade rejected in the lab (tests/integration/test_upgrade.py): state 6, "Peer Rejected".
    healthy_pool = fixture(version, 'health-pool-list')
    node3 = healthy_pool.index('<hostname>node3</hostname>')
    rejected_pool = healthy_pool[:node3] + healthy_pool[node3:].replace(
        '<state>3</state>', '<state>6</state>', 1).replace(
        '<stateStr>Peer in Cluster</stateStr>', '<stateStr>Peer Rejected</stateStr>', 1)
    assert rejected_pool != healthy_pool
    cli = replying(version, HEALTHY, edited={'pool list': rejected_pool})
    wanted = request()
    result = facts_to_dict(read_facts(cli, wanted), wanted)
    assert result['problems'] == ['peer node3 is connected but in state "Peer Rejected", not "Peer in Cluster"']
    assert not result['healthy']


@pytest.mark.parametrize('version', VERSIONS)
def test_a_full_brick_and_a_missing_volume_are_problems(version):
    result, _calls = report(version, HEALTHY, volumes=['rep', 'gone'], full_percent=1)
    assert 'volume gone does not exist' in result['problems']
    assert 'brick node1:/bricks/rep/b %d%% full' % result['volumes'][0]['bricks'][0]['used_percent'] in \
        result['problems']


@pytest.mark.parametrize('version', VERSIONS)
def test_a_failed_read_is_a_problem_not_a_healthy_verdict(version):
    result = report_with_a_failing_read(version, 'volume heal rep info summary', 'heal',
                                        'Self-heal daemon is not running.')
    assert not result['healthy']
    assert result['problems'][-1].startswith('volume rep: the heal state could not be read: ')


def test_parsers_on_the_captured_replies():
    for version in VERSIONS:
        heal = parse_heal_info(ElementTree.fromstring(fixture(version, 'health-heal-summary-brick-down')))
        assert [brick.connected for brick in heal] == [True, False, True]
        assert heal[1].pending is None and heal[1].status.endswith('(Transport endpoint is not connected)')
        assert heal[1].status == 'Failed to process entries completely. (Transport endpoint is not connected)'
        split = parse_split_brain(ElementTree.fromstring(fixture(version, 'health-heal-split-brain')), limit=0)
        assert (split.count, split.files) == (2, [])
        space = parse_status_detail(ElementTree.fromstring(fixture(version, 'health-volume-status-all-detail')))
        assert sorted(space) == ['dist', 'rep'] and len(space['rep']) == 3


@pytest.mark.parametrize('params, message', [
    ({'gather_subset': ['heal', 'disk']}, 'gather_subset: disk: unknown; choose from all, ' + ', '.join(SUBSETS)),
    ({'volumes': ['-x']}, "volumes: '-x' must not start with \"-\""),
    ({'full_percent': 0}, 'full_percent: 0 is not a percentage from 1 to 100'),
    ({'split_brain_files': -1}, 'split_brain_files: -1 is negative'),
])
def test_bad_input_is_refused_naming_the_argument(params, message):
    with pytest.raises(RequestError) as error:
        request(**params)
    assert str(error.value).startswith(message)


def test_subsets_about_volumes_bring_the_volume_list():
    assert request(gather_subset=['clients']).subsets == ['volumes', 'clients']
    assert request(gather_subset=['pool']).subsets == ['pool']
    assert request().subsets == list(SUBSETS)


# Captured on 11.1 with seen mounted: 172.29.0.4 is a server whose self-heal daemon and FUSE mount both
# connect to node1's brick (ports 49148 and 49136). The test gives the second of them an older op-version.
SECOND_CLIENT_ON_ONE_ADDRESS = ('<hostname>172.29.0.4:49136</hostname>', '<opVersion>110000</opVersion>')


def clients_with_second_op_version(text):
    """clients-status-mounted (11.1) with the op-version of node1's second client from 172.29.0.4 set to text."""
    captured = fixture('11.1', 'clients-status-mounted')
    start = captured.index(SECOND_CLIENT_ON_ONE_ADDRESS[0])
    end = captured.index(SECOND_CLIENT_ON_ONE_ADDRESS[1], start) + len(SECOND_CLIENT_ON_ONE_ADDRESS[1])
    edited = captured[:start] + captured[start:end].replace(
        SECOND_CLIENT_ON_ONE_ADDRESS[1], '<opVersion>%s</opVersion>' % text) + captured[end:]
    assert edited != captured
    return parse_clients(ElementTree.fromstring(edited))['seen']


def test_clients_sharing_an_address_report_the_lowest_op_version():
    as_captured = parse_clients(ElementTree.fromstring(fixture('11.1', 'clients-status-mounted')))['seen']
    assert [(client.address, client.op_version) for client in as_captured] == [
        ('172.29.0.2', 110000), ('172.29.0.3', 110000), ('172.29.0.4', 110000)]
    older = dict((client.address, client.op_version) for client in clients_with_second_op_version('100000'))
    assert older == {'172.29.0.2': 110000, '172.29.0.3': 110000, '172.29.0.4': 100000}
    # An op-version gluster did not give may be older than any: it wins.
    unknown = dict((client.address, client.op_version) for client in clients_with_second_op_version(''))
    assert unknown['172.29.0.4'] is None


@pytest.mark.parametrize('version', VERSIONS)
def test_a_failed_clients_read_keeps_the_op_version_where_it_is(version):
    result = report_with_a_failing_read(version, 'volume status all clients', 'clients',
                                        'Another transaction is in progress for rep. Please try again after some time.',
                                        gather_subset=['pool', 'clients'])
    # What the upgrade playbook reads: with the clients unknown, no raise (it cannot be undone).
    result['pool']['op_version'] = result['pool']['max_op_version'] - 1
    plan = gluster_upgrade_op_version(result)
    assert plan['raise'] and plan['clients_below'] == []
    assert plan['unread'] and plan['unread'][-1].startswith('the clients could not be read: ')
