"""What creating many volumes and a no-op converge of them cost: gluster's own commands, loops of
tasks, gluster_volume's list form and the gluster_volumes role.

Starts a 1-node lab (GlusterFS preinstalled) with brick multiplexing on (one brick process for
every volume), for distribute volumes of one brick each, and at each count of volumes measures,
on node1, in rounds whose cases run in a new random order every round (the machine's load drifts,
and interleaving lets the drift hit every case alike):

Creating the volumes from nothing (before every case, every volume is deleted: glusterd is
stopped, its volume definitions and the brick directories are removed, and it is started again,
which takes seconds where a stop and delete of each volume takes minutes for 300):

- the floor: gluster's own ``volume create NAME BRICK`` and ``volume start NAME`` of every volume,
  back to back, by one shell script in one ``ansible.builtin.command`` task;
- one gluster_volume task with the list form (``volumes``) creating and starting them;
- the whole gluster_volumes role (it also makes the brick parent directories, which the two
  cases above get made before they are timed);
- with ``--baseline REV``, the same list-form task run by revision REV of the collection
  (exported with git archive), in the same rounds: a change measured against the code before it
  under the same load.

A no-op converge of the volumes then there:

- the floor of a loop: ``ansible.builtin.command`` running ``gluster volume info NAME --xml`` once
  per volume (the least one task per volume can cost), and a loop of gluster_volume's single form,
  one volume per item (as the gluster_volumes role did), both only at ``--loop-counts`` (about
  0.6 s per volume: three minutes each for 300);
- one gluster_volume task with the list form, as the role does now;
- the whole gluster_volumes role.

Tasks are timed as the ansible.posix.json callback reports them (controller clock), the role as
its whole play (first task start to last task end); gluster calls are counted on node1 by the
lab's wrapper around the CLI. One warm-up round of every case with 2 volumes comes first.
Writes the table to bench/results/volumes_list_cost.md after every round (a later failure or a
stop keeps the rounds done), and the raw figures to volumes_list_cost.json beside it; ``--append``
adds a run's figures to those already there (for counts measured by another run).

    scripts/bench volumes [--repeat N] [--large-repeat N] [--suite bookworm|trixie]
                          [--counts 10,100,300] [--loop-counts 10,100] [--cases floor,list,role] [--append]
                          [--baseline REV]

``--repeat``: rounds at counts up to 100; ``--large-repeat``: rounds at larger counts.
"""
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time

import yaml

sys.path.insert(0, os.path.dirname(__file__))

from bench_lab import ROOT, argument_parser, gluster_version, running_lab  # noqa: E402  (what the lab benchmarks share)
from lab import _seconds as seconds  # noqa: E402  (the lab driver's reading of the JSON callback's clock)

MODULE = 'glusterdock.storage.gluster_volume'
FLOOR_CREATE = 'floor: gluster volume create + start of each, one shell script in one command task'
LIST_CREATE = 'gluster_volume list form, one task'
ROLE_CREATE = 'gluster_volumes role, whole play'
FLOOR_LOOP = 'floor of a loop: ansible.builtin.command volume info NAME per volume'
SINGLE_LOOP = 'loop of gluster_volume, one volume per item'
LIST_NOOP = 'gluster_volume list form, one task'
ROLE_NOOP = 'gluster_volumes role, whole play'
BASELINE_CREATE = 'gluster_volume list form, one task, at %s'

# The floor's script: gluster's own commands, as the module sends them (script mode, XML), and
# nothing else. The names come as arguments, so no name reaches the shell as code.
CREATE_AND_START = ('for name; do gluster --mode=script volume create "$name" "node1:/bricks/$name/b" --xml >/dev/null '
                    '|| exit 1; gluster --mode=script volume start "$name" --xml >/dev/null || exit 1; done')


def volume_names(count):
    return ['v%03d' % number for number in range(1, count + 1)]


def brick(name):
    return 'node1:/bricks/%s/b' % name


def definitions(names):
    return [{'name': name, 'bricks': [brick(name)]} for name in names]


def delete_every_volume(lab):
    """No volume left and no brick directory, in seconds whatever the count: glusterd stopped (on
    Debian that ends the brick processes too), its volume definitions and the bricks removed."""
    # reset-failed: systemd refuses a unit started more often than 5 times in 10 s.
    lab.sh('node1', 'systemctl stop glusterd && rm -rf /var/lib/glusterd/vols/* /bricks/v[0-9]* '
                    '&& systemctl reset-failed glusterd; systemctl start glusterd')
    lab.wait_for_glusterd('node1')
    left = lab.gluster('node1', 'volume', 'list').split()
    if left != [] and left != ['No', 'volumes', 'present', 'in', 'cluster']:
        raise SystemExit('volumes left after the reset: %s' % ' '.join(left))


