"""The data-safety matrix: every lab test of a path that changes bricks, volumes, mounts or Docker
volumes, or deletes anything, ends by reading its files back through fresh mounts and recording
one row (operation x layout x fault: outcome, files checked, files lost).

Rows are appended as JSON lines to $GLUSTERDOCK_SAFETY_MATRIX (default
.build/safety-matrix.jsonl, emptied when a pytest session starts); ``scripts/safety-matrix``
renders them into the README's table, so the table is what the last run measured.
"""
import itertools
import json
import os

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
_fresh_mounts = itertools.count(1)


def matrix_path():
    return os.environ.get('GLUSTERDOCK_SAFETY_MATRIX', os.path.join(ROOT, '.build', 'safety-matrix.jsonl'))


def reset():
    """Start an empty matrix (called once per pytest session)."""
    path = matrix_path()
    os.makedirs(os.path.dirname(path), exist_ok=True)
    open(path, 'w').close()


def record(operation, layout, fault, outcome, files_checked, files_lost):
    """Append one row. OUTCOME is short and plain: 'refused, nothing changed', 'done',
    'failed cleanly; re-run completed'..."""
    row = dict(operation=operation, layout=layout, fault=fault or 'none', outcome=outcome,
               files_checked=files_checked, files_lost=files_lost)
    with open(matrix_path(), 'a') as handle:
        handle.write(json.dumps(row, sort_keys=True) + '\n')
    return row


# Runs on the node: looks each path listed in a file up by name (open and read it, as an
# application opening its path does) and prints 'md5  path' for those it can read.
READ_BY_NAME_SCRIPT = r'''
import hashlib, os, sys
root, names = sys.argv[1], sys.argv[2]
for name in open(names).read().splitlines():
    try:
        with open(os.path.join(root, name), 'rb') as handle:
            print('%s  %s' % (hashlib.md5(handle.read()).hexdigest(), name))
    except OSError:
        pass
'''


def _fresh_mount(lab, node, volume, server, options=''):
    point = '/mnt/fresh-%s-%d' % (volume, next(_fresh_mounts))
    backups = ':'.join(name for name in lab.nodes if name != server)
    lab.sh(node, 'mkdir -p %s && mount -t glusterfs -o backup-volfile-servers=%s%s %s:/%s %s && '
                 'grep -q " %s fuse.glusterfs " /proc/self/mounts'
           % (point, backups, options, server, volume, point, point))
    return point


def _unmount(lab, node, point):
    lab.unmount(node, point)
    lab.sh(node, 'rmdir %s' % point, check=False)


def read_through_fresh_mount(lab, node, volume, subdirectory='', server=None):
    """'md5  ./path' lines (sorted) of every file a listing shows under VOLUME's SUBDIRECTORY,
    read through a mount made just now on NODE and removed afterwards: no client cache of an
    earlier mount can hide a lost file, and nothing looked a name up before the listing (a lookup
    by name can make a directory appear that a listing alone would not show)."""
    point = _fresh_mount(lab, node, volume, server or lab.nodes[0])
    try:
        root = os.path.join(point, subdirectory) if subdirectory else point
        text = lab.sh(node, 'cd %s && find . -type f -print0 | xargs -0 -r md5sum | sort -k2' % root).stdout
        return text.splitlines()
    finally:
        _unmount(lab, node, point)


def read_by_name_through_fresh_mount(lab, node, volume, names, subdirectory='', server=None):
    """'md5  ./path' lines of each of NAMES ('./path' under SUBDIRECTORY) opened by its path through
    another fresh mount, made with use-readdirp=no so that nothing is listed first: a listing
    (readdirp) resolves every entry it returns and would hide a file that a lookup by name misses
    (a DHT layout that does not match where the file is)."""
    point = _fresh_mount(lab, node, volume, server or lab.nodes[0], options=',use-readdirp=no')
    try:
        root = os.path.join(point, subdirectory) if subdirectory else point
        listing = point + '.names'
        lab.sh(node, 'cat > %s' % listing, stdin='\n'.join(names) + '\n')
        text = lab.sh(node, 'python3 - %s %s; rm -f %s' % (root, listing, listing), stdin=READ_BY_NAME_SCRIPT).stdout
        return sorted(text.splitlines(), key=lambda line: line.split('  ', 1)[-1])
    finally:
        _unmount(lab, node, point)


def count_lost(expected, found):
    """Files of EXPECTED ('md5  path' lines) that FOUND lacks or holds with other content."""
    return len(set(expected) - set(found))


def verify_and_record(lab, volume, expected, operation, layout, fault, outcome, node=None, subdirectory='',
                      server=None):
    """Read VOLUME through two fresh mounts (from SERVER, node1 by default), one listing every file
    and one opening each expected file by its path; record the row, and fail the test if a file is
    missing from either or changed. Returns the row."""
    node = node or lab.nodes[0]
    listed = read_through_fresh_mount(lab, node, volume, subdirectory, server)
    by_name = read_by_name_through_fresh_mount(lab, node, volume, [line.split('  ', 1)[1] for line in expected],
                                               subdirectory, server)
    lost = len(set(expected) - (set(listed) & set(by_name)))
    row = record(operation, layout, fault, outcome, len(expected), lost)
    assert lost == 0, '%d of %d files lost or changed after %s (%s, %s): not listed %s; not found by name %s' % (
        lost, len(expected), operation, layout, fault or 'no fault',
        sorted(set(expected) - set(listed))[:5], sorted(set(expected) - set(by_name))[:5])
    return row
