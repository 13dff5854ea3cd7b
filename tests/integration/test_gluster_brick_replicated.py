"""gluster_brick on replicated volumes of a 6-node pool, with checksummed data: 2 x 3 -> 1 x 3 and
back, replica 2 -> 3, replica 2 -> 2 + arbiter, reset-brick after a disk swap, and replacing the
brick of a stopped node; each followed by a second run that changes nothing."""
import subprocess

from .brick_data import brick_files, checksums, mount, write_files
from .safety_matrix import verify_and_record

LAB_NODES = 6
MODULE = 'glusterdock.storage.gluster_brick'
COUNT = 1000
# The good-copy tests heal every file once or twice: fewer files keep CI within its time.
FEW = 300


def run(lab, args, node='node1', check=False):
    lab.sh(node, ': > /var/log/gluster-calls.log')
    result = lab.run_module(node, MODULE, args, check=check)
    return result, lab.call_log(node)


def create(lab, name, layout, bricks, count=COUNT):
    """Create, start and mount a volume with the plain CLI, write COUNT files; returns checksums."""
    for node in lab.nodes:
        lab.sh(node, 'mkdir -p /bricks/%s' % name)
    out = lab.gluster('node1', 'volume', 'create', name, *(layout + bricks))
    # On a loaded 2-core machine glusterd can time out a create it then completes: look first.
    if 'Request timed out' in out and 'Volume Name: %s' % name in lab.gluster('node1', 'volume', 'info', name):
        out = 'success (after a timed-out reply)'
    assert 'success' in out, out
    lab.gluster('node1', 'volume', 'start', name)
    path = mount(lab, 'node1', name)
    write_files(lab, 'node1', path, count=count, seed=len(name))
    sums = checksums(lab, 'node1', path)
    assert len(sums) == count
    return sums


def once(commands):
    """The commands without repeats: the index heal is asked for again while heal makes no progress."""
    return list(dict.fromkeys(commands))


def ok(result):
    assert not result.get('failed'), result.get('msg')
    return result


def no_op(lab, args, node='node1'):
    again = run(lab, args, node=node)[0]
    assert (again.get('failed'), again['changed'], again['commands']) == (None, False, []), again.get('msg')


def test_distributed_replicate_2x3_to_1x3_and_back(pool):
    first = ['node%d:/bricks/drep/b1' % number for number in (1, 2, 3)]
    second = ['node%d:/bricks/drep/b1' % number for number in (4, 5, 6)]
    sums = create(pool, 'drep', ['replica', '3'], first + second)
    shrink = {'volume': 'drep', 'state': 'absent', 'bricks': second}
    refused = run(pool, dict(shrink, bricks=second[:2]))[0]
    assert refused['failed'] and 'remove whole replica sets' in refused['msg'] and refused['commands'] == []
    result = ok(run(pool, shrink)[0])
    assert result['commands'] == ['gluster --mode=script volume remove-brick drep %s %s --xml' % (' '.join(second), action)
                                  for action in ('start', 'commit')]
    assert result['volume']['bricks'] == first and result['volume']['type'] == 'Replicate'
    assert checksums(pool, 'node1', '/mnt/drep') == sums
    no_op(pool, shrink)

    back = ['node%d:/bricks/drep/b2' % number for number in (4, 5, 6)]
    grow = {'volume': 'drep', 'bricks': back, 'rebalance': True}
    result = ok(run(pool, grow)[0])
    assert result['volume']['bricks'] == first + back and result['volume']['distribute_count'] == 2
    assert result['migration']['aggregate']['failures'] == 0
    assert brick_files(pool, 'node4', '/bricks/drep/b2') > 0
    assert checksums(pool, 'node1', '/mnt/drep') == sums
    no_op(pool, grow)


