"""Read XML captured from real gluster servers by tests/fixtures/capture."""
import csv
import os

FIXTURES = os.path.join(os.path.dirname(__file__), 'fixtures')
VERSIONS = sorted(name.split('-', 1)[1] for name in os.listdir(FIXTURES) if name.startswith('gluster-'))


def fixture(version, name):
    """The captured stdout of the command recorded for ``name`` in that version's MANIFEST."""
    with open(os.path.join(FIXTURES, 'gluster-' + version, name + '.xml')) as handle:
        return handle.read()


def text_fixture(version, name):
    """The captured stdout of a command without an XML form (``name``.txt)."""
    with open(os.path.join(FIXTURES, 'gluster-' + version, name + '.txt')) as handle:
        return handle.read()


def manifest(version):
    """name -> (node, rc, command) for one captured version."""
    with open(os.path.join(FIXTURES, 'gluster-' + version, 'MANIFEST.tsv')) as handle:
        rows = csv.DictReader(handle, delimiter='\t')
        return {row['file'][:-4]: (row['node'], int(row['rc']), row['command']) for row in rows}
