"""What the lab benchmarks share: their command line, a lab that goes down whatever happens, the
measured runs of one no-op task, and the report printed and written to bench/results."""
import argparse
import contextlib
import os
import statistics
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..'))
sys.path.insert(0, os.path.join(ROOT, 'tests', 'integration'))

from lab import Lab  # noqa: E402  (the integration tests' lab driver)

# The columns every cost table has, in this order, after its own leading columns.
COST_COLUMNS = ['gluster calls (median / max)', 'median s', 'mean s']
COST_FORMAT = '%g / %d | %.3f | %.3f'


def argument_parser(doc, repeat):
    """The options every lab benchmark takes (--repeat, --suite); ``doc`` is the script's
    docstring, whose first line describes it."""
    parser = argparse.ArgumentParser(description=doc.split('\n', maxsplit=1)[0])
    parser.add_argument('--repeat', type=int, default=repeat)
    parser.add_argument('--suite', default='bookworm')
    return parser


@contextlib.contextmanager
def running_lab(name, nodes, suite, docker_hosts=0):
    """A started lab of ``nodes`` GlusterFS nodes (and ``docker_hosts`` Docker hosts), taken down on
    leaving, even on failure."""
    lab = Lab(ROOT, name=name, nodes=nodes, suite=suite, docker_hosts=docker_hosts)
    lab.up()
    try:
        yield lab
    finally:
        lab.down()


def gluster_version(lab):
    """The first line of ``gluster --version`` on node1."""
    return lab.gluster('node1', '--version').splitlines()[0]


def growing_pool(lab, counts, grow_to):
    """Turns brick multiplexing on (one brick process per node, as a pool of many volumes runs),
    then yields each of ``counts`` in turn once ``grow_to(lab, have, count)`` made the pool that size."""
    lab.gluster('node1', 'volume', 'set', 'all', 'cluster.brick-multiplex', 'on')
    have = 0
    for count in counts:
        grow_to(lab, have, count)
        have = count
        yield count


def measure(lab, module, args, repeat, loop=None):
    """Durations and gluster call counts of REPEAT runs of one task on node1 (looping over
    ``loop`` when given)."""
    seconds, calls = [], []
    for run in range(repeat):  # pylint: disable=unused-variable
        lab.reset_call_log()
        result = lab.run_module('node1', module, args, loop=loop)
        # The floor's command task always says changed; a module no-op must not.
        if result.get('failed') or (result.get('changed') and module != 'ansible.builtin.command'):
            raise SystemExit('%s did not run as a no-op: %s' % (module, result.get('msg', result)))
        seconds.append(result['_task_seconds'])
        calls.append(len(lab.call_log('node1')))
    return seconds, calls


def measure_cost(lab, module, args, repeat, loop=None):
    """(calls median, calls max, median s, mean s) of REPEAT runs of one task on node1, after one
    warm-up run (caches, first connection)."""
    lab.run_module('node1', module, args, loop=loop)
    seconds, calls = measure(lab, module, args, repeat, loop=loop)
    return statistics.median(calls), max(calls), statistics.median(seconds), statistics.mean(seconds)


def cost_report(title, lab_description, leading_columns, row_format, rows, trailing_columns=()):
    """The lines of a cost report: a title, how it was measured, and a table whose rows are
    formatted with '| ' + ``row_format`` + ' |' (COST_FORMAT covers the cost columns)."""
    columns = list(leading_columns) + COST_COLUMNS + list(trailing_columns)
    lines = [
        '# %s' % title,
        '',
        lab_description,
        '',
        '| %s |' % ' | '.join(columns),
        '| %s |' % ' | '.join(['---'] * len(columns)),
    ]
    return lines + ['| %s |' % (row_format % tuple(row)) for row in rows]


def publish(lines, file_name):
    """Print the report and write it to bench/results/FILE_NAME."""
    text = '\n'.join(lines) + '\n'
    print(text)
    os.makedirs(os.path.join(ROOT, 'bench', 'results'), exist_ok=True)
    with open(os.path.join(ROOT, 'bench', 'results', file_name), 'w') as handle:
        handle.write(text)
