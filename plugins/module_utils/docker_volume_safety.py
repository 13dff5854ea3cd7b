# -*- coding: utf-8 -*-
# Copyright: glusterdock developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which Docker volumes belong to this collection, and which directories a purge must not reach.

Pure decisions on what Docker and /proc/self/mountinfo report: nothing here calls Docker or the
file system, except through the ``resolve`` function the caller passes in (os.path.realpath on a
host), so all of it is unit-tested directly.
"""

from __future__ import annotations

import posixpath
import re

from ansible_collections.glusterdock.storage.plugins.module_utils.docker_gluster_mount import (
    GLUSTER_FSTYPE, split_gluster_source,
)
from ansible_collections.glusterdock.storage.plugins.module_utils.docker_gluster_volume_plan import (
    LABEL_GLUSTER_VOLUME, LABEL_SUBDIRECTORY, LOCAL_DRIVER,
)

# Docker's own rule for volume names: a `volumes` source that matches it is a named volume, any
# other source (/path, ./path, ~/path) is a host path.
NAMED_VOLUME_PATTERN = re.compile(r'^[a-zA-Z0-9][a-zA-Z0-9_.-]+\Z')


# --- ownership ----------------------------------------------------------------------------------

def bind_device(inspected):
    """The host directory a local-driver volume binds (its ``device`` with ``o=bind``), else None."""
    if (inspected.get('Driver') or '') != LOCAL_DRIVER:
        return None
    options = inspected.get('Options') or {}
    if options.get('device') and 'bind' in (options.get('o') or '').split(','):
        return options['device']
    return None


def data_location(inspected):
    """Where a Docker volume's data lives, in words, for refusal messages."""
    driver = inspected.get('Driver') or '(none)'
    options = inspected.get('Options') or {}
    mountpoint = inspected.get('Mountpoint') or '(none)'
    if driver == LOCAL_DRIVER:
        device = bind_device(inspected)
        if device:
            return '%s on this host (a bind of the local driver)' % device
        if options.get('device'):
            return '%s (a %s file system mounted by the local driver)' % (options['device'], options.get('type') or
                                                                          'device')
        return "%s, Docker's own directory on this host" % mountpoint
    return 'the volume plugin %s (mounted at %s while in use)' % (driver, mountpoint)


def ownership(inspected, gluster_volume, subdirectory):
    """('missing' | 'ours' | 'foreign', why it is foreign or None).

    A volume is ours only when it carries this collection's labels for the same GlusterFS volume
    (any, when gluster_volume is None) and subdirectory, and its data is not in Docker's own
    directory: removing a plain local volume deletes its data, whatever its labels say."""
    if inspected is None:
        return 'missing', None
    labels = inspected.get('Labels') or {}
    labelled_volume, labelled_subdirectory = labels.get(LABEL_GLUSTER_VOLUME), labels.get(LABEL_SUBDIRECTORY)
    if labelled_volume is None and labelled_subdirectory is None:
        return 'foreign', 'it carries no %s or %s label' % (LABEL_GLUSTER_VOLUME, LABEL_SUBDIRECTORY)
    if (not labelled_volume or (gluster_volume is not None and labelled_volume != gluster_volume)
            or labelled_subdirectory != subdirectory):
        return 'foreign', 'its labels name GlusterFS volume %s, subdirectory %s' % (labelled_volume,
                                                                                    labelled_subdirectory)
    if (inspected.get('Driver') or '') == LOCAL_DRIVER and not bind_device(inspected):
        return 'foreign', 'its labels match, but the local driver keeps its data itself, not on GlusterFS'
    return 'ours', None


def foreign_volume_message(name, inspected, doing, gluster_volume, subdirectory, why):
    """The refusal to remove, recreate or use a Docker volume that is not ours: names its driver,
    its mountpoint and where its data lives."""
    wanted = 'GlusterFS volume %s, subdirectory %s' % (gluster_volume, subdirectory) if gluster_volume else \
        'subdirectory %s of a GlusterFS volume' % subdirectory
    return ('Refusing to %s the Docker volume %s: it is not one this collection made for %s (%s). Its driver is '
            '%s, its mountpoint %s, and its data lives in %s. Nothing was changed.'
            % (doing, name, wanted, why, inspected.get('Driver') or '(none)', inspected.get('Mountpoint') or '(none)',
               data_location(inspected)))


