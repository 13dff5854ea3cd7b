# -*- coding: utf-8 -*-
# Copyright: glusterdock developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Plan the gluster commands that bring one volume to a VolumeSpec.

Pure: ``plan_volume(spec, volumes_by_name, ...)`` works only from state already read
(``volume info --xml`` parsed into Volume objects, optionally ``volume get NAME all``,
``pool list``, ``volume status NAME clients --xml`` and ``volume status NAME client-list``), so
one ``volume info --xml`` of the whole cluster can later feed the plans of many volumes. The
``needs_*`` helpers tell the caller which extra reads a plan needs; they are asked only when the
answer can matter. A plan that raises a replica count (``VolumePlan.replica_raise``) or makes bricks
(``VolumePlan.new_bricks``) is checked further by the caller with ``replica_raise_problems`` and
``new_brick_problem``, which read ``volume status``/``heal info`` and the brick paths.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import List

from ansible_collections.glusterdock.storage.plugins.module_utils.brick_paths import brick_path_problem
from ansible_collections.glusterdock.storage.plugins.module_utils.errors import StateError
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_brick_health import (
    heal_problems,
    offline_bricks,
)
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_plan import Plan, Step
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_volume_options import (
    option_catalog,
    options_already_set,
    options_before,
    plan_option_changes,
    stopped_only_changes,
    values_equal,
)
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_volume_spec import check_brick_sets
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_xml import split_brick

# Processes that connect to bricks on their own (``volume status NAME client-list`` names):
# they are not mounts, and stop with the volume.
INTERNAL_CLIENT_NAMES = frozenset(('glustershd', 'quotad', 'rebalance', 'snapd', 'bitd', 'scrubd', 'tierd', 'gfproxyd'))


class VolumePlanError(StateError):
    """The request cannot be met safely from the volume's current state: raised before any change."""


@dataclass
class VolumePlan(Plan):
    """A volume's plan: the shared steps/diff/warnings, and what the module checks or runs around them.

    ``new_bricks``: the bricks volume create or add-brick would make (their paths are checked
    first); ``sends_force``: whether that command carries gluster's force; ``replica_raise``:
    whether add-brick raises the replica count; ``fix_layout``: add-brick gave the running volume
    another distribute subvolume, so its directories need a fix-layout (see gluster_layout.FIX_LAYOUT_REASON).
    """
    new_bricks: List[str] = field(default_factory=list)
    sends_force: bool = False
    replica_raise: bool = False
    fix_layout: bool = False


def volume_state(volume):
    """'absent', 'started' or 'stopped' (a created, never started volume is stopped)."""
    if volume is None:
        return 'absent'
    return 'started' if volume.started else 'stopped'


def describe_volume(name, volume):
    """A sentence for the operator: what state the volume is in now."""
    if volume is None:
        return 'volume %s does not exist' % name
    if volume.status == 'created':
        return 'volume %s exists (created, never started)' % name
    return 'volume %s exists and is %s' % (name, volume.status)


def volume_to_dict(volume):
    """The volume as the module returns it."""
    if volume is None:
        return {}
    return {
        'name': volume.name,
        'id': volume.id,
        'status': volume.status,
        'type': volume.type_name,
        'transport': volume.transport,
        'bricks': [brick.name for brick in volume.bricks],
        'arbiter_bricks': [brick.name for brick in volume.bricks if brick.is_arbiter],
        'brick_count': volume.brick_count,
        'distribute_count': volume.distribute_count,
        'replica_count': volume.replica_count,
        'arbiter_count': volume.arbiter_count,
        'disperse_count': volume.disperse_count,
        'redundancy_count': volume.redundancy_count,
        'options': dict(volume.options),
    }


def _layout(volume):
    return {
        'bricks': [brick.name for brick in volume.bricks],
        'replica': volume.replica_count,
        'arbiter': volume.arbiter_count,
        'disperse': volume.disperse_count,
        'redundancy': volume.redundancy_count,
        'transport': volume.transport,
    }


CLIENT_LIST_TOTAL = re.compile(r'^total clients for volume (?P<volume>\S+) : (?P<total>\d+)\s*$')


