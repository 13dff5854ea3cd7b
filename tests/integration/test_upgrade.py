"""playbooks/upgrade.yml on a replica 3 volume that a container on docker1 keeps writing to: GlusterFS
10.3 (Debian 12) to 11.1 (Debian 13), one server at a time.

The lab cannot upgrade the packages in place (no Debian 13 package source inside a Debian 12
container), so the playbook runs with upgrade_packages=false and an upgrade_hook_tasks file that
replaces the stopped server's container by a Debian 13 one keeping /var/lib/glusterd and the bricks,
the same name and host name (scripts/lab replace). Everything else is the playbook's own: the
checks before each server, glusterd stopped with its bricks and self-heal daemon, started, the wait
for the bricks and heal, the next server; then the op-version, raised only when asked and no
connected client is left behind. The apt step itself is not run here.
"""
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
import time

import pytest
import yaml

from . import brick_data
from .safety_matrix import verify_and_record

LAB_DOCKER_HOSTS = 1
VOLUME = 'rolling'
PLAYBOOK = 'playbooks/upgrade.yml'
VERSIONS = {'bookworm': '10.3', 'trixie': '11.1'}
TARGET_SUITE = 'trixie'
MOUNT = '/mnt/%s' % VOLUME
# Each write is a whole file, fsync'ed, whose content follows from its number: every file the writer
# reported written must read back with exactly that content.
WRITER = '''mkdir -p /data/w; i=0
while [ ! -e /data/stop ]; do
  i=$((i+1))
  if seq $i $((i+999)) | dd of=/data/w/f$i conv=fsync 2>/dev/null; then echo "ok $i"; else echo "FAILED $i"; fi
  sleep 0.2
done
echo stopped'''
# gluster calls that only read: anything else in a call log is a change.
READ_CALLS = re.compile(r'^(--mode=script )?(pool list|peer status|volume (info|get|status|heal \S+ info)|--version)\b')


def run_upgrade(lab, variables, check=False):
    """ansible-playbook playbooks/upgrade.yml with VARIABLES; returns (rc, output, {host: changed})."""
    with tempfile.NamedTemporaryFile('w', suffix='.json', delete=False) as handle:
        json.dump(variables, handle)
        extra = handle.name
    try:
        completed = subprocess.run(['ansible-playbook', '-i', lab.inventory, PLAYBOOK, '-e', '@' + extra]
                                   + (['--check'] if check else []),
                                   capture_output=True, text=True, cwd=lab.root, check=False,
                                   env=dict(os.environ, ANSIBLE_NOCOLOR='1', ANSIBLE_FORCE_COLOR='0',
                                            ANSIBLE_PIPELINING='1'))
    finally:
        os.unlink(extra)
    changed = {host: int(count) for host, count in re.findall(r'^(\S+)\s+: ok=\d+\s+changed=(\d+)', completed.stdout, re.M)}
    return completed.returncode, completed.stdout + completed.stderr, changed


def lab_variables(lab, folder):
    """The playbook's variables for the lab: no apt step; the hook swaps the server's container."""
    hook = os.path.join(folder, 'swap.yml')
    command = '%s -c "import sys; sys.path.insert(0, sys.argv[1]); from tests.integration.lab import Lab; ' \
              'Lab(sys.argv[1], sys.argv[2], %d).replace(sys.argv[3], sys.argv[4])" %s %s' % (
                  sys.executable, len(lab.nodes), lab.root, lab.name)
    with open(hook, 'w') as handle:
        yaml.safe_dump([{'name': 'Replace the stopped server by a %s container (the lab\'s package upgrade)' % TARGET_SUITE,
                         'ansible.builtin.set_fact': {
                             'upgrade_lab_swap': "{{ lookup('ansible.builtin.pipe', '%s ' ~ inventory_hostname ~ ' %s') }}"
                                                 % (command, TARGET_SUITE)}}], handle)
    return {'upgrade_packages': False, 'upgrade_version': VERSIONS[TARGET_SUITE], 'upgrade_hook_tasks': hook,
            'upgrade_timeout': 600}


def version(lab, node):
    return lab.sh(node, 'glusterfsd --version | head -1').stdout.split()[1]


def op_version(lab):
    text = lab.gluster('node1', 'volume', 'get', 'all', 'cluster.op-version')
    return int(re.search(r'cluster\.op-version\s+(\d+)', text).group(1))


def wait_until_healthy(lab, seconds=300):
    """gluster_info on node1 until the pool is whole (bricks online, heal zero); returns its result."""
    deadline = time.time() + seconds
    while True:
        result = lab.run_module('node1', 'glusterdock.storage.gluster_info',
                                {'gather_subset': ['pool', 'volumes', 'status', 'heal']})
        if result.get('healthy') or time.time() > deadline:
            return result
        time.sleep(3)


def changing_calls(lab):
    return dict((node, [call for call in lab.call_log(node) if not READ_CALLS.match(call)]) for node in lab.nodes)


