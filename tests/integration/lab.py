"""Drive the container lab and run collection modules on it through ansible-playbook."""
import datetime
import json
import os
import subprocess
import tempfile

import yaml

# Installed on every lab node: logs each gluster invocation, then runs the real CLI.
GLUSTER_WRAPPER = '''#!/bin/sh
printf '%s\\n' "$*" >> /var/log/gluster-calls.log
exec /usr/sbin/gluster.real "$@"
'''


class Lab(object):
    """A named lab of N nodes (containers NAME-node1..N, host names node1..N) and M Docker hosts
    (NAME-docker1..M: dockerd, GlusterFS client, Docker SDK, local image glusterdock/busybox)."""

    def __init__(self, root, name, nodes, suite='bookworm', docker_hosts=0):
        self.root = root
        self.name = name
        self.nodes = ['node%d' % number for number in range(1, nodes + 1)]
        self.docker_hosts = ['docker%d' % number for number in range(1, docker_hosts + 1)]
        self.suite = suite
        self.inventory = os.path.join(root, '.build', '%s-inventory.yml' % name)

    def _lab(self, *args):
        env = dict(os.environ, GLUSTERDOCK_LAB=self.name)
        subprocess.run([os.path.join(self.root, 'scripts', 'lab')] + list(args), env=env, check=True)

    def up(self):
        self._lab('down')
        self._lab('up', '--gluster', '--nodes', str(len(self.nodes)), '--suite', self.suite,
                  '--docker-hosts', str(len(self.docker_hosts)))
        for node in self.nodes:
            self.install_call_log(node)
            self.wait_for_glusterd(node)
        self.write_inventory()

    def add_node(self, node):
        """Start node ``node`` (nodeK, a fresh install: new container, empty bricks volume), glusterd
        running outside any pool, and write the inventory again."""
        self._lab('up', '--gluster', '--node', node[len('node'):], '--suite', self.suite)
        self.install_call_log(node)
        self.wait_for_glusterd(node)
        if node not in self.nodes:
            self.nodes.append(node)
        self.write_inventory()

    def remove_node(self, node):
        """Remove a node for good: its container and its bricks volume; write the inventory again."""
        subprocess.run(['docker', 'rm', '-f', self.container(node)], capture_output=True, check=True)
        subprocess.run(['docker', 'volume', 'rm', '%s-bricks' % self.container(node)], capture_output=True,
                       check=True)
        self.nodes.remove(node)
        self.write_inventory()

    def write_inventory(self):
        """The inventory of the lab's running containers."""
        os.makedirs(os.path.dirname(self.inventory), exist_ok=True)
        with open(self.inventory, 'w') as handle:
            handle.write(subprocess.run(
                [os.path.join(self.root, 'scripts', 'lab'), 'inventory', '--name', self.name],
                check=True, capture_output=True, text=True).stdout)

    def down(self):
        self._lab('down')

    def install_call_log(self, node):
        """Log every gluster call on NODE (see call_log); a no-op when it already does."""
        self.sh(node, 'test -e /usr/sbin/gluster.real || mv /usr/sbin/gluster /usr/sbin/gluster.real')
        self.sh(node, 'cat > /usr/sbin/gluster && chmod 755 /usr/sbin/gluster', stdin=GLUSTER_WRAPPER)

    def replace(self, node, suite):
        """Replace NODE's container by one from SUITE's image that keeps /var/lib/glusterd and the
        bricks, the same name and host name (the lab's stand-in for a package upgrade), and log its
        gluster calls again."""
        self._lab('replace', '--node', node, '--suite', suite)
        self.install_call_log(node)

    def container(self, node):
        return '%s-%s' % (self.name, node)

    def sh(self, node, script, stdin=None, check=True):
        """Run a shell script on a node; returns the CompletedProcess."""
        result = subprocess.run(['docker', 'exec', '-i', self.container(node), 'sh', '-c', script],
                                input=stdin, capture_output=True, text=True, check=False)
        if check and result.returncode != 0:
            raise AssertionError('%s on %s failed (%s): %s%s' % (script, node, result.returncode,
                                                                 result.stdout, result.stderr))
        return result

    def unmount(self, node, point, seconds=30):
        """Unmount a FUSE mount and wait until its client process is gone: umount returns before
        the glusterfs client exits, and until then the bricks still count it as a client (a
        volume stop right after would be refused for a client that is leaving)."""
        self.sh(node, 'umount %s; for i in $(seq 1 %d); do pgrep -f -- " %s$" >/dev/null || exit 0; sleep 0.5; '
                      'done; echo "client of %s still running" >&2; exit 1' % (point, seconds * 2, point, point),
                check=False)

    def gluster(self, node, *args):
        """Run gluster directly (not through the call log); returns stdout."""
        result = subprocess.run(['docker', 'exec', self.container(node), 'gluster.real', '--mode=script'] + list(args),
                                capture_output=True, text=True, check=False)
        return result.stdout

    def wait_for_glusterd(self, node, seconds=60):
        self.sh(node, 'for i in $(seq 1 %d); do gluster.real --mode=script pool list >/dev/null 2>&1 && exit 0; '
                      'sleep 1; done; exit 1' % seconds)

    def form_pool(self, seconds=60):
        """Probe every other node from node1 and wait until all are 'Peer in Cluster (Connected)'."""
        for node in self.nodes[1:]:
            self.gluster(self.nodes[0], 'peer', 'probe', node)
        self.wait_for_pool(seconds)

    def wait_for_pool(self, seconds=120):
        """Wait until every node sees every other node as 'Peer in Cluster (Connected)' (after a
        probe or a restart, a transaction staged on a node that has not yet befriended the others
        fails: node1's view alone let a volume create right after the probes fail in CI)."""
        want = len(self.nodes) - 1
        for node in self.nodes:
            self.sh(node, 'for i in $(seq 1 %d); do [ "$(gluster.real peer status | grep -c '
                          '\'Peer in Cluster (Connected)\')" = %d ] && exit 0; sleep 1; done; '
                          'gluster.real peer status >&2; exit 1' % (seconds, want))

    def reset_call_log(self):
        for node in self.nodes:
            self.sh(node, ': > /var/log/gluster-calls.log')

    def call_log(self, node):
        """The gluster calls made on a node since the last reset, one argument string each."""
        text = self.sh(node, 'cat /var/log/gluster-calls.log 2>/dev/null || true').stdout
        return [line for line in text.splitlines() if line]

    def run_play(self, play, check=False):
        """Run one play (a dict) with ansible-playbook; returns the CompletedProcess (text output)."""
        with tempfile.NamedTemporaryFile('w', suffix='.yml', delete=False) as handle:
            yaml.safe_dump([play], handle)
            playbook = handle.name
        command = ['ansible-playbook', '-i', self.inventory, playbook] + (['--check'] if check else [])
        try:
            return subprocess.run(command, capture_output=True, text=True, cwd=self.root, check=False)
        finally:
            os.unlink(playbook)

    def run_module(self, node, module, args, check=False, diff=False, extra_vars=None, loop=None, timeout=None):
        """Run one module task on a node (once per item of ``loop`` when given, as ``item``); returns
        its result dict (with 'failed' and 'msg'; a loop's has 'results'). ``timeout``: seconds after
        which ansible-playbook is killed and the test fails (for a module that could block)."""
        task = {'name': 'under test', module: args, 'register': 'result', 'ignore_errors': True}
        if loop is not None:
            task['loop'] = loop
        play = [{'hosts': node, 'gather_facts': False, 'tasks': [task]}]
        with tempfile.NamedTemporaryFile('w', suffix='.yml', delete=False) as handle:
            yaml.safe_dump(play, handle)
            playbook = handle.name
        command = ['ansible-playbook', '-i', self.inventory, playbook]
        if check:
            command.append('--check')
        if diff:
            command.append('--diff')
        for key, value in (extra_vars or {}).items():
            command += ['-e', '%s=%s' % (key, value)]
        env = dict(os.environ, ANSIBLE_STDOUT_CALLBACK='ansible.posix.json', ANSIBLE_NOCOLOR='1')
        try:
            completed = subprocess.run(command, capture_output=True, text=True, env=env, cwd=self.root, check=False,
                                       timeout=timeout)
        except subprocess.TimeoutExpired:
            raise AssertionError('%s did not return within %s s' % (module, timeout)) from None
        finally:
            os.unlink(playbook)
        try:
            output = json.loads(completed.stdout)
        except ValueError:
            raise AssertionError('ansible-playbook printed no JSON (rc=%s): %s %s'
                                 % (completed.returncode, completed.stdout[-3000:], completed.stderr[-3000:]))
        task = output['plays'][0]['tasks'][0]
        result = task['hosts'][node]
        # How long the task took on the controller's clock: the benchmark's measure.
        result['_task_seconds'] = _seconds(task['task']['duration']['end']) - _seconds(task['task']['duration']['start'])
        return result


def _seconds(timestamp):
    """Seconds since the epoch of the JSON callback's ISO 8601 UTC timestamps."""
    return datetime.datetime.fromisoformat(timestamp.rstrip('Z')).timestamp()
