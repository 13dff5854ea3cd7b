# -*- coding: utf-8 -*-
# Copyright: glusterdock developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The pure core of docker_gluster_volume: input validation, and the comparison of a Docker volume's
configuration with the wanted one (the mount's part is in docker_gluster_mount).

Nothing here touches the system, Docker or Ansible, so all of it is unit-tested directly.
"""

from __future__ import annotations

import posixpath
import re

from ansible_collections.glusterdock.storage.plugins.module_utils.docker_gluster_mount import DEFAULT_STAT_TIMEOUT
from ansible_collections.glusterdock.storage.plugins.module_utils.errors import GlusterdockError, RequestError
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_volume_spec import validate_volume_name

# Docker's own rule for volume names (daemon/names: RestrictedNamePattern).
DOCKER_VOLUME_NAME_PATTERN = re.compile(r'^[a-zA-Z0-9][a-zA-Z0-9_.-]+\Z')
# Host names and IPv4 addresses. ':' separates backup-volfile-servers, so IPv6 addresses cannot be listed.
SERVER_NAME_PATTERN = re.compile(r'^[A-Za-z0-9_]([A-Za-z0-9_.-]{0,252})\Z')
MOUNT_OPTION_PATTERN = re.compile(r'^[A-Za-z0-9_][A-Za-z0-9_.:/=+-]*\Z')

LABEL_PREFIX = 'org.glusterdock.'
LABEL_GLUSTER_VOLUME = LABEL_PREFIX + 'gluster-volume'
LABEL_SUBDIRECTORY = LABEL_PREFIX + 'subdirectory'
LABEL_SERVERS = LABEL_PREFIX + 'servers'

DEFAULT_MOUNT_ROOT = '/mnt/glusterfs'
MAX_STAT_TIMEOUT = 3600
LOCAL_DRIVER = 'local'


class RequestProblems(RequestError):
    """Every problem of the input at once (the operator fixes them in one go); each one is a
    RequestError naming its argument, and the message lists them all."""

    def __init__(self, problems):
        super().__init__('; '.join(str(problem) for problem in problems))
        self.problems = problems


def with_details(error, **details):
    """``error`` with extra keys for the failure result (the containers, the conflicts...)."""
    error.details = details
    return error


# --- input ------------------------------------------------------------------------------------

def gluster_volume_name_error(name):
    """The RequestError about ``gluster_volume`` when gluster would refuse ``name``, or None.

    The rule is gluster_volume_spec's, the one gluster_volume applies."""
    try:
        validate_volume_name(name)
    except GlusterdockError as error:
        return error.about('gluster_volume')
    return None


def server_name_problem(name):
    """Why a server name cannot be used in a GlusterFS mount, or None when it is fine."""
    if not name:
        return 'is empty'
    if name.startswith('-'):
        return 'starts with "-"'
    if ':' in name:
        return 'contains ":" (IPv6 addresses cannot be used: ":" separates backup-volfile-servers)'
    if not SERVER_NAME_PATTERN.match(name) or '..' in name:
        return 'is not a host name or IPv4 address'
    return None


def normalise_subdirectory(subdirectory):
    """The subdirectory as a clean relative path ('a//b/./c/' -> 'a/b/c').

    Raises RequestError for absolute paths, '..' components, and paths that name the mount itself,
    so the Docker volume can never point outside the GlusterFS mount or at its root."""
    if subdirectory is None or subdirectory == '':
        raise RequestError('is empty', 'subdirectory')
    if '\0' in subdirectory or '\n' in subdirectory:
        raise RequestError('%r contains a NUL or newline character' % subdirectory, 'subdirectory')
    if subdirectory.startswith('/'):
        raise RequestError('%r must be relative to the mount point' % subdirectory, 'subdirectory')
    parts = [part for part in subdirectory.split('/') if part not in ('', '.')]
    if '..' in parts:
        raise RequestError('%r must not contain ".." (it would leave the GlusterFS mount)' % subdirectory, 'subdirectory')
    if not parts:
        raise RequestError('%r names the mount point itself; name a directory below it' % subdirectory, 'subdirectory')
    return '/'.join(parts)


def normalise_mount_point(mount_point):
    """The mount point as a normalised absolute path; raises RequestError when it is unusable."""
    if not mount_point:
        raise RequestError('is empty', 'mount_point')
    if '\0' in mount_point or '\n' in mount_point:
        raise RequestError('%r contains a NUL or newline character' % mount_point, 'mount_point')
    if not mount_point.startswith('/'):
        raise RequestError('%r must be an absolute path' % mount_point, 'mount_point')
    if '..' in mount_point.split('/'):
        raise RequestError('%r must not contain ".."' % mount_point, 'mount_point')
    normalised = posixpath.normpath(mount_point)
    # normpath keeps a leading '//', which is still the root.
    normalised = '/' + normalised.lstrip('/')
    if normalised == '/':
        raise RequestError('must not be "/"', 'mount_point')
    return normalised


def mount_option_list(mount_options):
    """Mount options as a list, from a list or a comma-separated string; empty items dropped."""
    if mount_options is None:
        return []
    if isinstance(mount_options, str):
        mount_options = [mount_options]
    options = []
    for item in mount_options:
        options.extend(part.strip() for part in str(item).split(',') if part.strip())
    return options


def parse_mode(mode):
    """A permission mode from an octal string ('0755', '755') or an int; None stays None."""
    if mode is None:
        return None
    if isinstance(mode, bool):
        raise RequestError('%r is not an octal mode such as "0755"' % (mode,), 'mode')
    if isinstance(mode, int):
        value = mode
    else:
        text = str(mode).strip()
        if not re.match(r'^0?[0-7]{3,4}\Z', text) and not re.match(r'^0o[0-7]{3,4}\Z', text):
            raise RequestError('%r is not an octal mode such as "0755" (symbolic modes are not supported)' % (mode,), 'mode')
        value = int(text.replace('0o', ''), 8)
    if not 0 <= value <= 0o7777:
        raise RequestError('%r is out of range' % (mode,), 'mode')
    return value


def _string_map_problems(option, mapping):
    problems = []
    for key, value in (mapping or {}).items():
        if not isinstance(key, str) or not key:
            problems.append(RequestError('key %r must be a non-empty string' % (key,), option))
        elif not isinstance(value, str):
            problems.append(RequestError('value %r must be a string; quote it' % (value,), '%s.%s' % (option, key)))
    return problems


def validate(params):
    """Check the module input; returns the normalised settings as a dict, or raises a RequestError
    (RequestProblems when there are several). Runs before any system, gluster or Docker call."""
    problems = []
    name = params.get('name')
    if not name or not DOCKER_VOLUME_NAME_PATTERN.match(name):
        problems.append(RequestError('%r is not a Docker volume name (two or more characters of [a-zA-Z0-9_.-], '
                                     'the first a letter or digit)' % (name,), 'name'))
    state = params.get('state') or 'present'
    gluster_volume = params.get('gluster_volume')
    needs_gluster = state == 'present' or params.get('purge')
    gluster_volume_error = None
    if gluster_volume is None:
        if needs_gluster:
            problems.append(RequestError('is required with state=present and with purge=true', 'gluster_volume'))
    else:
        gluster_volume_error = gluster_volume_name_error(gluster_volume)
        if gluster_volume_error:
            problems.append(gluster_volume_error)

    servers = list(params.get('servers') or [])
    if needs_gluster and not servers:
        problems.append(RequestError('list at least one GlusterFS server', 'servers'))
    for server in servers:
        problem = server_name_problem(server)
        if problem:
            problems.append(RequestError('%r %s' % (server, problem), 'servers'))
    if len(set(servers)) != len(servers):
        problems.append(RequestError('%s lists a server twice' % ', '.join(servers), 'servers'))

    mount_options = mount_option_list(params.get('mount_options'))
    for option in mount_options:
        if not MOUNT_OPTION_PATTERN.match(option):
            problems.append(RequestError('%r is not a mount option' % option, 'mount_options'))
        elif option.split('=', 1)[0] in ('backup-volfile-servers', 'backupvolfile-server'):
            problems.append(RequestError('%r: list the backup servers in servers instead' % option, 'mount_options'))

    mount_point = params.get('mount_point')
    if mount_point is None and gluster_volume and not gluster_volume_error:
        mount_point = '%s/%s' % (DEFAULT_MOUNT_ROOT, gluster_volume)
    if mount_point is not None:
        try:
            mount_point = normalise_mount_point(mount_point)
        except RequestError as error:
            problems.append(error)

    subdirectory = params.get('subdirectory')
    if subdirectory is None:
        subdirectory = name
    try:
        subdirectory = normalise_subdirectory(subdirectory)
    except RequestError as error:
        problems.append(error)

    mode = None
    try:
        mode = parse_mode(params.get('mode'))
    except RequestError as error:
        problems.append(error)
    for option in ('owner', 'group'):
        value = params.get(option)
        if value is not None and (not value or value.startswith('-') or any(ch.isspace() for ch in value)):
            problems.append(RequestError('%r is not a user or group name or number' % (value,), option))

    labels = params.get('labels') or {}
    problems.extend(_string_map_problems('labels', labels))
    for key in labels:
        if isinstance(key, str) and key.startswith(LABEL_PREFIX):
            problems.append(RequestError('%r: the %s* labels are set by this module' % (key, LABEL_PREFIX), 'labels'))

    driver = params.get('driver') or LOCAL_DRIVER
    driver_options = params.get('driver_options') or {}
    problems.extend(_string_map_problems('driver_options', driver_options))
    if driver == LOCAL_DRIVER and driver_options:
        problems.append(RequestError('must not be set with driver=local; the module binds the volume to '
                                     'the GlusterFS subdirectory itself', 'driver_options'))
    if not driver or any(ch.isspace() for ch in driver) or driver.startswith('-'):
        problems.append(RequestError('%r is not a volume driver name' % (driver,), 'driver'))

    stat_timeout = params.get('stat_timeout')
    if stat_timeout is None:
        stat_timeout = DEFAULT_STAT_TIMEOUT
    if not 1 <= stat_timeout <= MAX_STAT_TIMEOUT:
        problems.append(RequestError('%d is not a number of seconds from 1 to %d' % (stat_timeout, MAX_STAT_TIMEOUT),
                                     'stat_timeout'))

    if len(problems) == 1:
        raise problems[0]
    if problems:
        raise RequestProblems(problems)
    return {
        'name': name,
        'state': state,
        'gluster_volume': gluster_volume,
        'servers': servers,
        'mount_point': mount_point,
        'mount_options': mount_options,
        'subdirectory': subdirectory,
        'path': posixpath.join(mount_point, subdirectory) if mount_point else None,
        'mode': mode,
        'labels': dict(labels),
        'driver': driver,
        'driver_options': dict(driver_options),
        'stat_timeout': stat_timeout,
    }


# --- the purge ----------------------------------------------------------------------------------

def purge_refusal(existing, settings, purge_without_volume, directory_exists):
    """Why the subdirectory must not be purged, or None.

    existing: volume_config of the local Docker volume (None when there is none).
    directory_exists: True, False, or None when it cannot be looked at (check mode before mounting)."""
    wanted = (settings['gluster_volume'], settings['subdirectory'])
    if existing is not None:
        labels = existing['labels']
        bound_to = (labels.get(LABEL_GLUSTER_VOLUME), labels.get(LABEL_SUBDIRECTORY))
        if bound_to != wanted:
            return ('Refusing to purge: the Docker volume %s is labelled as GlusterFS volume %s, subdirectory %s, '
                    'not %s, subdirectory %s. Nothing was changed.' % ((settings['name'],) + bound_to + wanted))
        return None
    if directory_exists and not purge_without_volume:
        return ('Refusing to purge %s: there is no Docker volume %s on this host whose labels bind it to GlusterFS '
                'volume %s, subdirectory %s, so nothing shows the directory is its data. Set purge_without_volume: '
                'true to delete it anyway. Nothing was deleted.' % ((settings['path'], settings['name']) + wanted))
    return None


# --- the Docker volume ------------------------------------------------------------------------

def normalise_driver(driver):
    """A driver name as Docker reports it: plugins carry a tag ('name' -> 'name:latest')."""
    if not driver or driver == LOCAL_DRIVER:
        return driver
    last = driver.rsplit('/', 1)[-1]
    return driver if ':' in last else driver + ':latest'


def wanted_volume(settings):
    """The Docker volume configuration wanted: {'driver', 'driver_options', 'labels'}."""
    labels = dict(settings['labels'])
    labels[LABEL_GLUSTER_VOLUME] = settings['gluster_volume']
    labels[LABEL_SUBDIRECTORY] = settings['subdirectory']
    labels[LABEL_SERVERS] = ','.join(settings['servers'])
    if settings['driver'] == LOCAL_DRIVER:
        # Docker's local driver cannot mount glusterfs (a FUSE helper is needed): bind the FUSE mount.
        options = {'type': 'none', 'o': 'bind', 'device': settings['path']}
    else:
        options = dict(settings['driver_options'])
    return {'driver': settings['driver'], 'driver_options': options, 'labels': labels}


def volume_config(inspected):
    """The comparable configuration of a Docker volume inspect result (None stays None)."""
    if inspected is None:
        return None
    return {
        'driver': inspected.get('Driver'),
        'driver_options': dict(inspected.get('Options') or {}),
        'labels': dict(inspected.get('Labels') or {}),
    }


def differences(existing, wanted):
    """Every (parameter, existing value, wanted value) where the volume differs, over all keys
    of both sides: extra options or labels on the existing volume are differences too."""
    found = []
    if normalise_driver(existing['driver']) != normalise_driver(wanted['driver']):
        found.append(('driver', existing['driver'], wanted['driver']))
    for section in ('driver_options', 'labels'):
        before, after = existing[section], wanted[section]
        for key in sorted(set(before) | set(after)):
            if before.get(key) != after.get(key):
                found.append(('%s.%s' % (section, key), before.get(key), after.get(key)))
    return found


def quote_argument(argument):
    """An argument as a POSIX shell would need it, for the human-readable actions list only."""
    if argument and re.match(r'^[A-Za-z0-9_@%+=:,./-]+\Z', argument):
        return argument
    return "'" + argument.replace("'", "'\"'\"'") + "'"


def create_command(name, config):
    """The docker CLI command equivalent to the volume create API call (for the actions list)."""
    words = ['docker', 'volume', 'create', '--driver', config['driver']]
    for key in sorted(config['driver_options']):
        words += ['--opt', '%s=%s' % (key, config['driver_options'][key])]
    for key in sorted(config['labels']):
        words += ['--label', '%s=%s' % (key, config['labels'][key])]
    return ' '.join(quote_argument(word) for word in words + [name])


def remove_command(name):
    """The docker CLI command equivalent to the volume remove API call."""
    return 'docker volume rm %s' % quote_argument(name)


def in_use_message(name, containers, doing):
    """The refusal for a volume that containers use; names them (running and stopped)."""
    return ('Refusing to %s the Docker volume %s: it is used by the container(s) %s. Remove those containers '
            'first (stopped containers count too).' % (doing, name, ', '.join(sorted(containers))))


def directory_changes(current, owner_id, group_id, mode):
    """What to change on an existing directory: a list of ('chown'|'chgrp'|'chmod', value).

    current is (uid, gid, mode bits); None in owner_id, group_id or mode means leave it."""
    changes = []
    uid, gid, bits = current
    if owner_id is not None and owner_id != uid:
        changes.append(('owner', owner_id))
    if group_id is not None and group_id != gid:
        changes.append(('group', group_id))
    if mode is not None and mode != bits:
        changes.append(('mode', mode))
    return changes
