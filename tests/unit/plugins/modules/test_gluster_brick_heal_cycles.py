"""gluster_brick's run on captured replies: bricks of one set rebuilt one heal cycle apart, a
timeout between cycles reported as done / not done, and runs that change nothing still verify
heal. Replies of the replica 3 volume ``rep`` are renamed to the arbiter volume ``arb``."""
import pytest

from ansible_collections.glusterdock.storage.plugins.module_utils.errors import RequestError
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_brick_request import parse_brick_request
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_cli import GlusterCli
from ansible_collections.glusterdock.storage.plugins.modules import gluster_brick

from ansible_collections.glusterdock.storage.tests.unit.fixtures import VERSIONS, fixture
from ansible_collections.glusterdock.storage.tests.unit.plugins.modules.test_gluster_brick_removal import (
    FakeModule,
    Finished,
)

ARB = ['node1:/bricks/arb/b', 'node2:/bricks/arb/b']
NEW = ['node1:/bricks/arb/n1', 'node1:/bricks/arb/n2']


def run(version, replies, check_mode=False, pending=None, **params):
    """Run BrickManager; ``replies`` maps a gluster subcommand to fixture names used in turn (the
    last repeats). Replies of ``rep`` are renamed to ``arb``; ``pending`` (a list, used in turn)
    sets every brick's count in heal info replies. Returns (result, calls, warnings)."""
    queues = dict((command, list(names)) for command, names in replies.items())
    counts = list(pending or [])

    def run_command(argv):
        command = ' '.join(argv[2:-1])
        names = queues[command]
        name = names.pop(0) if len(names) > 1 else names[0]
        text = fixture(version, name).replace('/bricks/rep/', '/bricks/arb/')
        if name.startswith('heal-info') and counts:
            count = counts.pop(0) if len(counts) > 1 else counts[0]
            text = text.replace('<totalNumberOfEntries>0<', '<totalNumberOfEntries>%d<' % count)
        return 0, text, ''

    cli = GlusterCli(run_command, check_mode=check_mode, sleep=lambda seconds: None)
    now = [0.0]

    def sleep(seconds):
        now[0] += seconds
    module = FakeModule(check_mode)
    manager = gluster_brick.BrickManager(module, cli, parse_brick_request(dict(params)), clock=lambda: now[0],
                                         sleep=sleep)
    with pytest.raises(Finished) as finished:
        manager.run()
    return finished.value.result, cli.calls, module.warnings


@pytest.fixture
def on_node1(monkeypatch):
    """The module runs on node1, whose new brick paths pass the emptiness checks."""
    monkeypatch.setattr(gluster_brick, 'local_host_names', lambda: set(['node1']))
    monkeypatch.setattr(gluster_brick, 'brick_path_problem', lambda *args: None)


def replies(**more):
    base = {'volume info arb': ['volume-info-arb'], 'pool list': ['pool-list'],
            'volume status arb': ['volume-status-rep'], 'volume heal arb info summary': ['heal-info-summary'],
            'volume heal arb': ['replace-brick']}
    base.update(more)
    return base


def replace(old, new):
    return 'gluster --mode=script volume replace-brick arb %s %s commit force --xml' % (old, new)


HEAL = 'gluster --mode=script volume heal arb --xml'
HEAL_INFO = 'gluster --mode=script volume heal arb info summary --xml'


@pytest.mark.parametrize('version', VERSIONS)
def test_check_mode_lists_both_data_bricks_one_heal_cycle_apart(version, on_node1):
    result, calls, _warnings = run(version, replies(), check_mode=True, volume='arb', state='replaced',
                                   bricks=ARB, new_bricks=NEW)
    assert not result['failed'], result['msg']
    assert result['commands'] == [replace(ARB[0], NEW[0]), HEAL, replace(ARB[1], NEW[1]), HEAL]


@pytest.mark.parametrize('version', VERSIONS)
def test_heal_unfinished_between_two_bricks_fails_saying_what_is_done(version, on_node1):
    # The first read (before any change) shows the set healed; from then on 7 entries stay.
    first = 'volume replace-brick arb %s %s commit force' % (ARB[0], NEW[0])
    result, calls, _warnings = run(version, replies(**{first: ['replace-brick']}), pending=[0, 7], volume='arb',
                                   state='replaced', bricks=ARB, new_bricks=NEW, timeout=5)
    assert result['failed'] and result['changed']
    assert result['commands'][0] == replace(ARB[0], NEW[0])
    assert replace(ARB[1], NEW[1]) not in result['commands']
    assert result['msg'].startswith('volume arb: heal of volume arb did not finish within 5 seconds')
    assert result['msg'].endswith(
        'Done: replaced node1:/bricks/arb/b by node1:/bricks/arb/n1. Not done: replaced node2:/bricks/arb/b by '
        'node1:/bricks/arb/n2 (one brick of a set per heal cycle). Run the task again to go on: it waits for heal, '
        'then rebuilds the rest')


@pytest.mark.parametrize('version', VERSIONS)
def test_a_run_that_changes_nothing_is_not_ok_while_heal_is_pending(version):
    # reset of an online brick changes nothing; an earlier rebuild left 3 entries per brick.
    params = dict(volume='arb', state='reset', bricks=[ARB[0]], timeout=5)
    result, calls, _warnings = run(version, replies(), pending=[3], **params)
    # Only the index heal, asked for again while the count does not move.
    assert result['failed'] and not result['changed'] and set(result['commands']) == set([HEAL])
    assert result['msg'].startswith('heal of volume arb did not finish within 5 seconds')
    result, calls, warnings = run(version, replies(), pending=[3], wait_for_heal=False, **params)
    assert not result['failed'] and result['healed'] is False
    assert calls.count(HEAL_INFO) == 1
    assert warnings == ['heal of volume arb is not complete (not waited for): node1:/bricks/arb/b has 3 entries to '
                        'heal; node2:/bricks/arb/b has 3 entries to heal; node3:/bricks/arb/b has 3 entries to heal']


@pytest.mark.parametrize('version', VERSIONS)
def test_present_without_a_change_reads_heal_once_when_nothing_is_pending(version):
    result, calls, _warnings = run(version, replies(), volume='arb', bricks=['node3:/bricks/arb/b'])
    assert not result['failed'] and not result['changed'] and result['healed']
    assert calls == ['gluster --mode=script volume info arb --xml', 'gluster --mode=script pool list --xml', HEAL_INFO]


def test_offline_bricks_are_stale_only_with_replaced_or_reset():
    with pytest.raises(RequestError) as refused:
        parse_brick_request(dict(volume='arb', bricks=ARB, offline_bricks_are_stale=True))
    assert refused.value.argument == 'offline_bricks_are_stale'
    assert str(refused.value) == 'offline_bricks_are_stale: only used with state replaced or reset'
    assert parse_brick_request(dict(volume='arb', state='reset', bricks=ARB,
                                    offline_bricks_are_stale=True)).offline_bricks_are_stale


@pytest.mark.parametrize('version', VERSIONS)
def test_a_run_that_changes_nothing_fails_at_once_when_a_brick_is_offline(version):
    # Waiting cannot help while node2's brick is down: fail with the counts, one heal read.
    result, calls, _warnings = run(version, replies(**{'volume heal arb info summary': ['heal-info-summary-pending']}),
                                   volume='arb', bricks=['node3:/bricks/arb/b'])
    assert result['failed'] and not result['changed'] and calls.count(HEAL_INFO) == 1
    assert result['msg'].startswith('volume arb is not healthy, heal cannot finish: node1:/bricks/arb/b has 6 entries '
                                    'to heal; node2:/bricks/arb/b is not connected')