class ClientListError(VolumePlanError):
    """The reply of ``volume status NAME client-list`` was not understood: the clients are unknown."""


def parse_client_list(text, volume=None):
    """name -> count from the text of ``volume status NAME client-list`` (it has no XML form:
    with --xml the client names are left out).

    The format (cli-rpc-ops.c, cli_print_volume_status_client_list)::

        Client connections for volume NAME
        Name                                                       count
        -----                                                     ------
        fuse                                                           1

        total clients for volume NAME : 1
        -----------------------------------------------------------------

    Fails closed: raises ClientListError unless the header, only ``name count`` rows and the
    ``total clients`` line (of ``volume`` when given) are there and the rows add up to the total,
    so a changed format or a partial reply never reads as "no clients"."""
    counts = {}
    state = 'before'
    total = None
    for line in text.splitlines():
        words = line.split()
        if state == 'before':
            if words == ['Name', 'count']:
                state = 'header'
            continue
        if state == 'header':
            if words and all(set(word) == {'-'} for word in words):
                state = 'rows'
                continue
            raise ClientListError('the table header is not followed by its underline: %r' % line)
        if state == 'rows':
            if not words:
                state = 'after'
                continue
            if len(words) != 2 or not words[1].isdigit():
                raise ClientListError('%r is not a "name count" row' % line.strip())
            counts[words[0]] = counts.get(words[0], 0) + int(words[1])
            continue
        if state == 'after' and words:
            match = CLIENT_LIST_TOTAL.match(line.strip())
            if not match:
                raise ClientListError('%r is not the "total clients" line' % line.strip())
            if volume is not None and match.group('volume') != volume:
                raise ClientListError('the reply is about volume %s, not %s' % (match.group('volume'), volume))
            total = int(match.group('total'))
            break
    if state in ('before', 'header'):
        raise ClientListError('there is no "Name count" table header')
    if total is None:
        raise ClientListError('there is no "total clients for volume" line')
    if sum(counts.values()) != total:
        raise ClientListError('the rows add up to %d clients, but the total says %d' % (sum(counts.values()), total))
    return counts


def client_consent_option(spec):
    """The opt-in that lets ``spec`` stop or delete a volume with clients connected."""
    return 'allow_delete_with_clients' if spec.absent else 'allow_stop_with_clients'


def client_list_problem(name, error, stopping=False):
    """The refusal when the clients of volume name cannot be read or understood."""
    return ('cannot tell whether clients are connected to volume %s, so it is not %s (%s); bring every brick online, '
            'or set %s: true once you know nothing uses it (glusterd also fails to list the clients of a brick that has '
            'no connection at all, as in a distribute volume nothing mounts)'
            % (name, 'stopped' if stopping else 'deleted', error,
               'allow_stop_with_clients' if stopping else 'allow_delete_with_clients'))


def _status_entries(client_status):
    by_key, by_name = {}, {}
    for entry in client_status.bricks:
        by_key[(entry.peer_uuid, split_brick(entry.name)[1])] = entry
        by_name[entry.name] = entry
    return by_key, by_name


