"""gluster_brick after a migration on captured replies: a stopped removal repairs the layouts (or
says why it cannot and what state the volume is in), a commit and a rebalance are followed by a
check that every file is reachable by name, and a rebalance waits for every brick's node."""
import pytest

from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_layout import Reachability
from ansible_collections.glusterdock.storage.tests.unit.fixtures import VERSIONS
from ansible_collections.glusterdock.storage.tests.unit.plugins.modules.test_gluster_brick_removal import (
    REMOVE,
    as_node1,
    removal_replies,
    run_module,
)

WHOLE = Reachability(files=3000, directories=21)
BROKEN = Reachability(files=2180, directories=21, unreachable=820, examples=['/d02/f00122'])
FAILED = ('<failures>0</failures>', '<failures>3</failures>')
REBALANCE = 'gluster --mode=script volume rebalance dist start --xml'


def with_rebalance(replies):
    return dict(replies, **{'volume rebalance dist start': ['rebalance-start'],
                            'volume rebalance dist status': ['rebalance-status-completed']})


def command(action):
    return 'gluster --mode=script %s %s --xml' % (REMOVE, action)


@pytest.mark.parametrize('version', VERSIONS)
def test_a_stopped_removal_is_followed_by_a_rebalance_until_every_file_is_reachable(version):
    replies = with_rebalance(removal_replies(['remove-brick-status-completed']))
    result, calls = run_module(version, replies, edits={'remove-brick-status-completed': [FAILED, as_node1(version)]},
                               crawls=[WHOLE, BROKEN, WHOLE], volume='dist', state='absent',
                               bricks=['node1:/bricks/dist/b2'])
    assert result['failed'] and result['changed']
    assert result['commands'] == [command('start'), command('stop'), REBALANCE]
    assert 'stopped the task with remove-brick stop; the bricks stay in the volume with their files' in result['msg']
    assert ('The volume is whole: 1 full rebalance(s) then repaired the directory layouts; all 3000 files in 21 '
            'directories are reachable by name through a fresh mount') in result['msg']
    assert result['reachability']['unreachable'] == 0


@pytest.mark.parametrize('version', VERSIONS)
def test_a_stopped_removal_with_a_node_down_says_the_volume_is_not_whole_and_what_to_run(version):
    replies = removal_replies(['remove-brick-status-completed'])
    replies['pool list'] = ['pool-list', 'pool-list-peer-down']
    result, calls = run_module(version, replies, edits={'remove-brick-status-completed': [FAILED, as_node1(version)]},
                               crawls=[WHOLE, BROKEN], volume='dist', state='absent', bricks=['node1:/bricks/dist/b2'])
    assert result['failed']
    assert result['commands'] == [command('start'), command('stop')]
    message = result['msg']
    assert 'nothing was committed (stopped the task with remove-brick stop' in message
    assert 'The volume is NOT whole' in message and 'which cannot run now (peer' in message
    assert '820 of 3000 entries do not answer a lookup by name' in message
    assert 'run this task again: it rebalances volume dist first (gluster volume rebalance dist start)' in message
    assert result['reachability']['unreachable'] == 820


@pytest.mark.parametrize('version', VERSIONS)
def test_a_start_after_a_stopped_removal_rebalances_first(version):
    replies = with_rebalance(removal_replies(['remove-brick-status-completed']))
    result, calls = run_module(version, replies, edits={'remove-brick-status-completed': as_node1(version)},
                               crawls=[BROKEN, WHOLE], volume='dist', state='absent', bricks=['node1:/bricks/dist/b2'])
    assert not result['failed'], result['msg']
    assert result['commands'] == [REBALANCE, command('start'), command('commit')]


@pytest.mark.parametrize('version', VERSIONS)
def test_check_mode_predicts_the_rebalance_before_the_start(version):
    replies = with_rebalance(removal_replies(['remove-brick-status-completed']))
    result, calls = run_module(version, replies, check_mode=True, crawls=[BROKEN], volume='dist', state='absent',
                               bricks=['node1:/bricks/dist/b2'])
    assert not result['failed'], result['msg']
    assert result['commands'] == [REBALANCE, command('start'), command('commit')]
    assert not [call for call in calls if call.endswith(('start --xml', 'commit --xml'))]


