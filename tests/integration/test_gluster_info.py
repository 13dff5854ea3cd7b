"""The read side and healing on a real pool with a Docker host that mounts a volume: gluster_info
and playbooks/health.yml (a healthy lab reports healthy; a killed brick with writes pending heal, a
real split-brain, a stopped node, a brick over the threshold and a dead FUSE client each appear as
the right problem and the right metric) and gluster_heal (a heal started and waited for; split-brain
resolved only by an explicit policy). Every test puts the lab back as it found it, so they run in
any order."""
import contextlib
import subprocess

import pytest
from prometheus_client.parser import text_string_to_metric_families

LAB_NODES = 3
LAB_DOCKER_HOSTS = 1
MODULE = 'glusterdock.storage.gluster_info'
MOUNT = '/mnt/glusterfs/web'
TEXTFILE = '/tmp/gluster.prom'


def info(lab, **args):
    """gluster_info on node1; returns (result, gluster calls it made)."""
    lab.reset_call_log()
    result = lab.run_module('node1', MODULE, args)
    assert not result.get('failed'), result.get('msg')
    return result, lab.call_log('node1')


def health(lab, *extra):
    """playbooks/health.yml with metrics written on node1; returns (rc, output, metrics or None)."""
    lab.sh('node1', 'rm -f %s' % TEXTFILE)
    completed = subprocess.run(['ansible-playbook', '-i', lab.inventory, 'playbooks/health.yml',
                                '-e', 'health_textfile_path=%s' % TEXTFILE] + list(extra),
                               capture_output=True, text=True, cwd=lab.root, check=False)
    text = lab.sh('node1', 'cat %s' % TEXTFILE, check=False).stdout
    metrics = None
    if text:
        metrics = {(sample.name, tuple(sorted(sample.labels.items()))): sample.value
                   for family in text_string_to_metric_families(text) for sample in family.samples}
    return completed.returncode, completed.stdout + completed.stderr, metrics


def brick_pid(lab, node, volume):
    return lab.sh(node, 'cat /var/run/gluster/vols/%s/*.pid | head -1' % volume).stdout.strip()


def wait_until(lab, node, script, seconds=120):
    lab.sh(node, 'for i in $(seq 1 %d); do %s && exit 0; sleep 0.5; done; exit 1' % (seconds * 2, script))


def heal_is_done(lab):
    lab.gluster('node1', 'volume', 'heal', 'web')
    wait_until(lab, 'node1', '[ "$(gluster.real volume heal web info summary | grep -c "Number of entries: 0")" = 3 ]')


@pytest.fixture(scope='module')
def web(pool):
    """Volume web (replica 3) mounted at /mnt/glusterfs/web on docker1 with 20 files, and volume
    plain (distribute, 2 bricks)."""
    for node in pool.nodes:
        pool.sh(node, 'mkdir -p /bricks/web /bricks/plain')
    pool.gluster('node1', 'volume', 'create', 'web', 'replica', '3', *['%s:/bricks/web/b' % node for node in pool.nodes])
    pool.gluster('node1', 'volume', 'create', 'plain', 'node1:/bricks/plain/b', 'node2:/bricks/plain/b')
    pool.gluster('node1', 'volume', 'start', 'web')
    pool.gluster('node1', 'volume', 'start', 'plain')
    wait_until(pool, 'node1', '[ "$(gluster.real volume status web | grep -c " Y ")" -ge 6 ]')
    pool.sh('docker1', 'mkdir -p {0} && mount -t glusterfs -o backup-volfile-servers=node2:node3 node1:/web {0} && '
                       'for i in $(seq 1 20); do echo $i > {0}/f$i; done'.format(MOUNT))
    yield pool
    pool.unmount('docker1', MOUNT)


def test_a_healthy_pool_is_healthy_in_seven_calls_and_the_playbook_says_so(web):
    result, calls = info(web)
    assert result['healthy'] and result['problems'] == [] and not result['changed']
    # pool list, volume get all all, volume info, status all, status all detail, heal summary of
    # web (plain has no copies to heal), status all clients: 7, however many bricks.
    assert len(calls) == result['calls'] == 7, calls
    volume = next(volume for volume in result['volumes'] if volume['name'] == 'web')
    assert volume['bricks_online'] == 3 and volume['heal']['pending'] == 0
    assert any(client['op_version'] for client in volume['clients'])

    rc, output, metrics = health(web)
    assert rc == 0, output[-3000:]
    assert 'healthy' in output and 'live mounts' in output
    assert metrics[('gluster_healthy', ())] == 1
    assert metrics[('gluster_mount_live', (('host', 'docker1'), ('mountpoint', MOUNT), ('volume', 'web')))] == 1

    # --check reads all the same and writes nothing.
    rc, output, metrics = health(web, '--check')
    assert rc == 0 and metrics is None, output[-3000:]


