"""gluster_brick on a real 3-node pool with checksummed data on a distribute volume: grow 2 -> 4
with rebalance, a shrink refused while a node is down, shrink 4 -> 2 with migration, a run
killed after remove-brick start and resumed, rebalance on its own; check mode, diff, second runs."""
import contextlib
import json
import os
import signal
import subprocess
import tempfile
import time

from xml.etree import ElementTree

import pytest
import yaml

from .brick_data import brick_files, checksums, mount, unmount, write_files
from .safety_matrix import read_by_name_through_fresh_mount, verify_and_record

MODULE = 'glusterdock.storage.gluster_brick'
VOLUME = 'dist'
START = ['node1:/bricks/dist/b1', 'node2:/bricks/dist/b1']
ADDED = ['node3:/bricks/dist/b1', 'node1:/bricks/dist/b2']
# A gluster wrapper on node1 that holds every remove-brick status call while /tmp/hold exists,
# so a test can kill the play after "start" and before "commit" whatever the migration's speed.
HOLDING_WRAPPER = '''#!/bin/sh
printf '%s\\n' "$*" >> /var/log/gluster-calls.log
case "$*" in *remove-brick*" status --xml") while [ -e /tmp/hold ]; do sleep 0.1; done ;; esac
exec /usr/sbin/gluster.real "$@"
'''
PLAIN_WRAPPER = '''#!/bin/sh
printf '%s\\n' "$*" >> /var/log/gluster-calls.log
exec /usr/sbin/gluster.real "$@"
'''


def run(lab, args, check=False, diff=False, node='node1'):
    """Run the module once; returns (result, gluster calls made on that node)."""
    lab.sh(node, ': > /var/log/gluster-calls.log')
    result = lab.run_module(node, MODULE, dict(args, volume=VOLUME), check=check, diff=diff)
    return result, lab.call_log(node)


def gluster_command(*args):
    return 'gluster --mode=script %s --xml' % ' '.join(args)


def with_layout_repairs(commands, expected, volume=VOLUME):
    """COMMANDS are EXPECTED followed only by full rebalances: on GlusterFS 10.3 a clean removal or
    rebalance can leave files a lookup by name misses, and the module then rebalances again."""
    rebalance = gluster_command('volume rebalance %s start' % volume)
    return commands[:len(expected)] == expected and set(commands[len(expected):]) <= set([rebalance])


def volume_bricks(lab):
    return volume_bricks_of(lab, VOLUME)


def volume_bricks_of(lab, volume):
    text = lab.gluster('node1', 'volume', 'info', volume)
    return [line.split(': ', 1)[1] for line in text.splitlines() if line.startswith('Brick') and ': ' in line
            and line.split(':', 1)[0][5:].isdigit()]


def wait_until(lab, script, seconds=90):
    lab.sh('node1', 'for i in $(seq 1 %d); do %s && exit 0; sleep 0.5; done; exit 1' % (seconds * 2, script))


def stop_node(lab, node):
    """Stop a node's container: its glusterd, bricks and migration processes go down with it."""
    subprocess.run(['docker', 'stop', '-t', '2', lab.container(node)], check=True, capture_output=True)


def start_node(lab, node):
    """Start a stopped node's container again and wait until it is back in the pool."""
    subprocess.run(['docker', 'start', lab.container(node)], check=True, capture_output=True)
    lab.wait_for_glusterd(node)
    lab.wait_for_pool()


@pytest.fixture(scope='module')
def data(pool):
    """Volume dist (2 bricks) mounted on node1 with 2000 files; returns their checksums."""
    for node in pool.nodes:
        pool.sh(node, 'mkdir -p /bricks/dist')
    pool.gluster('node1', 'volume', 'create', VOLUME, *START)
    pool.gluster('node1', 'volume', 'start', VOLUME)
    path = mount(pool, 'node1', VOLUME)
    write_files(pool, 'node1', path, count=2000)
    sums = checksums(pool, 'node1', path)
    assert len(sums) == 2000
    return sums


def assert_data_intact(lab, sums):
    assert checksums(lab, 'node1', '/mnt/dist') == sums


