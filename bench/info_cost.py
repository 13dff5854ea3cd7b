"""What gluster_info costs as a pool grows: gluster CLI calls and time for 1, 10 and 50 volumes.

Starts a 3-node lab (GlusterFS preinstalled) with brick multiplexing on (one brick process per
node, as a pool with many volumes would run), creates replica 3 volumes up to each count, and
runs gluster_info (every subset) REPEAT times on node1 at each count, against the floor of one
plain read (`volume info --xml` of every volume, through ansible.builtin.command). Every volume is
replicated, the worst case: one heal summary per volume is the only read that grows.
Figures go to stdout and to bench/results/info_cost.md.

    scripts/bench info [--repeat N] [--suite bookworm|trixie] [--counts 1,10,50]
"""
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))

from bench_lab import (  # noqa: E402  (what the lab benchmarks share)
    COST_FORMAT, argument_parser, cost_report, gluster_version, growing_pool, measure_cost, publish, running_lab)

FLOOR = ('ansible.builtin.command', {'argv': ['gluster', '--mode=script', 'volume', 'info', '--xml']})
INFO = ('glusterdock.storage.gluster_info', {})


def grow_to(lab, have, count):
    """Create and start replica 3 volumes v<have+1>..v<count>."""
    for number in range(have + 1, count + 1):
        name = 'v%d' % number
        for node in lab.nodes:
            lab.sh(node, 'mkdir -p /bricks/%s' % name)
        lab.gluster('node1', 'volume', 'create', name, 'replica', '3', *['%s:/bricks/%s/b' % (node, name)
                                                                         for node in lab.nodes])
        lab.gluster('node1', 'volume', 'start', name)


def main():
    parser = argument_parser(__doc__, repeat=5)
    parser.add_argument('--counts', default='1,10,50')
    options = parser.parse_args()
    counts = [int(count) for count in options.counts.split(',')]

    rows = []
    with running_lab('gd-bench-info', nodes=3, suite=options.suite) as lab:
        lab.form_pool()
        version = gluster_version(lab)
        for count in growing_pool(lab, counts, grow_to):
            for label, (module, args) in (('floor: volume info of every volume', FLOOR), ('gluster_info, every subset', INFO)):
                rows.append((count, label) + measure_cost(lab, module, args, options.repeat))

    lines = cost_report(
        'gluster_info cost by pool size',
        'Lab: 3 nodes, %s, brick multiplexing on, replica 3 volumes only (one heal summary each), %d runs '
        'per case; task duration as the ansible.posix.json callback reports it (controller clock), gluster '
        'calls counted on node1 by a wrapper around the CLI.' % (version, options.repeat),
        ['volumes', 'case'], '%d | %s | ' + COST_FORMAT, rows)
    publish(lines, 'info_cost.md')


if __name__ == '__main__':
    main()
