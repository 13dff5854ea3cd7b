# -*- coding: utf-8 -*-
# Copyright: glusterdock developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Heal a replicated or dispersed volume, and resolve split-brain only by an explicit policy.

Pure: the request, the plan (which split-brain resolutions and which heal to start) and the
verdict on a heal summary. The self-heal daemon crawls its index only every 600 seconds
(cluster.heal-timeout) unless a heal is started, so a module that waits for heal starts one.
Split-brain is never resolved by guessing: the operator names the policy per call, for named
files or for all, and check mode lists what would be resolved and how.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from typing import List, Optional

from ansible_collections.glusterdock.storage.plugins.module_utils.errors import GlusterdockError, RequestError, StateError
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_plan import Plan, Step

POLICIES = ('bigger-file', 'latest-mtime', 'source-brick')
DEFAULT_TIMEOUT = 600
# Tries of a heal start refused while the self-heal daemon reconnects (about 45 s in all).
HEAL_START_ATTEMPTS = 7
GFID_PREFIX = '<gfid:'
# What gluster answers for a name whose copies differ in type (or a gfid split-brain given by gfid):
# the CLI cannot choose.
UNRESOLVABLE_HINT = (
    'the CLI resolves data and metadata split-brain, and a gfid split-brain only for a name given by its '
    'path; for a name whose copies differ in type, pick the copy to keep, on each other brick remove the '
    'entry and its .glusterfs gfid link, then run this task again')
# gluster answers a split-brain resolution of a name that only waits for heal (no two copies disagree).
NOT_IN_SPLIT_BRAIN = 'File not in split-brain'


@dataclass
class HealRequest:
    """gluster_heal's arguments, validated before any gluster call."""
    volume: str
    full: bool = False
    timeout: int = DEFAULT_TIMEOUT
    policy: Optional[str] = None
    source_brick: Optional[str] = None
    files: Optional[List[str]] = None     # None: every file in split-brain


def parse_heal_request(params, validate_volume_name, canonical_brick):
    """HealRequest from the module's parameters; RequestError names the argument that is wrong."""
    try:
        validate_volume_name(params['volume'])
    except GlusterdockError as error:
        raise error.about('volume') from None
    timeout = params.get('timeout', DEFAULT_TIMEOUT)
    if timeout < 0:
        raise RequestError('%d is negative' % timeout, 'timeout')
    request = HealRequest(volume=params['volume'], full=bool(params.get('full')), timeout=timeout)
    split_brain = params.get('split_brain')
    if not split_brain:
        return request
    policy = split_brain.get('policy')
    if policy not in POLICIES:
        raise RequestError('policy %r is not one of %s' % (policy, ', '.join(POLICIES)), 'split_brain')
    request.policy = policy
    source = split_brain.get('source_brick')
    if policy == 'source-brick':
        if not source:
            raise RequestError('policy source-brick needs source_brick (host:/path, the copy to keep)', 'split_brain')
        try:
            request.source_brick = canonical_brick(source)
        except GlusterdockError as error:
            raise RequestError('source_brick: %s' % error.message, 'split_brain') from None
    elif source:
        raise RequestError('source_brick is only for policy source-brick', 'split_brain')
    files = split_brain.get('files')
    if files is not None:
        cleaned = []
        for name in files:
            if not isinstance(name, str) or not (name.startswith('/') or _is_gfid(name)):
                raise RequestError('files: %r is neither a path from the volume root (/dir/file) nor gfid:UUID'
                                   % (name,), 'split_brain')
            cleaned.append(name)
        request.files = sorted(set(cleaned))
    return request


def _is_gfid(name):
    return isinstance(name, str) and (name.startswith('gfid:') or name.startswith(GFID_PREFIX))


ROOT_GFID = '00000000-0000-0000-0000-000000000001'


def cli_file_name(name):
    """A split-brain entry as the CLI takes it: a path, or gfid:UUID (heal info shows <gfid:UUID>).
    The root only by its gfid: glfsheal looks a path up as a name in its parent, and "/" has none
    (gluster answers "Lookup failed on /:Invalid argument")."""
    if name.startswith(GFID_PREFIX) and name.endswith('>'):
        return name[1:-1]
    if name == '/':
        return 'gfid:' + ROOT_GFID
    return name