# --- container volumes (the docker_containers role) ------------------------------------------------

def named_volumes(volume_specs):
    """The named volumes among docker_container ``volumes`` entries ('[source:]destination[:mode]')."""
    names = []
    for spec in volume_specs or []:
        parts = str(spec).split(':')
        if len(parts) >= 2 and NAMED_VOLUME_PATTERN.match(parts[0]) and parts[0] not in names:
            names.append(parts[0])
    return names


def container_volume_problems(containers, volumes, local_volumes=(), check_mode=False):
    """Why containers must not be started: a named volume that does not exist (Docker would create an
    empty local one, and the container's data would land on local disk) or that is not a GlusterFS
    volume of this collection, unless it is declared local (role-wide ``local_volumes`` or the
    container's own ``local_volumes``). ``volumes`` maps each name to its inspect result or None.
    In check mode a missing volume is not a problem: an earlier role of the same run creates it."""
    problems = []
    for container in containers or []:
        if not isinstance(container, dict) or container.get('state') == 'absent':
            continue
        declared_local = set(local_volumes or ()) | set(container.get('local_volumes') or ())
        for name in named_volumes(container.get('volumes')):
            if name in declared_local:
                continue
            inspected = volumes.get(name)
            if inspected is None:
                if not check_mode:
                    problems.append('container %s: the Docker volume %s does not exist; Docker would create an empty '
                                    'local volume and the data would land on local disk. Create it with '
                                    'docker_gluster_volumes first, or list it in local_volumes if it is meant to be '
                                    'local.' % (container.get('name'), name))
                continue
            verdict, why = ownership(inspected, None, (inspected.get('Labels') or {}).get(LABEL_SUBDIRECTORY))
            if verdict != 'ours':
                problems.append('container %s: the Docker volume %s is not a GlusterFS volume of this collection (%s): '
                                'its driver is %s and its data lives in %s. List it in local_volumes if that is meant.'
                                % (container.get('name'), name, why, inspected.get('Driver') or '(none)',
                                   data_location(inspected)))
    return problems


# --- what a purge must not reach -------------------------------------------------------------------

def normalise_path(path):
    """An absolute path without trailing, doubled or '.' components ('/a//b/./' -> '/a/b')."""
    return posixpath.normpath('/' + path.strip('/'))


def _under(path, directory):
    return directory == '/' or path.startswith(directory + '/')


def relation(target, other):
    """How the directory target stands to other: 'is', 'contains', 'lies inside', or None."""
    if target == other:
        return 'is'
    if _under(other, target):
        return 'contains'
    if _under(target, other):
        return 'lies inside'
    return None


def mount_covering(entries, path):
    """The mountinfo entry whose mount holds path (the deepest mount point; the last one mounted there)."""
    found = None
    for entry in entries:
        if entry.mount_point == path or _under(path, entry.mount_point):
            if found is None or len(entry.mount_point) >= len(found.mount_point):
                found = entry
    return found


def locations(path, entries, resolve):
    """Where a host path really is: ('host', None, real path) and, when it is on a GlusterFS mount,
    ('gluster', volume, path inside the volume) from the mount's source and root field: the same
    GlusterFS directory is then recognised under any mount point, bind mounts of subdirectories included."""
    real = normalise_path(resolve(path))
    found = [('host', None, real)]
    entry = mount_covering(entries, real)
    if entry is not None and entry.fstype == GLUSTER_FSTYPE:
        volume = split_gluster_source(entry.source)[1]
        inside = real[len(entry.mount_point):] if entry.mount_point != '/' else real
        found.append(('gluster', volume, normalise_path(entry.root + '/' + inside)))
    return found


def gluster_location(gluster_volume, subdirectory):
    """The location of a subdirectory of a GlusterFS volume."""
    return ('gluster', gluster_volume, normalise_path(subdirectory))