def connected_clients(volume, client_status, client_counts):
    """Sentences naming what is connected to ``volume`` (empty: nothing but gluster's own daemons).

    client_status: ``parse_volume_status`` of ``volume status NAME clients --xml``, which answers
    per brick, for every brick (connections by address only). client_counts: ``parse_client_list``
    of ``volume status NAME client-list``, which names the kinds (fuse, gfapi, glustershd, ...) but
    counts the connections of one brick only (glusterd stops after the first brick answers). A
    client connected to some bricks only shows as more connections on those bricks than gluster's
    daemons make on the brick that was counted.

    Fails closed: raises ClientListError when a brick is offline or missing from the reply (a node
    down), or when a brick's client count is missing or disagrees with its rows.
    """
    if client_status is None:
        raise ClientListError('gluster volume status %s clients listed no volume' % volume.name)
    if client_status.name != volume.name:
        raise ClientListError('gluster volume status %s clients answered about volume %s'
                              % (volume.name, client_status.name))
    by_key, by_name = _status_entries(client_status)
    unknown, counted = [], []
    for brick in volume.bricks:
        entry = by_key.get((brick.host_uuid, brick.path)) or by_name.get(brick.name)
        if entry is None:
            unknown.append('brick %s is missing from the reply of gluster volume status %s clients (is its node '
                           'down?)' % (brick.name, volume.name))
        elif not entry.online:
            unknown.append('brick %s is offline, so its clients cannot be listed' % brick.name)
        elif entry.client_count is None or entry.client_count != len(entry.clients):
            unknown.append('the reply for brick %s has %s client rows but says clientCount %s'
                           % (brick.name, len(entry.clients), entry.client_count))
        else:
            counted.append((brick.name, entry))
    if unknown:
        raise ClientListError('; '.join(unknown))
    mounts = mounted_clients(client_counts)
    if mounts:
        return ['%s on one brick' % ', '.join('%s: %d' % item for item in sorted(mounts.items()))]
    daemons = sum(client_counts.values())
    return ['brick %s has %d connections (%s) where the brick counted by client-list has %d, all gluster daemons: '
            'a client is connected to it' % (name, entry.client_count, ', '.join(entry.clients), daemons)
            for name, entry in counted if entry.client_count > daemons]


def mounted_clients(client_counts):
    """The client kinds that are mounts or applications (fuse, gfapi, ...), not gluster's daemons."""
    return {name: count for name, count in client_counts.items()
            if name not in INTERNAL_CLIENT_NAMES and count > 0}


# ---- what to read ---------------------------------------------------------------------------

def needs_option_values(spec, volume):
    """``volume get NAME all`` is read only for an existing volume, only when options are given,
    and only when ``volume info`` does not already show each of them set to its value."""
    return volume is not None and not spec.absent and bool(spec.options) and not options_already_set(spec.options, volume)


def needs_peers(spec, volume):
    """``pool list`` is read only when a brick of the volume is not literally in ``bricks``:
    it may be the same brick under another name of its host."""
    if volume is None or spec.absent or not spec.bricks:
        return False
    wanted = set(spec.bricks)
    return any(brick.name not in wanted for brick in volume.bricks)


def needs_client_check(spec, volume):
    """``volume status NAME clients --xml`` and ``client-list`` are read only before stopping a
    started volume, or deleting one (which stops it first), without the opt-in. A stopped volume
    has no clients: so stopping is guarded, and stop-then-delete is no way around the check."""
    if volume is None or not volume.started:
        return False
    if spec.absent:
        return not spec.allow_delete_with_clients
    return spec.running is False and not spec.allow_stop_with_clients


# ---- planning -------------------------------------------------------------------------------

def plan_volume(spec, volumes_by_name, option_values=None, peers=None, client_counts=None, client_status=None,
                batch_options=False):
    """Plan for ``spec`` from ``volumes_by_name`` (``parse_volume_info``; may hold other volumes).

    option_values: ``parse_volume_get`` of the volume when ``needs_option_values``.
    peers: ``parse_peers`` of ``pool list`` when ``needs_peers``.
    client_counts, client_status: ``parse_client_list`` and ``parse_volume_status`` of
    ``volume status NAME clients`` when ``needs_client_check``.
    batch_options: set every changed option in one ``volume set NAME k1 v1 k2 v2 ...`` (the
    list form of gluster_volume; the single form keeps one command per option).
    Raises VolumePlanError when the request cannot be met safely.
    """
    volume = volumes_by_name.get(spec.name)
    if needs_client_check(spec, volume):
        refuse_with_clients(spec, volume, client_counts, client_status)
    if spec.absent:
        return _plan_absent(spec, volume)
    if volume is None:
        return _plan_create(spec, batch_options)
    return _plan_existing(spec, volume, option_values, peers, batch_options)


def refuse_with_clients(spec, volume, client_counts, client_status):
    """Raise unless the replies show nothing but gluster's daemons connected to ``volume``."""
    if client_counts is None or client_status is None:
        raise ValueError('client_counts and client_status are needed to stop or delete a started volume')
    try:
        clients = connected_clients(volume, client_status, client_counts)
    except ClientListError as error:
        raise ClientListError(client_list_problem(spec.name, error, stopping=not spec.absent))
    if clients:
        raise VolumePlanError('volume %s has clients connected (%s): unmount them first, or set %s: true (%s)'
                              % (spec.name, '; '.join(clients), client_consent_option(spec),
                                 'their I/O will fail' if spec.absent else
                                 'their I/O fails until the volume is started again'))


