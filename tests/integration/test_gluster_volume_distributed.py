"""gluster_volume across a 6-node pool: distributed-replicate 2 x 3 and distributed-disperse 2 x (2 + 1);
the gluster_volumes role growing a volume from 3 to 6 servers and playbooks/shrink.yml taking it back."""
import json
import os
import re
import subprocess

import pytest

from . import brick_data, safety_matrix

LAB_NODES = 6
MODULE = 'glusterdock.storage.gluster_volume'
NODES = ['node%d' % number for number in range(1, LAB_NODES + 1)]


@pytest.mark.parametrize('name, layout, kind, counts', [
    ('drep', {'replica': 3}, 'Distributed-Replicate', (3, 0, 0)),
    ('dec', {'disperse': 3, 'redundancy': 1}, 'Distributed-Disperse', (0, 3, 1)),
])
def test_distributed_types_over_six_nodes_are_idempotent(pool, name, layout, kind, counts):
    for node in NODES:
        pool.sh(node, 'mkdir -p /bricks/%s' % name)
    args = dict(layout, name=name, bricks=['%s:/bricks/%s/b1' % (node, name) for node in NODES])
    pool.reset_call_log()
    result = pool.run_module('node1', MODULE, args)
    assert not result.get('failed'), result['msg']
    assert result['commands'] == [
        'gluster --mode=script volume create %s %s %s --xml' % (
            name, ' '.join('%s %s' % item for item in layout.items()), ' '.join(args['bricks'])),
        'gluster --mode=script volume start %s --xml' % name,
    ]
    volume = result['volume']
    assert (volume['type'], volume['status'], volume['distribute_count'], volume['bricks']) == (
        kind, 'started', 2, args['bricks'])
    assert (volume['replica_count'], volume['disperse_count'], volume['redundancy_count']) == counts

    pool.reset_call_log()
    again = pool.run_module('node4', MODULE, args)
    assert (again['changed'], again['commands']) == (False, [])
    assert pool.call_log('node4') == ['--mode=script volume info %s --xml' % name]


# ---- grow and shrink through the inventory (gluster_volumes role, playbooks/shrink.yml) ----------

GROW = 'grow'
WRITER = '/root/grow-writer'
# Runs in the background on node1 (a client of the volume, a server that stays): one file every
# second, each fsynced and closed before its checksum is recorded; any failed write is recorded too.
WRITER_SCRIPT = r'''
import hashlib, os, sys, time
root, state = sys.argv[1], sys.argv[2]
number = 0
while not os.path.exists(state + '.stop'):
    folder = 'w%02d' % (number % 10)
    name = '%s/w%06d' % (folder, number)
    data = os.urandom(1024 + (number * 7919) % 30000)
    try:
        os.makedirs(os.path.join(root, folder), exist_ok=True)
        with open(os.path.join(root, name), 'wb') as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        with open(state + '.sums', 'a') as sums:
            sums.write('%s  ./%s\n' % (hashlib.md5(data).hexdigest(), name))
    except OSError as error:
        with open(state + '.errors', 'a') as errors:
            errors.write('%s: %s\n' % (name, error))
    number += 1
    time.sleep(1)
'''
SHRINK_PLAYBOOK = os.path.join(os.path.dirname(__file__), '..', '..', 'playbooks', 'shrink.yml')


def role_play(servers, definition=None):
    return {'hosts': 'gluster_servers', 'gather_facts': False,
            'roles': [{'role': 'glusterdock.storage.gluster_volumes',
                       'vars': {'gluster_volumes_list': [definition or {'name': GROW, 'replica': 3}],
                                'gluster_volumes_servers': servers, 'gluster_volumes_restrict_clients': False}}]}


def shrink(lab, check=False, **variables):
    command = ['ansible-playbook', '-i', lab.inventory, SHRINK_PLAYBOOK, '-e', json.dumps(variables)]
    return subprocess.run(command + (['--check'] if check else []), capture_output=True, text=True, cwd=lab.root,
                          check=False)


def recap_changed(output):
    return sorted(set(re.findall(r'changed=(\d+)', output.split('PLAY RECAP')[-1])))


def bricks_of(lab, volume=GROW):
    info = lab.gluster('node1', 'volume', 'info', volume, '--xml')
    return re.findall(r'<name>(node\d:/bricks/%s/brick\d)</name>' % volume, info)


def changing(lab):
    return [call for node in NODES for call in lab.call_log(node)
            if any(word in call.split() for word in ('add-brick', 'remove-brick', 'rebalance', 'detach', 'probe'))]


def writes(lab):
    """How many files the writer has written (and closed) so far."""
    return len(lab.sh('node1', 'cat %s.sums 2>/dev/null || true' % WRITER).stdout.splitlines())