@pytest.fixture(scope='module')
def cluster(pool):
    """A started replica 3 volume, one brick on each node, mounted on docker1 at MOUNT with 200 files."""
    lab = pool
    if lab.suite != 'bookworm':
        pytest.skip('the upgrade goes from bookworm (10.3) to %s' % TARGET_SUITE)
    bricks = ['%s:/bricks/%s' % (node, VOLUME) for node in lab.nodes]
    assert '<opRet>0</opRet>' in lab.gluster('node1', 'volume', 'create', VOLUME, 'replica', '3', *bricks, '--xml')
    assert '<opRet>0</opRet>' in lab.gluster('node1', 'volume', 'start', VOLUME, '--xml')
    brick_data.mount(lab, 'docker1', VOLUME)
    brick_data.write_files(lab, 'docker1', MOUNT + '/data/seed', count=200)
    return lab


def test_upgrade_is_refused_while_a_brick_is_offline(cluster):
    lab = cluster
    for node in lab.nodes:
        lab.install_call_log(node)
    lab.sh('node2', 'kill $(pgrep -f "[g]lusterfsd.*--brick-name /bricks/%s")' % VOLUME)
    lab.reset_call_log()
    with tempfile.TemporaryDirectory() as folder:
        rc, output, _changed = run_upgrade(lab, lab_variables(lab, folder))
    try:
        assert rc != 0, output[-4000:]
        assert 'upgrade refused: brick node2:/bricks/%s of volume %s offline' % (VOLUME, VOLUME) in output, output[-4000:]
        assert 'Nothing was changed.' in output
        assert changing_calls(lab) == dict((node, []) for node in lab.nodes)
        for node in lab.nodes:
            assert lab.sh(node, 'systemctl is-active glusterd').stdout.strip() == 'active'
    finally:
        # The test's own repair: gluster starts only the brick that is down.
        lab.gluster('node1', 'volume', 'start', VOLUME, 'force')
        assert wait_until_healthy(lab)['healthy']


def test_bad_input_is_refused_before_any_gluster_call(cluster):
    lab = cluster
    for node in lab.nodes:
        lab.install_call_log(node)
    lab.reset_call_log()
    rc, output, _changed = run_upgrade(lab, {'upgrade_packages': False, 'upgrade_hook_tasks': '/nonexistent.yml'})
    assert rc != 0
    assert 'upgrade_hook_tasks an existing tasks file' in output and 'Nothing was changed.' in output, output[-3000:]
    rc, output, _changed = run_upgrade(lab, {'upgrade_packages': False, 'upgrade_version': '11.1; reboot'})
    assert rc != 0 and 'got upgrade_packages=False, upgrade_version=11.1; reboot' in output, output[-3000:]
    assert all(lab.call_log(node) == [] for node in lab.nodes)


def test_check_mode_shows_the_plan_and_the_op_version_and_changes_nothing(cluster):
    lab = cluster
    before = (lab.gluster('node1', 'volume', 'info', VOLUME, '--xml'), [version(lab, node) for node in lab.nodes],
              op_version(lab))
    lab.reset_call_log()
    with tempfile.TemporaryDirectory() as folder:
        variables = dict(lab_variables(lab, folder), upgrade_raise_op_version=True)
        rc, output, _changed = run_upgrade(lab, variables, check=True)
    to_upgrade = [node for node in lab.nodes if version(lab, node) != VERSIONS[TARGET_SUITE]]
    # A client of 10.3 is connected from docker1 whenever a writer test left it mounted; the plan says so
    # or says what it would raise.
    assert 'servers to upgrade, one at a time in this order: %s' % (', '.join(to_upgrade) or 'none') in output, output[-4000:]
    assert re.search(r'cluster op-version \d+; every server supports \d+\.', output), output[-4000:]
    assert changing_calls(lab) == dict((node, []) for node in lab.nodes)
    after = (lab.gluster('node1', 'volume', 'info', VOLUME, '--xml'), [version(lab, node) for node in lab.nodes],
             op_version(lab))
    assert after == before
    if to_upgrade:
        assert rc == 0, output[-4000:]
        assert 'Nothing to raise.' in output, output[-4000:]


def take_volume_definitions(lab, rejected, good):
    """The fix the playbook gives for a rejected server: its glusterd stopped, /var/lib/glusterd/vols
    moved aside and copied from a good server, glusterd started."""
    lab.sh(rejected, 'systemctl stop glusterd && rm -rf /var/lib/glusterd/vols.rejected && '
                     'mv /var/lib/glusterd/vols /var/lib/glusterd/vols.rejected')
    archive = subprocess.run(['docker', 'exec', lab.container(good), 'tar', '-C', '/var/lib/glusterd', '-cf', '-', 'vols'],
                             capture_output=True, check=True).stdout
    subprocess.run(['docker', 'exec', '-i', lab.container(rejected), 'tar', '-C', '/var/lib/glusterd', '-xf', '-'],
                   input=archive, check=True)
    lab.sh(rejected, 'systemctl start glusterd')


def writer_log(lab):
    return lab.sh('docker1', 'docker logs writer 2>&1').stdout.splitlines()


def expected_sum(number):
    return hashlib.md5(''.join('%d\n' % value for value in range(number, number + 1000)).encode()).hexdigest()