@dataclass
class HealPlan(Plan):
    """Resolutions first (each its own step), then the heal start. ``in_directory``: the names
    resolved because their directory is in entry split-brain (found in heal info, or named), not
    because they are listed in split-brain themselves: gluster may answer "File not in split-brain"
    for such a name after resolving its gfid split-brain (it always does for a directory), or when
    the name only waited for heal."""
    resolutions: List[dict] = field(default_factory=list)
    in_directory: List[str] = field(default_factory=list)


def entry_split_brain(split_brain_files, pending_files):
    """{directory: [names]} for the split-brain entries that are directories in entry split-brain.

    For a name whose copies differ in gfid or type, gluster lists the name's parent directory as
    in split-brain and the name itself as waiting for heal (not as in split-brain), so a listed
    entry with waiting names directly in it is such a directory, and those names are the ones
    whose copies may differ. The root is a directory even when no waiting name is known by path.
    """
    listed = set(split_brain_files or ())
    found = {}
    for name in sorted(set(pending_files or ())):
        parent = posixpath.dirname(name) if name.startswith('/') and name != '/' else None
        if parent in listed and name not in listed:
            found.setdefault(parent, []).append(name)
    if '/' in listed:
        found.setdefault('/', [])
    return found


def _describe_split_brain(in_split_brain, entries):
    """'/torn, / (in it, /g has copies ...)': each listed entry, with the names a directory holds."""
    described = []
    for name in in_split_brain:
        names = entries.get(name)
        if names:
            described.append('%s (in it, %s %s copies that differ in gfid or type on the bricks)'
                             % (name, ', '.join(names), 'has' if len(names) == 1 else 'have'))
        elif name in entries:
            described.append('%s (a directory, which gluster resolves only by source-brick, as a conservative '
                             'merge that keeps every name of every brick)' % name)
        else:
            described.append(name)
    return ', '.join(described)