def _plan_absent(spec, volume):
    plan = VolumePlan(before={'name': spec.name, 'state': volume_state(volume)}, after={'name': spec.name, 'state': 'absent'})
    if volume is None:
        return plan
    plan.before.update(_layout(volume))
    if volume.started:
        plan.steps.append(Step(['volume', 'stop', spec.name], what='stop volume %s' % spec.name,
                               done=lambda current: current is None or not current.started))
    plan.steps.append(Step(['volume', 'delete', spec.name], what='delete volume %s' % spec.name,
                           done=lambda current: current is None))
    plan.warnings.append('the brick directories of %s keep their data and volume-id xattrs: %s'
                         % (spec.name, ', '.join(brick.name for brick in volume.bricks)))
    return plan


def create_args(spec):
    """``volume create`` arguments for ``spec`` (only counts the user asked for; never force
    unless given)."""
    args = ['volume', 'create', spec.name]
    if spec.replica:
        args += ['replica', str(spec.replica)]
        if spec.arbiter:
            args += ['arbiter', str(spec.arbiter)]
    if spec.disperse:
        args += ['disperse', str(spec.disperse)]
        if spec.redundancy:
            args += ['redundancy', str(spec.redundancy)]
    if spec.transport and spec.transport != 'tcp':
        args += ['transport', spec.transport]
    args += list(spec.bricks)
    if spec.sends_force:
        args.append('force')
    return args


def _set_step(name, change):
    return Step(['volume', 'set', name, change.key, change.value], what='set %s to %s' % (change.key, change.value),
                done=lambda current: current is not None and values_equal(current.options.get(change.key), change.value))


def _set_steps(name, changes, batch):
    """The ``volume set`` steps of ``changes``: one per option, or with ``batch`` one for all of
    them (the CLI takes several key value pairs, and glusterd validates every pair before it
    commits any, so a refused value leaves the others unset too)."""
    if not batch or len(changes) < 2:
        return [_set_step(name, change) for change in changes]
    args = ['volume', 'set', name]
    for change in changes:
        args += [change.key, change.value]
    wanted = [(change.key, change.value) for change in changes]

    def done(current):
        return current is not None and all(values_equal(current.options.get(key), value) for key, value in wanted)
    return [Step(args, what='set %s' % ', '.join('%s to %s' % pair for pair in wanted), done=done)]


def _start_step(name):
    return Step(['volume', 'start', name], what='start volume %s' % name,
                done=lambda current: current is not None and current.started)


def _stop_step(name):
    return Step(['volume', 'stop', name], what='stop volume %s' % name,
                done=lambda current: current is not None and not current.started)


def _plan_create(spec, batch_options=False):
    if not spec.bricks:
        raise VolumePlanError('volume %s does not exist; give bricks to create it' % spec.name)
    changes, resolved = plan_option_changes(spec.options, option_catalog())
    plan = VolumePlan(before={'name': spec.name, 'state': 'absent'})
    plan.after = {
        'name': spec.name,
        'state': 'started' if spec.running else 'stopped',
        'bricks': list(spec.bricks),
        'replica': spec.replica or 0,
        'arbiter': spec.arbiter or 0,
        'disperse': spec.disperse or 0,
        'redundancy': spec.redundancy or 0,
        'transport': spec.transport or 'tcp',
    }
    if resolved:
        plan.after['options'] = dict(resolved)
    plan.steps.append(Step(create_args(spec), what='create volume %s' % spec.name,
                           done=lambda current: current is not None))
    plan.new_bricks = list(spec.bricks)
    plan.sends_force = spec.sends_force
    # Options go in before the first start: TLS and transport options must be in place when
    # the bricks start, and every other option then applies from the first mount.
    plan.steps.extend(_set_steps(spec.name, changes, batch_options))
    if spec.running:
        plan.steps.append(_start_step(spec.name))
    return plan