def test_rolling_upgrade_with_writes_throughout_then_the_op_version_only_when_asked(cluster):
    lab = cluster
    if all(version(lab, node) == VERSIONS[TARGET_SUITE] for node in lab.nodes):
        pytest.skip('already upgraded in this lab')
    assert wait_until_healthy(lab)['healthy']
    start_op_version = op_version(lab)
    lab.sh('docker1', 'docker rm -f writer >/dev/null 2>&1; rm -rf %s/data/w %s/data/stop; '
                      'docker volume rm -f rolling-data >/dev/null 2>&1; '
                      'docker volume create -d local -o type=none -o o=bind -o device=%s/data rolling-data >/dev/null && '
                      'docker run -d --name writer -v rolling-data:/data glusterdock/busybox sh -c \'%s\' >/dev/null'
                      % (MOUNT, MOUNT, MOUNT, WRITER))
    deadline = time.time() + 60
    while len([line for line in writer_log(lab) if line.startswith('ok ')]) < 5:
        assert time.time() < deadline, writer_log(lab)
        time.sleep(1)
    written_before = len(writer_log(lab))

    with tempfile.TemporaryDirectory() as folder:
        variables = lab_variables(lab, folder)
        started = time.time()
        rc, output, _changed = run_upgrade(lab, variables)
        # The known 10 -> 11 hazard, for real: the second server upgraded is rejected by the first (11.1
        # rewrote the volume definitions in its format), and so is the third. The rollout stops, names the
        # server and the fix, and the test does what the message says.
        rejections = []
        while rc != 0 and len(rejections) < 3:
            stop = re.search(r'upgrade stopped after (\S+): .*? as Peer Rejected\..*?To fix: .*?on (\S+) stop glusterd, move '
                             r'/var/lib/glusterd/vols aside, copy /var/lib/glusterd/vols from (\S+), start glusterd',
                             output, re.S)
            assert stop, output[-8000:]
            assert stop.group(1) == stop.group(2)
            rejections.append(stop.group(1))
            take_volume_definitions(lab, stop.group(2), stop.group(3))
            rc, output, _changed = run_upgrade(lab, variables)
        upgrade_seconds = time.time() - started
        assert rc == 0, output[-8000:]
        assert rejections, 'the 10 -> 11 checksum change was expected to make a peer rejected in this lab'
        for node in lab.nodes:
            assert version(lab, node) == VERSIONS[TARGET_SUITE]
        assert wait_until_healthy(lab)['healthy']
        assert len(writer_log(lab)) > written_before + 10, 'the writer stalled during the upgrade'

        # Again, asking for the op-version while docker1's 10.3 client is connected: no server is
        # stopped again, and the op-version stays.
        rc, output, changed = run_upgrade(lab, dict(variables, upgrade_raise_op_version=True))
        assert rc != 0, output[-4000:]
        assert re.search(r'upgrade: the op-version was not raised to \d+: \S+ \(volume %s, op-version 100000\) support less'
                         % VOLUME, output), output[-4000:]
        assert set(changed.values()) == {0}, output[-4000:]
        assert op_version(lab) == start_op_version

    lab.sh('docker1', 'touch %s/data/stop' % MOUNT)
    lab.sh('docker1', 'timeout 60 docker wait writer >/dev/null')
    log = writer_log(lab)
    assert [line for line in log if not line.startswith('ok ') and line != 'stopped'] == [], log[-20:]
    numbers = [int(line.split()[1]) for line in log if line.startswith('ok ')]
    lab.sh('docker1', 'rm -f %s/data/stop && docker rm writer >/dev/null && docker volume rm rolling-data >/dev/null' % MOUNT)
    sums = brick_data.checksums(lab, 'docker1', MOUNT + '/data')
    written = dict((line.split('  ', 1)[1], line.split('  ', 1)[0]) for line in sums if line.split('  ', 1)[1].startswith('./w/'))
    assert written == dict(('./w/f%d' % number, expected_sum(number)) for number in numbers)
    verify_and_record(lab, VOLUME, sums, 'rolling upgrade 10.3 to 11.1, one server at a time', 'replica 3',
                      'a container writing throughout (%d files)' % len(numbers), 'done, heal verified',
                      subdirectory='data')

    # With no client left behind, check mode shows the raise, and only the flag makes it.
    brick_data.unmount(lab, 'docker1', VOLUME)
    with tempfile.TemporaryDirectory() as folder:
        variables = dict(lab_variables(lab, folder), upgrade_raise_op_version=True)
        rc, output, _changed = run_upgrade(lab, variables, check=True)
        assert rc == 0, output[-4000:]
        target = int(re.search(r'every server supports (\d+)\.', output).group(1))
        assert target > start_op_version
        assert 'Would raise it to %d (gluster volume set all cluster.op-version %d)' % (target, target) in output
        assert op_version(lab) == start_op_version
        rc, output, _changed = run_upgrade(lab, variables)
        assert rc == 0, output[-4000:]
        assert op_version(lab) == target
    print('rolling upgrade of %d servers: %.0f s' % (len(lab.nodes), upgrade_seconds))
