"""The data-safety matrix: every lab test of a path that changes bricks, volumes, mounts or Docker
volumes, or deletes anything, ends by reading its files back through a fresh mount and recording
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


def read_through_fresh_mount(lab, node, volume, subdirectory='', server=None):
    """'md5  ./path' lines (sorted) of every file of VOLUME read through a mount made just now on
    NODE and removed afterwards: no client cache of an earlier mount can hide a lost file."""
    server = server or lab.nodes[0]
    point = '/mnt/fresh-%s-%d' % (volume, next(_fresh_mounts))
    backups = ':'.join(name for name in lab.nodes if name != server)
    lab.sh(node, 'mkdir -p %s && mount -t glusterfs -o backup-volfile-servers=%s %s:/%s %s && '
                 'grep -q " %s fuse.glusterfs " /proc/self/mountinfo'
           % (point, backups, server, volume, point, point))
    try:
        root = os.path.join(point, subdirectory) if subdirectory else point
        text = lab.sh(node, 'cd %s && find . -type f -print0 | xargs -0 -r md5sum | sort -k2' % root).stdout
        return text.splitlines()
    finally:
        lab.sh(node, 'umount %s; rmdir %s' % (point, point), check=False)


def count_lost(expected, found):
    """Files of EXPECTED ('md5  path' lines) that FOUND lacks or holds with other content."""
    return len(set(expected) - set(found))


def verify_and_record(lab, volume, expected, operation, layout, fault, outcome, node=None, subdirectory=''):
    """Read VOLUME through a fresh mount, record the row, and fail the test if a file is lost or
    changed. Returns the row."""
    found = read_through_fresh_mount(lab, node or lab.nodes[0], volume, subdirectory)
    lost = count_lost(expected, found)
    row = record(operation, layout, fault, outcome, len(expected), lost)
    missing = sorted(set(expected) - set(found))[:5]
    assert lost == 0, '%d of %d files lost or changed after %s (%s, %s): %s' % (
        lost, len(expected), operation, layout, fault or 'no fault', missing)
    return row