def _plan_existing(spec, volume, option_values, peers, batch_options=False):
    plan = VolumePlan(before=dict({'name': spec.name, 'state': volume_state(volume)}, **_layout(volume)))
    plan.after = dict(plan.before)
    catalog = option_catalog(option_values, volume)
    changes, resolved = plan_option_changes(spec.options, catalog, option_values or {}, volume)
    if resolved:
        plan.before['options'] = options_before(resolved, option_values, volume)
        # Unchanged keys keep glusterd's spelling (off vs false), so a no-op diff is empty.
        plan.after['options'] = dict(plan.before['options'])
        plan.after['options'].update((change.key, change.value) for change in changes)
    add_brick = plan_add_brick(spec, volume, peers)
    stop_first = volume.started and spec.running is False
    start_last = not volume.started and spec.running is True
    stays_started = volume.started and not stop_first
    if stays_started:
        refused = stopped_only_changes(changes)
        if refused:
            raise VolumePlanError('volume %s is started: glusterd changes %s only while it is stopped; run once with '
                                  'state: stopped (clients lose access), then with state: started'
                                  % (spec.name, ', '.join(change.key for change in refused)))
        for change in changes:
            if change.before_start:
                plan.warnings.append('%s takes effect on volume %s when its bricks restart (volume stop and start)'
                                     % (change.key, spec.name))
    if stop_first:
        plan.steps.append(_stop_step(spec.name))
        plan.after['state'] = 'stopped'
    if add_brick is not None:
        plan.steps.append(add_brick['step'])
        plan.after.update(add_brick['layout'])
        plan.new_bricks = list(add_brick['new_bricks'])
        plan.sends_force = spec.sends_force
        plan.replica_raise = add_brick['replica_raise']
        if add_brick['rebalance_hint']:
            plan.warnings.append('existing files stay on the old bricks until you run "gluster volume rebalance %s '
                                 'start" (not done by this module)' % spec.name)
            plan.fix_layout = stays_started or start_last
            if not plan.fix_layout:
                plan.warnings.append('volume %s stays stopped: once it is started, run "gluster volume rebalance %s '
                                     'fix-layout start"; until then clients may not list directories that existed '
                                     'before the bricks were added, nor the files in them' % (spec.name, spec.name))
    plan.steps.extend(_set_steps(spec.name, changes, batch_options))
    if start_last:
        plan.steps.append(_start_step(spec.name))
        plan.after['state'] = 'started'
    return plan


def peer_identity(peers, volume):
    """Lower-case host name or address -> peer UUID, from ``pool list`` and from the volume's
    bricks (pool list names the local node only "localhost")."""
    identity = {brick.host.lower(): brick.host_uuid for brick in volume.bricks if brick.host_uuid}
    for peer in peers or ():
        for name in peer.hostnames + [peer.hostname]:
            identity[name.lower()] = peer.uuid
    return identity


def brick_keys(spec_bricks, volume, peers):
    """Comparable identities (peer UUID or literal host, path) of the wanted and current bricks."""
    identity = peer_identity(peers, volume)

    def key(host, path, uuid=''):
        if peers is not None:
            return (uuid or identity.get(host.lower(), host.lower()), path)
        return (host.lower(), path)
    wanted = [key(*split_brick(brick)) for brick in spec_bricks]
    current = [key(brick.host, brick.path, brick.host_uuid) for brick in volume.bricks]
    return wanted, current


