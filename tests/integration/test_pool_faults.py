"""Faults and races on a 3-node pool.

Two playbooks at once on the same volume: each ends in a clean success or a refusal before any
change, the change made once.

A fault during heal after replace-brick (the new brick's server loses its network, or a partner's
glusterd restarts, for 20 s): the run either fails saying heal is not done or reports ok with heal
verified, never ok unhealed; a re-run waits for heal and only then reports ok.

gluster_server restarts glusterd (here: for a new brick port range) one server at a time, only
while the pool is whole and healed, and waits for the server's bricks and for heal before the
next: on Debian a glusterd restart stops that server's bricks too (KillMode=control-group).

A replica 3 volume holds checksummed files, and a client keeps writing through the restarts;
every file is read back through a fresh mount afterwards."""
import re
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from .brick_data import checksums, mount, write_files
from .safety_matrix import verify_and_record

LAB_NODES = 3
VOLUME = 'restart'
PORTS = '49152-49999'
# The range the refused restart asks for: never applied, so it differs from every server's whichever
# test runs first.
REFUSED_PORTS = '49152-49888'
# Writes a file every 0.1 s into /mnt/restart/during until /tmp/stop-writing exists.
WRITER = ('mkdir -p /mnt/restart/during; n=0; while [ ! -e /tmp/stop-writing ]; do n=$((n+1)); '
          'head -c 4096 /dev/urandom > /mnt/restart/during/w$n 2>/dev/null; sleep 0.1; done')


def role_play(**variables):
    return {'hosts': 'node1,node2,node3', 'gather_facts': True,
            'roles': [{'role': 'glusterdock.storage.gluster_server', 'vars': variables}]}


def recap_changed(output, node):
    return int(re.search(r'%s\s+: ok=\d+\s+changed=(\d+)' % node, output).group(1))


def glusterd_pid(lab, node):
    return lab.sh(node, 'systemctl show -p MainPID --value glusterd').stdout.strip()


def glusterd_started(lab, node):
    """When glusterd last started, on the clock every lab container shares (the host's)."""
    return int(lab.sh(node, 'systemctl show -p ExecMainStartTimestampMonotonic --value glusterd').stdout.strip())


def restart_volume(lab):
    """The started replica 3 volume restart, mounted on node1 with 500 files (made by whichever
    restart test runs first); returns the checksums of every file on it."""
    if VOLUME not in lab.gluster('node1', 'volume', 'list').split():
        for node in lab.nodes:
            lab.sh(node, 'mkdir -p /bricks/%s' % VOLUME)
        lab.gluster('node1', 'volume', 'create', VOLUME, 'replica', '3',
                    *['%s:/bricks/%s/b' % (node, VOLUME) for node in lab.nodes])
        lab.gluster('node1', 'volume', 'start', VOLUME)
        write_files(lab, 'node1', mount(lab, 'node1', VOLUME), count=500)
    return checksums(lab, 'node1', mount(lab, 'node1', VOLUME))


def test_two_runs_at_once_growing_the_same_volume_both_succeed_and_grow_it_once(pool):
    for node in pool.nodes:
        pool.sh(node, 'mkdir -p /bricks/race')
    first = ['%s:/bricks/race/b1' % node for node in pool.nodes]
    second = ['%s:/bricks/race/b2' % node for node in pool.nodes]
    pool.gluster('node1', 'volume', 'create', 'race', 'replica', '3', *first)
    pool.gluster('node1', 'volume', 'start', 'race')
    path = mount(pool, 'node1', 'race')
    write_files(pool, 'node1', path, count=500, seed=7)
    sums = checksums(pool, 'node1', path)
    args = {'name': 'race', 'replica': 3, 'bricks': first + second, 'options': {'performance.write-behind': 'off'}}
    with ThreadPoolExecutor(2) as runs:
        results = list(runs.map(lambda node: pool.run_module(node, 'glusterdock.storage.gluster_volume', args),
                                ['node1', 'node2']))
    # Each run ends in a clean success, or in a refusal before any change when it found the brick
    # being added by the other run at that very moment.
    for result in results:
        if result.get('failed'):
            assert 'is already being added to volume race' in result['msg'] and result['commands'] == [], result
    assert not all(result.get('failed') for result in results)
    info = pool.gluster('node1', 'volume', 'info', 'race')
    assert 'Number of Bricks: 2 x 3 = 6' in info and 'performance.write-behind: off' in info
    # However the two interleaved, the bricks went in once (2 x 3 above, not more).
    verify_and_record(pool, 'race', sums, 'grow a volume (gluster_volume)', 'replica 3 -> 2 x 3',
                      'two playbooks at once', 'grown once; the other run ok or refused unchanged')


# Each fault lasts 20 s from the moment the new brick is in the volume.
FAULTS_DURING_HEAL = {
    # The link down keeps node3's address, so the pool reconnects by itself; the default route goes
    # with the link and is put back (later tests install packages on node3).
    'network partition of its server during heal': (
        'node3', 'ip route show default > /tmp/default-route && ip link set eth0 down',
        'ip link set eth0 up && ip route replace $(cat /tmp/default-route)'),
    # On Debian this stops node2's brick too: one of the two copies heal reads from.
    'glusterd of a partner restarted during heal': ('node2', 'systemctl stop glusterd', 'systemctl start glusterd'),
}