def make_brick_parents(lab, names):
    lab.sh('node1', 'mkdir -p %s' % ' '.join('/bricks/%s' % name for name in names))


def check_started(lab, names):
    """Fail unless every volume of ``names`` exists and is started."""
    info = lab.gluster('node1', 'volume', 'info')
    started = info.count('Status: Started')
    missing = [name for name in names if 'Volume Name: %s\n' % name not in info]
    if missing or started != len(names):
        raise SystemExit('%d of %d volumes started; missing: %s' % (started, len(names), ', '.join(missing)))


def run_task(lab, module, args, loop=None, changing=False):
    """(seconds, gluster calls) of one task on node1; fails on a failed task, or on a change
    where none is expected (the floor's command task always says changed)."""
    lab.reset_call_log()
    result = lab.run_module('node1', module, args, loop=loop)
    if result.get('failed') or (result.get('changed') and not changing and module != 'ansible.builtin.command'):
        raise SystemExit('%s: %s' % (module, str(result.get('msg', result))[-3000:]))
    return result['_task_seconds'], len(lab.call_log('node1'))


def run_role(lab, names, changing):
    """(play seconds, gluster calls) of one run of the gluster_volumes role over ``names``; fails
    unless it ran cleanly, and changed something exactly when ``changing``."""
    play = {'hosts': 'gluster_servers', 'gather_facts': False, 'roles': [{
        'role': 'glusterdock.storage.gluster_volumes',
        'vars': {'gluster_volumes_list': definitions(names), 'gluster_volumes_restrict_clients': False}}]}
    lab.reset_call_log()
    with tempfile.NamedTemporaryFile('w', suffix='.yml', delete=False) as handle:
        yaml.safe_dump([play], handle)
        playbook = handle.name
    env = dict(os.environ, ANSIBLE_STDOUT_CALLBACK='ansible.posix.json', ANSIBLE_NOCOLOR='1')
    try:
        completed = subprocess.run(['ansible-playbook', '-i', lab.inventory, playbook], capture_output=True, text=True,
                                   env=env, cwd=ROOT, check=False)
    finally:
        os.unlink(playbook)
    try:
        output = json.loads(completed.stdout)
        duration = output['plays'][0]['play']['duration']
        stats = output['stats']['node1']
    except (ValueError, KeyError, IndexError):
        raise SystemExit('the gluster_volumes role printed no JSON (rc=%s): %s %s'
                         % (completed.returncode, completed.stdout[-3000:], completed.stderr[-3000:]))
    if completed.returncode != 0 or stats.get('failures') or bool(stats.get('changed')) != changing:
        raise SystemExit('the gluster_volumes role did not run as expected (changing=%s): %s'
                         % (changing, completed.stdout[-3000:]))
    return seconds(duration['end']) - seconds(duration['start']), len(lab.call_log('node1'))


def baseline_collections(revision):
    """(ANSIBLE_COLLECTIONS_PATH whose glusterdock.storage is ``revision`` of this repository, its
    short commit), exported once under .build/baseline with git archive (no worktree made)."""
    commit = subprocess.run(['git', '-C', ROOT, 'rev-parse', '--short', revision], capture_output=True, text=True,
                            check=True).stdout.strip()
    path = os.path.join(ROOT, '.build', 'baseline', commit)
    storage = os.path.join(path, 'ansible_collections', 'glusterdock', 'storage')
    if not os.path.isdir(storage):
        os.makedirs(storage + '.tmp', exist_ok=True)
        archive = subprocess.run(['git', '-C', ROOT, 'archive', commit], capture_output=True, check=True).stdout
        subprocess.run(['tar', '-x', '-C', storage + '.tmp'], input=archive, check=True)
        os.rename(storage + '.tmp', storage)
    return path, commit


def run_task_with_collections(lab, path, module, args, changing=False):
    """run_task with ANSIBLE_COLLECTIONS_PATH set to ``path`` for that task only."""
    saved = os.environ.get('ANSIBLE_COLLECTIONS_PATH')
    os.environ['ANSIBLE_COLLECTIONS_PATH'] = path
    try:
        return run_task(lab, module, args, changing=changing)
    finally:
        os.environ['ANSIBLE_COLLECTIONS_PATH'] = saved or ''