def _target_layout(spec, volume):
    """(replica, arbiter, set size) the arguments ask of an existing volume; refuses changes
    glusterd cannot make in place."""
    kind = volume.type_name or 'this type'
    if volume.disperse_count:
        if spec.replica:
            raise VolumePlanError('volume %s is %s (disperse %d): it cannot become replicated'
                                  % (spec.name, kind, volume.disperse_count))
        if spec.disperse and spec.disperse != volume.disperse_count:
            raise VolumePlanError('volume %s has disperse %d: the disperse count of a volume cannot change (asked %d)'
                                  % (spec.name, volume.disperse_count, spec.disperse))
        if spec.redundancy and spec.redundancy != volume.redundancy_count:
            raise VolumePlanError('volume %s has redundancy %d: it cannot change (asked %d)'
                                  % (spec.name, volume.redundancy_count, spec.redundancy))
        return 0, 0, volume.disperse_count
    if spec.disperse:
        raise VolumePlanError('volume %s is %s: it cannot become dispersed' % (spec.name, kind))
    replica = spec.replica or volume.replica_count
    if replica < volume.replica_count:
        raise VolumePlanError('volume %s has replica %d: lowering it to %d removes bricks; use '
                              'glusterdock.storage.gluster_brick with state: absent'
                              % (spec.name, volume.replica_count, replica))
    if spec.arbiter is not None:
        arbiter = spec.arbiter
    elif replica == volume.replica_count:
        arbiter = volume.arbiter_count
    else:
        arbiter = 0
    if arbiter != volume.arbiter_count:
        converts_to_arbiter = volume.replica_count == 2 and replica == 3 and arbiter == 1
        if not converts_to_arbiter:
            raise VolumePlanError('volume %s has arbiter %d: it can only gain an arbiter by going from replica 2 to '
                                  'replica 3 arbiter 1' % (spec.name, volume.arbiter_count))
    if replica == 2 and volume.replica_count != 2 and not arbiter and not spec.allow_replica_two:
        raise VolumePlanError('2 without an arbiter risks split-brain; set allow_replica_two: true to accept it', argument='replica')
    return replica, arbiter, replica or 1


def plan_add_brick(spec, volume, peers):
    """The add-brick step (and the layout after it) the brick list implies, or None."""
    if spec.transport and spec.transport != volume.transport:
        raise VolumePlanError('volume %s uses transport %s: this module does not change the transport (asked %s)'
                              % (spec.name, volume.transport, spec.transport))
    replica, arbiter, new_set = _target_layout(spec, volume)
    old_set = volume.set_size
    if spec.bricks is None:
        if new_set != old_set or arbiter != volume.arbiter_count:
            raise VolumePlanError('changing the replica count of volume %s needs the full bricks list' % spec.name)
        return None
    wanted, current = brick_keys(spec.bricks, volume, peers)
    missing = [brick.name for brick, key in zip(volume.bricks, current) if key not in wanted]
    if missing:
        raise VolumePlanError('volume %s has bricks not in bricks: %s. This module never removes bricks; to shrink the '
                              'volume use glusterdock.storage.gluster_brick with state: absent'
                              % (spec.name, ', '.join(missing)))
    if len(wanted) == len(current):
        if wanted != current:
            raise VolumePlanError('the order differs from volume %s (%s); the order defines the replica/'
                                  'disperse sets and cannot change' % (spec.name, ', '.join(b.name for b in volume.bricks)), argument='bricks')
        if new_set != old_set or arbiter != volume.arbiter_count:
            raise VolumePlanError('volume %s: changing the replica count needs new bricks for every set' % spec.name)
        return None
    new_bricks = [brick for brick, key in zip(spec.bricks, wanted) if key not in current]
    if new_set == old_set:
        if wanted[:len(current)] != current:
            raise VolumePlanError('keep the bricks of volume %s first and in their order (%s), then the new '
                                  'ones' % (spec.name, ', '.join(b.name for b in volume.bricks)), argument='bricks')
        check_brick_sets(new_bricks, new_set, spec.force, what='new bricks')
        args = ['volume', 'add-brick', spec.name]
        rebalance_hint = True
    else:
        set_count = len(current) // old_set
        if len(wanted) != set_count * new_set:
            raise VolumePlanError('volume %s: raise the replica count (%d sets of %d) and add sets in separate runs'
                                  % (spec.name, set_count, new_set))
        for index in range(set_count):
            if wanted[index * new_set:index * new_set + old_set] != current[index * old_set:(index + 1) * old_set]:
                raise VolumePlanError('for replica %d give each set of volume %s as its current bricks '
                                      'followed by the new ones' % (new_set, spec.name), argument='bricks')
        check_brick_sets(list(spec.bricks), new_set, spec.force)
        args = ['volume', 'add-brick', spec.name, 'replica', str(replica)]
        if arbiter and not volume.arbiter_count:
            args += ['arbiter', str(arbiter)]
        rebalance_hint = False
    args += new_bricks
    if spec.sends_force:
        args.append('force')
    names = set(new_bricks)
    step = Step(args, what='add bricks %s' % ', '.join(new_bricks), bricks=list(new_bricks),
                done=lambda current_volume: current_volume is not None
                and names <= set(brick.name for brick in current_volume.bricks))
    layout = {'bricks': list(spec.bricks), 'replica': replica, 'arbiter': arbiter}
    return {'step': step, 'layout': layout, 'rebalance_hint': rebalance_hint, 'new_bricks': new_bricks,
            'replica_raise': new_set != old_set}