@pytest.mark.parametrize('fault', sorted(FAULTS_DURING_HEAL))
def test_a_fault_during_heal_never_ends_ok_unhealed(pool, fault):
    volume = 'part%d' % sorted(FAULTS_DURING_HEAL).index(fault)
    node, start_fault, end_fault = FAULTS_DURING_HEAL[fault]
    for name in pool.nodes:
        pool.sh(name, 'mkdir -p /bricks/%s' % volume)
    old, new = 'node3:/bricks/%s/b' % volume, 'node3:/bricks/%s/new' % volume
    pool.gluster('node1', 'volume', 'create', volume, 'replica', '3', 'node1:/bricks/%s/b' % volume,
                 'node2:/bricks/%s/b' % volume, old)
    pool.gluster('node1', 'volume', 'start', volume)
    path = mount(pool, 'node1', volume)
    write_files(pool, 'node1', path, count=1500, seed=11)
    sums = checksums(pool, 'node1', path)
    args = {'volume': volume, 'state': 'replaced', 'bricks': [old], 'new_bricks': [new], 'timeout': 60}
    with ThreadPoolExecutor(1) as runs:
        replacing = runs.submit(pool.run_module, 'node3', 'glusterdock.storage.gluster_brick', args)
        deadline = time.monotonic() + 120
        while new not in pool.gluster('node1', 'volume', 'info', volume) and time.monotonic() < deadline:
            time.sleep(0.2)
        pool.sh(node, start_fault)
        try:
            time.sleep(20)
        finally:
            pool.sh(node, end_fault)
        first = replacing.result()
    # Either a failure that says heal is not done, or ok with heal verified: never ok unhealed.
    if first.get('failed'):
        assert 'heal' in first['msg'], first['msg']
    else:
        assert first['healed'] is True, first
    pool.wait_for_pool()
    again = pool.run_module('node3', 'glusterdock.storage.gluster_brick', dict(args, timeout=600))
    assert not again.get('failed'), again.get('msg')
    assert again['commands'] == [] or all(' heal ' in command for command in again['commands']), again['commands']
    heal = pool.gluster('node1', 'volume', 'heal', volume, 'info', 'summary')
    assert 'Total Number of entries: 0' in heal and 'Total Number of entries: 1' not in heal, heal
    verify_and_record(pool, volume, sums, 'replace a brick (gluster_brick)', 'replica 3', fault,
                      'failed or ok only once healed; re-run ok')


def test_a_brick_down_stops_the_restart_before_any_server_restarts(pool):
    sums = restart_volume(pool)
    pids = {node: glusterd_pid(pool, node) for node in pool.nodes}
    pool.sh('node2', "pkill -f '[g]lusterfsd.*bricks/%s/b'" % VOLUME)
    result = pool.run_play(role_play(gluster_server_brick_ports=REFUSED_PORTS))
    assert result.returncode != 0
    failures = ' '.join(line for line in result.stdout.splitlines() if line.startswith('fatal:'))
    assert ('Not restarting glusterd on node1: a glusterd restart stops that server\'s bricks too, and the pool is '
            'not whole: brick node2:/bricks/restart/b (volume restart) is offline') in failures, failures
    assert {node: glusterd_pid(pool, node) for node in pool.nodes} == pids
    for node in pool.nodes:  # no server has the new range: a re-run still has every server to do
        assert 'max-port 49888' not in pool.sh(node, 'cat /etc/glusterfs/glusterd.vol').stdout
    # Bring the brick back (start force starts only bricks that are down) and let heal finish.
    pool.gluster('node1', 'volume', 'start', VOLUME, 'force')
    pool.sh('node1', 'for i in $(seq 1 120); do gluster.real volume heal %s info summary | grep -q '
                     '"Total Number of entries: [1-9]" || exit 0; sleep 1; done; exit 1' % VOLUME)
    verify_and_record(pool, VOLUME, sums, 'rolling glusterd restart (gluster_server)', 'replica 3',
                      'brick process killed', 'refused, nothing restarted')


def test_servers_restart_one_at_a_time_with_heal_in_between_and_no_file_lost(pool):
    before = restart_volume(pool)
    pool.sh('node1', 'cat > /tmp/writer.sh', stdin=WRITER)
    pool.sh('node1', 'rm -f /tmp/stop-writing; nohup sh /tmp/writer.sh >/dev/null 2>&1 &')
    try:
        result = pool.run_play(role_play(gluster_server_brick_ports=PORTS))
    finally:
        pool.sh('node1', 'touch /tmp/stop-writing; sleep 1')
    assert result.returncode == 0, result.stdout[-4000:]
    for node in pool.nodes:
        config = pool.sh(node, 'cat /etc/glusterfs/glusterd.vol').stdout
        assert 'option base-port 49152' in config and 'option max-port 49999' in config
    # One after the other: each server's glusterd started after the one before it was healed.
    started = [glusterd_started(pool, node) for node in pool.nodes]
    assert started == sorted(started) and len(set(started)) == 3, started
    output = ' '.join(result.stdout.split())
    order = [output.index('TASK [glusterdock.storage.gluster_server : Restart glusterd on %s]' % node) for node in pool.nodes]
    heal_waits = [output.index('Read heal of every replicated volume - after the restart, on %s' % node)
                  for node in pool.nodes]
    assert order[0] < heal_waits[0] < order[1] < heal_waits[1] < order[2] < heal_waits[2]
    everything = checksums(pool, 'node1', '/mnt/%s' % VOLUME)
    written_during = len(everything) - len(before)
    assert set(before) <= set(everything) and written_during > 50, written_during
    verify_and_record(pool, VOLUME, everything, 'rolling glusterd restart (gluster_server)', 'replica 3',
                      'client writing throughout', 'done, one server at a time, heal verified')
    again = pool.run_play(role_play(gluster_server_brick_ports=PORTS))
    assert again.returncode == 0 and all(recap_changed(again.stdout, node) == 0 for node in pool.nodes), \
        again.stdout[-3000:]
