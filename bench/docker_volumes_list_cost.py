"""What a no-op of many Docker volumes on GlusterFS costs: a loop of docker_gluster_volume's single
form (one task per Docker volume, as the docker_gluster_volumes role did) against one list-form task.

Starts a lab of one GlusterFS node and one Docker host, creates two distribute volumes of one brick
(b1, b2) and COUNT Docker volumes on them (half on each) with the list form, then runs each case
REPEAT times (after a warm-up) as one ansible-playbook task on docker1 and prints the task's median
and mean duration (the whole loop for a loop). The machine's load average and the number of other
running containers are printed with the figures: on a shared machine they are not a quiet
measurement, and the report says so.

    scripts/bench docker-volumes [--repeat N] [--suite bookworm|trixie] [--count 20]
"""
import argparse
import os
import statistics
import subprocess
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..'))
sys.path.insert(0, os.path.join(ROOT, 'tests', 'integration'))
sys.path.insert(0, os.path.join(ROOT, 'bench'))

from lab import Lab  # noqa: E402  (the integration tests' lab driver)
from noop_cost import publish  # noqa: E402  (the report written)

MODULE = 'glusterdock.storage.docker_gluster_volume'
GLUSTER_VOLUMES = ['b1', 'b2']


def entries(count):
    """COUNT Docker volumes, half on each GlusterFS volume."""
    return [{'name': 'dv%02d' % number, 'gluster_volume': GLUSTER_VOLUMES[number % 2], 'servers': ['node1']}
            for number in range(1, count + 1)]


def cases(count):
    """(label, args, loop) of each case."""
    items = entries(count)
    return [
        ('loop of docker_gluster_volume, one Docker volume per item', {
            'name': '{{ item.name }}', 'gluster_volume': '{{ item.gluster_volume }}', 'servers': ['node1']}, items),
        ('docker_gluster_volume list form, one task', {'volumes': items}, None),
    ]


def measure(lab, args, repeat, loop=None):
    """Durations of REPEAT no-op runs of one task on docker1."""
    seconds = []
    for _run in range(repeat):
        result = lab.run_module('docker1', MODULE, args, loop=loop)
        if result.get('failed') or result.get('changed'):
            raise SystemExit('the task did not run as a no-op: %s' % result.get('msg', result))
        seconds.append(result['_task_seconds'])
    return seconds


def machine_load():
    """The load average and the number of running containers on this machine (every lab's)."""
    with open('/proc/loadavg') as handle:
        load = ' '.join(handle.read().split()[:3])
    running = subprocess.run(['docker', 'ps', '-q'], capture_output=True, text=True, check=False).stdout.split()
    return 'load average %s, %d containers running, %d CPU' % (load, len(running), os.cpu_count())


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n', maxsplit=1)[0])
    parser.add_argument('--repeat', type=int, default=5)
    parser.add_argument('--suite', default='bookworm')
    parser.add_argument('--count', type=int, default=20)
    options = parser.parse_args()

    lab = Lab(ROOT, name='gd-bench-dlist', nodes=1, suite=options.suite, docker_hosts=1)
    lab.up()
    rows = []
    try:
        for volume in GLUSTER_VOLUMES:
            lab.sh('node1', 'mkdir -p /bricks/%s' % volume)
            lab.gluster('node1', 'volume', 'create', volume, 'node1:/bricks/%s/b' % volume)
            lab.gluster('node1', 'volume', 'start', volume)
        version = lab.gluster('node1', '--version').splitlines()[0]
        created = lab.run_module('docker1', MODULE, {'volumes': entries(options.count)})
        if created.get('failed'):
            raise SystemExit('the Docker volumes were not created: %s' % created.get('msg'))
        load_before = machine_load()
        for label, args, loop in cases(options.count):
            lab.run_module('docker1', MODULE, args, loop=loop)  # warm-up
            seconds = measure(lab, args, options.repeat, loop=loop)
            rows.append((label, statistics.median(seconds), statistics.mean(seconds)))
            print('%s: median %.3f s' % (label, rows[-1][1]), flush=True)
        load_after = machine_load()
    finally:
        lab.down()

    lines = [
        '# No-op of %d Docker volumes on GlusterFS: a loop of tasks against the list form' % options.count,
        '',
        'Lab: 1 GlusterFS node (%s), 1 Docker host, %d Docker volumes on 2 GlusterFS volumes, %d runs per case; '
        'task duration (the whole loop for a loop) as the ansible.posix.json callback reports it (controller '
        'clock).' % (version, options.count, options.repeat),
        '',
        'Machine while measuring: %s before, %s after. Other labs running at the same time make the figures '
        'slower and noisier than on a quiet machine.' % (load_before, load_after),
        '',
        '| case | median s | mean s |',
        '| --- | --- | --- |',
    ]
    lines += ['| %s | %.3f | %.3f |' % row for row in rows]
    lines += ['', 'List form / loop (medians): %.2f' % (rows[1][1] / rows[0][1])]
    publish(lines, 'docker_volumes_list_cost.md')


if __name__ == '__main__':
    main()
