"""gluster_brick's removal flow on replies captured from GlusterFS 10.3 and 11.1 (BrickManager with a
fake module): start, poll, commit only a clean migration, resume an earlier task, stop on failures,
time out leaving the migration running, and check mode that starts nothing."""
import pytest

from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_brick_request import parse_brick_request
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_cli import GlusterCli
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_layout import Reachability
from ansible_collections.glusterdock.storage.plugins.modules import gluster_brick

from ansible_collections.glusterdock.storage.tests.unit.fixtures import VERSIONS, fixture
from ansible_collections.glusterdock.storage.tests.unit.plugins.module_utils.test_gluster_brick_plan import uuids


class Finished(Exception):
    def __init__(self, result):
        super().__init__(result.get('msg'))
        self.result = result


class FakeModule:
    _diff = True

    def __init__(self, check_mode=False):
        self.check_mode = check_mode
        self.warnings = []

    def warn(self, warning):
        self.warnings.append(warning)

    def exit_json(self, **result):
        raise Finished(dict(result, failed=False))

    def fail_json(self, **result):
        raise Finished(dict(result, failed=True))


def run_module(version, replies, check_mode=False, edits=None, crawls=None, **params):
    """Run BrickManager; ``replies`` maps a gluster subcommand to fixture names used in turn (the
    last repeats); ``edits`` maps a fixture name to an (old, new) change of its text, or a list of them."""
    queues = {command: list(names) for command, names in replies.items()}

    def run_command(argv):
        command = ' '.join(argv[2:-1])
        names = queues[command]
        name = names.pop(0) if len(names) > 1 else names[0]
        text = fixture(version, name)
        changes = (edits or {}).get(name, [])
        for change in [changes] if isinstance(changes, tuple) else changes:
            text = text.replace(*change)
        return 0, text, ''

    cli = GlusterCli(run_command, check_mode=check_mode, sleep=lambda seconds: None)
    now = [0.0]

    def sleep(seconds):
        now[0] += seconds
    # Crawls of the volume through a private mount, in turn (the last repeats): all reachable by default.
    crawls = list(crawls or [Reachability(files=10, directories=2)])

    def crawl():
        return crawls.pop(0) if len(crawls) > 1 else crawls[0]
    manager = gluster_brick.BrickManager(FakeModule(check_mode), cli, parse_brick_request(dict(params)),
                                         clock=lambda: now[0], sleep=sleep, crawl=crawl)
    with pytest.raises(Finished) as finished:
        manager.run()
    return finished.value.result, cli.calls


# The captured remove-brick replies name no brick: they serve for node1:/bricks/dist/b2 of the
# 4-brick volume too, whose captured status (after an earlier task was stopped) shows no task.
REMOVE = 'volume remove-brick dist node1:/bricks/dist/b2'

RESUME = 'volume remove-brick dist node2:/bricks/dist/b2'


def removal_replies(status_names, remove=REMOVE):
    return {
        'volume info dist': ['volume-info-dist'] if remove == REMOVE else ['volume-info-remove-in-progress'],
        'pool list': ['pool-list'],
        'volume status dist': ['volume-status-remove-brick-stopped'] if remove == REMOVE else
        ['volume-status-remove-brick'],
        remove + ' start': ['remove-brick-start'],
        remove + ' status': status_names,
        remove + ' commit': ['remove-brick-commit'],
        remove + ' stop': ['remove-brick-stop'],
    }


def as_node1(version):
    """The captured statuses come from node2's migration: this edit makes them node1's."""
    node1, node2 = uuids(version)
    return (node2, node1)


@pytest.mark.parametrize('version', VERSIONS)
def test_module_starts_polls_and_commits_a_clean_migration(version):
    result, calls = run_module(version, removal_replies(['remove-brick-status-early', 'remove-brick-status-completed']),
                               edits={'remove-brick-status-completed': as_node1(version)},
                               volume='dist', state='absent', bricks=['node1:/bricks/dist/b2'])
    assert not result['failed'], result['msg']
    assert result['commands'] == ['gluster --mode=script %s %s --xml' % (REMOVE, action) for action in ('start', 'commit')]
    assert calls.count('gluster --mode=script %s status --xml' % REMOVE) == 2
    assert result['migration']['aggregate']['status'] == 'completed' and result['resumed'] is False


@pytest.mark.parametrize('version', VERSIONS)
@pytest.mark.parametrize('edit', [('<failures>0</failures>', '<failures>3</failures>'),
                                  ('<skipped>0</skipped>', '<skipped>2</skipped>')])
def test_module_never_commits_a_migration_with_failures_or_skipped_files(version, edit):
    result, calls = run_module(version, removal_replies(['remove-brick-status-completed']),
                               edits={'remove-brick-status-completed': [edit, as_node1(version)]},
                               volume='dist', state='absent', bricks=['node1:/bricks/dist/b2'])
    assert result['failed'] and result['changed']
    assert result['commands'] == ['gluster --mode=script %s %s --xml' % (REMOVE, action) for action in ('start', 'stop')]
    assert not [call for call in calls if call.endswith('commit --xml')]
    assert 'did not complete cleanly, nothing was committed' in result['msg']
    assert 'Status per node:' in result['msg'] and 'completed' in result['msg']


@pytest.mark.parametrize('version', VERSIONS)
def test_module_resumes_an_earlier_task_without_starting_again(version):
    replies = removal_replies(['remove-brick-status-completed'], remove=RESUME)
    result, calls = run_module(version, replies, volume='dist', state='absent', bricks=['node2:/bricks/dist/b2'])
    assert not result['failed'], result['msg']
    assert result['resumed'] is True
    assert result['commands'] == ['gluster --mode=script %s commit --xml' % RESUME]
    assert not [call for call in calls if call.endswith('start --xml')]