def creation_cases(lab, names, chosen=('floor', 'list', 'role'), baseline=None):
    """(label, run() -> (seconds, calls)) of each way of creating ``names`` from nothing, of those
    ``chosen``; ``baseline``: (collections path, commit) of the list form at another revision."""
    def floor():
        make_brick_parents(lab, names)
        return run_task(lab, 'ansible.builtin.command', {'argv': ['sh', '-c', CREATE_AND_START, 'sh'] + names})

    def list_form():
        make_brick_parents(lab, names)
        return run_task(lab, MODULE, {'volumes': definitions(names)}, changing=True)

    def list_form_at_baseline():
        make_brick_parents(lab, names)
        return run_task_with_collections(lab, baseline[0], MODULE, {'volumes': definitions(names)}, changing=True)

    cases = {'floor': (FLOOR_CREATE, floor), 'list': (LIST_CREATE, list_form),
             'role': (ROLE_CREATE, lambda: run_role(lab, names, changing=True))}
    if baseline:
        cases['baseline'] = (BASELINE_CREATE % baseline[1], list_form_at_baseline)
        chosen = list(chosen) + ['baseline']
    return [cases[name] for name in chosen]


def noop_cases(lab, names, loops):
    """(label, run() -> (seconds, calls)) of each no-op converge of ``names``; the loops only
    when ``loops``."""
    cases = []
    if loops:
        cases += [
            (FLOOR_LOOP, lambda: run_task(lab, 'ansible.builtin.command', {
                'argv': ['gluster', '--mode=script', 'volume', 'info', '{{ item }}', '--xml']}, loop=names)),
            (SINGLE_LOOP, lambda: run_task(lab, MODULE, {'name': '{{ item }}', 'bricks': ['node1:/bricks/{{ item }}/b']},
                                           loop=names)),
        ]
    return cases + [(LIST_NOOP, lambda: run_task(lab, MODULE, {'volumes': definitions(names)})),
                    (ROLE_NOOP, lambda: run_role(lab, names, changing=False))]


def measure_rounds(lab, count, rounds, loops, figures, chosen, record=None, baseline=None):
    """Every case at ``count`` volumes (of the creation cases those ``chosen``), ``rounds`` times,
    in a new random order each round; the figures go to ``figures[(kind, count, label)]`` as
    (seconds, calls) pairs, and ``record()`` is called after every round (None: a warm-up, nothing
    kept)."""
    names = volume_names(count)
    for round_number in range(1, rounds + 1):
        cases = creation_cases(lab, names, chosen, baseline)
        random.shuffle(cases)
        for label, run in cases:
            delete_every_volume(lab)
            measured = run()
            check_started(lab, names)
            if record:
                figures.setdefault(('create', count, label), []).append(measured)
            print('%d volumes, round %d, create, %s: %.2f s, %d calls' % ((count, round_number, label) + measured), flush=True)
        if record:
            record()
    # The last case of the last round created every volume: the no-ops run over them.
    for round_number in range(1, rounds + 1):
        cases = noop_cases(lab, names, loops)
        random.shuffle(cases)
        for label, run in cases:
            measured = run()
            if record:
                figures.setdefault(('no-op', count, label), []).append(measured)
            print('%d volumes, round %d, no-op, %s: %.2f s, %d calls' % ((count, round_number, label) + measured), flush=True)
        if record:
            record()


def load_average():
    with open('/proc/loadavg') as handle:
        return ' / '.join(handle.read().split()[:3])


