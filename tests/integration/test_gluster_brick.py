"""gluster_brick on a real 3-node pool with checksummed data on a distribute volume: grow 2 -> 4
with rebalance, a shrink refused while a node is down, shrink 4 -> 2 with migration, a run
killed after remove-brick start and resumed, rebalance on its own; check mode, diff, second runs."""
import os
import signal
import subprocess
import tempfile
import time

import pytest
import yaml

from .brick_data import brick_files, checksums, mount, write_files

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


def volume_bricks(lab):
    text = lab.gluster('node1', 'volume', 'info', VOLUME)
    return [line.split(': ', 1)[1] for line in text.splitlines() if line.startswith('Brick') and ': ' in line
            and line.split(':', 1)[0][5:].isdigit()]


def wait_until(lab, script, seconds=90):
    lab.sh('node1', 'for i in $(seq 1 %d); do %s && exit 0; sleep 0.5; done; exit 1' % (seconds * 2, script))


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
    assert result['changed'] and result['commands'] == planned['commands']
    aggregate = result['migration']['aggregate']
    assert (aggregate['status'], aggregate['failures'], aggregate['skipped']) == ('completed', 0, 0)
    assert aggregate['files'] > 0
    assert result['volume']['bricks'] == START + ADDED
    assert brick_files(pool, 'node3', '/bricks/dist/b1') > 0 and brick_files(pool, 'node1', '/bricks/dist/b2') > 0
    assert_data_intact(pool, data)

    again, calls = run(pool, args)
    assert (again['changed'], again['commands']) == (False, [])


def test_shrink_refused_while_a_brick_node_is_down_moves_nothing(pool, data):
    placed = brick_files(pool, 'node1', '/bricks/dist/b2')
    subprocess.run(['docker', 'stop', '-t', '2', pool.container('node3')], check=True, capture_output=True)
    try:
        wait_until(pool, 'gluster.real pool list | grep -q Disconnected')
        result, calls = run(pool, {'state': 'absent', 'bricks': ADDED})
        assert result['failed'] and not result['changed'] and result['commands'] == []
        assert 'nothing was started' in result['msg'] and 'node3' in result['msg'], result['msg']
        assert not [call for call in calls if 'remove-brick' in call]
        assert volume_bricks(pool) == START + ADDED
    finally:
        subprocess.run(['docker', 'start', pool.container('node3')], check=True, capture_output=True)
        pool.wait_for_glusterd('node3')
        pool.wait_for_pool()
    wait_until(pool, '[ "$(gluster.real volume status %s | grep -c "^Brick.* Y ")" = 4 ]' % VOLUME)
    assert brick_files(pool, 'node1', '/bricks/dist/b2') == placed
    # The client reconnects to the restarted brick on its own schedule (a few seconds).
    wait_until(pool, '[ "$(find /mnt/dist -type f | wc -l)" = %d ]' % len(data))
    assert_data_intact(pool, data)


def test_shrink_4_to_2_migrates_then_commits(pool, data):
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
    assert result['changed'] and result['commands'] == planned['commands']
    assert result['resumed'] is False
    aggregate = result['migration']['aggregate']
    assert (aggregate['status'], aggregate['failures'], aggregate['skipped']) == ('completed', 0, 0)
    assert result['volume']['bricks'] == START
    assert not [call for call in calls if 'force' in call]
    assert_data_intact(pool, data)

    again, calls = run(pool, args)
    assert (again['changed'], again['commands']) == (False, [])
    assert calls == ['--mode=script volume info dist --xml', '--mode=script pool list --xml']


def test_rebalance_on_its_own(pool, data):
    result = run(pool, {'state': 'rebalanced'})[0]
    assert not result.get('failed'), result['msg']
    assert result['changed'] and result['commands'] == [gluster_command('volume rebalance dist start')]
    assert result['migration']['aggregate']['failures'] == 0
    again = run(pool, {'state': 'rebalanced'})[0]
    assert (again['changed'], again['commands']) == (False, [])
    assert_data_intact(pool, data)


def test_killed_after_start_is_resumed_and_committed(pool, data):
    extra = ['node3:/bricks/dist/c1', 'node2:/bricks/dist/c1']
    grown = run(pool, {'bricks': extra, 'rebalance': True})[0]
    assert grown['changed'] and not grown.get('failed'), grown.get('msg')
    assert_data_intact(pool, data)

    args = {'state': 'absent', 'bricks': extra}
    pool.sh('node1', 'touch /tmp/hold && cat > /usr/sbin/gluster && : > /var/log/gluster-calls.log', stdin=HOLDING_WRAPPER)
    play = [{'hosts': 'node1', 'gather_facts': False, 'tasks': [{MODULE: dict(args, volume=VOLUME)}]}]
    with tempfile.NamedTemporaryFile('w', suffix='.yml', delete=False) as handle:
        yaml.safe_dump(play, handle)
    try:
        process = subprocess.Popen(['ansible-playbook', '-i', pool.inventory, handle.name], cwd=pool.root,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 120
        while not any(call.endswith('status --xml') and 'remove-brick' in call for call in pool.call_log('node1')):
            assert time.time() < deadline and process.poll() is None, pool.call_log('node1')
            time.sleep(0.2)
        process.send_signal(signal.SIGKILL)
        process.wait()
        # The play is gone; end its module process on node1 too (by pid), then release the held call.
        pids = pool.sh('node1', "ps -eo pid=,args= | awk '/AnsiballZ_gluster_brick/ && !/awk/ {print $1}'").stdout.split()
        if pids:
            pool.sh('node1', 'kill -9 %s' % ' '.join(pids), check=False)
    finally:
        os.unlink(handle.name)
        pool.sh('node1', 'rm -f /tmp/hold; cat > /usr/sbin/gluster', stdin=PLAIN_WRAPPER)
    calls = pool.call_log('node1')
    assert any(call.endswith('remove-brick dist %s start --xml' % ' '.join(extra)) for call in calls)
    assert not any(call.endswith('commit --xml') for call in calls)
    assert volume_bricks(pool) == START + extra

    result, calls = run(pool, args)
    assert not result.get('failed'), result['msg']
    assert result['changed'] and result['resumed'] is True
    assert result['commands'] == [gluster_command('volume remove-brick dist', *extra + ['commit'])]
    assert not [call for call in calls if call.endswith('start --xml')]
    assert result['volume']['bricks'] == START
    assert_data_intact(pool, data)

    again = run(pool, args)[0]
    assert (again['changed'], again['commands']) == (False, [])
