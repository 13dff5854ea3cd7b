"""What a no-op converge of many volumes costs: a loop of one task per volume against the list form.

Starts a 1-node lab (GlusterFS preinstalled) with brick multiplexing on (one brick process for
every volume), creates and starts distribute volumes of one brick each up to each count, and runs
at each count REPEAT times, on node1, each case as one ansible-playbook task:

- the floor of a loop: ``ansible.builtin.command`` running ``gluster volume info NAME --xml`` once
  per volume (the least one task per volume can cost);
- a loop of gluster_volume's single form, one volume per item (as the gluster_volumes role did);
- one gluster_volume task with the list form (``volumes``), as the role does now;
- the whole gluster_volumes role over the same volumes (its asserts, its loop of brick parent
  directories and the list-form task), timed on the wall clock around ansible-playbook, so its
  figure includes ansible-playbook's own start.

Prints, per case, the gluster calls made (from the node's call log) and the task's median and
mean duration, and writes the table to bench/results/volumes_list_cost.md.

    scripts/bench volumes [--repeat N] [--suite bookworm|trixie] [--counts 10,100] [--role-only]

``--role-only`` measures only the role (for work on the role; the table then has no floor to
compare with, so published results come from a full run).
"""
import os
import re
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))

from bench_lab import (  # noqa: E402  (what the lab benchmarks share)
    COST_FORMAT, argument_parser, cost_report, gluster_version, growing_pool, measure_cost, publish, running_lab)

MODULE = 'glusterdock.storage.gluster_volume'


def volume_names(count):
    return ['v%03d' % number for number in range(1, count + 1)]


def brick(name):
    return 'node1:/bricks/%s/b' % name


def cases(names):
    """(label, module, args, loop) of each case for the volumes ``names``."""
    return [
        ('floor: loop of ansible.builtin.command volume info NAME', 'ansible.builtin.command',
         {'argv': ['gluster', '--mode=script', 'volume', 'info', '{{ item }}', '--xml']}, names),
        ('loop of gluster_volume, one volume per item', MODULE,
         {'name': '{{ item }}', 'bricks': ['node1:/bricks/{{ item }}/b']}, names),
        ('gluster_volume list form, one task', MODULE,
         {'volumes': [{'name': name, 'bricks': [brick(name)]} for name in names]}, None),
    ]


def measure_role(lab, names, repeat):
    """Wall-clock seconds and gluster call counts of REPEAT no-op runs of the gluster_volumes role."""
    play = {'hosts': 'gluster_servers', 'gather_facts': False, 'roles': [{
        'role': 'glusterdock.storage.gluster_volumes',
        'vars': {'gluster_volumes_list': [{'name': name, 'bricks': [brick(name)]} for name in names],
                 'gluster_volumes_restrict_clients': False}}]}
    seconds, calls = [], []
    for run in range(repeat + 1):  # the first run warms up
        lab.reset_call_log()
        started = time.monotonic()
        completed = lab.run_play(play)
        elapsed = time.monotonic() - started
        recap = completed.stdout.split('PLAY RECAP')[-1]
        if completed.returncode != 0 or set(re.findall(r'changed=(\d+)', recap)) != {'0'}:
            raise SystemExit('the gluster_volumes role did not run as a no-op: %s' % completed.stdout[-3000:])
        if run:
            seconds.append(elapsed)
            calls.append(len(lab.call_log('node1')))
    return seconds, calls


def grow_to(lab, have, count):
    """Create and start distribute volumes of one brick each, up to ``count``."""
    names = volume_names(count)[have:]
    lab.sh('node1', 'mkdir -p %s' % ' '.join('/bricks/%s' % name for name in names))
    for name in names:
        lab.gluster('node1', 'volume', 'create', name, brick(name))
        lab.gluster('node1', 'volume', 'start', name)
    listed = lab.gluster('node1', 'volume', 'list').split()
    missing = sorted(set(volume_names(count)) - set(listed))
    if missing:
        raise SystemExit('volumes not created: %s' % ', '.join(missing))


def main():
    parser = argument_parser(__doc__, repeat=3)
    parser.add_argument('--counts', default='10,100')
    parser.add_argument('--role-only', action='store_true')
    options = parser.parse_args()
    counts = [int(count) for count in options.counts.split(',')]

    rows = []
    with running_lab('gd-bench-vlist', nodes=1, suite=options.suite) as lab:
        version = gluster_version(lab)
        for count in growing_pool(lab, counts, grow_to):
            for label, module, args, loop in [] if options.role_only else cases(volume_names(count)):
                rows.append((count, label) + measure_cost(lab, module, args, options.repeat, loop=loop))
                print('%d volumes, %s: median %.3f s' % (count, label, rows[-1][4]), flush=True)
            seconds, calls = measure_role(lab, volume_names(count), options.repeat)
            rows.append((count, 'gluster_volumes role, whole play (wall clock with ansible-playbook start)',
                         statistics.median(calls), max(calls), statistics.median(seconds), statistics.mean(seconds)))
            print('%d volumes, role: median %.3f s' % (count, rows[-1][4]), flush=True)
        # Written before the lab goes: a failed teardown must not lose the figures.
        report(rows, version, options.repeat, write=not options.role_only)


def report(rows, version, repeat, write=True):
    """The table of ``rows`` (volumes, case, calls median, calls max, median s, mean s)."""
    lines = cost_report(
        'No-op converge of many volumes: a loop of tasks against the list form',
        'Lab: 1 node, %s, brick multiplexing on, distribute volumes of one brick, %d runs per case; task '
        'duration (the whole loop for a loop) as the ansible.posix.json callback reports it (controller '
        'clock), gluster calls counted on node1 by a wrapper around the CLI.' % (version, repeat),
        ['volumes', 'case'], '%d | %s | ' + COST_FORMAT, rows)
    if write:
        publish(lines, 'volumes_list_cost.md')
    else:
        print('\n'.join(lines))


if __name__ == '__main__':
    main()