def main():
    parser = argument_parser(__doc__, repeat=3)
    parser.add_argument('--large-repeat', type=int, default=2)
    parser.add_argument('--counts', default='10,100,300')
    parser.add_argument('--loop-counts', default='10,100')
    parser.add_argument('--cases', default='floor,list,role', help='the creation cases to run')
    parser.add_argument('--baseline', help='a revision whose list form runs in the same rounds (the code before a change)')
    parser.add_argument('--append', action='store_true',
                        help='add to the figures of bench/results/volumes_list_cost.json (another run, other counts)')
    options = parser.parse_args()
    counts = [int(count) for count in options.counts.split(',')]
    loop_counts = {int(count) for count in options.loop_counts.split(',') if count}
    chosen = options.cases.split(',')
    baseline = baseline_collections(options.baseline) if options.baseline else None

    figures = load_figures() if options.append else {}
    loads = ['start: %s' % load_average()]
    started = time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())
    with running_lab('gd-bench-vlist', nodes=1, suite=options.suite) as lab:
        version = gluster_version(lab)
        lab.gluster('node1', 'volume', 'set', 'all', 'cluster.brick-multiplex', 'on')
        measure_rounds(lab, 2, 1, True, figures, chosen, baseline=baseline)
        for count in counts:
            rounds = options.repeat if count <= 100 else options.large_repeat
            # Written after every round, before the lab goes: a stop or a failed teardown keeps the figures.
            measure_rounds(lab, count, rounds, count in loop_counts, figures, chosen, baseline=baseline,
                           record=lambda: report(figures, version, options, started, loads + ['now: %s' % load_average()]))


def load_figures():
    """The figures of an earlier run, from bench/results/volumes_list_cost.json."""
    with open(os.path.join(ROOT, 'bench', 'results', 'volumes_list_cost.json')) as handle:
        return {(row['kind'], row['volumes'], row['case']): [(run['seconds'], run['gluster_calls']) for run in row['runs']]
                for row in json.load(handle)}


def summary(pairs):
    """(calls median, calls max, median s, mean s, min s, max s, runs) of (seconds, calls) pairs."""
    times = [time_ for time_, calls in pairs]
    calls = [calls for time_, calls in pairs]
    return (statistics.median(calls), max(calls), statistics.median(times), statistics.mean(times), min(times),
            max(times), len(times))


def report(figures, version, options, started, loads):
    """bench/results/volumes_list_cost.md (the tables) and .json (every figure)."""
    lines = [
        '# Creating many volumes, and a no-op converge of them',
        '',
        'Lab: 1 node, %s, brick multiplexing on, distribute volumes of one brick; %d rounds per case up to 100 '
        'volumes, %d above, each round running the cases in a new random order; started %s. Task duration as the '
        'ansible.posix.json callback reports it (controller clock; the whole loop for a loop), the role as its whole '
        'play; gluster calls counted on node1 by a wrapper around the CLI. Load average (1 / 5 / 15 min) %s.'
        % (version, options.repeat, options.large_repeat, started, '; '.join(loads)),
        '',
    ]
    columns = ['volumes', 'case', 'gluster calls (median / max)', 'median s', 'mean s', 'min s', 'max s', 'runs',
               'median / floor']
    for kind, title, floor_label in (('create', 'Creating and starting the volumes from nothing', FLOOR_CREATE),
                                     ('no-op', 'A no-op converge of the volumes', FLOOR_LOOP)):
        lines += ['## %s' % title, '', '| %s |' % ' | '.join(columns), '| %s |' % ' | '.join(['---'] * len(columns))]
        for (row_kind, count, label), pairs in sorted(figures.items(), key=lambda item: (item[0][1], order(item[0]))):
            if row_kind != kind:
                continue
            row = summary(pairs)
            floor = figures.get((kind, count, floor_label))
            ratio = '%.2f' % (row[2] / summary(floor)[2]) if floor else '-'
            lines.append('| %d | %s | %g / %d | %.3f | %.3f | %.3f | %.3f | %d | %s |' % ((count, label) + row + (ratio,)))
        lines.append('')
    text = '\n'.join(lines)
    print(text)
    results = os.path.join(ROOT, 'bench', 'results')
    os.makedirs(results, exist_ok=True)
    with open(os.path.join(results, 'volumes_list_cost.md'), 'w') as handle:
        handle.write(text)
    with open(os.path.join(results, 'volumes_list_cost.json'), 'w') as handle:
        json.dump([{'kind': kind, 'volumes': count, 'case': label, 'runs': [{'seconds': round(time_, 3), 'gluster_calls': calls}
                                                                            for time_, calls in pairs]}
                   for (kind, count, label), pairs in sorted(figures.items())], handle, indent=1)
        handle.write('\n')


def order(key):
    """The cases in the order the tables list them."""
    labels = [FLOOR_CREATE, LIST_CREATE, ROLE_CREATE] if key[0] == 'create' else [FLOOR_LOOP, SINGLE_LOOP, LIST_NOOP, ROLE_NOOP]
    return labels.index(key[2]) if key[2] in labels else len(labels)  # a baseline last


if __name__ == '__main__':
    main()
