"""No-op cost of two or more revisions of the collection, interleaved on one lab.

Machine load drifts over minutes, so two runs of noop_cost.py taken one after the other can differ
by more than the change they compare. This starts the same 3-node lab as noop_cost.py, checks out
each revision into .build/ab/REV (a detached git worktree; WORKTREE means the working tree as it
is), and runs every case of every revision once per round, in a new random order each round, so
load falls on all of them alike. Prints each revision's median and mean per case against the
floor (one plain gluster read) and writes the table to bench/results/noop_ab.md.

    scripts/bench ab --revs 94de876,WORKTREE [--repeat ROUNDS] [--suite bookworm|trixie]
"""
import os
import random
import statistics
import subprocess
import sys

sys.path.insert(0, os.path.dirname(__file__))

from bench_lab import ROOT, argument_parser, gluster_version, publish, running_lab  # noqa: E402
from noop_cost import CASES, replica_3_volume  # noqa: E402  (the same cases on the same volume)

# The floor and the two no-ops without options (the option cases add a read by design).
COMPARED = [case for case in CASES if 'options' not in case[2]]


def collections_path(revision):
    """An ANSIBLE_COLLECTIONS_PATH whose glusterdock.storage is REVISION of this repository."""
    if revision == 'WORKTREE':
        source = ROOT
    else:
        source = os.path.join(ROOT, '.build', 'ab', revision)
        if not os.path.isdir(source):
            subprocess.run(['git', '-C', ROOT, 'worktree', 'add', '--detach', source, revision], check=True)
    path = os.path.join(ROOT, '.build', 'ab', 'collections-' + revision)
    namespace = os.path.join(path, 'ansible_collections', 'glusterdock')
    os.makedirs(namespace, exist_ok=True)
    link = os.path.join(namespace, 'storage')
    if not os.path.islink(link):
        os.symlink(source, link)
    # The other collections (community.docker's connection, ansible.posix's callback) as before.
    return os.pathsep.join([path] + [entry for entry in os.environ.get('ANSIBLE_COLLECTIONS_PATH', '').split(os.pathsep)
                                     if entry and not entry.startswith(os.path.join(ROOT, '.build'))])


def run_once(lab, revision_path, module, args):
    """One no-op task's duration, run with REVISION_PATH as the collections path."""
    saved = os.environ.get('ANSIBLE_COLLECTIONS_PATH')
    os.environ['ANSIBLE_COLLECTIONS_PATH'] = revision_path
    try:
        result = lab.run_module('node1', module, args)
    finally:
        os.environ['ANSIBLE_COLLECTIONS_PATH'] = saved or ''
    if result.get('failed') or (result.get('changed') and module != 'ansible.builtin.command'):
        raise SystemExit('%s did not run as a no-op: %s' % (module, result.get('msg', result)))
    return result['_task_seconds']


def main():
    parser = argument_parser(__doc__, repeat=20)
    parser.add_argument('--revs', required=True, help='comma-separated git revisions; WORKTREE for the working tree')
    options = parser.parse_args()
    revisions = options.revs.split(',')
    paths = {revision: collections_path(revision) for revision in revisions}
    # The floor does not depend on the collection: measured once per round, with the first revision.
    runs = [(revisions[0], COMPARED[0])] + [(revision, case) for revision in revisions for case in COMPARED[1:]]

    with running_lab('gd-bench-ab', nodes=3, suite=options.suite) as lab:
        replica_3_volume(lab)
        version = gluster_version(lab)
        for revision, (label, module, args) in runs:  # warm-up: caches, first connection
            run_once(lab, paths[revision], module, args)
        seconds = {}
        for round_number in range(options.repeat):  # pylint: disable=unused-variable
            random.shuffle(runs)
            for revision, (label, module, args) in runs:
                seconds.setdefault((revision, label), []).append(run_once(lab, paths[revision], module, args))

    floor = statistics.median(seconds[(revisions[0], COMPARED[0][0])])
    lines = [
        '# No-op cost of %s, interleaved' % ' and '.join(revisions),
        '',
        'Lab: 3 nodes, %s, %d rounds; each round runs every case of every revision once, in a new '
        'random order; task duration as the ansible.posix.json callback reports it.' % (version, options.repeat),
        '',
        '| revision | case | median s | mean s | median / floor |',
        '| --- | --- | --- | --- | --- |',
    ]
    for revision, label in ((revision, case[0]) for revision in revisions for case in COMPARED):
        values = seconds.get((revision, label))
        if not values:  # the floor, measured with the first revision only
            continue
        median = statistics.median(values)
        lines.append('| %s | %s | %.3f | %.3f | %.2f |' % (revision, label, median, statistics.mean(values), median / floor))
    publish(lines, 'noop_ab.md')


if __name__ == '__main__':
    main()