@pytest.mark.parametrize('version', VERSIONS)
def test_module_never_commits_while_a_host_of_a_removed_brick_reports_nothing(version):
    # The status says completed, but only for node2: node1 (hosting the brick) has no row.
    result, calls = run_module(version, removal_replies(['remove-brick-status-completed']), volume='dist',
                               state='absent', bricks=['node1:/bricks/dist/b2'], timeout=30)
    assert result['failed'] and 'did not finish within 30 seconds' in result['msg']
    assert 'no status from node(s) %s' % uuids(version)[0] in result['msg']
    assert not [call for call in calls if call.endswith(('commit --xml', 'stop --xml'))]


@pytest.mark.parametrize('version', VERSIONS)
@pytest.mark.parametrize('edit', [('<failures>0</failures>', ''), ('<skipped>0</skipped>', '')])
def test_module_never_commits_a_migration_without_failure_counts(version, edit):
    result, calls = run_module(version, removal_replies(['remove-brick-status-completed']),
                               edits={'remove-brick-status-completed': [edit, as_node1(version)]},
                               volume='dist', state='absent', bricks=['node1:/bricks/dist/b2'])
    assert result['failed'] and 'unknown' in result['msg']
    assert not [call for call in calls if call.endswith('commit --xml')]


@pytest.mark.parametrize('version', VERSIONS)
def test_module_resume_does_not_commit_when_a_peer_went_down(version):
    replies = removal_replies(['remove-brick-status-completed'], remove=RESUME)
    replies['pool list'] = ['pool-list', 'pool-list-peer-down']
    result, calls = run_module(version, replies, volume='dist', state='absent', bricks=['node2:/bricks/dist/b2'])
    assert result['failed'] and result['resumed'] is True
    assert 'not committing' in result['msg'] and 'peer node3 is disconnected' in result['msg']
    assert result['commands'] == []
    assert not [call for call in calls if call.endswith(('commit --xml', 'stop --xml', 'start --xml'))]


@pytest.mark.parametrize('version', VERSIONS)
def test_module_check_mode_lists_commands_and_starts_nothing(version):
    result, calls = run_module(version, removal_replies(['remove-brick-status-completed']), check_mode=True,
                               volume='dist', state='absent', bricks=['node1:/bricks/dist/b2'])
    assert result['changed'] and not result['failed']
    assert result['commands'] == ['gluster --mode=script %s %s --xml' % (REMOVE, action) for action in ('start', 'commit')]
    assert not [call for call in calls if 'remove-brick' in call]
    assert result['diff']['after']['bricks'] == [b for b in result['diff']['before']['bricks'] if b != 'node1:/bricks/dist/b2']


@pytest.mark.parametrize('version', VERSIONS)
def test_module_timeout_leaves_the_migration_running_and_reports_the_last_status(version):
    result, calls = run_module(version, removal_replies(['remove-brick-status-early']), volume='dist',
                               state='absent', bricks=['node1:/bricks/dist/b2'], timeout=5)
    assert result['failed']
    assert 'did not finish within 5 seconds' in result['msg'] and 'in progress' in result['msg']
    assert not [command for command in result['commands'] if command.endswith(('stop --xml', 'commit --xml'))]


@pytest.mark.parametrize('version', VERSIONS)
def test_module_check_mode_predicts_no_rebalance_for_a_single_disperse_set(version):
    replies = {'volume info ec': ['volume-info-ec'], 'pool list': ['pool-list']}
    result, calls = run_module(version, replies, check_mode=True, volume='ec', rebalance=True,
                               bricks=['node1:/bricks/ec/b', 'node2:/bricks/ec/b', 'node3:/bricks/ec/b'])
    assert not result['failed'], result['msg']
    assert (result['changed'], result['commands']) == (False, [])


ALREADY_STARTED = ('<opRet>0</opRet>\n  <opErrno>0</opErrno>\n  <opErrstr/>',
                   '<opRet>-1</opRet>\n  <opErrno>0</opErrno>\n  <opErrstr>Pre Validation failed on node3. Rebalance on '
                   'dist is already started.</opErrstr>')


@pytest.mark.parametrize('version', VERSIONS)
def test_a_rebalance_refused_while_a_stopped_migration_process_exits_is_started_again(version):
    """remove-brick stop returns before every node's migration process exits; glusterd refuses a new
    rebalance there until it has ("already started", seen in the lab). The captured rebalance start
    reply is edited into that refusal (a lab cannot time it on demand)."""
    started = fixture(version, 'rebalance-start')
    assert ALREADY_STARTED[0] in started
    replies = [started.replace(*ALREADY_STARTED), started.replace(*ALREADY_STARTED), started]
    calls, pauses = [], []

    def run_command(argv):
        calls.append(' '.join(argv[2:-1]))
        return 0, replies.pop(0), ''
    manager = gluster_brick.BrickManager(FakeModule(), GlusterCli(run_command, sleep=pauses.append),
                                         parse_brick_request({'volume': 'dist', 'state': 'rebalanced'}),
                                         clock=lambda: sum(pauses), sleep=pauses.append)
    volume = type('Volume', (), {'name': 'dist'})()
    manager.start_rebalance(volume, previous_id=None)
    assert calls == ['volume rebalance dist start'] * 3 and manager.changed
    assert pauses == [1.0, 1.5]

    # Any other refusal, or the same one past the grace period, is not retried.
    replies[:] = [started.replace(*ALREADY_STARTED)] * 100
    manager.clock = lambda: gluster_brick.STOPPED_PROCESS_GRACE + sum(pauses)
    with pytest.raises(gluster_brick.GlusterCommandError, match='already started'):
        manager.start_rebalance(volume, previous_id=None)
