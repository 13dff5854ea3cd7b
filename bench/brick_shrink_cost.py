"""What the safe shrink costs above gluster's own work: gluster_brick state=absent, 4 -> 2 bricks.

Starts a 3-node lab (GlusterFS preinstalled), creates a 4-brick distribute volume, writes FILES
files of 1-64 KiB through a FUSE mount, then REPEAT times: removes two bricks with the module
(pre-checks, remove-brick start, status polled with backoff, commit), and grows the volume back
with fresh bricks and a rebalance for the next round. Per round it records the module's time from
its start to the end of commit (``timings.to_commit``, the module's own clock), the migration run
time gluster reports (aggregate ``runtime`` of the last remove-brick status) and the whole task on
the controller's clock. The difference is the module's overhead: pre-check reads, polling
granularity and the commit. Every file's checksum is verified after every shrink.
Figures go to stdout and to bench/results/brick_shrink_cost.md.

    python bench/brick_shrink_cost.py [--repeat N] [--files N] [--suite bookworm|trixie]
"""
import os
import statistics
import sys

sys.path.insert(0, os.path.dirname(__file__))

from bench_lab import argument_parser, gluster_version, publish, running_lab  # noqa: E402  (what the lab benchmarks share)
from brick_data import checksums, mount, write_files  # noqa: E402  (found through bench_lab's path)

MODULE = 'glusterdock.storage.gluster_brick'
VOLUME = 'shrink'
KEEP = ['node1:/bricks/shrink/b1', 'node2:/bricks/shrink/b1']


def main():
    parser = argument_parser(__doc__, repeat=3)
    parser.add_argument('--files', type=int, default=4000)
    options = parser.parse_args()

    rows = []
    with running_lab('gd-bench-brick', nodes=3, suite=options.suite) as lab:
        lab.form_pool()
        for node in lab.nodes:
            lab.sh(node, 'mkdir -p /bricks/%s' % VOLUME)
        removed = ['node3:/bricks/shrink/r0', 'node1:/bricks/shrink/r0']
        lab.gluster('node1', 'volume', 'create', VOLUME, *(KEEP + removed))
        lab.gluster('node1', 'volume', 'start', VOLUME)
        version = gluster_version(lab)
        path = mount(lab, 'node1', VOLUME)
        write_files(lab, 'node1', path, count=options.files)
        sums = checksums(lab, 'node1', path)
        for round_number in range(options.repeat):
            result = lab.run_module('node1', MODULE, {'volume': VOLUME, 'state': 'absent', 'bricks': removed})
            if result.get('failed') or not result.get('changed'):
                raise SystemExit('shrink failed: %s' % result.get('msg'))
            if checksums(lab, 'node1', path) != sums:
                raise SystemExit('data changed after the shrink of round %d' % round_number)
            aggregate = result['migration']['aggregate']
            rows.append({
                'to_commit': result['timings']['to_commit'],
                'gluster': aggregate['runtime'],
                'task': result['_task_seconds'],
                'files': aggregate['files'],
                'polls': len([c for c in lab.call_log('node1') if 'remove-brick' in c and c.endswith('status --xml')]),
                'start_command': result['timings']['start_command'],
                'wait': result['seconds']['wait'],
                'commit_command': result['timings']['commit_command'],
            })
            print('round %d: %s' % (round_number + 1, rows[-1]))
            removed = ['node3:/bricks/shrink/r%d' % (round_number + 1), 'node1:/bricks/shrink/r%d' % (round_number + 1)]
            grown = lab.run_module('node1', MODULE, {'volume': VOLUME, 'bricks': removed, 'rebalance': True})
            if grown.get('failed'):
                raise SystemExit('grow failed: %s' % grown.get('msg'))
            lab.reset_call_log()

    def median(key):
        return statistics.median(row[key] for row in rows)
    overhead = [row['to_commit'] - row['gluster'] for row in rows]
    # What is left once gluster's own commands (start and commit block in glusterd) are taken out.
    own = [row['to_commit'] - row['gluster'] - row['start_command'] - row['commit_command'] for row in rows]
    lines = [
        '# Safe shrink (4 -> 2 bricks) against gluster\'s own migration time',
        '',
        'Lab: 3 nodes, %s; distribute volume of 4 bricks with %d files of 1-64 KiB written through a FUSE '
        'mount; gluster_brick state=absent removes 2 bricks (pre-checks, remove-brick start, status polled with '
        'backoff from 0.2 s up to 3 s, commit only on completed with 0 failures and 0 skipped); %d rounds, '
        'each followed by growing back with fresh bricks and a rebalance. Checksums of every file verified after '
        'every shrink.' % (version, options.files, len(rows)),
        '',
        '| round | files moved | gluster\'s migration runtime (s) | module start to commit done (s) | overhead (s) '
        '| start command (s) | waiting for status completed (s) | commit command (s) | module\'s own (s) '
        '| whole task on the controller (s) | status polls |',
        '|---|---|---|---|---|---|---|---|---|---|---|',
    ]
    for number, (row, extra, mine) in enumerate(zip(rows, overhead, own), 1):
        lines.append('| %d | %d | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %d |' % (
            number, row['files'], row['gluster'], row['to_commit'], extra, row['start_command'], row['wait'],
            row['commit_command'], mine, row['task'], row['polls']))
    lines += [
        '',
        'Median: gluster %.2f s, module to commit %.2f s, overhead above gluster\'s runtime %.2f s, of which '
        'the module\'s own %.2f s (%.2f s median task time on the controller, which adds Ansible\'s start-up '
        'and module transfer).' % (median('gluster'), median('to_commit'), statistics.median(overhead),
                                   statistics.median(own), median('task')),
        '',
        'Reading: most of the overhead above the runtime gluster reports is gluster\'s own and would be paid by '
        'any caller: the `remove-brick start` command blocks in glusterd while it launches the migration '
        'processes (about 10 s here) and `remove-brick commit` takes about 2 s. The module\'s own share '
        '(pre-check reads: volume info, pool list, volume status; the lag between the migration\'s end and the '
        'next status poll, at most one backoff step of up to 3 s; the final volume info) is the last-but-two '
        'column. gluster reports the runtime in whole seconds on these versions, so figures are accurate to '
        'about one second.',
    ]
    publish(lines, 'brick_shrink_cost.md')


if __name__ == '__main__':
    main()