# Runs before the test that stops and restarts node3: after that restart, glusterd on this
# loaded 2-core lab timed out the next cluster-wide transaction (volume create) in CI.
def test_replica_2_to_arbiter(pool):
    bricks = ['node4:/bricks/a2/b', 'node5:/bricks/a2/b']
    sums = create(pool, 'a2', ['replica', '2'], bricks)
    grow = {'volume': 'a2', 'replica': 3, 'arbiter': 1, 'bricks': ['node6:/bricks/a2/arbiter']}
    planned = ok(run(pool, grow, check=True)[0])
    assert planned['commands'] == ['gluster --mode=script volume add-brick a2 replica 3 arbiter 1 '
                                   'node6:/bricks/a2/arbiter --xml', 'gluster --mode=script volume heal a2 --xml']
    result = ok(run(pool, grow)[0])
    assert result['volume']['arbiter_bricks'] == ['node6:/bricks/a2/arbiter']
    # The arbiter holds every file's name and metadata, no data.
    assert brick_files(pool, 'node6', '/bricks/a2/arbiter') == COUNT
    assert pool.sh('node6', 'find /bricks/a2/arbiter -path "*/.glusterfs" -prune -o -type f -size +0 -print | wc -l'
                   ).stdout.strip() == '0'
    assert checksums(pool, 'node1', '/mnt/a2') == sums
    no_op(pool, grow)


def test_replica_2_to_3_then_reset_after_disk_swap_then_replace_a_stopped_node(pool):
    bricks = ['node1:/bricks/r2/b', 'node2:/bricks/r2/b']
    sums = create(pool, 'r2', ['replica', '2'], bricks)
    grow = {'volume': 'r2', 'replica': 3, 'bricks': ['node3:/bricks/r2/b']}
    result = ok(run(pool, grow)[0])
    assert once(result['commands']) == ['gluster --mode=script volume add-brick r2 replica 3 node3:/bricks/r2/b --xml',
                                        'gluster --mode=script volume heal r2 --xml']
    assert result['volume']['replica_count'] == 3
    assert all(brick['pending'] == 0 for brick in result['heal'])
    assert brick_files(pool, 'node3', '/bricks/r2/b') == COUNT
    assert checksums(pool, 'node1', '/mnt/r2') == sums
    no_op(pool, grow)

    # A disk swap on node2: the brick process dies and the brick comes back empty.
    pid = pool.sh('node2', 'cat /var/run/gluster/vols/r2/*.pid').stdout.split()[0]
    pool.sh('node2', 'kill %s; sleep 1; rm -rf /bricks/r2/b && mkdir /bricks/r2/b' % pid)
    reset = {'volume': 'r2', 'state': 'reset', 'bricks': ['node2:/bricks/r2/b']}
    elsewhere = run(pool, reset, node='node1')[0]
    assert elsewhere['failed'] and 'run this task on node2' in elsewhere['msg'] and elsewhere['commands'] == []
    result = ok(run(pool, reset, node='node2')[0])
    assert once(result['commands']) == [
        'gluster --mode=script volume reset-brick r2 node2:/bricks/r2/b start --xml',
        'gluster --mode=script volume reset-brick r2 node2:/bricks/r2/b node2:/bricks/r2/b commit force --xml',
        'gluster --mode=script volume heal r2 --xml']
    assert brick_files(pool, 'node2', '/bricks/r2/b') == COUNT
    assert checksums(pool, 'node1', '/mnt/r2') == sums
    no_op(pool, reset, node='node2')

    # node3 fails for good: its brick is replaced by an empty one on node4 (the task runs there).
    replace = {'volume': 'r2', 'state': 'replaced', 'bricks': ['node3:/bricks/r2/b'],
               'new_bricks': ['node4:/bricks/r2/b']}
    pool.sh('node4', 'mkdir -p /bricks/r2/b && touch /bricks/r2/b/stray')
    refused = run(pool, replace, node='node4')[0]
    assert refused['failed'] and 'is not empty (stray)' in refused['msg'] and refused['commands'] == []
    elsewhere = run(pool, replace, node='node1')[0]
    assert elsewhere['failed'] and 'run this task on node4' in elsewhere['msg']
    pool.sh('node4', 'rm /bricks/r2/b/stray')
    subprocess.run(['docker', 'stop', '-t', '2', pool.container('node3')], check=True, capture_output=True)
    try:
        result = ok(run(pool, replace, node='node4')[0])
        assert once(result['commands']) == ['gluster --mode=script volume replace-brick r2 node3:/bricks/r2/b '
                                            'node4:/bricks/r2/b commit force --xml',
                                            'gluster --mode=script volume heal r2 --xml']
        assert result['volume']['bricks'] == ['node1:/bricks/r2/b', 'node2:/bricks/r2/b', 'node4:/bricks/r2/b']
        assert brick_files(pool, 'node4', '/bricks/r2/b') == COUNT
        assert checksums(pool, 'node1', '/mnt/r2') == sums
        no_op(pool, replace, node='node4')
    finally:
        subprocess.run(['docker', 'start', pool.container('node3')], check=True, capture_output=True)
        pool.wait_for_glusterd('node3')
        pool.wait_for_pool()


