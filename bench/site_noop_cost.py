"""What a re-run of playbooks/site.yml that changes nothing costs, and where the time goes.

Runs on the demo lab (3 GlusterFS servers, 2 Docker hosts; ``scripts/demo`` builds it and runs the
first converge): ansible-playbook playbooks/site.yml, REPEAT times after one warm-up run, with the
ansible.posix.profile_tasks callback. Every run must report changed=0 on every host. Prints the wall
clock of each run (ansible-playbook's start included) and, for the median run, the tasks that took
longest, and writes the table to bench/results/site_noop_cost.md.

    scripts/bench site [--repeat N]
"""
import argparse
import os
import re
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))

from bench_lab import ROOT, publish  # noqa: E402  (the report written)

INVENTORY = os.path.join(ROOT, '.build', 'demo', 'hosts.yml')
# A profile_tasks line: "role : task name ---- 1.23s" (the dashes fill the line).
TASK_TIME = re.compile(r'^(.*?)\s-+\s([0-9.]+)s$')


def run_site():
    """(wall-clock seconds, ansible-playbook output) of one run."""
    env = dict(os.environ, ANSIBLE_CALLBACKS_ENABLED='ansible.posix.profile_tasks', PROFILE_TASKS_TASK_OUTPUT_LIMIT='all',
               ANSIBLE_NOCOLOR='1')
    started = time.monotonic()
    completed = subprocess.run(['ansible-playbook', os.path.join(ROOT, 'playbooks', 'site.yml'), '-i', INVENTORY],
                               capture_output=True, text=True, env=env, check=False)
    elapsed = time.monotonic() - started
    recap = completed.stdout.split('PLAY RECAP')[-1]
    if completed.returncode != 0 or set(re.findall(r'changed=(\d+)', recap)) != {'0'}:
        raise SystemExit('site.yml did not run as a no-op:\n%s' % completed.stdout[-4000:])
    return elapsed, completed.stdout


def task_times(output):
    """[(seconds, task)] from profile_tasks' summary, longest first."""
    summary = output.split('PLAY RECAP')[-1]
    times = []
    for line in summary.splitlines():
        match = TASK_TIME.match(line.strip())
        if match:
            times.append((float(match.group(2)), match.group(1).strip()))
    return sorted(times, reverse=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n', maxsplit=1)[0])
    parser.add_argument('--repeat', type=int, default=3)
    parser.add_argument('--top', type=int, default=12)
    options = parser.parse_args()
    if not os.path.exists(INVENTORY):
        raise SystemExit('no demo lab inventory at %s: run scripts/demo first' % INVENTORY)
    run_site()  # warm-up
    runs = []
    for number in range(options.repeat):
        runs.append(run_site())
        print('run %d: %.1f s' % (number + 1, runs[-1][0]), flush=True)
    seconds = [elapsed for elapsed, _output in runs]
    median_run = sorted(runs)[len(runs) // 2]
    times = task_times(median_run[1])
    tasks = len(times)
    lines = [
        '# A re-run of playbooks/site.yml that changes nothing',
        '',
        'Demo lab (scripts/demo: 3 GlusterFS servers, 2 Docker hosts, containers on one 2-core machine), %d runs '
        'after one warm-up, each with changed=0 on every host; wall clock around ansible-playbook.' % options.repeat,
        '',
        '| runs | median s | min s | max s | tasks |',
        '| --- | --- | --- | --- | --- |',
        '| %d | %.1f | %.1f | %.1f | %d |' % (len(runs), statistics.median(seconds), min(seconds), max(seconds), tasks),
        '',
        'Longest tasks of the median run (profile_tasks: the time until the task ended on its last host):',
        '',
        '| s | task |',
        '| --- | --- |',
    ]
    lines += ['| %.2f | %s |' % (elapsed, name.replace('|', '/')) for elapsed, name in times[:options.top]]
    lines += ['', 'All %d tasks together: %.1f s.' % (tasks, sum(elapsed for elapsed, _name in times))]
    publish(lines, 'site_noop_cost.md')


if __name__ == '__main__':
    main()
