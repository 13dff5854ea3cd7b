"""playbooks/replace_server.yml on a replica 3 volume (and a 2 x 3 volume with two bricks on every server) while a container on a Docker host keeps writing to a
GlusterFS-backed Docker volume: a server removed for good is replaced by a new host, and by the same host rebuilt
(its old peer UUID restored, its bricks reset); refusals change nothing."""
import json
import re
import subprocess

import pytest

from . import brick_data, safety_matrix

LAB_DOCKER_HOSTS = 1
VOLUME = 'rs'
BRICK = '/bricks/rs/b'
# The dead server holds two bricks of this one (one of each set): one gluster_brick call must rebuild both.
VOLUME2 = 'rs2'
BRICKS2 = ('/bricks/rs2/b1', '/bricks/rs2/b2')
DOCKER_VOLUME = 'rsdata'
MOUNT_POINT = '/mnt/glusterfs/rs'
STATE = '/root/rs-writer'
PLAYBOOK = 'playbooks/replace_server.yml'
# Runs in a busybox container on docker1: one file a second on the GlusterFS-backed Docker volume, each
# written with fsync before its checksum is recorded (outside the volume); a failed write is recorded too.
WRITER = ('n=0; while [ ! -e /state/stop ]; do f=w$n; '
          'if dd if=/dev/urandom of=/data/$f bs=1k count=$((n % 30 + 1)) conv=fsync 2>/dev/null; '
          'then echo "$(md5sum < /data/$f | cut -d" " -f1)  ./$f" >> /state/sums; '
          'else echo "$f failed" >> /state/errors; fi; n=$((n + 1)); sleep 1; done')
CHANGING = ('replace-brick', 'reset-brick', 'probe', 'detach', 'add-brick', 'remove-brick', 'create', 'start', 'stop')


def replace(lab, old, new, check=False):
    command = ['ansible-playbook', '-i', lab.inventory, PLAYBOOK, '-e',
               json.dumps({'replace_server_old': old, 'replace_server_new': new})]
    return subprocess.run(command + (['--check'] if check else []), capture_output=True, text=True, cwd=lab.root,
                          check=False)


def recap_changed(output):
    return sorted(set(re.findall(r'changed=(\d+)', output.split('PLAY RECAP')[-1])))


def changing(lab):
    """Changing gluster calls on every node since the call log was reset (heal info reads do not count)."""
    calls = [call for node in lab.nodes for call in lab.call_log(node)]
    return [call for call in calls if any(word in call.split() for word in CHANGING) or
            (' heal ' in call and ' info ' not in call)]


def bricks(lab):
    info = lab.gluster('node1', 'volume', 'info', VOLUME, '--xml')
    return re.findall(r'<name>(node\d+:%s)</name>' % BRICK, info)


def assert_whole(lab):
    """Every lab node in the pool, connected; the volume's bricks on them, all online; heal zero."""
    peers = lab.gluster('node1', 'peer', 'status')
    assert peers.count('Peer in Cluster (Connected)') == len(lab.nodes) - 1, peers
    for node in lab.nodes[1:]:
        assert 'Hostname: %s\n' % node in peers, peers
    assert bricks(lab) == ['%s:%s' % (node, BRICK) for node in lab.nodes]
    status = lab.gluster('node1', 'volume', 'status', VOLUME, '--xml')
    assert status.count('<status>1</status>') >= 3, status
    heal = lab.gluster('node1', 'volume', 'heal', VOLUME, 'info', 'summary')
    totals = re.findall(r'Total Number of entries: (\d+)', heal)
    assert totals == ['0'] * 3, heal
    info = lab.gluster('node1', 'volume', 'info', VOLUME2, '--xml')
    assert re.findall(r'<name>(node\d+:/bricks/rs2/b\d)</name>', info) == [
        '%s:%s' % (node, path) for path in BRICKS2 for node in lab.nodes]
    heal = lab.gluster('node1', 'volume', 'heal', VOLUME2, 'info', 'summary')
    assert re.findall(r'Total Number of entries: (\d+)', heal) == ['0'] * 6, heal


@pytest.fixture(scope='module')
def volume(pool):
    """The replica 3 volume rs on the lab's nodes, a Docker volume on it on docker1, 100 checksummed files."""
    for node in pool.nodes:
        pool.sh(node, 'mkdir -p /bricks/rs')
    pool.gluster('node1', 'volume', 'create', VOLUME, 'replica', '3', *['%s:%s' % (node, BRICK) for node in pool.nodes])
    pool.gluster('node1', 'volume', 'start', VOLUME)
    result = pool.run_module('docker1', 'glusterdock.storage.docker_gluster_volume',
                             {'name': DOCKER_VOLUME, 'gluster_volume': VOLUME, 'servers': ['node1', 'node2']})
    assert not result.get('failed'), result
    brick_data.write_files(pool, 'docker1', '%s/%s' % (MOUNT_POINT, DOCKER_VOLUME), count=100, largest=16 * 1024)
    pool.before = brick_data.checksums(pool, 'docker1', '%s/%s' % (MOUNT_POINT, DOCKER_VOLUME))
    for node in pool.nodes:
        pool.sh(node, 'mkdir -p /bricks/rs2')
    pool.gluster('node1', 'volume', 'create', VOLUME2, 'replica', '3',
                 *['%s:%s' % (node, path) for path in BRICKS2 for node in pool.nodes])
    pool.gluster('node1', 'volume', 'start', VOLUME2)
    mounted = brick_data.mount(pool, 'docker1', VOLUME2)
    brick_data.write_files(pool, 'docker1', mounted, count=60, largest=16 * 1024)
    pool.before2 = brick_data.checksums(pool, 'docker1', mounted)
    brick_data.unmount(pool, 'docker1', VOLUME2)
    return pool