def test_arbiter_replace_both_data_bricks_one_at_a_time(pool):
    """Both data bricks of a replica 3 arbiter 1 set in one request: the second is replaced only after
    heal of the set reached zero (the arbiter holds names, not data: replacing both back to back left
    every file empty)."""
    bricks = ['node1:/bricks/arb2/b', 'node2:/bricks/arb2/b', 'node3:/bricks/arb2/arbiter']
    sums = create(pool, 'arb2', ['replica', '3', 'arbiter', '1'], bricks, count=FEW)
    replace = {'volume': 'arb2', 'state': 'replaced', 'bricks': bricks[:2],
               'new_bricks': ['node4:/bricks/arb2/n1', 'node4:/bricks/arb2/n2']}
    result, calls = run(pool, replace, node='node4')
    ok(result)
    first = 'gluster --mode=script volume replace-brick arb2 node1:/bricks/arb2/b node4:/bricks/arb2/n1 commit force --xml'
    second = 'gluster --mode=script volume replace-brick arb2 node2:/bricks/arb2/b node4:/bricks/arb2/n2 commit force --xml'
    heal = 'gluster --mode=script volume heal arb2 --xml'
    assert once(result['commands']) == [first, heal, second]
    # Between the two replace-brick calls, a heal info read reported zero entries for the set.
    between = calls[calls.index(first.split(' ', 1)[1]) + 1:calls.index(second.split(' ', 1)[1])]
    assert '--mode=script volume heal arb2 info summary --xml' in between
    assert result['volume']['bricks'] == ['node4:/bricks/arb2/n1', 'node4:/bricks/arb2/n2', bricks[2]]
    assert all(brick['pending'] == 0 for brick in result['heal'])
    verify_and_record(pool, 'arb2', sums, 'replace 2 data bricks of one set', 'replica 3 arbiter 1', 'none',
                      'done one at a time, heal verified')
    no_op(pool, replace, node='node4')


CHANGING = ('replace-brick', 'reset-brick', 'add-brick', 'remove-brick')


def changing_calls(calls):
    """Calls of the log that change bricks (a refusal must make none)."""
    return [call for call in calls if any(word in call.split() for word in CHANGING)]


def kill_brick(lab, node, volume):
    """Kill the brick process(es) of VOLUME on NODE: the brick is offline, its data stays."""
    lab.sh(node, 'kill $(cat /var/run/gluster/vols/%s/*.pid); sleep 1' % volume)


def heal_entries(lab, volume):
    """'Total Number of entries' of every brick that answered heal info summary."""
    text = lab.gluster('node1', 'volume', 'heal', volume, 'info', 'summary')
    return [int(line.rsplit(':', 1)[1]) for line in text.splitlines() if line.startswith('Total Number of entries:')]


