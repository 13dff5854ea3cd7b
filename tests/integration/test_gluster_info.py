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

from . import safety_matrix

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
def replica_2_without_heals(lab, volume):
    """Volume VOLUME, replica 2 on node1 and node2 with client quorum and every heal off, started;
    after the block its mount on node3 is removed, the volume deleted and its bricks wiped."""
    for node in ('node1', 'node2'):
        lab.sh(node, 'mkdir -p /bricks/%s' % volume)
    lab.gluster('node1', 'volume', 'create', volume, 'replica', '2', 'node1:/bricks/%s/b' % volume,
                'node2:/bricks/%s/b' % volume, 'force')
    for key, value in (('cluster.quorum-type', 'none'), ('cluster.self-heal-daemon', 'off'),
                       ('cluster.data-self-heal', 'off'), ('cluster.metadata-self-heal', 'off'),
                       ('cluster.entry-self-heal', 'off')):
        lab.gluster('node1', 'volume', 'set', volume, key, value)
    lab.gluster('node1', 'volume', 'start', volume)
    try:
        yield
    finally:
        lab.unmount('node3', '/mnt/%s' % volume)
        lab.gluster('node1', 'volume', 'stop', volume)
        lab.gluster('node1', 'volume', 'delete', volume)
        for node in ('node1', 'node2'):
            lab.sh(node, 'rm -rf /bricks/%s' % volume)


@contextlib.contextmanager
def split_brain(lab):
    """Volume split (replica_2_without_heals) whose file /torn is in data split-brain: each brick
    killed in turn while the file was written. The self-heal daemon is on again when the block
    runs; the volume is deleted after it."""
    with replica_2_without_heals(lab, 'split'):
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


ENTRY_BRICKS = {'node1': '/bricks/entry/b', 'node2': '/bricks/entry/b'}
NEWER_COPY = 'written-without-node2'


@contextlib.contextmanager
def entry_split_brain(lab, kind):
    """Volume entry (replica_2_without_heals) with one name created twice, each time through a
    fresh mount while the other brick was down, so the bricks disagree on the entry itself: kind
    'gfid' makes /g a file on both with different gfids (node1's copy, NEWER_COPY, written last and
    shorter), kind 'type' makes /d a directory on node1 and a file on node2. The self-heal daemon is
    on again when the block runs; the volume is deleted after it."""
    writes = {('gfid', 'node2'): 'echo written-without-node1-and-longer > /mnt/entry/g',
              ('gfid', 'node1'): 'echo %s > /mnt/entry/g' % NEWER_COPY,
              ('type', 'node2'): 'echo a-file > /mnt/entry/d',
              ('type', 'node1'): 'mkdir /mnt/entry/d && echo in-the-directory > /mnt/entry/d/inside'}
    with replica_2_without_heals(lab, 'entry'):
        wait_until(lab, 'node1', '[ "$(gluster.real volume status entry | grep -c "^Brick.* Y ")" = 2 ]')
        for down, up in (('node1', 'node2'), ('node2', 'node1')):
            lab.sh(down, 'kill %s' % brick_pid(lab, down, 'entry'))
            wait_until(lab, 'node1', 'gluster.real volume status entry | grep "^Brick %s" | grep -q " N "' % down)
            # A fresh mount sees only the brick that is up, so the name is new to it.
            lab.sh('node3', 'mkdir -p /mnt/entry && mount -t glusterfs node1:/entry /mnt/entry && sleep 1 && %s'
                   % writes[(kind, up)])
            lab.unmount('node3', '/mnt/entry')
            lab.gluster('node1', 'volume', 'start', 'entry', 'force')
            wait_until(lab, 'node1', '[ "$(gluster.real volume status entry | grep -c "^Brick.* Y ")" = 2 ]')
        name = {'gfid': 'g', 'type': 'd'}[kind]
        gfids = [brick_gfid(lab, node, '%s/%s' % (path, name)) for node, path in ENTRY_BRICKS.items()]
        assert gfids[0] != gfids[1], gfids
        lab.gluster('node1', 'volume', 'set', 'entry', 'cluster.self-heal-daemon', 'on')
        wait_until(lab, 'node1', 'gluster.real volume heal entry info summary | grep -q "split-brain: [1-9]"')
        yield


def brick_gfid(lab, node, path):
    """The gfid of PATH in a brick on NODE, as hex."""
    return lab.sh(node, "getfattr -h -n trusted.gfid -e hex %s 2>/dev/null | sed -n 's/^trusted.gfid=//p'" % path).stdout.strip()


def brick_entry(lab, name):
    """Per brick of volume entry: the type of NAME there, its gfid and the checksums of what it holds."""
    return {node: [lab.sh(node, 'stat -c %%F %s/%s' % (path, name)).stdout.strip(), brick_gfid(lab, node, '%s/%s' % (path, name))]
            + lab.sh(node, 'cd %s && find %s -type f | sort | xargs md5sum' % (path, name)).stdout.splitlines()
            for node, path in ENTRY_BRICKS.items()}