def test_a_killed_brick_with_writes_pending_heal(web):
    web.sh('node2', 'kill %s' % brick_pid(web, 'node2', 'web'))
    try:
        wait_until(web, 'node1', 'gluster.real volume status web | grep "^Brick node2" | grep -q " N "')
        web.sh('docker1', 'for i in $(seq 1 5); do echo changed > %s/f$i; done' % MOUNT)
        result, _calls = info(web, gather_subset=['status', 'heal'])
        assert not result['healthy']
        assert 'brick node2:/bricks/web/b of volume web offline' in result['problems']
        assert 'volume web: 5 entries waiting for heal on node1:/bricks/web/b' in result['problems']
        rc, output, metrics = health(web)
        assert rc != 0 and 'brick node2:/bricks/web/b of volume web offline' in output
        down = (('brick', 'node2:/bricks/web/b'), ('volume', 'web'))
        assert metrics[('gluster_brick_online', down)] == 0
        assert metrics[('gluster_heal_pending_entries', (('brick', 'node1:/bricks/web/b'), ('volume', 'web')))] == 5
    finally:
        web.gluster('node1', 'volume', 'start', 'web', 'force')
        wait_until(web, 'node1', '[ "$(gluster.real volume status web | grep -c "^Brick.* Y ")" = 3 ]')
        heal_is_done(web)
    assert info(web)[0]['healthy']


@contextlib.contextmanager
def split_brain(lab):
    """Volume split (replica 2 on node1 and node2, client quorum and every heal off) whose file
    /torn is in data split-brain: each brick killed in turn while the file was written. The
    self-heal daemon is on again when the block runs; the volume is deleted after it."""
    for node in ('node1', 'node2'):
        lab.sh(node, 'mkdir -p /bricks/split')
    lab.gluster('node1', 'volume', 'create', 'split', 'replica', '2', 'node1:/bricks/split/b', 'node2:/bricks/split/b',
                'force')
    for key, value in (('cluster.quorum-type', 'none'), ('cluster.self-heal-daemon', 'off'),
                       ('cluster.data-self-heal', 'off'), ('cluster.metadata-self-heal', 'off'),
                       ('cluster.entry-self-heal', 'off')):
        lab.gluster('node1', 'volume', 'set', 'split', key, value)
    lab.gluster('node1', 'volume', 'start', 'split')
    try:
        lab.sh('node3', 'mkdir -p /mnt/split && mount -t glusterfs node1:/split /mnt/split && echo both > /mnt/split/torn')
        for side in ('node2', 'node1'):
            lab.sh(side, 'kill %s' % brick_pid(lab, side, 'split'))
            wait_until(lab, 'node1', 'gluster.real volume status split | grep "^Brick %s" | grep -q " N "' % side)
            lab.sh('node3', 'echo written-without-%s > /mnt/split/torn' % side)
            lab.gluster('node1', 'volume', 'start', 'split', 'force')
            # The mount reconnects to the restarted brick on its own schedule: wait until its
            # replication layer counts both bricks up (the brick counting the connection is not
            # enough), or the next write finds no good copy.
            wait_until(lab, 'node3', 'grep -Eq "child_up\\[0\\] ?= ?1" {0} && grep -Eq "child_up\\[1\\] ?= ?1" {0}'
                       .format('/mnt/split/.meta/graphs/active/split-replicate-0/private'))
        lab.unmount('node3', '/mnt/split')
        lab.gluster('node1', 'volume', 'set', 'split', 'cluster.self-heal-daemon', 'on')
        wait_until(lab, 'node1', 'gluster.real volume heal split info split-brain | grep -q torn')
        yield
    finally:
        lab.unmount('node3', '/mnt/split')
        lab.gluster('node1', 'volume', 'stop', 'split')
        lab.gluster('node1', 'volume', 'delete', 'split')
        for node in ('node1', 'node2'):
            lab.sh(node, 'rm -rf /bricks/split')


def heal(lab, args, check=False):
    """gluster_heal on node1; returns (result, gluster calls it made)."""
    lab.reset_call_log()
    result = lab.run_module('node1', 'glusterdock.storage.gluster_heal', args, check=check, diff=check)
    return result, lab.call_log('node1')


def test_a_real_split_brain_is_named(web):
    with split_brain(web):
        result, calls = info(web, gather_subset=['heal'], volumes=['split'])
        assert result['problems'] == ['volume split: 1 file in split-brain (/torn)']
        assert result['volumes'][0]['heal']['split_brain_files'] == ['/torn']
        assert '--mode=script volume heal split info split-brain --xml' in calls
        rc, _output, metrics = health(web)
        assert rc != 0 and metrics[('gluster_split_brain_entries', (('volume', 'split'),))] == 1
    assert info(web)[0]['healthy']


