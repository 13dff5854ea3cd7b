"""What the gluster_volumes role's tuning profiles, and candidates for them, buy: four workloads from
a container through a Docker volume, on one replica 3 volume per profile.

Starts a lab of three GlusterFS nodes and one Docker host, creates a replica 3 volume per profile
(the role's profiles, from the table the role uses, and the CANDIDATES below; options set with
volume set), a Docker volume on
each with docker_gluster_volume, and 10 000 files in 100 directories on each. Then, ROUNDS times,
every profile in turn (the order rotates each round, since the machine's load drifts) runs in a
new busybox container:

- creates: 2000 files of 4 KiB written into a new directory;
- fsync write: 256 MiB written with dd conv=fsync;
- cold read: that file read back right after the Docker host's GlusterFS mount was taken down and
  mounted again by docker_gluster_volume (a fresh client: nothing cached on it; dropping the
  kernel's caches is not possible from a container);
- ls -lR: the 10 000 files listed on that fresh mount (cold), then listed again from a new
  container (warm: what a second container, or a second run, sees).

Each duration is measured inside the container (/proc/uptime). Medians of the rounds go to
bench/results/profiles.md, with the load average of the machine at each round.

    scripts/bench profiles [--rounds N] [--suite bookworm|trixie]
"""
import argparse
import os
import statistics
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..'))
sys.path.insert(0, os.path.join(ROOT, '.build', 'collections'))
sys.path.insert(0, os.path.join(ROOT, 'bench'))

from bench_lab import gluster_version, publish, running_lab  # noqa: E402
from docker_volumes_list_cost import machine_load  # noqa: E402

# The collection is importable from the worktree (ANSIBLE_COLLECTIONS_PATH of scripts/env.sh).
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_volume_profiles import (  # noqa: E402
    PROFILES,
)

MODULE = 'glusterdock.storage.docker_gluster_volume'
SERVERS = ['node1', 'node2', 'node3']
BUSYBOX = 'glusterdock/busybox'
DOCKER_HOST = 'docker1'
TREE_DIRECTORIES = 100
TREE_FILES_PER_DIRECTORY = 100
# Option sets measured against default before one may become a profile of the role. Neither of these
# shipped (bench/results/profiles.md): kept so that a re-run measures them again.
CANDIDATES = {
    # Many small files, listed and stat'ed again and again (container workloads).
    'containers': {
        # Bricks send an invalidation (upcall) to every client holding an inode another client changed,
        'features.cache-invalidation': 'on',
        'features.cache-invalidation-timeout': '600',
        # md-cache drops an entry on an invalidation,
        'performance.cache-invalidation': 'on',
        # so that it may keep stat and xattrs 10 minutes instead of 1 second. Failed the two-client
        # test: the invalidation comes after the second client's answer (stale bytes, a deleted file),
        # also when the reader may ask again for 5 s (stale bytes after an overwrite, both runs).
        'performance.md-cache-timeout': '600',
        # Room for the inodes of large trees in the bricks' inode table.
        'network.inode-lru-limit': '200000',
    },
    # Large files written and read sequentially.
    'large-files': {
        # Let write-behind gather 4 MiB of a sequential write (1 MiB by default) before the writer waits.
        'performance.write-behind-window-size': '4MB',
        # Read ahead on sequential reads (off by default since GlusterFS 9), 16 pages of 128 KiB.
        # Slower on the cold read in every round.
        'performance.read-ahead': 'on',
        'performance.read-ahead-page-count': '16',
    },
}
# The workloads a profile (or candidate) must win to ship ('default' ships always).
NAMED_WORKLOADS = {'containers': ('creates', 'ls -lR warm'), 'large-files': ('fsync write', 'cold read')}
WORKLOADS = ('creates', 'fsync write', 'cold read', 'ls -lR cold', 'ls -lR warm')

