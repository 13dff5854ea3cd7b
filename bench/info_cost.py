"""What gluster_info costs as a pool grows: gluster CLI calls and time for 1, 10 and 50 volumes.

Starts a 3-node lab (GlusterFS preinstalled) with brick multiplexing on (one brick process per
node, as a pool with many volumes would run), creates replica 3 volumes up to each count, and
runs gluster_info (every subset) REPEAT times on node1 at each count, against the floor of one
plain read (`volume info --xml` of every volume, through ansible.builtin.command). Every volume is
replicated, the worst case: one heal summary per volume is the only read that grows.
Figures go to stdout and to bench/results/info_cost.md.

    scripts/bench info [--repeat N] [--suite bookworm|trixie] [--counts 1,10,50]
"""
import argparse
import os
import statistics
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..'))
sys.path.insert(0, os.path.join(ROOT, 'tests', 'integration'))

from lab import Lab  # noqa: E402  (the integration tests' lab driver)
from noop_cost import measure  # noqa: E402  (runs of one task: durations and gluster calls)

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
    parser = argparse.ArgumentParser(description=__doc__.split('\n', maxsplit=1)[0])
    parser.add_argument('--repeat', type=int, default=5)
    parser.add_argument('--suite', default='bookworm')
    parser.add_argument('--counts', default='1,10,50')
    options = parser.parse_args()
    counts = [int(count) for count in options.counts.split(',')]

    lab = Lab(ROOT, name='gd-bench-info', nodes=3, suite=options.suite)
    lab.up()
    rows = []
    try:
        lab.form_pool()
        lab.gluster('node1', 'volume', 'set', 'all', 'cluster.brick-multiplex', 'on')
        version = lab.gluster('node1', '--version').splitlines()[0]
        have = 0
        for count in counts:
            grow_to(lab, have, count)
            have = count
            for label, (module, args) in (('floor: volume info of every volume', FLOOR), ('gluster_info, every subset', INFO)):
                lab.run_module('node1', module, args)  # warm-up
                seconds, calls = measure(lab, module, args, options.repeat)
                rows.append((count, label, statistics.median(calls), max(calls), statistics.median(seconds),
                             statistics.mean(seconds)))
    finally:
        lab.down()

    lines = [
        '# gluster_info cost by pool size',
        '',
        'Lab: 3 nodes, %s, brick multiplexing on, replica 3 volumes only (one heal summary each), %d runs '
        'per case; task duration as the ansible.posix.json callback reports it (controller clock), gluster '
        'calls counted on node1 by a wrapper around the CLI.' % (version, options.repeat),
        '',
        '| volumes | case | gluster calls (median / max) | median s | mean s |',
        '| --- | --- | --- | --- | --- |',
    ]
    for count, label, calls_median, calls_max, median, mean in rows:
        lines.append('| %d | %s | %g / %d | %.3f | %.3f |' % (count, label, calls_median, calls_max, median, mean))
    text = '\n'.join(lines) + '\n'
    print(text)
    os.makedirs(os.path.join(ROOT, 'bench', 'results'), exist_ok=True)
    with open(os.path.join(ROOT, 'bench', 'results', 'info_cost.md'), 'w') as handle:
        handle.write(text)


if __name__ == '__main__':
    main()