def purge_holders(volumes, containers, entries, resolve, own_name):
    """Every directory something else on the host holds: (who, locations) for each Docker volume but
    own_name (its labels, its bind device and its mountpoint) and each bind mount of a container,
    running or stopped."""
    holders = []
    for volume in volumes or []:
        name = volume.get('Name')
        if name == own_name:
            continue
        found = []
        labels = volume.get('Labels') or {}
        if labels.get(LABEL_GLUSTER_VOLUME) and labels.get(LABEL_SUBDIRECTORY):
            found.append(gluster_location(labels[LABEL_GLUSTER_VOLUME], labels[LABEL_SUBDIRECTORY]))
        for path in (bind_device(volume), volume.get('Mountpoint')):
            if path:
                found.extend(locations(path, entries, resolve))
        holders.append(('the Docker volume %s' % name, found))
    for container in containers or []:
        names = container.get('Names') or [container.get('Id', '')[:12]]
        for mount in container.get('Mounts') or []:
            if mount.get('Type') == 'bind' and mount.get('Source'):
                holders.append(('a bind mount (%s) of the container %s' % (mount['Source'], names[0].lstrip('/')),
                                locations(mount['Source'], entries, resolve)))
    return holders


def describe_location(location):
    kind, volume, path = location
    return path if kind == 'host' else '%s of the GlusterFS volume %s' % (path, volume)


def purge_conflicts(target, holders):
    """The holders whose directories the purge of target (its locations) would reach: a list of
    'it <is|contains|lies inside> <directory>, held by <who>', one per holder."""
    conflicts = []
    for who, held in holders:
        for location in held:
            found = None
            for mine in target:
                if mine[:2] == location[:2]:
                    how = relation(mine[2], location[2])
                    if how:
                        found = 'it %s %s, held by %s' % (how, describe_location(location), who)
                        break
            if found:
                conflicts.append(found)
                break
    return conflicts


def purge_conflict_message(path, conflicts):
    """The refusal of a purge that would reach other data."""
    return ('Refusing to purge %s: %s. Remove those Docker volumes or containers first (stopped containers count '
            'too). Nothing was changed.' % (path, '; '.join(conflicts)))


# --- containers that may still hold a dead GlusterFS mount -------------------------------------------

# Only a container with processes holds its binds; a stopped one binds afresh when it starts.
HOLDING_STATES = ('running', 'paused', 'restarting')


def containers_on_mount(containers, volumes, mount_points):
    """The containers whose binds come from the mount at mount_points (its path as the task names it
    and as mountinfo shows it, which differ when the path goes through a symbolic link): each running
    (or paused, or restarting) container with a bind mount whose Source lies at or below it, or with a
    Docker volume bound (local driver, o=bind) to a directory at or below it. Returns dicts of name, id
    and the destinations inside the container of those mounts, sorted by name."""
    mount_points = set(normalise_path(path) for path in mount_points)
    devices = dict((volume.get('Name'), bind_device(volume)) for volume in volumes or [])
    found = []
    for container in containers or []:
        if container.get('State') not in HOLDING_STATES:
            continue
        destinations = []
        for mount in container.get('Mounts') or []:
            if mount.get('Type') == 'volume':
                source = devices.get(mount.get('Name'))
            elif mount.get('Type') == 'bind':
                source = mount.get('Source')
            else:
                source = None
            if source and mount.get('Destination') and any(
                    relation(path, normalise_path(source)) in ('is', 'contains') for path in mount_points):
                destinations.append(mount['Destination'])
        if destinations:
            names = container.get('Names') or [container.get('Id', '')[:12]]
            found.append(dict(name=names[0].lstrip('/'), id=container.get('Id', ''), destinations=destinations))
    return sorted(found, key=lambda candidate: candidate['name'])


def stale_container_warning(mount_point, stale, repaired):
    """The warning naming the containers that still see the dead mount and must be restarted."""
    return ('%s the containers %s still hold the dead mount and cannot read their data until they are restarted '
            '(set restart_containers=true to restart them).'
            % ('The dead GlusterFS mount %s was mounted again, but' % mount_point if repaired else
               'The GlusterFS mount %s is live, but' % mount_point,
               ', '.join(container['name'] for container in stale)))
