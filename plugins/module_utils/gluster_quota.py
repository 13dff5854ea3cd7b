# -*- coding: utf-8 -*-
# Copyright: glusterdock developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Directory quota of one gluster volume: parse, validate, read, plan.

Pure of Ansible. ``parse_quota_spec(params)`` validates the module's arguments before any gluster
call; ``read_quota(cli, volume)`` reads the state with one ``volume quota VOLUME list --xml``
(which also says whether quota is enabled), and ``read_object_limits(cli, volume)`` the object
limits (``list-objects``) when disabling quota needs them; ``plan_quota(spec, state)`` returns the
exact commands. Formats: ``cli_cmd_quota_parse`` (cli/src/cli-cmd-parser.c), ``cli_cmd_quota_handle_list_all``
(cli-cmd-volume.c) and the quota list writers of cli-xml-output.c in the GlusterFS sources, checked
against replies captured from GlusterFS 10.3 and 11.1 (tests/fixtures/capture).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Dict, List, Optional

from ansible_collections.glusterdock.storage.plugins.module_utils.errors import RequestError, StateError
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_cli import GlusterCommandError, int_or_none
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_plan import Plan, Step
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_volume_spec import VolumeSpecError, validate_volume_name

STATES = ('enabled', 'disabled')
# gluster's size units are powers of 1024 (gf_string2bytesize); it takes only KB, MB, GB, TB
# and PB (any case). This module also takes K, KiB, ... and always passes gluster a form it takes.
UNIT_FACTORS = {'': 1, 'B': 1}
for _power, _letter in enumerate('KMGTP', start=1):
    for _suffix in (_letter, _letter + 'B', _letter + 'IB'):
        UNIT_FACTORS[_suffix] = 1024 ** _power
GLUSTER_UNITS = (('PB', 1024 ** 5), ('TB', 1024 ** 4), ('GB', 1024 ** 3), ('MB', 1024 ** 2), ('KB', 1024))
# The CLI's range for a hard limit: 1 to INT64_MAX bytes.
MAX_HARD_LIMIT = 9223372036854775807
MAX_SIZE_TEXT = 100
SIZE_PATTERN = re.compile(r'^([0-9]+(?:\.[0-9]+)?)\s*([A-Za-z]*)\Z')
PERCENT_PATTERN = re.compile(r'^([0-9]+)\s*%?\Z')
LIMIT_KEYS = ('path', 'hard_limit', 'soft_limit')

# opErrstr of ``volume quota VOLUME list`` that describe a state rather than a failure.
QUOTA_DISABLED_MESSAGE = 'quota is disabled'
NO_LIMITS_MESSAGE = 'no quota configured on volume'
NO_OBJECT_LIMITS_MESSAGE = 'no inode quota configured on volume'
VOLUME_STOPPED_MESSAGE = 'volume is stopped'
MISSING_PATH_MESSAGE = 'failed to get trusted.gfid attribute on path'
# What glusterd drops besides the limits when quota is disabled (glusterd_quota_disable).
QUOTA_OPTIONS = ('features.default-soft-limit', 'features.soft-timeout', 'features.hard-timeout',
                 'features.alert-time', 'features.quota-deem-statfs', 'features.quota-timeout')
# The CLI prints nothing when the quota daemon's lookup of the last limit of the list fails
# (cli_quotad_getlimit_cbk prints the list only once every entry has answered).
UNLISTABLE_REASON = (
    'gluster printed nothing for the %(what)s of volume %(volume)s. GlusterFS does this when the lookup of the last '
    'limit it keeps fails: for example when that limit is on a directory that was removed from the volume (its path '
    'is in /var/log/glusterfs/cli.log, "Failed to get the xattr ... limit-set on"; setting a limit on another '
    'directory makes the list answer again), or when the Quota Daemon is down or unreachable; check the Quota Daemon '
    'of this node in gluster volume status %(volume)s. %(consequence)s')
UNLISTABLE_CONSEQUENCE = ('Without the full list, purge cannot be planned, nor state=disabled without '
                          'allow_disable_with_limits; limits without purge still work')
UNLISTABLE_OBJECTS_CONSEQUENCE = ('The volume has object limits, then: state=disabled needs allow_disable_with_limits, '
                                  'as disabling quota deletes them')