# Prints the container's uptime (centiseconds) before and after the work.
TIMED = 'read s _ < /proc/uptime; %s; read e _ < /proc/uptime; echo "$s $e"'
CREATES = ('mkdir -p /data/creates/%s && cd /data/creates/%s && i=0; '
           'while [ $i -lt 2000 ]; do printf "%%4096s" "" > f$i || exit 1; i=$((i+1)); done')
WRITE = 'dd if=/dev/zero of=/data/big bs=1M count=256 conv=fsync 2>/dev/null'
READ = 'dd if=/data/big of=/dev/null bs=1M 2>/dev/null'
LIST = 'ls -lR /data/tree > /dev/null'


def gluster_volume(profile):
    return 'p' + profile.replace('-', '')


def docker_volume(profile):
    return 'bench-' + profile


def mount_point(profile):
    return '/mnt/glusterfs/%s' % gluster_volume(profile)


def create_volume(lab, profile, options):
    """A started replica 3 volume with the profile's OPTIONS, and its Docker volume on DOCKER_HOST."""
    name = gluster_volume(profile)
    for node in SERVERS:
        lab.sh(node, 'mkdir -p /bricks/%s' % name)
    lab.gluster('node1', 'volume', 'create', name, 'replica', '3', *['%s:/bricks/%s/b' % (node, name) for node in SERVERS])
    for key, value in options.items():
        out = lab.gluster('node1', 'volume', 'set', name, key, value)
        if 'success' not in out:
            raise SystemExit('volume set %s %s %s failed: %s' % (name, key, value, out))
    lab.gluster('node1', 'volume', 'start', name)
    docker_gluster_volume(lab, profile)


def docker_gluster_volume(lab, profile):
    """The profile's Docker volume, mounting its GlusterFS volume when it is not mounted."""
    result = lab.run_module(DOCKER_HOST, MODULE, {'name': docker_volume(profile), 'gluster_volume': gluster_volume(profile),
                                                  'servers': SERVERS, 'subdirectory': 'data'})
    if result.get('failed'):
        raise SystemExit('docker_gluster_volume failed: %s' % result.get('msg'))


def make_tree(lab, profiles):
    """TREE_DIRECTORIES x TREE_FILES_PER_DIRECTORY small files under tree/ of every volume, written on
    the Docker host's mounts by four writers per volume at once (the set-up is not measured)."""
    writers = []
    for profile in profiles:
        root = '%s/data/tree' % mount_point(profile)
        for writer in range(4):
            writers.append(
                'for d in $(seq %d 4 %d); do mkdir -p %s/d$d; for f in $(seq 1 %d); do printf x > %s/d$d/f$f; done; '
                'done &' % (writer, TREE_DIRECTORIES - 1, root, TREE_FILES_PER_DIRECTORY, root))
    lab.sh(DOCKER_HOST, ' '.join(writers) + ' wait')
    for profile in profiles:
        count = lab.sh(DOCKER_HOST, 'find %s/data/tree -type f | wc -l' % mount_point(profile)).stdout.strip()
        if int(count) != TREE_DIRECTORIES * TREE_FILES_PER_DIRECTORY:
            raise SystemExit('%s: %s files in the tree' % (profile, count))


def timed_in_container(lab, profile, script):
    """Seconds SCRIPT took in a new container with the profile's Docker volume at /data."""
    command = TIMED % script
    out = lab.sh(DOCKER_HOST, "docker run --rm -v %s:/data %s sh -c '%s'" % (docker_volume(profile), BUSYBOX, command))
    start, end = out.stdout.split()[-2:]
    return float(end) - float(start)


def fresh_mount(lab, profile):
    """The Docker host's GlusterFS mount of the profile taken down and mounted again by
    docker_gluster_volume: a new client with nothing cached."""
    lab.unmount(DOCKER_HOST, mount_point(profile))
    docker_gluster_volume(lab, profile)
    lab.sh(DOCKER_HOST, 'grep -q " %s fuse.glusterfs " /proc/self/mounts' % mount_point(profile))


