# -*- coding: utf-8 -*-
# Copyright: glusterdock developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters of the gluster_backup role: what to back up (whole GlusterFS volumes, or the subdirectories
behind Docker volumes), which restic snapshot a restore means, and where it goes. Each returns its
problems as sentences instead of raising, so the role refuses bad input with all of them at once,
before anything changes."""

from __future__ import annotations

import json
import re
import shlex

from ansible_collections.glusterdock.storage.plugins.module_utils.docker_gluster_volume_plan import (
    DOCKER_VOLUME_NAME_PATTERN, LABEL_GLUSTER_VOLUME, LABEL_SUBDIRECTORY, normalise_subdirectory,
)
from ansible_collections.glusterdock.storage.plugins.module_utils.errors import GlusterdockError
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_volume_spec import validate_volume_name

# Every snapshot of this role carries it: forget and restore never touch other snapshots of a shared repository.
OWN_TAG = 'glusterdock'
WHOLE_VOLUME = '/'


def _volume_problem(name, known_volumes):
    try:
        validate_volume_name(name)
    except GlusterdockError as error:
        return 'GlusterFS volume %r: %s' % (name, error.message)
    if name not in known_volumes:
        return 'GlusterFS volume %s does not exist (the pool has: %s)' % (name, ', '.join(sorted(known_volumes)) or 'none')
    if str(known_volumes[name]).lower() != 'started':
        return 'GlusterFS volume %s is not started (%s)' % (name, known_volumes[name])
    return None


def _subdirectory(value):
    """(normalised subdirectory, problem)."""
    if not isinstance(value, str):
        return None, 'subdirectory %r is not a string' % (value,)
    try:
        subdirectory = normalise_subdirectory(value)
    except GlusterdockError as error:
        return None, str(error)
    if ',' in subdirectory:
        # restic splits a --tag value at commas.
        return None, 'subdirectory %r contains ","' % subdirectory
    return subdirectory, None


def source_tags(gluster_volume, subdirectory, docker_volume=None):
    """The tags of a snapshot of this source; they name it, and forget groups snapshots by them."""
    tags = [OWN_TAG, 'gluster-volume=%s' % gluster_volume, 'subdirectory=%s' % (subdirectory or WHOLE_VOLUME)]
    if docker_volume:
        tags.append('docker-volume=%s' % docker_volume)
    return tags


def _source(gluster_volume, subdirectory, docker_volume=None):
    label = '%s:/%s' % (gluster_volume, subdirectory)
    if docker_volume:
        label += ' (Docker volume %s)' % docker_volume
    return {'gluster_volume': gluster_volume, 'subdirectory': subdirectory, 'docker_volume': docker_volume or '',
            'label': label, 'tags': source_tags(gluster_volume, subdirectory, docker_volume)}


def _labelled(inspected):
    """(gluster_volume, subdirectory) from a Docker volume's labels, or None when it is not one of this collection's."""
    labels = (inspected or {}).get('Labels') or {}
    if labels.get(LABEL_GLUSTER_VOLUME) and labels.get(LABEL_SUBDIRECTORY):
        return labels[LABEL_GLUSTER_VOLUME], labels[LABEL_SUBDIRECTORY]
    return None


# The keys of a gluster_backup_docker_volumes entry given as a dictionary (a host without Docker).
DOCKER_VOLUME_ENTRY_KEYS = ('name', 'gluster_volume', 'subdirectory')


def docker_volume_source(entry, inspected, known_volumes):
    """(source, problem) of one entry of gluster_backup_docker_volumes: a Docker volume name (its labels,
    read on this host, say where its data lives) or a dictionary name, gluster_volume, subdirectory."""
    if isinstance(entry, dict):
        # The role's argument spec cannot list these keys (an entry may also be a name): a misspelled
        # subdirectory would silently back up the directory named after the Docker volume instead.
        unknown = sorted(str(key) for key in set(entry) - set(DOCKER_VOLUME_ENTRY_KEYS))
        if unknown:
            return None, 'Docker volume entry %r: unknown key(s) %s; it takes %s' % (
                entry, ', '.join(unknown), ', '.join(DOCKER_VOLUME_ENTRY_KEYS))
        name = entry.get('name')
        gluster_volume, subdirectory = entry.get('gluster_volume'), entry.get('subdirectory', name)
        if not isinstance(name, str) or not DOCKER_VOLUME_NAME_PATTERN.match(name):
            return None, 'Docker volume entry %r: name must be a Docker volume name' % (entry,)
    else:
        name = entry
        if not isinstance(name, str) or not DOCKER_VOLUME_NAME_PATTERN.match(name):
            return None, '%r is not a Docker volume name' % (name,)
        if inspected.get(name) is None:
            return None, 'Docker volume %s does not exist on this host' % name
        bound = _labelled(inspected[name])
        if bound is None:
            return None, ('Docker volume %s is not one of this collection (no %s and %s labels): its data is not on '
                          'GlusterFS; give gluster_volume and subdirectory to back up a directory of a GlusterFS volume'
                          % (name, LABEL_GLUSTER_VOLUME, LABEL_SUBDIRECTORY))
        gluster_volume, subdirectory = bound
    problem = _volume_problem(gluster_volume, known_volumes)
    if problem:
        return None, 'Docker volume %s: %s' % (name, problem)
    subdirectory, problem = _subdirectory(subdirectory)
    if problem:
        return None, 'Docker volume %s: %s' % (name, problem)
    return _source(gluster_volume, subdirectory, name), None


def gluster_backup_offline_bricks(volumes):
    """{volume name: [bricks not online]} from gluster_info's volumes gathered with status; a brick without
    status (its node unreachable) counts as offline."""
    return dict((volume['name'], [brick['name'] for brick in volume.get('bricks') or [] if not brick.get('online')])
                for volume in volumes or [] if str(volume.get('status')).lower() == 'started')


def gluster_backup_sources(volumes, docker_volumes, inspected, known_volumes, offline_bricks=None):
    """{'sources': [...], 'problems': [...]} for gluster_backup_volumes (whole GlusterFS volumes) and
    gluster_backup_docker_volumes. ``inspected`` maps Docker volume names to their inspect result (None:
    missing); ``known_volumes`` maps the pool's GlusterFS volume names to their status; ``offline_bricks``
    (gluster_backup_offline_bricks) the bricks not online per volume."""
    sources, problems = [], []
    for name in volumes or []:
        problem = _volume_problem(name, known_volumes)
        if problem:
            problems.append(problem)
        else:
            sources.append(_source(name, ''))
    for entry in docker_volumes or []:
        source, problem = docker_volume_source(entry, inspected or {}, known_volumes)
        if problem:
            problems.append(problem)
        else:
            sources.append(source)
    seen = set()
    for source in sources:
        key = tuple(source['tags'])
        if key in seen:
            problems.append('%s is listed twice' % source['label'])
        seen.add(key)
    # Through a brick that is down, a distribute volume reads as if its files were never there: restic
    # would exit 0 with an incomplete snapshot, and retention would then forget the complete ones.
    for gluster_volume in sorted(set(source['gluster_volume'] for source in sources)):
        offline = (offline_bricks or {}).get(gluster_volume)
        if offline:
            problems.append('GlusterFS volume %s has bricks offline (%s): a snapshot now could miss the files on '
                            'them; bring them back online, then run again' % (gluster_volume, ', '.join(offline)))
    if not sources and not problems:
        problems.append('nothing to back up: list GlusterFS volumes in gluster_backup_volumes or Docker volumes in '
                        'gluster_backup_docker_volumes')
    return {'sources': sources, 'problems': problems}


def _tag_values(snapshot):
    values = {}
    for tag in snapshot.get('tags') or []:
        key, separator, value = tag.partition('=')
        if separator:
            values[key] = value
    return values


def _source_of_snapshot(snapshot):
    values = _tag_values(snapshot)
    subdirectory = values.get('subdirectory', WHOLE_VOLUME)
    return {'gluster_volume': values.get('gluster-volume'),
            'subdirectory': '' if subdirectory == WHOLE_VOLUME else subdirectory,
            'docker_volume': values.get('docker-volume', '')}


def _matches(snapshot, source):
    """Whether a snapshot is of the source a restore names: {docker_volume} or {gluster_volume[, subdirectory]}."""
    of = _source_of_snapshot(snapshot)
    if source.get('docker_volume'):
        return of['docker_volume'] == source['docker_volume']
    return (of['gluster_volume'] == source.get('gluster_volume')
            and of['subdirectory'] == (source.get('subdirectory') or ''))


def _describe(source):
    if source.get('docker_volume'):
        return 'the Docker volume %s' % source['docker_volume']
    if source.get('subdirectory'):
        return 'subdirectory %s of the GlusterFS volume %s' % (source['subdirectory'], source.get('gluster_volume'))
    return 'the whole GlusterFS volume %s' % source.get('gluster_volume')


def gluster_backup_snapshot(snapshots, wanted, source):
    """{'snapshot': the restic snapshot (with 'source', what it holds), 'problem': None} or {'snapshot': None,
    'problem': why}. ``wanted``: 'latest' (of ``source``) or a snapshot id or its prefix; ``source``: None,
    or {docker_volume} or {gluster_volume[, subdirectory]}."""
    ours = [snapshot for snapshot in snapshots or [] if OWN_TAG in (snapshot.get('tags') or [])]
    source = dict(source or {})
    if source.get('subdirectory'):
        source['subdirectory'], problem = _subdirectory(source['subdirectory'])
        if problem:
            return {'snapshot': None, 'problem': 'gluster_backup_restore_source: %s' % problem}
    if not isinstance(wanted, str) or not wanted:
        return {'snapshot': None, 'problem': 'gluster_backup_restore_snapshot must be "latest" or a snapshot id'}
    if wanted == 'latest':
        if not source.get('docker_volume') and not source.get('gluster_volume'):
            return {'snapshot': None, 'problem': 'gluster_backup_restore_source must name docker_volume or '
                                                 'gluster_volume (and subdirectory) to restore the latest snapshot'}
        matching = sorted((snapshot for snapshot in ours if _matches(snapshot, source)), key=lambda s: s['time'])
        if not matching:
            return {'snapshot': None, 'problem': 'the repository has no snapshot of %s' % _describe(source)}
        chosen = matching[-1]
    else:
        matching = [snapshot for snapshot in ours if snapshot['id'].startswith(wanted.lower())]
        if len(matching) != 1:
            return {'snapshot': None, 'problem': 'the repository has %s snapshot of this collection with the id %s'
                                                 % ('no' if not matching else 'more than one', wanted)}
        chosen = matching[0]
        if (source.get('docker_volume') or source.get('gluster_volume')) and not _matches(chosen, source):
            return {'snapshot': None, 'problem': 'snapshot %s is of %s, not of %s' % (
                chosen['short_id'], _describe(_source_of_snapshot(chosen)), _describe(source))}
    return {'snapshot': dict(chosen, source=_source_of_snapshot(chosen)), 'problem': None}


def gluster_backup_restore_target(target, snapshot, inspected, known_volumes):
    """Where a restore writes: {'gluster_volume', 'subdirectory', 'docker_volume', 'create_docker_volume',
    'problems'}. ``target``: {docker_volume[, gluster_volume, subdirectory]} (an existing Docker volume of this
    collection, or a new one) or {gluster_volume, subdirectory}; the GlusterFS volume defaults to the snapshot's.
    ``inspected``: the target Docker volume's inspect result, or None when it does not exist."""
    target = dict(target or {})
    source = (snapshot or {}).get('source') or {}
    result = {'gluster_volume': None, 'subdirectory': None, 'docker_volume': target.get('docker_volume') or '',
              'create_docker_volume': False, 'problems': []}
    name = result['docker_volume']
    if name:
        if not isinstance(name, str) or not DOCKER_VOLUME_NAME_PATTERN.match(name):
            result['problems'].append('gluster_backup_restore_target: %r is not a Docker volume name' % (name,))
            return result
        if inspected is not None:
            bound = _labelled(inspected)
            if bound is None:
                result['problems'].append(
                    'the Docker volume %s exists and is not one of this collection (no %s and %s labels): a restore '
                    'never writes into it; name a new Docker volume' % (name, LABEL_GLUSTER_VOLUME, LABEL_SUBDIRECTORY))
                return result
            if target.get('gluster_volume') not in (None, bound[0]) or \
                    target.get('subdirectory') not in (None, bound[1]):
                result['problems'].append('the Docker volume %s exists on the GlusterFS volume %s, subdirectory %s, not '
                                          'where gluster_backup_restore_target says' % (name, bound[0], bound[1]))
                return result
            result['gluster_volume'], subdirectory = bound
        else:
            result['create_docker_volume'] = True
            result['gluster_volume'] = target.get('gluster_volume') or source.get('gluster_volume')
            subdirectory = target.get('subdirectory') or name
    else:
        result['gluster_volume'] = target.get('gluster_volume') or source.get('gluster_volume')
        subdirectory = target.get('subdirectory')
        if not subdirectory:
            result['problems'].append('gluster_backup_restore_target needs docker_volume, or subdirectory (and '
                                      'gluster_volume when it is not the snapshot\'s)')
            return result
    problem = _volume_problem(result['gluster_volume'], known_volumes)
    if problem:
        result['problems'].append(problem)
    result['subdirectory'], problem = _subdirectory(subdirectory)
    if problem:
        result['problems'].append('gluster_backup_restore_target: %s' % problem)
    return result