UNLISTED_WARNING = (
    'gluster could not list every quota limit of volume %(volume)s (for example, its last limit is on a directory '
    'removed from the volume, or the Quota Daemon of this node is down: see gluster volume status %(volume)s); only '
    'the paths in limits were read')


class QuotaRequestError(RequestError):
    """Bad quota arguments; ``argument`` names the option, or the entry of ``limits``, to fix."""


class QuotaStateError(StateError):
    """Quota cannot be changed as asked from its current state (disabling would delete limits)."""


@dataclass
class DesiredLimit:
    """A limit asked for; ``soft_limit`` None leaves the path's soft limit as it is."""
    path: str
    hard_limit: int
    soft_limit: Optional[int] = None


@dataclass
class QuotaSpec:
    """What the user asked for, normalised. ``limits`` None leaves the limits alone."""
    volume: str
    state: str = 'enabled'
    limits: Optional[Dict[str, DesiredLimit]] = None
    purge: bool = False
    allow_disable_with_limits: bool = False


@dataclass
class QuotaLimit:
    """One row of ``volume quota VOLUME list --xml``; counters are None when gluster gives none."""
    path: str
    hard_limit: int
    soft_limit: Optional[int]
    used_space: Optional[int] = None
    available_space: Optional[int] = None
    soft_limit_exceeded: Optional[bool] = None
    hard_limit_exceeded: Optional[bool] = None


@dataclass
class ObjectLimit:
    """One row of ``volume quota VOLUME list-objects --xml``: a limit on the number of files and
    directories under ``path``; counters are None when gluster gives none."""
    path: str
    hard_limit: int
    soft_limit: Optional[int]
    file_count: Optional[int] = None
    dir_count: Optional[int] = None


@dataclass
class QuotaState:
    """Whether quota is enabled on the volume, and its limits by path. ``complete`` is False when
    only some paths could be read (see read_quota): ``paths_read`` then names them.
    ``object_limits`` (``limit-objects``) is None when they were not read: only disabling quota
    needs them (see needs_object_limits)."""
    enabled: bool
    limits: Dict[str, QuotaLimit] = field(default_factory=dict)
    complete: bool = True
    paths_read: Optional[List[str]] = None
    object_limits: Optional[Dict[str, ObjectLimit]] = None


@dataclass
class QuotaPlan(Plan):
    """The Steps (their ``done`` judges a fresh QuotaState) and the diff of one volume's quota.

    ``paths``: the paths every read after planning names, should gluster list only named paths
    (see read_quota): those of ``limits``. A Step's ``reads`` adds the paths its ``done`` needs.
    """
    volume: str = ''
    paths: List[str] = field(default_factory=list)


def parse_size(value, where):
    """A size as bytes: an int, or a number with an optional unit (B, KB, MB, GB, TB, PB; also
    K, KiB, ...), powers of 1024 as in gluster. Fractions are accepted when they make whole bytes,
    computed exactly (a fraction of a byte, however small, is refused)."""
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise QuotaRequestError('%r is not a size; write bytes (1073741824) or a number and a unit (1GB, 512MB)'
                                % (value,), where)
    if isinstance(value, int):
        size = value
    else:
        text = value.strip()
        # No size needs more characters; a longer number would only cost time to convert.
        match = SIZE_PATTERN.match(text) if len(text) <= MAX_SIZE_TEXT else None
        unit = match.group(2).upper() if match else None
        if not match or unit not in UNIT_FACTORS:
            raise QuotaRequestError('%r is not a size; write bytes (1073741824) or a number and a unit '
                                    '(B, KB, MB, GB, TB or PB, powers of 1024: 1GB, 512MB)' % (value,), where)
        size = Fraction(match.group(1)) * UNIT_FACTORS[unit]
        if size.denominator != 1:
            raise QuotaRequestError('%r is not a whole number of bytes' % (value,), where)
        size = int(size)
    if size < 1 or size > MAX_HARD_LIMIT:
        raise QuotaRequestError('%r is out of range: gluster takes 1 byte to %d bytes' % (value, MAX_HARD_LIMIT), where)
    return size