def start_from(lab, wanted):
    """Bring volume dist to exactly the bricks WANTED, whatever ran before, so each test sets up the
    state it starts from and the tests run in any order. Bricks too many are removed by this
    module (their files migrate) and their directories emptied (a removed brick keeps its volume
    id, and a later test may add it again); bricks missing are added with the plain CLI."""
    current = volume_bricks(lab)
    extra = [brick for brick in current if brick not in wanted]
    if extra:
        result = run(lab, {'state': 'absent', 'bricks': extra})[0]
        assert not result.get('failed'), result['msg']
        empty_brick_directories(lab, extra)
    missing = [brick for brick in wanted if brick not in current]
    if missing:
        add_with_cli(lab, missing)
    assert volume_bricks(lab) == wanted


def empty_brick_directories(lab, bricks):
    for brick in bricks:
        host, path = brick.split(':', 1)
        lab.sh(host, 'rm -rf %s && mkdir -p %s' % (path, path))


def add_with_cli(lab, bricks):
    """add-brick with the plain CLI, then the fix-layout gluster_volume would run (no file moves):
    the state after an operator grew the volume without a rebalance."""
    empty_brick_directories(lab, bricks)
    lab.gluster('node1', 'volume', 'add-brick', VOLUME, *bricks)
    lab.gluster('node1', 'volume', 'rebalance', VOLUME, 'fix-layout', 'start')
    wait_until(lab, 'gluster.real volume rebalance %s status | grep -q "fix-layout completed" && '
                    '! gluster.real volume rebalance %s status | grep -q "in progress"' % (VOLUME, VOLUME), seconds=180)


def test_bad_input_makes_no_gluster_call(pool):
    for args, message in [
        ({'state': 'absent'}, 'bricks: give the bricks to remove'),
        ({'state': 'absent', 'bricks': ['node1:bricks/x']}, 'must be absolute'),
        ({'state': 'absent', 'bricks': ['node1:/bricks/$(id)']}, 'may only hold'),
        ({'state': 'replaced', 'bricks': ['node1:/bricks/dist/b1']}, 'new_bricks: give one new brick'),
        ({'state': 'present', 'bricks': ['node3:/bricks/x'], 'arbiter': 1}, 'arbiter: give it with replica: 3'),
    ]:
        result, calls = run(pool, args)
        assert result['failed'] and message in result['msg'], result['msg']
        assert calls == [] and result['commands'] == []
    result = pool.run_module('node1', MODULE, {'volume': 'v; touch /tmp/p', 'state': 'rebalanced'})
    assert result['failed'] and "name: 'v; touch /tmp/p'" in result['msg']
    assert pool.sh('node1', 'test -e /tmp/p', check=False).returncode == 1


def test_grow_2_to_4_with_rebalance(pool, data):
    start_from(pool, START)
    args = {'bricks': ADDED, 'rebalance': True}
    before = pool.gluster('node1', 'volume', 'info', VOLUME, '--xml')
    planned, calls = run(pool, args, check=True, diff=True)
    assert not planned.get('failed'), planned['msg']
    assert planned['changed'] and planned['commands'] == [
        gluster_command('volume add-brick dist', *ADDED), gluster_command('volume rebalance dist start')]
    assert planned['diff']['after']['bricks'] == START + ADDED
    assert not [call for call in calls if 'add-brick' in call or 'rebalance' in call]
    assert pool.gluster('node1', 'volume', 'info', VOLUME, '--xml') == before

    result, calls = run(pool, args)
    assert not result.get('failed'), result['msg']
    assert result['changed'] and with_layout_repairs(result['commands'], planned['commands']), result['commands']
    assert result['reachability']['unreachable'] == 0
    aggregate = result['migration']['aggregate']
    assert (aggregate['status'], aggregate['failures'], aggregate['skipped']) == ('completed', 0, 0)
    assert aggregate['files'] > 0
    assert result['volume']['bricks'] == START + ADDED
    assert brick_files(pool, 'node3', '/bricks/dist/b1') > 0 and brick_files(pool, 'node1', '/bricks/dist/b2') > 0
    assert_data_intact(pool, data)

    again, calls = run(pool, args)
    assert (again['changed'], again['commands']) == (False, [])