def files_from_before(lab, node):
    """How many of the files written before the growth (names f*) a brick of NODE holds."""
    return int(lab.sh(node, "find /bricks/%s/brick1 -path '*/.glusterfs' -prune -o -type f -name 'f*' ! -perm -1000 "
                            "-print | wc -l" % GROW).stdout.strip())


def test_grow_and_shrink_through_the_inventory_while_a_client_writes(pool):
    # The shrink takes node4-6 out of every volume: start from a pool of six with no volume on it.
    pool.sh('node1', 'rm -rf %s.*' % WRITER)
    for volume in pool.gluster('node1', 'volume', 'list').split():
        if volume.startswith('No'):
            break
        pool.gluster('node1', 'volume', 'stop', volume)
        pool.gluster('node1', 'volume', 'delete', volume)
    for node in NODES:
        pool.sh(node, 'rm -rf /bricks/%s' % GROW)
    pool.form_pool()
    created = pool.run_play(role_play(NODES[:3]))
    assert created.returncode == 0, created.stdout[-3000:]
    point = brick_data.mount(pool, 'node1', GROW)
    brick_data.write_files(pool, 'node1', point, count=200, largest=16 * 1024)
    before = brick_data.checksums(pool, 'node1', point)
    pool.sh('node1', 'cat > %s.py' % WRITER, stdin=WRITER_SCRIPT)
    pool.sh('node1', 'grep -q " %s fuse.glusterfs " /proc/self/mounts' % point)
    subprocess.run(['docker', 'exec', '-d', pool.container('node1'), 'python3', WRITER + '.py', point, WRITER],
                   check=True)
    try:
        # Check mode: the add-brick and the rebalance after it are shown, nothing changes.
        pool.reset_call_log()
        planned = pool.run_play(role_play(NODES), check=True)
        assert planned.returncode == 0, planned.stdout[-3000:]
        assert ('volume grow: after the add-brick, would run gluster --mode=script volume rebalance grow start --xml '
                'and wait until it completes (3600 s at most).') in planned.stdout
        assert changing(pool) == [] and len(bricks_of(pool)) == 3

        # 3 -> 6 servers: one more replica set, then a rebalance moves existing files onto it.
        pool.reset_call_log()
        grown = pool.run_play(role_play(NODES))
        assert grown.returncode == 0, grown.stdout[-3000:]
        assert bricks_of(pool) == ['%s:/bricks/grow/brick1' % node for node in NODES]
        assert '--mode=script volume rebalance grow start --xml' in pool.call_log('node1')
        on_first_set, on_second_set = files_from_before(pool, 'node1'), files_from_before(pool, 'node4')
        assert on_first_set + on_second_set == 200 and on_second_set >= 40, (on_first_set, on_second_set)
        pool.reset_call_log()
        again = pool.run_play(role_play(NODES))
        assert again.returncode == 0 and recap_changed(again.stdout) == ['0'], again.stdout[-3000:]
        assert changing(pool) == []

        # Servers left out of the inventory: refused before any change, naming the bricks.
        pool.reset_call_log()
        left_out = pool.run_play(role_play(NODES[:3]))
        assert left_out.returncode != 0
        assert ('gluster_volumes_servers no longer lists the servers of these bricks: volume grow: '
                'node4:/bricks/grow/brick1, node5:/bricks/grow/brick1, node6:/bricks/grow/brick1. Removing servers '
                'from the inventory does not shrink a volume. Remove their bricks first, migrating the files to the '
                'other bricks, with playbooks/shrink.yml') in ' '.join(left_out.stdout.split())
        # The pool is read too, to match those bricks by peer identity before naming them.
        assert pool.call_log('node1') == ['--mode=script volume info --xml', '--mode=script pool list --xml']
        assert changing(pool) == []

        # Bad shrink input and check mode change nothing.
        pool.reset_call_log()
        unknown = shrink(pool, shrink_servers=['node9'])
        assert unknown.returncode != 0
        assert ('shrink refused: node9 is not a member of the trusted pool nor an inventory host: check the name. '
                'Nothing was changed.') in unknown.stdout
        planned = shrink(pool, check=True, shrink_servers=NODES[3:])
        assert planned.returncode == 0, planned.stdout[-3000:]
        assert ('bricks to remove: grow: node4:/bricks/grow/brick1, node5:/bricks/grow/brick1, '
                'node6:/bricks/grow/brick1') in planned.stdout
        assert 'would detach node4, node5, node6 from the pool once their bricks are removed' in planned.stdout
        assert changing(pool) == [] and len(bricks_of(pool)) == 6

        # 6 -> 3: the files move back, then the servers leave the pool; a re-run changes nothing.
        written_before_shrink = writes(pool)
        shrunk = shrink(pool, shrink_servers=NODES[3:])
        written_by_end_of_shrink = writes(pool)
        assert shrunk.returncode == 0, shrunk.stdout[-4000:]
        assert bricks_of(pool) == ['%s:/bricks/grow/brick1' % node for node in NODES[:3]]
        assert 'Number of Peers: 2' in pool.gluster('node1', 'peer', 'status')
        pool.reset_call_log()
        rerun = shrink(pool, shrink_servers=NODES[3:])
        assert rerun.returncode == 0 and recap_changed(rerun.stdout) == ['0'], rerun.stdout[-3000:]
        assert changing(pool) == []
    finally:
        # [/] keeps pgrep from matching this shell's own command line.
        pool.sh('node1', 'touch %s.stop; for i in $(seq 1 30); do pgrep -f "python3 [/]%s" >/dev/null || exit 0; '
                         'sleep 1; done; exit 1' % (WRITER, WRITER.lstrip('/')))
    assert pool.sh('node1', 'cat %s.errors 2>/dev/null || true' % WRITER).stdout == ''
    written = pool.sh('node1', 'cat %s.sums' % WRITER).stdout.splitlines()
    assert written_by_end_of_shrink > written_before_shrink > 0, (written_before_shrink, written_by_end_of_shrink)
    brick_data.unmount(pool, 'node1', GROW)
    # The pool goes back to six for the module's other tests: the detached servers start afresh.
    for node in NODES[3:]:
        pool.sh(node, 'systemctl stop glusterd; rm -rf /var/lib/glusterd/peers/* /var/lib/glusterd/vols/* '
                      '/bricks/%s; systemctl start glusterd' % GROW)
        pool.wait_for_glusterd(node)
    pool.form_pool()
    safety_matrix.verify_and_record(pool, GROW, before + written, 'grow 3 -> 6 servers with the role, then shrink '
                                    '6 -> 3 with playbooks/shrink.yml, a client writing throughout', 'replica 3',
                                    'none', 'done, files spread over both sets, every write kept')


