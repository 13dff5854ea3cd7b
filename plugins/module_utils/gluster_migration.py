# -*- coding: utf-8 -*-
# Copyright: glusterdock developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Verdicts on gluster's data migrations: ``remove-brick`` and ``rebalance`` status, and their tasks.

Pure: works from ``volume status`` tasks and ``remove-brick``/``rebalance status`` already
parsed. A migration is clean only when the aggregate and every node say completed with zero
failures and zero skipped files (a missing count is not zero), and every node that must report
has done so: anything else is waited for or judged failed, never committed.
"""

from __future__ import annotations

from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_xml import (
    MIGRATION_COMPLETED,
    MIGRATION_FAILED,
    MIGRATION_IN_PROGRESS,
    MIGRATION_NOT_STARTED,
    MIGRATION_STOPPED,
)

# ``volume status`` task types and their states (statusStr).
TASK_REMOVE_BRICK = 'Remove brick'
TASK_REBALANCE = 'Rebalance'
TASK_RUNNING = ('in progress', 'not started')
# Verdicts on a migration (remove-brick or rebalance) status.
WAIT = 'wait'
CLEAN = 'clean'
FAILED = 'failed'


def remove_brick_args(volume_name, bricks, action):
    """``volume remove-brick NAME BRICK... start|status|commit|stop``."""
    return ['volume', 'remove-brick', volume_name] + list(bricks) + [action]


def remove_brick_task(status):
    """The ``Remove brick`` task of ``volume status`` (dict with type, id, status, bricks), or None."""
    for task in (status.tasks if status else ()):
        if task['type'] == TASK_REMOVE_BRICK:
            return task
    return None


def running_rebalance(status):
    """The rebalance task when one is running, else None."""
    for task in (status.tasks if status else ()):
        if task['type'] == TASK_REBALANCE and task['status'] in TASK_RUNNING:
            return task
    return None


def rebalance_task(status):
    """The ``Rebalance`` task of ``volume status``, or None (an add-brick or remove-brick clears it)."""
    for task in (status.tasks if status else ()):
        if task['type'] == TASK_REBALANCE:
            return task
    return None


def task_matches(task, bricks):
    """True when the task removes exactly ``bricks``."""
    return sorted(task['bricks'].split()) == sorted(bricks)


def removal_node_ids(volume, bricks):
    """Peer UUIDs of the nodes that host ``bricks`` (names as in the volume): each must report its
    own migration before a commit."""
    names = set(bricks)
    return sorted(set(brick.host_uuid for brick in volume.bricks if brick.name in names))


def missing_nodes(migration, node_ids):
    """The UUIDs of ``node_ids`` without a row in the status: gluster leaves out a node whose
    migration has not started and a node that is down."""
    reported = set(row.node_id for row in (migration.nodes if migration else ()) if row.node_id)
    return [node_id for node_id in node_ids or () if node_id not in reported]


def judge_migration(migration, node_ids=()):
    """WAIT, CLEAN or FAILED for a remove-brick or rebalance status.

    CLEAN only when the aggregate and every node say completed with zero failures and zero
    skipped (counts that are missing are not zero), and every node of ``node_ids`` (peer UUIDs:
    for a remove-brick, the hosts of the removed bricks) has its own row: gluster.gluster
    committed when any row said completed, and lost the rest.
    """
    if migration is None or migration.aggregate is None:
        return WAIT
    rows = list(migration.nodes) + [migration.aggregate]
    if any(row.status in (MIGRATION_FAILED, MIGRATION_STOPPED) or row.failures or row.skipped for row in rows):
        return FAILED
    if any(row.status not in (MIGRATION_NOT_STARTED, MIGRATION_IN_PROGRESS, MIGRATION_COMPLETED) for row in rows):
        return FAILED
    if any(row.status == MIGRATION_COMPLETED and (row.failures is None or row.skipped is None) for row in rows):
        # Finished, but gluster did not say how many files failed or were skipped.
        return FAILED
    if missing_nodes(migration, node_ids):
        return WAIT
    if all(row.status == MIGRATION_COMPLETED for row in rows):
        return CLEAN
    return WAIT


def migration_finished(migration, node_ids=()):
    """For wait_for on a remove-brick: stop polling on a clean or failed verdict (a failed
    migration is stopped at once, before it moves more files off the bricks)."""
    return judge_migration(migration, node_ids) != WAIT


def rebalance_finished(migration, node_ids=()):
    """For wait_for on a rebalance or fix-layout: stop on a clean verdict, or on a failed one once
    no node still runs. A file one node failed to move does not stop the others, and a new start
    is refused while any node runs (seen in the lab: one failure on one node in the first second
    right after a grow, the other nodes still in progress)."""
    verdict = judge_migration(migration, node_ids)
    if verdict != FAILED:
        return verdict == CLEAN
    return not any(row.status in (MIGRATION_NOT_STARTED, MIGRATION_IN_PROGRESS) for row in migration.nodes)


def only_files_failed(migration):
    """True when every node completed and the only trouble is files that failed or were skipped:
    the case where gluster's remedy is one more rebalance."""
    if migration is None or migration.aggregate is None:
        return False
    rows = list(migration.nodes) + [migration.aggregate]
    return (all(row.status == MIGRATION_COMPLETED and row.failures is not None and row.skipped is not None
                for row in rows) and any(row.failures or row.skipped for row in rows))


def _count_text(value):
    return 'unknown' if value is None else '%d' % value


def describe_migration(migration, node_ids=()):
    """One line per node: status, files moved, failures, skipped, run time; and the nodes of
    ``node_ids`` that report nothing."""
    if migration is None:
        return 'no status'
    rows = list(migration.nodes) + ([migration.aggregate] if migration.aggregate else [])
    text = '; '.join('%s: %s, %d files moved, %s failures, %s skipped, %.0fs' % (
        row.node, row.status_name or row.status, row.files, _count_text(row.failures), _count_text(row.skipped),
        row.runtime) for row in rows)
    missing = missing_nodes(migration, node_ids)
    if missing:
        text += '; no status from node(s) %s (migration not started there, or the node is down)' % ', '.join(missing)
    return text


def migration_to_dict(migration):
    """The status as the module returns it."""
    if migration is None:
        return {}

    def row(progress):
        return {'node': progress.node, 'status': progress.status_name, 'files': progress.files,
                'size': progress.size, 'lookups': progress.lookups, 'failures': progress.failures,
                'skipped': progress.skipped, 'runtime': progress.runtime}
    return {'task_id': migration.task_id, 'nodes': [row(node) for node in migration.nodes],
            'aggregate': row(migration.aggregate) if migration.aggregate else {}}