def format_size(size):
    """Bytes in the largest gluster unit that divides them exactly (10GB, 1536MB), else bytes."""
    for unit, factor in GLUSTER_UNITS:
        if size % factor == 0:
            return '%d%s' % (size // factor, unit)
    return str(size)


def parse_soft_limit(value, where):
    """A soft limit as a percentage of the hard limit, 0 to 100: 80 or '80%'."""
    match = PERCENT_PATTERN.match(str(value).strip()) if isinstance(value, (int, str)) and not isinstance(value, bool) else None
    if not match or int(match.group(1)) > 100:
        raise QuotaRequestError('%r is not a percentage from 0 to 100 (such as 80 or "80%%")' % (value,), where)
    return int(match.group(1))


def normalise_quota_path(path, where):
    """A directory of the volume as glusterd stores it: absolute, no repeated or trailing '/'."""
    if not isinstance(path, str) or not path:
        raise QuotaRequestError('%r is not a path; write a directory of the volume such as "/" or "/app"' % (path,),
                                where)
    if not path.startswith('/'):
        raise QuotaRequestError('%r must be absolute, from the root of the volume (such as "/%s")' % (path, path),
                                where)
    if '\n' in path or '\0' in path or '\r' in path:
        raise QuotaRequestError('%r contains a newline or NUL character' % (path,), where)
    parts = [part for part in path.split('/') if part]
    if any(part in ('.', '..') for part in parts):
        raise QuotaRequestError('%r contains "." or ".."; write the directory\'s own path' % (path,), where)
    return '/' + '/'.join(parts)


def _limit_from_mapping(item, where):
    unknown = sorted(set(item) - set(LIMIT_KEYS))
    if unknown:
        raise QuotaRequestError('unknown key(s) %s; a limit takes %s' % (', '.join(map(str, unknown)), ', '.join(LIMIT_KEYS)),
                                where)
    if item.get('hard_limit') is None:
        raise QuotaRequestError('hard_limit is required', where)
    return item.get('hard_limit'), item.get('soft_limit')


def parse_limits(limits):
    """path -> DesiredLimit from a dict (path -> size, or path -> {hard_limit, soft_limit}) or a list
    of {path, hard_limit, soft_limit}. Two entries for one path (after normalising) are refused."""
    if limits is None:
        return None
    if isinstance(limits, dict):
        entries = []
        for path, value in limits.items():
            where = 'limits[%r]' % (path,)
            if isinstance(value, dict):
                if 'path' in value:
                    raise QuotaRequestError('the path is the key here; remove "path"', where)
                hard, soft = _limit_from_mapping(value, where)
            else:
                hard, soft = value, None
            entries.append((where, path, hard, soft))
    elif isinstance(limits, list):
        entries = []
        for index, item in enumerate(limits):
            where = 'limits[%d]' % index
            if not isinstance(item, dict):
                raise QuotaRequestError('%r is not a dictionary with path, hard_limit and soft_limit' % (item,), where)
            if item.get('path') is None:
                raise QuotaRequestError('path is required', where)
            hard, soft = _limit_from_mapping(item, where)
            entries.append((where, item['path'], hard, soft))
    else:
        raise QuotaRequestError('%r must be a dictionary (path: size) or a list of {path, hard_limit, soft_limit}'
                                % (limits,), 'limits')
    parsed = {}
    for where, path, hard, soft in entries:
        normal = normalise_quota_path(path, where)
        if normal in parsed:
            raise QuotaRequestError('%r is the directory %s, which has a limit already' % (path, normal), where)
        parsed[normal] = DesiredLimit(
            path=normal,
            hard_limit=parse_size(hard, where + ' hard_limit'),
            soft_limit=None if soft is None else parse_soft_limit(soft, where + ' soft_limit'),
        )
    return parsed


def _volume_name(name):
    """``name`` checked as gluster_volume checks its ``name``; a refusal is about ``volume`` here."""
    try:
        return validate_volume_name(name)
    except VolumeSpecError as error:
        raise error.about('volume') from None


def parse_quota_spec(params):
    """QuotaSpec from the module's parameters, or a RequestError about the argument to fix. Runs
    before any gluster call."""
    volume = _volume_name(params.get('volume'))
    state = params.get('state') or 'enabled'
    if state not in STATES:
        raise QuotaRequestError('%r is not one of %s' % (state, ', '.join(STATES)), 'state')
    limits = parse_limits(params.get('limits'))
    purge = bool(params.get('purge'))
    if state == 'disabled' and (limits is not None or purge):
        raise QuotaRequestError('limits and purge need state=enabled: disabling quota removes every limit')
    if purge and limits is None:
        raise QuotaRequestError('purge needs limits: the limits to keep (limits: {} with purge: true removes every limit)')
    return QuotaSpec(volume=volume, state=state, limits=limits, purge=purge,
                     allow_disable_with_limits=bool(params.get('allow_disable_with_limits')))


def _yes_no(element, path):
    value = (element.findtext(path) or '').strip().lower()
    return {'yes': True, 'no': False}.get(value)


def _limit_rows(root):
    """(element, path, hard limit, soft limit %) of each <limit> of a quota list that has a limit.

    Asked for by path, gluster lists a directory without a limit with N/A values: it has no limit.
    The path is taken as written (gluster writes it with "%s"): a directory may end in a space.
    """
    for element in root.findall('volQuota/limit'):
        hard = int_or_none(element.findtext('hard_limit'))
        if hard is not None:
            soft = (element.findtext('soft_limit_percent') or '').strip().rstrip('%')
            yield element, element.findtext('path') or '', hard, int_or_none(soft)


def parse_quota_list(root):
    """path -> QuotaLimit from a successful ``volume quota VOLUME list [PATH...] --xml``."""
    return {path: QuotaLimit(
        path=path,
        hard_limit=hard,
        soft_limit=soft,
        used_space=int_or_none(element.findtext('used_space')),
        available_space=int_or_none(element.findtext('avail_space')),
        soft_limit_exceeded=_yes_no(element, 'sl_exceeded'),
        hard_limit_exceeded=_yes_no(element, 'hl_exceeded'),
    ) for element, path, hard, soft in _limit_rows(root)}


def parse_object_list(root):
    """path -> ObjectLimit from a successful ``volume quota VOLUME list-objects --xml``
    (cli_quota_object_xml_output): hard_limit is a count of files and directories."""
    return {path: ObjectLimit(
        path=path,
        hard_limit=hard,
        soft_limit=soft,
        file_count=int_or_none(element.findtext('file_count')),
        dir_count=int_or_none(element.findtext('dir_count')),
    ) for element, path, hard, soft in _limit_rows(root)}


def quota_list_args(volume):
    """The arguments of the usage-limit list (after ``gluster --mode=script``); paths may follow."""
    return ['volume', 'quota', volume, 'list']


def quota_list_objects_args(volume):
    """The arguments of the object-limit list (after ``gluster --mode=script``)."""
    return ['volume', 'quota', volume, 'list-objects']


def _silent_failure(error):
    """The CLI's reply when a quota list cannot be printed: exit code non-zero, nothing at all."""
    silent = not (error.stdout or '').strip() and not (error.stderr or '').strip()
    return error.op_ret is None and error.rc != 0 and silent


def read_quota(cli, volume, paths=None):
    """QuotaState of ``volume`` from one ``volume quota VOLUME list --xml``.

    gluster answers with opRet -1 both when quota is disabled and when it is enabled without
    limits, so those messages are states here. A missing or stopped volume raises
    GlusterCommandError with a message that says so.

    When the quota daemon's lookup of the last limit glusterd keeps fails (for example, the limit is
    on a directory that was removed from the volume, or the daemon is down), GlusterFS 10 and 11
    print nothing at all for the whole list (exit code 1, no output, no message; an earlier such
    limit is only left out); quota is enabled then. Listing named paths
    still works, so when ``paths`` is a list this reads just those (a second call, none for an
    empty list) and returns a state with ``complete`` False; when it is None (the plan needs every
    limit), it fails saying so.
    """
    try:
        root = cli.read(*quota_list_args(volume))
    except GlusterCommandError as error:
        if _silent_failure(error):
            if paths is None:
                raise _explained(error, UNLISTABLE_REASON % dict(what='quota list', volume=volume,
                                                                 consequence=UNLISTABLE_CONSEQUENCE))
            paths = sorted(set(paths))
            limits = parse_quota_list(cli.read(*(quota_list_args(volume) + paths))) if paths else {}
            return QuotaState(enabled=True, limits=limits, complete=False, paths_read=paths)
        message = (error.op_errstr or '').lower()
        if message.startswith(QUOTA_DISABLED_MESSAGE):
            return QuotaState(enabled=False)
        if message.startswith(NO_LIMITS_MESSAGE):
            return QuotaState(enabled=True)
        raise _explained_read_error(error, volume)
    return QuotaState(enabled=True, limits=parse_quota_list(root))


def _explained_read_error(error, volume):
    message = (error.op_errstr or '').lower()
    if message.endswith('does not exist'):
        return _explained(error, 'volume %s does not exist' % volume)
    if message.startswith(VOLUME_STOPPED_MESSAGE):
        return _explained(error, 'volume %s is stopped; gluster reads and sets quota only on a started volume, '
                                 'start it first' % volume)
    return error


def needs_object_limits(spec, state):
    """Whether the plan needs the object limits too: only to disable enabled quota without
    ``allow_disable_with_limits`` (``volume quota VOLUME list`` shows usage limits only, and
    disabling deletes object limits as well)."""
    return spec.state == 'disabled' and state.enabled and not spec.allow_disable_with_limits


def read_object_limits(cli, volume):
    """path -> ObjectLimit from one ``volume quota VOLUME list-objects --xml``; {} when gluster
    says there are none ("No inode quota configured") or quota is disabled.

    An empty reply (see read_quota) means the list holds at least one object limit that could not
    be read: it raises GlusterCommandError saying so.
    """
    try:
        root = cli.read(*quota_list_objects_args(volume))
    except GlusterCommandError as error:
        if _silent_failure(error):
            raise _explained(error, UNLISTABLE_REASON % dict(what='object quota list', volume=volume,
                                                             consequence=UNLISTABLE_OBJECTS_CONSEQUENCE))
        message = (error.op_errstr or '').lower()
        if message.startswith(NO_OBJECT_LIMITS_MESSAGE) or message.startswith(QUOTA_DISABLED_MESSAGE):
            return {}
        raise _explained_read_error(error, volume)
    return parse_object_list(root)


def paths_to_read(spec):
    """The paths the first read_quota may fall back to (see there): None when the plan needs every
    limit. Reads after planning use the plan's paths (see reread_quota)."""
    if spec.purge or (spec.state == 'disabled' and not spec.allow_disable_with_limits):
        return None
    return sorted(spec.limits or {}) if spec.state == 'enabled' else []


def _explained(error, reason):
    return GlusterCommandError(error.command, error.rc, error.stdout, error.stderr, error.op_ret, error.op_errno,
                               error.op_errstr, reason=reason)


def explain_change_error(error, volume):
    """A clearer GlusterCommandError for a failed limit-usage or remove: gluster's message for a
    directory that does not exist on the volume names an xattr, not the directory."""
    message = error.op_errstr or ''
    if message.lower().startswith(MISSING_PATH_MESSAGE) and 'no such file or directory' in message.lower():
        path = message[len(MISSING_PATH_MESSAGE):].strip().split('. Reason', 1)[0].strip()
        return _explained(error, 'directory %s does not exist on volume %s: create it through a mount of the volume '
                                 'first (this module does not create directories)' % (path, volume))
    return error


def limits_to_dict(limits, with_usage=False):
    """Limits for the diff (sizes as gluster units) or, ``with_usage``, for the result (bytes)."""
    result = {}
    for path in sorted(limits):
        limit = limits[path]
        if with_usage:
            entry = {'hard_limit': limit.hard_limit, 'soft_limit': limit.soft_limit, 'used_space': limit.used_space,
                     'available_space': limit.available_space, 'soft_limit_exceeded': limit.soft_limit_exceeded,
                     'hard_limit_exceeded': limit.hard_limit_exceeded}
        else:
            entry = {'hard_limit': format_size(limit.hard_limit)}
            if limit.soft_limit is not None:
                entry['soft_limit'] = limit.soft_limit
        result[path] = entry
    return result


def quota_to_dict(state):
    """The result's ``quota``: enabled, and each limit with its usage, by path."""
    return {'enabled': state.enabled, 'limits': limits_to_dict(state.limits, with_usage=True)}


def _limit_matches(current, desired):
    return (current is not None and current.hard_limit == desired.hard_limit
            and (desired.soft_limit is None or current.soft_limit == desired.soft_limit))


def _disable_refusal(spec, state):
    """The reason to refuse disabling quota without the opt-in, or None."""
    if state.object_limits is None:
        # Fail closed: without the object limits, disabling might delete limits nobody listed.
        return ('disabling quota on volume %s needs its object limits read first (volume quota %s list-objects)'
                % (spec.volume, spec.volume))
    if not state.limits and not state.object_limits:
        return None
    found = []
    if state.limits:
        found.append('%d usage limit(s) (%s)' % (len(state.limits), ', '.join(
            '%s %s' % (path, format_size(state.limits[path].hard_limit)) for path in sorted(state.limits))))
    if state.object_limits:
        found.append('%d object limit(s) (%s)' % (len(state.object_limits), ', '.join(
            '%s %d objects' % (path, state.object_limits[path].hard_limit) for path in sorted(state.object_limits))))
    return ('disabling quota on volume %s deletes its %s for good, and the quota options set on it (%s): enabling '
            'it again starts with none. Set allow_disable_with_limits: true to disable it anyway'
            % (spec.volume, ' and '.join(found), ', '.join(QUOTA_OPTIONS)))


def plan_quota(spec, state):
    """QuotaPlan from the spec and the current QuotaState. Raises QuotaStateError when disabling
    quota would drop usage or object limits and ``allow_disable_with_limits`` is not set (the
    object limits must then have been read: see needs_object_limits)."""
    volume = spec.volume
    plan = QuotaPlan(volume=volume, paths=sorted(spec.limits or {}),
                     before={'volume': volume, 'enabled': state.enabled, 'limits': limits_to_dict(state.limits)})
    if not state.complete:
        plan.warnings.append(UNLISTED_WARNING % dict(volume=volume))
    if spec.state == 'disabled':
        if state.enabled:
            refusal = None if spec.allow_disable_with_limits else _disable_refusal(spec, state)
            if refusal:
                raise QuotaStateError(refusal)
            plan.steps.append(Step(['volume', 'quota', volume, 'disable'], what='disable quota on volume %s' % volume,
                                   done=lambda now: not now.enabled))
        plan.after = {'volume': volume, 'enabled': False, 'limits': {}}
        return plan

    after = dict(state.limits) if state.enabled else {}
    if not state.enabled:
        plan.steps.append(Step(['volume', 'quota', volume, 'enable'], what='enable quota on volume %s' % volume,
                               done=lambda now: now.enabled))
    for path, desired in sorted((spec.limits or {}).items()):
        current = after.get(path)
        if _limit_matches(current, desired):
            continue
        args = ['volume', 'quota', volume, 'limit-usage', path, format_size(desired.hard_limit)]
        if desired.soft_limit is not None:
            args.append('%d%%' % desired.soft_limit)
        what = 'limit %s to %s' % (path, format_size(desired.hard_limit))
        if desired.soft_limit is not None:
            what += ', soft limit %d%%' % desired.soft_limit
        plan.steps.append(Step(args, what=what,
                               done=lambda now, desired=desired: _limit_matches(now.limits.get(desired.path), desired)))
        # Without a soft limit, limit-usage keeps the path's soft limit; a new path gets the volume's default.
        soft = desired.soft_limit if desired.soft_limit is not None else (current.soft_limit if current else None)
        after[path] = QuotaLimit(path=path, hard_limit=desired.hard_limit, soft_limit=soft)
    if spec.purge:
        for path in sorted(set(after) - set(spec.limits)):
            # A re-read that fell back to named paths proves nothing about a path it did not name.
            plan.steps.append(Step(['volume', 'quota', volume, 'remove', path], what='remove the limit on %s' % path,
                                   done=lambda now, path=path: path not in now.limits and (
                                       now.complete or path in (now.paths_read or ())),
                                   reads=[path]))
            del after[path]
    plan.after = {'volume': volume, 'enabled': True, 'limits': limits_to_dict(after)}
    return plan


def reread_quota(cli, plan, step=None):
    """QuotaState of the plan's volume, read again once the plan is made: for a ``step``'s ``done``
    (before a retry), or without one for the result. Such reads only check and report, so they may
    fall back to named paths (see read_quota): those of the plan, and those the step reads."""
    return read_quota(cli, plan.volume, paths=plan.paths + (step.reads if step else []))