GROW_TWO = 'growtwo'


def test_grow_two_bricks_per_server_through_the_inventory(pool):
    # Two bricks per server, replica 3, created on 3 servers in the role's order; 3 more servers
    # bring two whole sets, after the existing bricks (whose order defines the existing sets).
    pool.form_pool()
    if GROW_TWO in pool.gluster('node1', 'volume', 'list').split():
        pool.gluster('node1', 'volume', 'stop', GROW_TWO)
        pool.gluster('node1', 'volume', 'delete', GROW_TWO)
    for node in NODES:
        pool.sh(node, 'rm -rf /bricks/%s' % GROW_TWO)
    definition = {'name': GROW_TWO, 'replica': 3, 'bricks_per_server': 2}
    created = pool.run_play(role_play(NODES[:3], definition))
    assert created.returncode == 0, created.stdout[-3000:]
    old_bricks = ['%s:/bricks/%s/brick%d' % (node, GROW_TWO, number) for number in (1, 2) for node in NODES[:3]]
    assert bricks_of(pool, GROW_TWO) == old_bricks
    point = brick_data.mount(pool, 'node1', GROW_TWO)
    brick_data.write_files(pool, 'node1', point, count=200, largest=16 * 1024)
    before = brick_data.checksums(pool, 'node1', point)
    brick_data.unmount(pool, 'node1', GROW_TWO)

    pool.reset_call_log()
    grown = pool.run_play(role_play(NODES, definition))
    assert grown.returncode == 0, grown.stdout[-3000:]
    new_bricks = ['%s:/bricks/%s/brick%d' % (node, GROW_TWO, number) for number in (1, 2) for node in NODES[3:]]
    assert bricks_of(pool, GROW_TWO) == old_bricks + new_bricks
    assert [call for call in pool.call_log('node1') if 'add-brick' in call.split()] == [
        '--mode=script volume add-brick %s %s --xml' % (GROW_TWO, ' '.join(new_bricks))]
    assert '--mode=script volume rebalance %s start --xml' % GROW_TWO in pool.call_log('node1')
    moved = sum(brick_data.brick_files(pool, node, '/bricks/%s/brick%d' % (GROW_TWO, number))
                for node in NODES[3:4] for number in (1, 2))
    assert moved >= 40, moved
    pool.reset_call_log()
    again = pool.run_play(role_play(NODES, definition))
    assert again.returncode == 0 and recap_changed(again.stdout) == ['0'], again.stdout[-3000:]
    assert changing(pool) == []
    safety_matrix.verify_and_record(pool, GROW_TWO, before, 'grow 3 -> 6 servers with the role, two bricks per server',
                                    'replica 3', 'none', 'done, new sets after the old, files spread')
    pool.gluster('node1', 'volume', 'stop', GROW_TWO)
    pool.gluster('node1', 'volume', 'delete', GROW_TWO)
    for node in NODES:
        pool.sh(node, 'rm -rf /bricks/%s' % GROW_TWO)