def test_split_brain_is_resolved_only_by_an_explicit_policy(web):
    with split_brain(web):
        refused, _calls = heal(web, {'volume': 'split'})
        assert refused['failed'] and refused['commands'] == []
        assert refused['msg'].startswith('volume split has 1 file in split-brain: /torn. Nothing was changed.')
        keep_node2 = {'volume': 'split', 'split_brain': {'policy': 'source-brick', 'source_brick': 'node2:/bricks/split/b'}}
        planned, calls = heal(web, keep_node2, check=True)
        assert planned['changed'] and planned['commands'] == [
            'gluster --mode=script volume heal split split-brain source-brick node2:/bricks/split/b',
            'gluster --mode=script volume heal split']
        assert not [call for call in calls if 'source-brick' in call]
        assert 'torn' in web.gluster('node1', 'volume', 'heal', 'split', 'info', 'split-brain')

        resolved, _calls = heal(web, keep_node2)
        assert not resolved.get('failed') and resolved['changed'], resolved.get('msg')
        assert resolved['resolutions'] == [{'file': '/torn', 'policy': 'source-brick',
                                            'source_brick': 'node2:/bricks/split/b'}]
        assert all(brick['split_brain'] == 0 and brick['pending'] == 0 for brick in resolved['heal'])
        # node2's copy won: the one written while node1's brick was down.
        web.sh('node3', 'mkdir -p /mnt/split && mount -t glusterfs node1:/split /mnt/split')
        assert web.sh('node3', 'cat /mnt/split/torn').stdout.strip() == 'written-without-node1'
        for node in ('node1', 'node2'):
            assert web.sh(node, 'cat /bricks/split/b/torn').stdout.strip() == 'written-without-node1'
        again, calls = heal(web, keep_node2)
        assert (again['changed'], again['commands']) == (False, []) and len(calls) == 2, calls


def test_a_heal_is_started_and_waited_for(web):
    web.sh('node2', 'kill %s' % brick_pid(web, 'node2', 'web'))
    wait_until(web, 'node1', 'gluster.real volume status web | grep "^Brick node2" | grep -q " N "')
    web.sh('docker1', 'for i in $(seq 1 5); do echo healed > %s/h$i; done' % MOUNT)
    web.gluster('node1', 'volume', 'start', 'web', 'force')
    wait_until(web, 'node1', '[ "$(gluster.real volume status web | grep -c "^Brick.* Y ")" = 3 ]')
    result, _calls = heal(web, {'volume': 'web', 'timeout': 300})
    assert not result.get('failed') and result['changed'], result.get('msg')
    assert result['commands'] == ['gluster --mode=script volume heal web']
    assert result['progress'] and result['progress'][-1]['pending'] == 0
    for number in range(1, 6):
        assert web.sh('node2', 'cat /bricks/web/b/h%d' % number).stdout.strip() == 'healed'
    again, calls = heal(web, {'volume': 'web'})
    assert (again['changed'], again['commands']) == (False, []) and len(calls) == 2, calls


def test_a_stopped_node_is_a_disconnected_peer_with_its_bricks_offline(web):
    web.sh('node3', 'systemctl stop glusterd')
    try:
        wait_until(web, 'node1', 'gluster.real pool list | grep -q Disconnected')
        result, _calls = info(web)
        assert result['problems'][0] == 'peer node3 is disconnected'
        assert 'brick node3:/bricks/web/b of volume web offline' in result['problems']
        rc, _output, metrics = health(web)
        assert rc != 0 and metrics[('gluster_peer_connected', (('peer', 'node3'),))] == 0
    finally:
        web.sh('node3', 'systemctl start glusterd')
        web.wait_for_glusterd('node3')
        web.wait_for_pool()
        wait_until(web, 'node1', '[ "$(gluster.real volume status web | grep -c "^Brick.* Y ")" = 3 ]')
        heal_is_done(web)
    assert info(web)[0]['healthy']


def test_a_brick_over_the_threshold(web):
    used = info(web, gather_subset=['status'])[0]['volumes'][1]['bricks'][0]['used_percent']
    threshold = max(1, int(used))
    result, _calls = info(web, gather_subset=['status'], full_percent=threshold)
    assert 'brick node1:/bricks/plain/b %d%% full' % used in result['problems']
    rc, output, _metrics = health(web, '-e', 'health_full_percent=%d' % threshold)
    assert rc != 0 and '%d%% full' % used in output


def test_a_dead_fuse_client_on_a_docker_host(web):
    web.sh('docker1', 'pkill -KILL -f -- " %s$"' % MOUNT)
    try:
        rc, output, metrics = health(web)
        assert rc != 0
        assert 'docker1: mount %s of volume web is dead (Transport endpoint is not connected)' % MOUNT in output
        assert metrics[('gluster_mount_live', (('host', 'docker1'), ('mountpoint', MOUNT), ('volume', 'web')))] == 0
    finally:
        web.sh('docker1', 'umount -l {0}; mount -t glusterfs node1:/web {0}'.format(MOUNT))
    assert web.sh('docker1', 'cat %s/f20' % MOUNT).stdout.strip() == '20'
    assert health(web)[0] == 0


def test_bad_input_fails_before_any_gluster_call(web):
    web.reset_call_log()
    result = web.run_module('node1', MODULE, {'volumes': ['-x']})
    assert result['failed'] and result['msg'] == 'volumes: \'-x\' must not start with "-"'
    assert web.call_log('node1') == []