# ---- checks before a planned change ---------------------------------------------------------

def replica_raise_problems(volume, status, heal=None):
    """Sentences why ``volume``'s replica count must not be raised now (empty: it may).

    The new bricks are filled by self-heal from the bricks that are up: a brick that is down, or
    a file still to heal, may hold the only good copy, and a new replica set from it can lose it.
    glusterd's own check (every brick up) is skipped by its ``force`` and knows nothing of heal;
    this one is not skipped. status: ``parse_volume_status`` of ``volume status NAME``; heal:
    ``parse_heal_info`` of ``volume heal NAME info summary``, or None to judge the bricks only
    (heal info is worth reading only once every brick is online).
    """
    offline = offline_bricks(volume, status)
    if offline:
        return ['bricks offline: %s' % ', '.join(offline)]
    return heal_problems(heal, volume) if heal is not None else []


def replica_raise_refusal(volume, plan, problems):
    """The refusal of a replica raise, naming what is wrong."""
    return ('volume %s: not raising the replica count to %s: every brick must be online and nothing left to heal '
            'first (%s). Nothing was changed; bring the bricks up, let heal finish, then run again (force does not '
            'skip this check)' % (volume.name, plan.after.get('replica'), '; '.join(problems)))


class _DeviceOfNothing:
    """A stat result for "/" whose device equals no other (not even another of its kind)."""

    def __init__(self):
        self.st_dev = object()


def on_root_filesystem(path, stat):
    """(True, nearest existing path) when ``path``, or its nearest existing parent, is on the
    device of "/"; (False, that path) otherwise."""
    candidate = path
    while True:
        try:
            info = stat(candidate)
        except FileNotFoundError:
            candidate = os.path.dirname(candidate.rstrip('/')) or '/'
            continue
        return info.st_dev == stat('/').st_dev, candidate


def new_brick_problem(path, listdir, getxattr, stat, ismount, allow_root_filesystem, sends_force):
    """Why the local ``path`` cannot become a brick of ``volume create``/``add-brick``, or None.
    ``listdir``/``getxattr``/``stat``/``ismount`` are os functions (injected for tests).

    Refused whatever ``force`` says: a path that is (or is inside) a brick of some volume (a
    ``trusted.glusterfs.volume-id`` xattr on it or a parent), one that holds ``.glusterfs``, is not
    empty or is not a directory (brick_paths.brick_path_problem's rules). A path on the root
    file system only with ``allow_root_filesystem``; with gluster's force (which skips glusterd's
    mount point check) a path that is a mount point is refused too.
    """
    def stat_without_root(candidate):
        # brick_path_problem refuses the root file system outright; here that has its own opt-in,
        # decided below, so its device test is given a "/" that matches nothing.
        return _DeviceOfNothing() if candidate == '/' else stat(candidate)
    problem = brick_path_problem(path, listdir, getxattr, stat_without_root)
    if problem:
        return problem
    on_root, nearest = on_root_filesystem(path, stat)
    if on_root and not allow_root_filesystem:
        return ('%s is on the root file system (%s is on the same device as /): a full brick would fill the system '
                'disk; mount a file system of its own there, or set allow_root_filesystem_bricks: true'
                % (path, nearest))
    if sends_force and nearest == path and ismount(path):
        return ('%s is a mount point: glusterd refuses a brick there unless forced (if the mount were missing, the '
                'brick would fill the disk below); use a directory inside it' % path)
    return None