def changing_calls(calls):
    return [call for call in calls if ' info' not in call]


def test_a_gfid_split_brain_is_resolved_only_for_a_named_file_by_an_explicit_policy(web):
    with entry_split_brain(web, 'gfid'):
        before = brick_entry(web, 'g')
        refused, calls = heal(web, {'volume': 'entry'})
        assert refused['failed'] and refused['commands'] == [] and changing_calls(calls) == [], calls
        assert refused['msg'].startswith(
            'volume entry has 1 entry in split-brain: / (in it, /g has copies that differ in gfid or type on the '
            'bricks). Nothing was changed.'), refused['msg']
        assert brick_entry(web, 'g') == before

        newest = {'volume': 'entry', 'split_brain': {'policy': 'latest-mtime', 'files': ['/g']}}
        planned, calls = heal(web, newest, check=True)
        assert planned['changed'] and planned['commands'] == [
            'gluster --mode=script volume heal entry split-brain latest-mtime /g',
            'gluster --mode=script volume heal entry'], planned
        assert changing_calls(calls) == [] and brick_entry(web, 'g') == before

        resolved, _calls = heal(web, dict(newest, timeout=300))
        assert not resolved.get('failed') and resolved['changed'], resolved.get('msg')
        assert resolved['resolutions'] == [{'file': '/g', 'policy': 'latest-mtime', 'source_brick': None}]
        after = brick_entry(web, 'g')
        assert after['node1'][1] == after['node2'][1] == before['node1'][1], (before, after)
        # The directory stays in split-brain (both bricks blame each other for its metadata), which
        # only source-brick resolves; the task says so.
        assert any(warning.startswith('directory / stays in split-brain after its names are resolved')
                   for warning in resolved['warnings']), resolved['warnings']
        merge = {'volume': 'entry', 'timeout': 300,
                 'split_brain': {'policy': 'source-brick', 'source_brick': 'node1:/bricks/entry/b'}}
        merged, _calls = heal(web, merge)
        assert not merged.get('failed') and merged['commands'] == [
            'gluster --mode=script volume heal entry split-brain source-brick node1:/bricks/entry/b '
            'gfid:00000000-0000-0000-0000-000000000001', 'gluster --mode=script volume heal entry'], merged
        split = web.gluster('node1', 'volume', 'heal', 'entry', 'info', 'split-brain')
        assert split.count('Number of entries in split-brain: 0') == 2, split
        newer = web.sh('node3', 'echo %s | md5sum' % NEWER_COPY).stdout.split()[0]
        safety_matrix.verify_and_record(web, 'entry', ['%s  ./g' % newer], 'resolve a gfid split-brain by latest-mtime',
                                        'replica 2', 'same name created on each brick while the other was down',
                                        'done, newer copy kept, heal verified', node='node3')
        again, calls = heal(web, merge)
        assert (again['changed'], again['commands']) == (False, []) and len(calls) == 2, calls


def test_a_type_mismatch_is_refused_with_what_to_do(web):
    with entry_split_brain(web, 'type'):
        before = brick_entry(web, 'd')
        assert [before['node1'][0], before['node2'][0]] == ['directory', 'regular file']
        for args in ({'volume': 'entry', 'split_brain': {'policy': 'latest-mtime', 'files': ['/d']}},
                     {'volume': 'entry', 'split_brain': {'policy': 'source-brick', 'source_brick': 'node1:/bricks/entry/b'}}):
            refused, calls = heal(web, args)
            assert refused['failed'], refused
            assert ('/d has copies of different types: directory on node1:/bricks/entry/b, regular file on '
                    'node2:/bricks/entry/b. gluster cannot resolve this') in refused['msg'], refused['msg']
            assert 'remove the entry and its .glusterfs gfid link on that brick' in refused['msg'], refused['msg']
            # Both copies as they were, on their bricks (through the volume the name answers EIO
            # until the operator removes one).
            assert brick_entry(web, 'd') == before


def test_a_heal_is_started_and_waited_for(web):
    web.sh('node2', 'kill %s' % brick_pid(web, 'node2', 'web'))
    wait_until(web, 'node1', 'gluster.real volume status web | grep "^Brick node2" | grep -q " N "')
    web.sh('docker1', 'for i in $(seq 1 5); do echo healed > %s/h$i; done' % MOUNT)
    web.gluster('node1', 'volume', 'start', 'web', 'force')
    wait_until(web, 'node1', '[ "$(gluster.real volume status web | grep -c "^Brick.* Y ")" = 3 ]')
    result, _calls = heal(web, {'volume': 'web', 'timeout': 300})
    assert not result.get('failed'), result.get('msg')
    # The self-heal daemon crawls a brick's index as soon as the brick is back, so on a slow run it
    # may have healed everything before the module reads: then there is rightly nothing to start.
    if result['changed']:
        assert result['commands'] == ['gluster --mode=script volume heal web']
        assert result['progress'] and result['progress'][-1]['pending'] == 0
    else:
        assert result['commands'] == [] and all(brick['pending'] == 0 for brick in result['heal']), result
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