@pytest.mark.parametrize('version', VERSIONS)
def test_a_commit_that_leaves_files_unreachable_is_repaired_by_a_rebalance(version):
    replies = with_rebalance(removal_replies(['remove-brick-status-completed']))
    result, calls = run_module(version, replies, edits={'remove-brick-status-completed': as_node1(version)},
                               crawls=[WHOLE, BROKEN, WHOLE], volume='dist', state='absent',
                               bricks=['node1:/bricks/dist/b2'])
    assert not result['failed'], result['msg']
    assert result['commands'] == [command('start'), command('commit'), REBALANCE]


@pytest.mark.parametrize('version', VERSIONS)
def test_a_rebalance_waits_for_every_node_hosting_a_brick(version):
    # The captured status has rows for node1 (localhost), node2 and node3: without node3's row the
    # rebalance is not done, although every row present says completed.
    replies = with_rebalance({'volume info dist': ['volume-info-dist'], 'pool list': ['pool-list'],
                              'volume status dist': ['volume-status-remove-brick-stopped']})
    result, calls = run_module(version, replies, volume='dist', state='rebalanced', timeout=20)
    assert not result['failed'], result['msg']
    assert result['commands'] == [REBALANCE]
    text = open_fixture_without_node3(version)
    result, calls = run_module(version, replies, edits={'rebalance-status-completed': text}, volume='dist',
                               state='rebalanced', timeout=20)
    assert result['failed'] and 'did not finish within 20 seconds' in result['msg'], result['msg']
    assert 'no status from node(s)' in result['msg']


def open_fixture_without_node3(version):
    """An edit that drops node3's row from the captured rebalance status."""
    from ansible_collections.glusterdock.storage.tests.unit.fixtures import fixture
    text = fixture(version, 'rebalance-status-completed')
    start = text.rindex('<node>', 0, text.index('<nodeName>node3</nodeName>'))
    end = text.index('</node>', start) + len('</node>')
    return (text[start:end], '')


@pytest.mark.parametrize('version', VERSIONS)
def test_a_commit_whose_repair_cannot_run_says_it_was_committed_and_what_to_run(version):
    replies = removal_replies(['remove-brick-status-completed'])
    replies['pool list'] = ['pool-list', 'pool-list', 'pool-list-peer-down']
    result, calls = run_module(version, replies, edits={'remove-brick-status-completed': as_node1(version)},
                               crawls=[WHOLE, BROKEN], volume='dist', state='absent', bricks=['node1:/bricks/dist/b2'])
    assert result['failed'] and result['commands'] == [command('start'), command('commit')]
    assert result['msg'].startswith('The removal of node1:/bricks/dist/b2 was committed, but: The volume is NOT whole')
    assert 'run "gluster volume rebalance dist start"' in result['msg']


GROW_REBALANCE = 'gluster --mode=script volume rebalance grow start --xml'


def grow_replies(statuses):
    """Volume grow (3 bricks) after an add-brick and its fix-layout, then a full rebalance."""
    return {'volume info grow': ['layout-volume-info-grow'], 'pool list': ['layout-pool-list'],
            'volume status grow': ['layout-volume-status-fix-layout-completed'],
            'volume rebalance grow status': statuses, 'volume rebalance grow start': ['layout-rebalance-start']}


@pytest.mark.parametrize('version', VERSIONS)
def test_state_rebalanced_after_a_fix_layout_starts_a_rebalance(version):
    # volume status calls the finished fix-layout a completed Rebalance task; its status says
    # fix-layout, which moved no file.
    replies = grow_replies(['layout-rebalance-status-fix-layout-completed', 'layout-rebalance-status-completed'])
    result, calls = run_module(version, replies, volume='grow', state='rebalanced', timeout=20)
    assert not result['failed'], result['msg']
    assert result['changed'] and result['commands'] == [GROW_REBALANCE]
    assert result['migration']['aggregate']['status'] == 'completed'


@pytest.mark.parametrize('version', VERSIONS)
def test_state_rebalanced_after_a_completed_rebalance_changes_nothing(version):
    replies = grow_replies(['layout-rebalance-status-completed'])
    result, calls = run_module(version, replies, volume='grow', state='rebalanced', timeout=20)
    assert not result['failed'], result['msg']
    assert not result['changed'] and result['commands'] == []
    assert calls == ['gluster --mode=script %s --xml' % command for command in
                     ('volume info grow', 'pool list', 'volume status grow', 'volume rebalance grow status')]