def test_shrink_refused_while_a_brick_node_is_down_moves_nothing(pool, data):
    start_from(pool, START + ADDED)
    placed = brick_files(pool, 'node1', '/bricks/dist/b2')
    stop_node(pool, 'node3')
    try:
        wait_until(pool, 'gluster.real pool list | grep -q Disconnected')
        result, calls = run(pool, {'state': 'absent', 'bricks': ADDED})
        assert result['failed'] and not result['changed'] and result['commands'] == []
        assert 'nothing was started' in result['msg'] and 'node3' in result['msg'], result['msg']
        assert not [call for call in calls if 'remove-brick' in call]
        assert volume_bricks(pool) == START + ADDED
    finally:
        start_node(pool, 'node3')
    wait_until(pool, '[ "$(gluster.real volume status %s | grep -c "^Brick.* Y ")" = 4 ]' % VOLUME)
    assert brick_files(pool, 'node1', '/bricks/dist/b2') == placed
    # The client reconnects to the restarted brick on its own schedule (a few seconds).
    wait_until(pool, '[ "$(find /mnt/dist -type f | wc -l)" = %d ]' % len(data))
    assert_data_intact(pool, data)


def test_shrink_4_to_2_migrates_then_commits(pool, data):
    start_from(pool, START + ADDED)
    args = {'state': 'absent', 'bricks': ADDED}
    planned, calls = run(pool, args, check=True, diff=True)
    assert not planned.get('failed'), planned['msg']
    assert planned['changed'] and planned['commands'] == [
        gluster_command('volume remove-brick dist', *ADDED + ['start']),
        gluster_command('volume remove-brick dist', *ADDED + ['commit'])]
    assert planned['diff'] == {'before': {'bricks': START + ADDED, 'replica': 0, 'arbiter': 0},
                               'after': {'bricks': START, 'replica': 0, 'arbiter': 0}}
    assert volume_bricks(pool) == START + ADDED

    result, calls = run(pool, args)
    assert not result.get('failed'), result['msg']
    assert result['changed'] and with_layout_repairs(result['commands'], planned['commands']), result['commands']
    assert result['resumed'] is False and result['reachability']['unreachable'] == 0
    aggregate = result['migration']['aggregate']
    assert (aggregate['status'], aggregate['failures'], aggregate['skipped']) == ('completed', 0, 0)
    assert result['volume']['bricks'] == START
    assert not [call for call in calls if 'force' in call]
    assert_data_intact(pool, data)
    verify_and_record(pool, VOLUME, data, 'shrink 4 -> 2 bricks', 'distribute 4 bricks on 3 nodes', 'none',
                      'done, every file reachable by name')

    again, calls = run(pool, args)
    assert (again['changed'], again['commands']) == (False, [])
    assert calls == ['--mode=script volume info dist --xml', '--mode=script pool list --xml']


def test_rebalance_on_its_own(pool, data):
    start_from(pool, START)
    add_with_cli(pool, ADDED)
    result = run(pool, {'state': 'rebalanced'})[0]
    assert not result.get('failed'), result['msg']
    assert result['changed']
    assert with_layout_repairs(result['commands'], [gluster_command('volume rebalance dist start')])
    assert result['migration']['aggregate']['failures'] == 0
    # The fix-layout before moved no file; this rebalance filled the added bricks.
    assert all(brick_files(pool, *brick.split(':')) > 0 for brick in ADDED)
    again = run(pool, {'state': 'rebalanced'})[0]
    assert (again['changed'], again['commands']) == (False, [])
    assert_data_intact(pool, data)


def test_killed_after_start_is_resumed_and_committed(pool, data):
    start_from(pool, START)
    extra = ['node3:/bricks/dist/c1', 'node2:/bricks/dist/c1']
    grown = run(pool, {'bricks': extra, 'rebalance': True})[0]
    assert grown['changed'] and not grown.get('failed'), grown.get('msg')
    assert_data_intact(pool, data)

    args = {'state': 'absent', 'bricks': extra}
    with shrink_held_at_first_status_poll(pool, dict(args, volume=VOLUME), seconds=120) as shrink:
        shrink.process.send_signal(signal.SIGKILL)
        shrink.process.wait()
        # The play is gone; end its module process on node1 too (by pid); leaving releases the held call.
        pids = pool.sh('node1', "ps -eo pid=,args= | awk '/AnsiballZ_gluster_brick/ && !/awk/ {print $1}'").stdout.split()
        if pids:
            pool.sh('node1', 'kill -9 %s' % ' '.join(pids), check=False)
    calls = pool.call_log('node1')
    assert any(call.endswith('remove-brick dist %s start --xml' % ' '.join(extra)) for call in calls)
    assert not any(call.endswith('commit --xml') for call in calls)
    assert volume_bricks(pool) == START + extra

    result, calls = run(pool, args)
    assert not result.get('failed'), result['msg']
    assert result['changed'] and result['resumed'] is True
    assert with_layout_repairs(result['commands'], [gluster_command('volume remove-brick dist', *extra + ['commit'])])
    assert not [call for call in calls if 'remove-brick' in call and call.endswith('start --xml')]
    assert result['volume']['bricks'] == START
    assert_data_intact(pool, data)

    again = run(pool, args)[0]
    assert (again['changed'], again['commands']) == (False, [])


