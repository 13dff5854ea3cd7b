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

from dataclasses import dataclass, field
from typing import List, Optional

from ansible_collections.glusterdock.storage.plugins.module_utils.errors import GlusterdockError, RequestError, StateError
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_plan import Plan, Step

POLICIES = ('bigger-file', 'latest-mtime', 'source-brick')
DEFAULT_TIMEOUT = 600
# Tries of a heal start refused while the self-heal daemon reconnects (about 45 s in all).
HEAL_START_ATTEMPTS = 7
GFID_PREFIX = '<gfid:'
# What gluster answers for a file whose copies differ in type or gfid: the CLI cannot choose.
UNRESOLVABLE_HINT = (
    'the CLI resolves only data and metadata split-brain; for a file whose copies differ in type or gfid '
    '(entry split-brain), inspect the copies on the bricks, remove the bad one and its .glusterfs gfid link '
    'on that brick, then run this task again')


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


def cli_file_name(name):
    """A split-brain entry as the CLI takes it: a path, or gfid:UUID (heal info shows <gfid:UUID>)."""
    if name.startswith(GFID_PREFIX) and name.endswith('>'):
        return name[1:-1]
    return name


@dataclass
class HealPlan(Plan):
    """Resolutions first (each its own step), then the heal start; ``unresolved`` split-brain files
    that no policy was given for (the plan then refuses)."""
    resolutions: List[dict] = field(default_factory=list)


def plan_heal(request, volume, summary, split_brain_files):
    """HealPlan from the volume, its heal summary ([BrickHeal]) and the split-brain files (from
    ``info split-brain``, or None when the summary counted none so it was not read).

    Raises StateError before any change: a volume that is not started or has no copies to heal,
    split-brain without a policy, a named file that is not in split-brain, a source brick that is
    not one of the volume's.
    """
    if volume is None:
        raise StateError('volume %s does not exist' % request.volume, 'volume')
    if not volume.started:
        raise StateError('volume %s is %s: only a started volume heals' % (request.volume, volume.status), 'volume')
    if not (volume.replica_count or volume.disperse_count):
        raise StateError('volume %s is %s: it has no copies to heal' % (request.volume, volume.type_name), 'volume')
    plan = HealPlan()
    in_split_brain = sorted(split_brain_files or ())
    if in_split_brain and request.policy is None:
        raise StateError('volume %s has %d %s in split-brain: %s. Nothing was changed. Choose how to resolve them: '
                         'split_brain.policy bigger-file, latest-mtime or source-brick (with source_brick), for '
                         'named files or all' % (request.volume, len(in_split_brain),
                                                 'file' if len(in_split_brain) == 1 else 'files',
                                                 ', '.join(in_split_brain[:20])))
    if request.policy is not None:
        if request.source_brick and request.source_brick not in [brick.name for brick in volume.bricks]:
            raise StateError('split_brain.source_brick %s is not a brick of volume %s (its bricks: %s)'
                             % (request.source_brick, request.volume, ', '.join(b.name for b in volume.bricks)),
                             'split_brain')
        wanted = in_split_brain if request.files is None else request.files
        missing = [name for name in wanted if name not in in_split_brain
                   and '<%s>' % name not in in_split_brain]
        if missing:
            raise StateError('%s %s not in split-brain on volume %s (in split-brain: %s). Nothing was changed'
                             % (', '.join(missing), 'is' if len(missing) == 1 else 'are', request.volume,
                                ', '.join(in_split_brain) or 'none'), 'split_brain')
        if request.policy == 'source-brick' and request.files is None and in_split_brain:
            # One command resolves every file from the source brick.
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
    plan.before = {'pending': pending, 'split_brain': in_split_brain}
    plan.after = {'pending': 0, 'split_brain': [name for name in in_split_brain
                                                if name not in [entry['file'] for entry in plan.resolutions]]}
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


def heal_verdict(summary):
    """(finished, problems) for a heal summary ([gluster_xml.BrickHeal]): finished when every brick
    answered and none has an entry left to heal, in split-brain or possibly healing (an entry being
    healed right now is not healed yet)."""
    problems = []
    for brick in summary:
        if not brick.connected:
            problems.append('%s: %s' % (brick.name, brick.status or 'not connected'))
        elif brick.pending:
            problems.append('%s: %d %s to heal' % (brick.name, brick.pending, 'entry' if brick.pending == 1
                                                   else 'entries'))
        elif brick.split_brain:
            problems.append('%s: %d in split-brain' % (brick.name, brick.split_brain))
        elif brick.possibly_healing:
            problems.append('%s: %d possibly healing' % (brick.name, brick.possibly_healing))
        elif not brick.clean:
            problems.append('%s: no count of entries to heal' % brick.name)
    if not summary:
        problems.append('heal info listed no brick')
    return not problems, problems
