"""What a no-op run costs: gluster CLI calls and time, against the floor of one plain read.

Starts a 3-node lab (GlusterFS preinstalled), forms the pool and a replica 3 volume, then runs
each case REPEAT times as one ansible-playbook task on node1 and prints, per case, the gluster
calls the run made (from the node's call log) and the task's median and mean duration. The floor
is one ansible.builtin.command task running one gluster read (`volume info NAME --xml`).
Figures go to stdout and to bench/results/noop_cost.md.

    scripts/bench [--repeat N] [--suite bookworm|trixie]
"""
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))

from bench_lab import (  # noqa: E402  (what the lab benchmarks share)
    COST_FORMAT, argument_parser, cost_report, gluster_version, measure_cost, publish, running_lab)

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


def replica_3_volume(lab):
    """The pool and the started replica 3 volume every case runs against."""
    lab.form_pool()
    for node in lab.nodes:
        lab.sh(node, 'mkdir -p /bricks/%s' % VOLUME)
    lab.gluster('node1', 'volume', 'create', VOLUME, 'replica', '3', *BRICKS)
    lab.gluster('node1', 'volume', 'start', VOLUME)


def main():
    options = argument_parser(__doc__, repeat=10).parse_args()

    with running_lab('gd-bench', nodes=3, suite=options.suite) as lab:
        replica_3_volume(lab)
        lab.gluster('node1', 'volume', 'set', VOLUME, 'performance.write-behind', 'off')
        lab.gluster('node1', 'volume', 'set', VOLUME, 'performance.cache-size', '64MB')
        version = gluster_version(lab)
        rows = []
        floor = None
        for label, module, args in CASES:
            calls_median, calls_max, median, mean = measure_cost(lab, module, args, options.repeat)
            floor = floor or median
            rows.append((label, calls_median, calls_max, median, mean, median / floor))

    lines = cost_report(
        'No-op cost against the floor',
        'Lab: 3 nodes, %s, %d runs per case, task duration as the ansible.posix.json callback '
        'reports it (controller clock), gluster calls counted on node1 by a wrapper around the CLI.' % (version, options.repeat),
        ['case'], '%s | ' + COST_FORMAT + ' | %.2f', rows, trailing_columns=['median / floor'])
    publish(lines, 'noop_cost.md')


if __name__ == '__main__':
    main()