class Writer(object):
    """The writing container on docker1, started fresh for one test."""

    def __init__(self, lab):
        self.lab = lab
        lab.sh('docker1', 'docker rm -f rs-writer >/dev/null 2>&1; rm -rf %s; mkdir -p %s' % (STATE, STATE))
        lab.sh('docker1', "docker run -d --name rs-writer -v %s:/data -v %s:/state glusterdock/busybox sh -c '%s'"
               % (DOCKER_VOLUME, STATE, WRITER))

    def count(self):
        return len(self.lab.sh('docker1', 'cat %s/sums 2>/dev/null || true' % STATE).stdout.splitlines())

    def stop(self):
        self.lab.sh('docker1', 'touch %s/stop; docker wait rs-writer >/dev/null; docker rm rs-writer >/dev/null'
                    % STATE)
        errors = self.lab.sh('docker1', 'cat %s/errors 2>/dev/null || true' % STATE).stdout
        sums = self.lab.sh('docker1', 'cat %s/sums' % STATE).stdout.splitlines()
        return errors, sums


def next_node(lab):
    return 'node%d' % (max(int(node[len('node'):]) for node in lab.nodes) + 1)


def test_refusals_change_nothing(volume):
    alive, other = volume.nodes[-1], volume.nodes[1]
    volume.reset_call_log()
    answers = replace(volume, alive, other)
    assert answers.returncode != 0
    text = ' '.join(answers.stdout.split())
    # Refused before the pool is read: the inventory host answers.
    assert ('replace server refused: %s still answers (the inventory host responds): replace only a server that is '
            'gone for good; move the bricks of a running server with gluster_brick state=replaced, or take it out '
            'with playbooks/shrink.yml. Nothing was changed.' % alive) in text, answers.stdout[-3000:]
    assert 'Read the volumes, the pool' not in answers.stdout
    unknown = replace(volume, 'node9', next_node(volume))
    assert unknown.returncode != 0
    assert ('replace server refused: replace_server_new %s is not an inventory host: add the replacement server to '
            'the inventory (group gluster_servers); node9 is neither a member of the trusted pool nor the host of a brick: check the name (as '
            'gluster pool list shows it, or its peer UUID). Nothing was changed.' % next_node(volume)
            in ' '.join(unknown.stdout.split())), unknown.stdout[-3000:]
    assert changing(volume) == []
    assert_whole(volume)


@pytest.mark.parametrize('case', ['new host', 'same host rebuilt'])
def test_a_server_gone_for_good_is_replaced_while_a_container_writes(volume, case):
    assert_whole(volume)
    old = volume.nodes[-1]
    new = next_node(volume) if case == 'new host' else old
    writer = Writer(volume)
    try:
        volume.remove_node(old)
        volume.add_node(new)
        # Check mode: the plan, and no change.
        volume.reset_call_log()
        planned = replace(volume, old, new, check=True)
        assert planned.returncode == 0, planned.stdout[-3000:]
        if case == 'new host':
            assert 'would replace %s:%s by %s:%s in volume rs, then wait for heal' % (old, BRICK, new, BRICK) \
                in planned.stdout
            for path in BRICKS2:
                assert 'would replace %s:%s by %s:%s in volume rs2' % (old, path, new, path) in planned.stdout
            assert 'would detach %s (' % old in planned.stdout
        else:
            assert 'would stop glusterd on %s, give it peer UUID' % new in ' '.join(planned.stdout.split())
            assert 'would reset %s:%s in volume rs, then wait for heal' % (old, BRICK) in planned.stdout
        assert changing(volume) == []
        written_before = writer.count()
        done = replace(volume, old, new)
        assert done.returncode == 0, done.stdout[-5000:]
        assert writer.count() > written_before
        calls = [call for node in volume.nodes for call in volume.call_log(node)]
        # gluster's own syntax for a rebuilt brick is the only force: none on the detach of the dead peer.
        action = 'replace-brick' if case == 'new host' else 'reset-brick'
        assert sorted(call for call in calls if 'force' in call.split()) == sorted(
            ['--mode=script volume %s rs %s:%s %s:%s commit force --xml' % (action, old, BRICK, new, BRICK)] +
            ['--mode=script volume %s rs2 %s:%s %s:%s commit force --xml' % (action, old, path, new, path)
             for path in BRICKS2])
        if case == 'new host':
            # gluster_peer detaches by the name the pool lists the peer under.
            assert [call for call in calls if ' detach ' in call] == ['--mode=script peer detach %s --xml' % old]
        volume.reset_call_log()
        again = replace(volume, old, new)
        assert again.returncode == 0 and recap_changed(again.stdout) == ['0'], again.stdout[-3000:]
        assert changing(volume) == []
    finally:
        errors, written = writer.stop()
    assert errors == ''
    assert_whole(volume)
    safety_matrix.verify_and_record(volume, VOLUME, volume.before + written,
                                    'replace a server gone for good (%s) with playbooks/replace_server.yml, a '
                                    'container writing throughout' % case, 'replica 3', 'server removed for good',
                                    'done, heal verified, every write kept', subdirectory=DOCKER_VOLUME)
    safety_matrix.verify_and_record(volume, VOLUME2, volume.before2,
                                    'replace a server gone for good (%s) with playbooks/replace_server.yml' % case,
                                    '2 x 3, two bricks on every server', 'server removed for good',
                                    'done, heal verified')