def wait_healed(lab, volume, bricks, seconds=600):
    """Ask for an index heal until every one of BRICKS answers heal info with zero entries."""
    for _attempt in range(seconds // 3):
        entries = heal_entries(lab, volume)
        if len(entries) == bricks and not any(entries):
            return
        lab.gluster('node1', 'volume', 'heal', volume)
        subprocess.run(['sleep', '3'], check=True)
    raise AssertionError('heal of %s did not finish: %s' % (volume, heal_entries(lab, volume)))


def set_self_heal(lab, volume, on):
    """Turn the self-heal daemon and the clients' heals on or off (off: heal stays unfinished)."""
    for key in ('cluster.self-heal-daemon', 'cluster.data-self-heal', 'cluster.metadata-self-heal',
                'cluster.entry-self-heal'):
        assert 'success' in lab.gluster('node1', 'volume', 'set', volume, key, 'on' if on else 'off')


def test_offline_brick_is_rebuilt_only_when_its_partners_are_whole(pool):
    """Arbiter set X (node1), Y (node2), arbiter (node3). Y down while files are written, Y back with heal
    unfinished, then X down: X holds the only copy of those files, its partners report entries: replacing X
    is refused. Then, with the set healed, X down while files are written: refused again (gluster's counts
    look the same), done once offline_bricks_are_stale states the set was healed."""
    bricks = ['node1:/bricks/arb3/b', 'node2:/bricks/arb3/b', 'node3:/bricks/arb3/arbiter']
    sums = create(pool, 'arb3', ['replica', '3', 'arbiter', '1'], bricks, count=FEW)
    set_self_heal(pool, 'arb3', False)
    kill_brick(pool, 'node2', 'arb3')
    write_files(pool, 'node1', '/mnt/arb3', count=200, seed=7, prefix='y')
    pool.gluster('node1', 'volume', 'start', 'arb3', 'force')
    kill_brick(pool, 'node1', 'arb3')
    replace = {'volume': 'arb3', 'state': 'replaced', 'bricks': [bricks[0]], 'new_bricks': ['node5:/bricks/arb3/n']}
    refused, calls = run(pool, replace, node='node5')
    assert refused['failed'] and refused['commands'] == [] and changing_calls(calls) == []
    assert refused['msg'].startswith(
        'bricks: refusing to rebuild node1:/bricks/arb3/b of volume arb3, nothing was changed: set 1 '
        '(node1:/bricks/arb3/b, node2:/bricks/arb3/b, node3:/bricks/arb3/arbiter arbiter) reports ')
    assert 'entries waiting for heal while node1:/bricks/arb3/b is offline' in refused['msg']
    pool.gluster('node1', 'volume', 'start', 'arb3', 'force')
    set_self_heal(pool, 'arb3', True)
    wait_healed(pool, 'arb3', 3)
    sums = checksums(pool, 'node1', '/mnt/arb3')
    assert len(sums) == FEW + 200
    verify_and_record(pool, 'arb3', sums, 'replace an offline brick whose partners missed writes',
                      'replica 3 arbiter 1', 'partner down then brick down, heal unfinished', 'refused, nothing changed')

    kill_brick(pool, 'node1', 'arb3')
    write_files(pool, 'node1', '/mnt/arb3', count=200, seed=8, prefix='x')
    sums = checksums(pool, 'node1', '/mnt/arb3')
    refused = run(pool, replace, node='node5')[0]
    assert refused['failed'] and refused['commands'] == [] and 'offline_bricks_are_stale' in refused['msg']
    result = ok(run(pool, dict(replace, offline_bricks_are_stale=True), node='node5')[0])
    assert once(result['commands']) == [
        'gluster --mode=script volume replace-brick arb3 node1:/bricks/arb3/b node5:/bricks/arb3/n commit force --xml',
        'gluster --mode=script volume heal arb3 --xml']
    assert result['healed'] and all(brick['pending'] == 0 for brick in result['heal'])
    verify_and_record(pool, 'arb3', sums, 'replace an offline brick, files written while it was down',
                      'replica 3 arbiter 1', 'brick down, set healed before', 'done when declared stale, heal verified')
    no_op(pool, replace, node='node5')


def test_a_run_after_an_unfinished_heal_is_not_ok_until_heal_finishes(pool):
    """Replica 2 -> 3 with wait_for_heal false while the self-heal daemon is off: the run reports healed
    false; the same task again (waiting) fails with the counts; once heal has finished it is ok."""
    bricks = ['node4:/bricks/r2h/b', 'node5:/bricks/r2h/b']
    sums = create(pool, 'r2h', ['replica', '2'], bricks, count=FEW)
    set_self_heal(pool, 'r2h', False)
    grow = {'volume': 'r2h', 'replica': 3, 'bricks': ['node6:/bricks/r2h/b']}
    result = ok(run(pool, dict(grow, wait_for_heal=False))[0])
    assert result['changed'] and result['healed'] is False
    assert any('heal of volume r2h is not complete' in warning for warning in result.get('warnings', []))
    again = run(pool, dict(grow, timeout=15))[0]
    assert again.get('failed') and not again['changed'] and changing_calls(again['commands']) == []
    assert again['msg'].startswith('heal of volume r2h did not finish within 15 seconds'), again['msg']
    assert any(brick['pending'] for brick in again['heal'])
    set_self_heal(pool, 'r2h', True)
    result = ok(run(pool, grow)[0])
    assert not result['changed'] and result['healed']
    assert all(brick['pending'] == 0 for brick in result['heal'])
    assert brick_files(pool, 'node6', '/bricks/r2h/b') == FEW
    verify_and_record(pool, 'r2h', sums, 'replica 2 to 3, re-run before heal finished', 'replicate',
                      'self-heal daemon off', 'not ok until heal finished')


def test_disperse_never_more_bricks_offline_or_rebuilt_than_redundancy(pool):
    """Disperse 4+2 with node6's brick offline while files are written: replacing two more bricks would
    leave 3 of 6 fragments; refused before any change. Then, all online, three bricks in one request:
    two, heal, then the third (three at once left 3 of 6 fragments)."""
    bricks = ['node%d:/bricks/ec6/b' % number for number in range(1, 7)]
    create(pool, 'ec6', ['disperse', '6', 'redundancy', '2'], bricks, count=FEW // 3)
    kill_brick(pool, 'node6', 'ec6')
    write_files(pool, 'node1', '/mnt/ec6', count=50, seed=9, prefix='z')
    sums = checksums(pool, 'node1', '/mnt/ec6')
    replace = {'volume': 'ec6', 'state': 'replaced', 'bricks': bricks[3:5], 'timeout': 60,
               'new_bricks': ['node1:/bricks/ec6/n4', 'node1:/bricks/ec6/n5']}
    refused, calls = run(pool, replace)
    assert refused['failed'] and refused['commands'] == [] and changing_calls(calls) == []
    assert refused['msg'] == (
        'bricks: set 1 (%s) has redundancy 2 and this is offline (node6:/bricks/ec6/b): rebuilding '
        'node5:/bricks/ec6/b as well would leave too few fragments of its files; bring the offline bricks back or '
        'rebuild them first' % ', '.join(bricks))
    pool.gluster('node1', 'volume', 'start', 'ec6', 'force')
    wait_healed(pool, 'ec6', 6)
    verify_and_record(pool, 'ec6', sums, 'replace 2 bricks of a set with a third offline', 'disperse 4+2',
                      'brick offline, files written', 'refused, nothing changed')

    replace = {'volume': 'ec6', 'state': 'replaced', 'bricks': bricks[3:], 'timeout': 900,
               'new_bricks': ['node1:/bricks/ec6/n4', 'node1:/bricks/ec6/n5', 'node1:/bricks/ec6/n6']}
    result, calls = run(pool, replace)
    ok(result)
    first, second, third = ['--mode=script volume replace-brick ec6 %s %s commit force --xml' % pair
                            for pair in zip(replace['bricks'], replace['new_bricks'])]
    assert once(result['commands']) == ['gluster ' + first, 'gluster ' + second, 'gluster --mode=script volume heal '
                                        'ec6 --xml', 'gluster ' + third]
    assert '--mode=script volume heal ec6 info summary --xml' in calls[calls.index(second):calls.index(third)]
    assert result['healed']
    verify_and_record(pool, 'ec6', sums, 'replace 3 bricks of one set', 'disperse 4+2', 'none',
                      'two, heal, then the third; heal verified')