def plan_heal(request, volume, summary, split_brain_files, pending_files=None):
    """HealPlan from the volume, its heal summary ([BrickHeal]), the split-brain files (from
    ``info split-brain``, or None when the summary counted none so it was not read) and the names
    waiting for heal (from ``heal info``, read only when split-brain and waiting entries meet: it
    names the entries in gfid split-brain, see ``entry_split_brain``).

    gluster resolves a gfid split-brain only through a lookup of the name by its path with the
    policy (glfs-heal.c, afr_selfheal_name): never from its parent directory, a gfid, or a
    source brick's crawl of its index (which goes by gfid). So a policy for every file resolves the
    names under a directory in entry split-brain one by one, by path.

    Raises StateError before any change: a volume that is not started or has no copies to heal,
    split-brain without a policy, a named file that is neither in split-brain nor a name in a
    directory in entry split-brain, a source brick that is not one of the volume's, or bigger-file
    or latest-mtime for every file when a directory in split-brain has no name known by path (a
    directory is resolved only by source-brick).
    """
    if volume is None:
        raise StateError('volume %s does not exist' % request.volume, 'volume')
    if not volume.started:
        raise StateError('volume %s is %s: only a started volume heals' % (request.volume, volume.status), 'volume')
    if not (volume.replica_count or volume.disperse_count):
        raise StateError('volume %s is %s: it has no copies to heal' % (request.volume, volume.type_name), 'volume')
    plan = HealPlan()
    in_split_brain = sorted(split_brain_files or ())
    entries = entry_split_brain(in_split_brain, pending_files)
    if in_split_brain and request.policy is None:
        count = len(in_split_brain)
        noun = ('entry' if count == 1 else 'entries') if entries else ('file' if count == 1 else 'files')
        named = [name for names in entries.values() for name in names]
        how = ('; gluster resolves a name whose copies differ in gfid only when it is named by its path '
               '(split_brain.files: [%s])' % ', '.join(named)) if named else ''
        raise StateError('volume %s has %d %s in split-brain: %s. Nothing was changed. Choose how to resolve them: '
                         'split_brain.policy bigger-file, latest-mtime or source-brick (with source_brick), for '
                         'named files or all%s' % (request.volume, count, noun,
                                                   _describe_split_brain(in_split_brain[:20], entries), how))
    if request.policy is not None:
        if request.source_brick and request.source_brick not in [brick.name for brick in volume.bricks]:
            raise StateError('split_brain.source_brick %s is not a brick of volume %s (its bricks: %s)'
                             % (request.source_brick, request.volume, ', '.join(b.name for b in volume.bricks)),
                             'split_brain')
        if request.files is None:
            wanted = []
            directories = []
            for name in in_split_brain:
                if name not in entries:
                    wanted.append(name)
                    continue
                wanted.extend(entries[name])
                # Its names resolved, the directory stays in split-brain (each brick blames the
                # other for its metadata), which only source-brick resolves: a conservative merge
                # that keeps every name of every brick, the directory's owner, mode and times
                # from the source brick.
                if request.policy == 'source-brick':
                    wanted.append(name)
                elif not entries[name]:
                    directories.append(name)
            if directories:
                raise StateError('%s %s a directory in split-brain on volume %s, and heal info names no entry in it '
                                 'by path. Nothing was changed. gluster resolves a name whose copies differ in gfid '
                                 'only when it is named by its path (split_brain.files: [/dir/name]), and a '
                                 'directory only by source-brick, as a conservative merge (split_brain.policy '
                                 'source-brick with source_brick)'
                                 % (', '.join(directories), 'is' if len(directories) == 1 else 'are', request.volume),
                                 'split_brain')
        else:
            wanted = request.files
            missing = [name for name in wanted if name not in in_split_brain
                       and '<%s>' % name not in in_split_brain
                       and not (name.startswith('/') and posixpath.dirname(name) in entries)]
            if missing:
                raise StateError('%s %s not in split-brain on volume %s (in split-brain: %s). Nothing was changed'
                                 % (', '.join(missing), 'is' if len(missing) == 1 else 'are', request.volume,
                                    _describe_split_brain(in_split_brain, entries) or 'none'), 'split_brain')
        # gluster may answer "File not in split-brain" for these after resolving them (a name's gfid
        # split-brain is resolved by the lookup, a directory is merged), or for a name that only
        # waited for heal.
        plan.in_directory = [name for name in wanted if name in entries or (
            name not in in_split_brain and name.startswith('/') and posixpath.dirname(name) in entries)]
        if request.policy == 'source-brick' and request.files is None and in_split_brain and not entries:
            # One command resolves every file from the source brick (its index crawl goes by gfid,
            # which is enough for data and metadata split-brain).
            plan.steps.append(Step(['volume', 'heal', request.volume, 'split-brain', 'source-brick',
                                    request.source_brick],
                                   what='resolve every split-brain file of %s from %s' % (request.volume,
                                                                                          request.source_brick),
                                   bricks=[request.source_brick], text_reply=True))
            plan.resolutions = [{'file': name, 'policy': request.policy, 'source_brick': request.source_brick}
                                for name in in_split_brain]
        else:
            for name in wanted:
                args = ['volume', 'heal', request.volume, 'split-brain', request.policy]
                args += [request.source_brick] if request.source_brick else []
                plan.steps.append(Step(args + [cli_file_name(name)], what='resolve %s by %s' % (name, request.policy),
                                       bricks=[request.source_brick] if request.source_brick else [],
                                       text_reply=True))
                plan.resolutions.append({'file': name, 'policy': request.policy,
                                         'source_brick': request.source_brick})
    # Entries possibly healing are being healed at this moment (the daemon holds their lock), not
    # healed: a heal is started (harmless twice) so that the run waits for them too.
    pending = sum((brick.pending or 0) + (brick.possibly_healing or 0) for brick in summary if brick.connected)
    if request.full or pending or plan.resolutions:
        # Without a start the daemon would find the entries only at its next crawl (600 s).
        plan.steps.append(Step(['volume', 'heal', request.volume] + (['full'] if request.full else []),
                               what='start a%s heal of %s' % (' full' if request.full else 'n index', request.volume),
                               text_reply=True, retry_if=heal_start_refused_for_now, attempts=HEAL_START_ATTEMPTS))
    resolved = set(entry['file'] for entry in plan.resolutions)
    plan.before = {'pending': pending, 'split_brain': in_split_brain}
    plan.after = {'pending': 0, 'split_brain': [name for name in in_split_brain if name not in resolved]}
    for name in plan.after['split_brain']:
        if name in entries and request.policy in ('bigger-file', 'latest-mtime') and resolved & set(entries[name]):
            plan.warnings.append(
                'directory %s stays in split-brain after its names are resolved: %s cannot resolve a directory. '
                'Resolve it with split_brain.policy source-brick, source_brick (the brick whose copy of the '
                "directory's owner, mode and times to keep) and files [%s]: a conservative merge that keeps every "
                'name of every brick' % (name, request.policy, name))
    return plan