FAULT_VOLUME = 'shrinkfault'
FAULT_KEEP = ['node1:/bricks/shrinkfault/b1', 'node2:/bricks/shrinkfault/b1']
FAULT_REMOVE = ['node3:/bricks/shrinkfault/b1', 'node1:/bricks/shrinkfault/b2']


def removal_rows(lab, volume, bricks):
    """{node name: (files moved, status)} from remove-brick status, read with the plain CLI."""
    text = lab.gluster('node1', 'volume', 'remove-brick', volume, *bricks + ['status', '--xml'])
    rows = {}
    for node in ElementTree.fromstring(text).iter('node'):
        rows[node.findtext('nodeName')] = (int(node.findtext('files') or 0), node.findtext('statusStr'))
    return rows


def run_in_background(lab, args):
    """Start the module in a play on node1; returns (process, playbook path)."""
    play = [{'hosts': 'node1', 'gather_facts': False,
             'tasks': [{'name': 'under test', MODULE: args, 'register': 'result', 'ignore_errors': True}]}]
    with tempfile.NamedTemporaryFile('w', suffix='.yml', delete=False) as handle:
        yaml.safe_dump(play, handle)
    env = dict(os.environ, ANSIBLE_STDOUT_CALLBACK='ansible.posix.json', ANSIBLE_NOCOLOR='1')
    process = subprocess.Popen(['ansible-playbook', '-i', lab.inventory, handle.name], cwd=lab.root, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return process, handle.name


class HeldShrink(object):
    """A shrink running in the background (see shrink_held_at_first_status_poll)."""

    def __init__(self, lab, args, seconds):
        self.lab = lab
        self.args = args
        self.deadline = time.time() + seconds
        self.process = None
        self.stopped = []

    def wait_for(self, read, done, interval=0.2):
        """Poll read() until done(its value) while the play runs; past the deadline, fail with the value."""
        value = read()
        while not done(value):
            assert time.time() < self.deadline and self.process.poll() is None, value
            time.sleep(interval)
            value = read()

    def removal_rows(self):
        return removal_rows(self.lab, self.args['volume'], self.args['bricks'])

    def wait_until_moved(self, node, files):
        """Wait until NODE's migration has moved at least FILES files."""
        self.wait_for(self.removal_rows, lambda rows: rows.get(node, (0, ''))[0] >= files)

    def stop(self, node):
        stop_node(self.lab, node)
        self.stopped.append(node)

    def start(self, node):
        start_node(self.lab, node)
        self.stopped.remove(node)

    def result(self):
        """Release the held status calls and return the task's result once the play ends."""
        release_status_polls(self.lab)
        stdout, _stderr = self.process.communicate(timeout=900)
        return json.loads(stdout)['plays'][0]['tasks'][0]['hosts']['node1']


def release_status_polls(lab):
    lab.sh('node1', 'rm -f /tmp/hold; cat > /usr/sbin/gluster', stdin=PLAIN_WRAPPER)


@contextlib.contextmanager
def shrink_held_at_first_status_poll(lab, args, seconds=300):
    """Run the module with ARGS in the background on node1 with its remove-brick status calls held
    (HOLDING_WRAPPER, whatever the migration's speed) and yield a HeldShrink once the first one is
    made. On leaving, the held calls are released and every node stopped through it started again."""
    lab.sh('node1', 'touch /tmp/hold && cat > /usr/sbin/gluster && : > /var/log/gluster-calls.log', stdin=HOLDING_WRAPPER)
    shrink = HeldShrink(lab, args, seconds)
    try:
        shrink.process, playbook = run_in_background(lab, args)
        try:
            shrink.wait_for(lambda: lab.call_log('node1'),
                            lambda calls: any(call.endswith('status --xml') and 'remove-brick' in call for call in calls))
            yield shrink
        finally:
            os.unlink(playbook)
    finally:
        release_status_polls(lab)
        for node in list(shrink.stopped):
            shrink.start(node)


def checksummed_volume(lab, volume, bricks, files, seed):
    """Create and start the distribute volume VOLUME of BRICKS and write FILES files of up to 4 KiB
    through a mount on node1 (unmounted after); returns their checksums."""
    for node in lab.nodes:
        lab.sh(node, 'mkdir -p /bricks/%s' % volume)
    out = lab.gluster('node1', 'volume', 'create', volume, *bricks)
    assert 'success' in out or volume in lab.gluster('node1', 'volume', 'list'), out
    lab.gluster('node1', 'volume', 'start', volume)
    path = mount(lab, 'node1', volume)
    write_files(lab, 'node1', path, count=files, seed=seed, largest=4096)
    sums = checksums(lab, 'node1', path)
    unmount(lab, 'node1', volume)
    assert len(sums) == files
    return sums


def listing_reads_back(lab, volume, sums, seconds=120):
    """Wait until a listing through a fresh mount reads back every file of SUMS unchanged (a client
    connects to a brick that has just restarted on its own schedule); raises naming what differed.
    A name listed twice with the same bytes is allowed: a migration cut off between its copy and
    the source's removal can leave both copies whole until a rebalance, and no byte is lost."""
    deadline = time.time() + seconds
    expected = set(sums)
    while True:
        path = mount(lab, 'node1', volume)
        try:
            listed = checksums(lab, 'node1', path)
        finally:
            unmount(lab, 'node1', volume)
        missing, unexpected = expected - set(listed), set(listed) - expected
        if not missing and not unexpected:
            return True
        if time.time() > deadline:
            raise AssertionError('listing after %d s: %d of %d files missing (%s), %d lines not expected (%s), '
                                 '%d lines listed' % (seconds, len(missing), len(expected), sorted(missing)[:5],
                                                      len(unexpected), sorted(unexpected)[:5], len(listed)))
        time.sleep(3)


def unreachable_by_name(lab, volume, sums):
    """How many files of SUMS a lookup by name misses (or reads back changed) through a fresh mount."""
    names = [line.split('  ', 1)[1] for line in sums]
    return len(set(sums) - set(read_by_name_through_fresh_mount(lab, 'node1', volume, names)))


def test_shrink_losing_a_node_mid_migration_leaves_every_file_reachable(pool):
    """A node hosting a removed brick stops mid-migration: the module stops the task and, the node
    being down, fails saying the volume is not whole yet; with the node back, a re-run rebalances
    first, then removes and commits; every file is then reachable by name through a fresh mount."""
    sums = checksummed_volume(pool, FAULT_VOLUME, FAULT_KEEP + FAULT_REMOVE, files=3000, seed=8)
    layout, operation = 'distribute 4 bricks on 3 nodes', 'shrink 4 -> 2 bricks'
    args = {'volume': FAULT_VOLUME, 'state': 'absent', 'bricks': FAULT_REMOVE, 'timeout': 900}

    # Hold the module at its first status poll, stop node3 once its migration has moved files.
    with shrink_held_at_first_status_poll(pool, args) as shrink:
        shrink.wait_until_moved('node3', 100)
        shrink.stop('node3')
        result = shrink.result()
        assert result['failed'], result
        message = result['msg']
        assert 'did not complete cleanly, nothing was committed' in message, message
        assert 'stopped the task with remove-brick stop; the bricks stay in the volume with their files' in message
        assert 'The volume is NOT whole' in message and 'No such file or directory' in message, message
        assert 'cannot run now' in message and 'node3' in message, message
        assert 'run this task again: it rebalances volume %s first' % FAULT_VOLUME in message, message
        assert not [command for command in result['commands'] if command.endswith('commit --xml')]
        assert volume_bricks_of(pool, FAULT_VOLUME) == FAULT_KEEP + FAULT_REMOVE
    wait_until(pool, '[ "$(gluster.real volume status %s | grep -c "^Brick.* Y ")" = 4 ]' % FAULT_VOLUME, seconds=180)
    # The node is back and nothing was repaired yet: every file is still there (a listing reads
    # them all back), but lookups by name miss some - the state the message warned about.
    assert listing_reads_back(pool, FAULT_VOLUME, sums)
    missed_before_rerun = unreachable_by_name(pool, FAULT_VOLUME, sums)

    result = pool.run_module('node1', MODULE, args)
    assert not result.get('failed'), result['msg']
    assert result['changed'] and result['volume']['bricks'] == FAULT_KEEP
    rebalance = gluster_command('volume rebalance %s start' % FAULT_VOLUME)
    start = gluster_command('volume remove-brick %s' % FAULT_VOLUME, *FAULT_REMOVE + ['start'])
    commit = gluster_command('volume remove-brick %s' % FAULT_VOLUME, *FAULT_REMOVE + ['commit'])
    commands = result['commands']
    assert start in commands and commit in commands and commands.index(start) < commands.index(commit)
    # Layouts are repaired before the removal starts again whenever a lookup missed a file.
    assert (rebalance in commands[:commands.index(start)]) == bool(missed_before_rerun), (missed_before_rerun, commands)
    assert set(commands) <= set([rebalance, start, commit])
    assert result['reachability']['unreachable'] == 0 and result['reachability']['files'] == 3000
    verify_and_record(pool, FAULT_VOLUME, sums, operation, layout, 'node of a removed brick stopped mid-migration',
                      'failed cleanly, volume not whole until the node returned; re-run rebalanced, removed, '
                      'every file reachable')
    again = pool.run_module('node1', MODULE, args)
    assert (again['changed'], again['commands']) == (False, [])


def test_shrink_that_loses_a_node_which_returns_before_the_stop_is_repaired_before_the_module_returns(pool):
    """node3 (hosting a removed brick) stops mid-migration and is back before the module reads the
    failed status: the module stops the task, repairs the layouts with a full rebalance and only
    then fails; every file is reachable by name at that point. A re-run removes the bricks."""
    volume = 'stopfault'
    keep = ['node1:/bricks/stopfault/b1', 'node2:/bricks/stopfault/b1']
    remove = ['node3:/bricks/stopfault/b1', 'node1:/bricks/stopfault/b2']
    sums = checksummed_volume(pool, volume, keep + remove, files=2000, seed=9)
    args = {'volume': volume, 'state': 'absent', 'bricks': remove, 'timeout': 900}
    layout, operation = 'distribute 4 bricks on 3 nodes', 'shrink 4 -> 2 bricks'
    fault = 'node of a removed brick stopped mid-migration, back before the stop'

    with shrink_held_at_first_status_poll(pool, args) as shrink:
        shrink.wait_until_moved('node3', 50)
        shrink.stop('node3')
        shrink.wait_for(shrink.removal_rows, lambda rows: rows.get('localhost', (0, ''))[1] == 'failed', interval=0.5)
        shrink.start('node3')
        wait_until(pool, '[ "$(gluster.real volume status %s | grep -c "^Brick.* Y ")" = 4 ]' % volume, seconds=180)
        result = shrink.result()
    assert result['failed'], result
    message = result['msg']
    assert 'stopped the task with remove-brick stop; the bricks stay in the volume with their files' in message
    assert 'The volume is whole: ' in message and 'reachable by name through a fresh mount' in message, message
    assert with_layout_repairs(result['commands'], [
        gluster_command('volume remove-brick %s' % volume, *remove + [action]) for action in ('start', 'stop')],
        volume=volume), result['commands']
    assert result['reachability']['unreachable'] == 0 and result['reachability']['files'] == 2000
    assert volume_bricks_of(pool, volume) == keep + remove
    verify_and_record(pool, volume, sums, operation, layout, fault,
                      'stopped and failed cleanly; layouts repaired before the module returned')

    result = pool.run_module('node1', MODULE, args)
    assert not result.get('failed'), result['msg']
    assert result['volume']['bricks'] == keep
    verify_and_record(pool, volume, sums, operation, layout, fault, 're-run removed the bricks, every file reachable')