def gluster_backup_inspected(result):
    """A Docker volume's inspect result from a registered `docker volume inspect NAME`, or None when it failed
    (no such volume)."""
    if result.get('rc') != 0:
        return None
    volumes = json.loads(result.get('stdout') or '[]')
    return volumes[0] if volumes else None


def gluster_backup_forget_arguments(retention):
    """``--keep-RULE N`` for every retention rule above 0, in a fixed order."""
    arguments = []
    for rule in ('last', 'hourly', 'daily', 'weekly', 'monthly', 'yearly'):
        count = int((retention or {}).get(rule) or 0)
        if count > 0:
            arguments += ['--keep-%s' % rule, str(count)]
    return arguments


# What a POSIX shell takes as a variable name: anything else could not be exported.
ENVIRONMENT_NAME_PATTERN = re.compile(r'^[A-Za-z_][A-Za-z0-9_]*\Z')


def gluster_backup_environment_file(environment):
    """gluster_backup_environment as ``export NAME='value'`` lines that restic's wrapper sources from the
    private credentials directory: a task's ``environment:`` would put the values on the remote command
    line (``NAME=value python3 ...``), which every local user sees in the process list."""
    lines = []
    for name in sorted(environment or {}):
        if not isinstance(name, str) or not ENVIRONMENT_NAME_PATTERN.match(name):
            raise ValueError('gluster_backup_environment: %r is not a variable name (letters, digits and "_", not '
                             'starting with a digit)' % (name,))
        value = environment[name]
        if isinstance(value, bool):
            value = 'true' if value else 'false'
        lines.append('export %s=%s\n' % (name, shlex.quote(str(value))))
    return ''.join(lines)