def heal_start_refused_for_now(error):
    """A heal start refused because the self-heal daemon is not connected to every brick yet (a
    brick or daemon just restarted, the moment an operator heals): "Launching heal operation ...
    has been unsuccessful: Glusterd Syncop Mgmt brick op 'Heal' failed" (seen in the lab). Starting
    a heal twice is harmless."""
    text = '%s %s' % (error.stdout or '', error.stderr or '')
    return 'has been unsuccessful' in text and 'Heal' in text


def unresolvable_by_cli(error):
    """Whether a failed split-brain resolution is the kind the CLI cannot do at all (copies that
    differ in type or gfid), rather than a policy that could not choose ("No bigger file")."""
    text = ('%s %s' % (error.stdout or '', error.stderr or '')).lower()
    return 'split-brain' in error.command and any(
        word in text for word in ('not supported', 'mismatch', 'input/output error', 'is a directory'))


# glfsheal's log line for a type mismatch (afr-self-heal-name.c, afr-self-heal-entry.c):
# "Type mismatch for <gfid:PARENT>/NAME: DIRECTORY on VOL-client-1 and REGULAR FILE on VOL-client-0"
TYPE_MISMATCH = re.compile(r'Type mismatch (?:detected )?for <gfid:[0-9a-f-]+>/([^:>]+)>?[:,] (.+?) on ([^ ,]+)-client-'
                           r'(\d+) and (.+?) on ([^ ,]+)-client-(\d+)')


def type_mismatches(volume, log_text):
    """{name (the last path component): [(type, brick), ...]} from glfsheal's log, for VOLUME's
    bricks (client N is the volume's brick N)."""
    bricks = [brick.name for brick in volume.bricks]
    found = {}
    for match in TYPE_MISMATCH.finditer(log_text or ''):
        name, type_a, volume_a, index_a, type_b, volume_b, index_b = match.groups()
        if volume_a != volume.name or volume_b != volume.name:
            continue
        copies = []
        for kind, index in sorted(((type_a, int(index_a)), (type_b, int(index_b))), key=lambda copy: copy[1]):
            if index < len(bricks):
                # gluster logs the types in capitals ("REGULAR FILE").
                copies.append((kind.lower(), bricks[index]))
        found[name] = copies
    return found


def type_mismatch_message(volume, file_name, log_text):
    """The failure for a name gluster could not look up for resolution (Input/output error): when
    glfsheal logged a type mismatch for it, which brick holds which type and what to do; else None."""
    copies = type_mismatches(volume, log_text).get(posixpath.basename(file_name))
    if not copies:
        return None
    return ('%s has copies of different types: %s. gluster cannot resolve this, and changed nothing for it. '
            'Pick the copy to keep; on each other brick remove the entry and its .glusterfs gfid link on that brick '
            '(BRICK/.glusterfs/XX/YY/GFID, from getfattr -n trusted.gfid -e hex BRICK%s), then run this task '
            'again' % (file_name, ', '.join('%s on %s' % copy for copy in copies), file_name))


def heal_verdict(summary, split_brain_left=0):
    """(finished, problems) for a heal summary ([gluster_xml.BrickHeal]): finished when every brick
    answered and none has an entry left to heal or possibly healing (an entry being healed right now
    is not healed yet), nor more in split-brain than the ``split_brain_left`` entries the plan did
    not resolve."""
    problems = []
    for brick in summary:
        if not brick.connected:
            problems.append('%s: %s' % (brick.name, brick.status or 'not connected'))
        elif brick.pending:
            problems.append('%s: %d %s to heal' % (brick.name, brick.pending, 'entry' if brick.pending == 1
                                                   else 'entries'))
        elif brick.split_brain and brick.split_brain > split_brain_left:
            problems.append('%s: %d in split-brain' % (brick.name, brick.split_brain))
        elif brick.possibly_healing:
            problems.append('%s: %d possibly healing' % (brick.name, brick.possibly_healing))
        elif brick.unhealed is None:
            problems.append('%s: no count of entries to heal' % brick.name)
        elif brick.unhealed > min(brick.split_brain or 0, split_brain_left):
            problems.append('%s: %d entries not known to be in sync' % (brick.name, brick.unhealed))
    if not summary:
        problems.append('heal info listed no brick')
    return not problems, problems