def run_turn(lab, profile, round_number):
    """The five timings of one profile in one round."""
    lab.sh(DOCKER_HOST, 'rm -f %s/data/big' % mount_point(profile))
    timings = {'creates': timed_in_container(lab, profile, CREATES % (round_number, round_number)),
               'fsync write': timed_in_container(lab, profile, WRITE)}
    fresh_mount(lab, profile)
    timings['cold read'] = timed_in_container(lab, profile, READ)
    timings['ls -lR cold'] = timed_in_container(lab, profile, LIST)
    timings['ls -lR warm'] = timed_in_container(lab, profile, LIST)
    return timings


def verdicts(medians):
    """Per profile: whether it ships, and why."""
    lines = []
    for profile, workloads in NAMED_WORKLOADS.items():
        faster = [medians[profile][workload] < medians['default'][workload] for workload in workloads]
        figures = ', '.join('%s %.2f s against %.2f s' % (workload, medians[profile][workload], medians['default'][workload])
                            for workload in workloads)
        verdict = ('faster than default on every workload it names' if all(faster)
                   else 'does not ship: not faster than default on every workload it names')
        lines.append('- `%s`: %s (%s).' % (profile, verdict, figures))
    return lines


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n', maxsplit=1)[0])
    parser.add_argument('--rounds', type=int, default=3)
    parser.add_argument('--suite', default='bookworm')
    options = parser.parse_args()
    all_options = dict(PROFILES, **CANDIDATES)
    profiles = list(all_options)
    samples = {profile: {workload: [] for workload in WORKLOADS} for profile in profiles}
    loads = []
    with running_lab('gd-bench-profiles', 3, options.suite, docker_hosts=1) as lab:
        lab.form_pool()
        version = gluster_version(lab)
        for profile in profiles:
            create_volume(lab, profile, all_options[profile])
        make_tree(lab, profiles)
        for round_number in range(1, options.rounds + 1):
            loads.append(machine_load())
            shift = (round_number - 1) % len(profiles)
            for profile in profiles[shift:] + profiles[:shift]:
                timings = run_turn(lab, profile, round_number)
                for workload, seconds in timings.items():
                    samples[profile][workload].append(seconds)
                print('round %d %s: %s' % (round_number, profile,
                                           ', '.join('%s %.2f s' % item for item in timings.items())), flush=True)
        loads.append(machine_load())

    medians = {profile: {workload: statistics.median(values) for workload, values in by_workload.items()}
               for profile, by_workload in samples.items()}
    lines = [
        '# Tuning profiles of the gluster_volumes role: four workloads from a container',
        '',
        'Lab: 3 GlusterFS nodes (%s), one replica 3 volume per profile, 1 Docker host; each workload in a new '
        'busybox container through a Docker volume of docker_gluster_volume, timed inside the container. '
        '%d rounds, the profiles interleaved within each round (order rotated); medians, then every round.'
        % (version, options.rounds),
        '',
        'Workloads: creates = 2000 files of 4 KiB in a new directory; fsync write = 256 MiB with dd conv=fsync; '
        'cold read = that file read right after the GlusterFS mount was made again (fresh client); ls -lR cold = '
        '10 000 files in 100 directories listed on that fresh mount; ls -lR warm = the same listing again from '
        'a new container.',
        '',
        'Machine at the start of each round and at the end: %s. A load average above the core count means '
        'other work shared the machine: the figures are then noisier and slower than on a quiet one.'
        % '; '.join(loads),
        '',
        '| workload | %s |' % ' | '.join('%s median s (rounds)' % profile for profile in profiles),
        '| --- | %s |' % ' | '.join(['---'] * len(profiles)),
    ]
    for workload in WORKLOADS:
        cells = ['%.2f (%s)' % (medians[profile][workload], ', '.join('%.2f' % value for value in samples[profile][workload]))
                 for profile in profiles]
        lines.append('| %s | %s |' % (workload, ' | '.join(cells)))
    lines += ['', 'A profile ships only when it is faster than `default` on the workloads it names, and passes the '
              'two-client test (test_docker_gluster_volume.py):', ''] + verdicts(medians)
    publish(lines, 'profiles.md')


if __name__ == '__main__':
    main()
