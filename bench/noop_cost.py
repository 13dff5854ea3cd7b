"""What a no-op run costs: gluster CLI calls and time, against the floor of one plain read.

Starts a 3-node lab (GlusterFS preinstalled), forms the pool and a replica 3 volume, then runs
each case REPEAT times as one ansible-playbook task on node1 and prints, per case, the gluster
calls the run made (from the node's call log) and the task's median and mean duration. The floor
is one ansible.builtin.command task running one gluster read (`volume info NAME --xml`).
Figures go to stdout and to bench/results/noop_cost.md.

    scripts/bench [--repeat N] [--suite bookworm|trixie]
"""
import argparse
import os
import statistics
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..'))
sys.path.insert(0, os.path.join(ROOT, 'tests', 'integration'))

from lab import Lab  # noqa: E402  (the integration tests' lab driver)

VOLUME = 'bench'
BRICKS = ['node%d:/bricks/%s/b' % (number, VOLUME) for number in (1, 2, 3)]
CASES = [
    ('floor: one gluster read (ansible.builtin.command)', 'ansible.builtin.command',
     {'argv': ['gluster', '--mode=script', 'volume', 'info', VOLUME, '--xml']}),
    ('gluster_peer no-op (3 nodes)', 'glusterdock.storage.gluster_peer',
     {'nodes': ['node1', 'node2', 'node3']}),
    ('gluster_volume no-op, no options', 'glusterdock.storage.gluster_volume',
     {'name': VOLUME, 'bricks': BRICKS, 'replica': 3}),
    ('gluster_volume no-op, 2 options set earlier', 'glusterdock.storage.gluster_volume',
     {'name': VOLUME, 'bricks': BRICKS, 'replica': 3,
      'options': {'write-behind': 'off', 'performance.cache-size': '64MB'}}),
    # A default never set is not listed by volume info: only volume get shows it is already so.
    ('gluster_volume no-op, 1 option at its default', 'glusterdock.storage.gluster_volume',
     {'name': VOLUME, 'bricks': BRICKS, 'replica': 3, 'options': {'network.ping-timeout': '42'}}),
]


def measure(lab, module, args, repeat, loop=None):
    """Durations and gluster call counts of REPEAT runs of one task on node1 (looping over
    ``loop`` when given)."""
    seconds, calls = [], []
    for run in range(repeat):  # pylint: disable=unused-variable
        lab.reset_call_log()
        result = lab.run_module('node1', module, args, loop=loop)
        # The floor's command task always says changed; a module no-op must not.
        if result.get('failed') or (result.get('changed') and module != 'ansible.builtin.command'):
            raise SystemExit('%s did not run as a no-op: %s' % (module, result.get('msg', result)))
        seconds.append(result['_task_seconds'])
        calls.append(len(lab.call_log('node1')))
    return seconds, calls


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n', maxsplit=1)[0])
    parser.add_argument('--repeat', type=int, default=10)
    parser.add_argument('--suite', default='bookworm')
    options = parser.parse_args()

    lab = Lab(ROOT, name='gd-bench', nodes=3, suite=options.suite)
    lab.up()
    try:
        lab.form_pool()
        for node in lab.nodes:
            lab.sh(node, 'mkdir -p /bricks/%s' % VOLUME)
        lab.gluster('node1', 'volume', 'create', VOLUME, 'replica', '3', *BRICKS)
        lab.gluster('node1', 'volume', 'start', VOLUME)
        lab.gluster('node1', 'volume', 'set', VOLUME, 'performance.write-behind', 'off')
        lab.gluster('node1', 'volume', 'set', VOLUME, 'performance.cache-size', '64MB')
        version = lab.gluster('node1', '--version').splitlines()[0]
        rows = []
        floor = None
        for label, module, args in CASES:
            lab.run_module('node1', module, args)  # warm-up: caches, first connection
            seconds, calls = measure(lab, module, args, options.repeat)
            median = statistics.median(seconds)
            floor = floor or median
            rows.append((label, statistics.median(calls), max(calls), median, statistics.mean(seconds), median / floor))
    finally:
        lab.down()

    lines = [
        '# No-op cost against the floor',
        '',
        'Lab: 3 nodes, %s, %d runs per case, task duration as the ansible.posix.json callback '
        'reports it (controller clock), gluster calls counted on node1 by a wrapper around the CLI.' % (version, options.repeat),
        '',
        '| case | gluster calls (median / max) | median s | mean s | median / floor |',
        '| --- | --- | --- | --- | --- |',
    ]
    for label, calls_median, calls_max, median, mean, ratio in rows:
        lines.append('| %s | %g / %d | %.3f | %.3f | %.2f |' % (label, calls_median, calls_max, median, mean, ratio))
    publish(lines, 'noop_cost.md')


def publish(lines, file_name):
    """Print the report and write it to bench/results/FILE_NAME."""
    text = '\n'.join(lines) + '\n'
    print(text)
    os.makedirs(os.path.join(ROOT, 'bench', 'results'), exist_ok=True)
    with open(os.path.join(ROOT, 'bench', 'results', file_name), 'w') as handle:
        handle.write(text)


if __name__ == '__main__':
    main()
