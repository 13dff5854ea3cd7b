#!/usr/bin/env python
"""Run the lab test modules JOBS at a time, one pytest process per module, longest first.

    parallel_pytest.py [--jobs N] [PYTEST_ARGS...] -- FILE...

Each module builds its own lab (named by its pytest process's pid), so two run side by side
without sharing anything; most of a lab test's time is spent waiting on glusterd, mounts and
containers, so two at once on a 2-core machine take about half the wall time of one after the
other. Each module's output goes to its own log, printed whole when the module ends, so the
outputs never interleave. Each module records its data-safety rows in a file of its own; they
are joined into $GLUSTERDOCK_SAFETY_MATRIX (default .build/safety-matrix.jsonl) at the end.
"""
import argparse
import os
import re
import subprocess
import sys
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))

# About the minutes each module takes on a quiet 2-core machine, to start the longest first (a
# module not listed counts as 3). Only the order depends on these; the run prints the real times.
EXPECTED_MINUTES = {
    'test_docker_gluster_volume.py': 16,
    'test_gluster_brick.py': 7,
    'test_tls.py': 7,
    'test_upgrade.py': 6,
    'test_gluster_volume.py': 6,
    'test_gluster_volume_distributed.py': 7,
    'test_gluster_brick_replicated.py': 5,
    'test_gluster_quota.py': 3,
    'test_gluster_peer.py': 3,
    'test_gluster_info.py': 3,
    'test_pool_faults.py': 3,
    'test_replace_server.py': 5,
    'test_gluster_server_role.py': 1,
}


def parse_args(argv):
    if '--' not in argv:
        sys.exit('usage: parallel_pytest.py [--jobs N] [PYTEST_ARGS...] -- FILE...')
    split = argv.index('--')
    parser = argparse.ArgumentParser()
    parser.add_argument('--jobs', type=int, default=int(os.environ.get('GLUSTERDOCK_JOBS', '2')))
    options, pytest_args = parser.parse_known_args(argv[:split])
    return options.jobs, pytest_args, argv[split + 1:]


def summary_line(log_path):
    """pytest's last line, e.g. '12 passed, 1 failed in 301.20s (0:05:01)'."""
    with open(log_path, errors='replace') as handle:
        lines = [line.strip('= \n') for line in handle if line.strip()]
    return lines[-1] if lines else 'no output'


def counts(line):
    found = dict((word, int(number)) for number, word in re.findall(r'(\d+) (passed|failed|error|errors)', line))
    return found.get('passed', 0), found.get('failed', 0) + found.get('error', 0) + found.get('errors', 0)


def main(argv):
    jobs, pytest_args, files = parse_args(argv)
    files.sort(key=lambda path: -EXPECTED_MINUTES.get(os.path.basename(path), 3))
    build = os.path.join(ROOT, '.build')
    logs = os.path.join(build, 'integration-logs')
    matrices = os.path.join(build, 'safety-matrix.d')
    for folder in (logs, matrices):
        os.makedirs(folder, exist_ok=True)
        for name in os.listdir(folder):
            os.remove(os.path.join(folder, name))

    waiting, running, results = list(files), {}, []
    started_all = time.time()
    while waiting or running:
        while waiting and len(running) < jobs:
            path = waiting.pop(0)
            name = os.path.basename(path)[:-len('.py')]
            log_path = os.path.join(logs, name + '.log')
            env = dict(os.environ, GLUSTERDOCK_SAFETY_MATRIX=os.path.join(matrices, name + '.jsonl'))
            with open(log_path, 'w') as log:
                process = subprocess.Popen([sys.executable, '-m', 'pytest', '-q', '-p', 'no:cacheprovider']
                                           + pytest_args + [path], cwd=ROOT, env=env,
                                           stdout=log, stderr=subprocess.STDOUT)
            print('--- %s: started (%d running)' % (name, len(running) + 1), flush=True)
            running[process] = (name, log_path, time.time())
        time.sleep(2)
        for process in [process for process in running if process.poll() is not None]:
            name, log_path, started = running.pop(process)
            seconds = time.time() - started
            line = summary_line(log_path)
            verdict = 'passed' if process.returncode == 0 else 'FAILED'
            print('--- %s: %s (%d s): %s' % (name, verdict, seconds, line), flush=True)
            if process.returncode != 0:
                with open(log_path, errors='replace') as handle:
                    sys.stdout.write(handle.read())
            results.append((name, process.returncode, seconds, line))

    matrix = os.environ.get('GLUSTERDOCK_SAFETY_MATRIX', os.path.join(build, 'safety-matrix.jsonl'))
    with open(matrix, 'w') as joined:
        for name in sorted(os.listdir(matrices)):
            with open(os.path.join(matrices, name)) as rows:
                joined.write(rows.read())

    passed = sum(counts(result[3])[0] for result in results)
    failed = sum(counts(result[3])[1] for result in results)
    print('--- integration modules, longest first:')
    for name, returncode, seconds, line in sorted(results, key=lambda result: -result[2]):
        print('%6d s  %-40s %s' % (seconds, name, line))
    print('--- %d passed, %d failed, %d of %d modules failed, %d s wall clock with %d at a time'
          % (passed, failed, sum(1 for result in results if result[1] != 0), len(results),
             time.time() - started_all, jobs))
    return 0 if all(result[1] == 0 for result in results) else 1


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