def gluster_backup_backup_outcome(results):
    """{'incomplete': [snapshot ids], 'problems': [sentences]} from the registered loop of ``restic backup
    --json``. Exit 3 leaves a snapshot with files missing: it is named so the role forgets it, or "latest" and
    retention would take it for a good one."""
    incomplete, problems = [], []
    for result in results or []:
        if result.get('skipped') or result.get('rc') == 0:
            continue
        label = (result.get('item') or {}).get('label', '?')
        summary = _backup_summary(result.get('stdout_lines') or [])
        stderr = (result.get('stderr') or '').strip().splitlines()
        why = stderr[-1] if stderr else result.get('msg') or 'no message'
        if result.get('rc') == 3 and summary.get('snapshot_id'):
            incomplete.append(summary['snapshot_id'])
            problems.append('%s: restic could not read some files (%s); its snapshot %s is forgotten'
                            % (label, why, summary['snapshot_id'][:8]))
        else:
            problems.append('%s: restic backup failed (rc %s: %s)' % (label, result.get('rc'), why))
    return {'incomplete': incomplete, 'problems': problems}


def _backup_summary(lines):
    for line in reversed(lines):
        try:
            message = json.loads(line)
        except ValueError:
            continue
        if isinstance(message, dict) and message.get('message_type') == 'summary':
            return message
    return {}


class FilterModule:
    """Filters of glusterdock.storage."""

    def filters(self):
        return {'gluster_backup_sources': gluster_backup_sources,
                'gluster_backup_snapshot': gluster_backup_snapshot,
                'gluster_backup_restore_target': gluster_backup_restore_target,
                'gluster_backup_inspected': gluster_backup_inspected,
                'gluster_backup_forget_arguments': gluster_backup_forget_arguments,
                'gluster_backup_offline_bricks': gluster_backup_offline_bricks,
                'gluster_backup_environment_file': gluster_backup_environment_file,
                'gluster_backup_backup_outcome': gluster_backup_backup_outcome}
