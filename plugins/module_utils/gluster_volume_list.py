# -*- coding: utf-8 -*-
# Copyright: glusterdock developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The list form of gluster_volume: many volumes in one task, planned from one read.

Pure of Ansible. ``parse_volume_list(entries)`` validates every entry (each the single form's
arguments) before any gluster call and names the entry in its errors (``volumes[3] (name web): ...``).
``converge_volume_list(managers, volumes_by_name, check_mode, read_volumes)`` plans every volume
from one ``volume info`` of all volumes (a refusal of any volume stops the run before the first
change), then applies them one by one in list order and stops at the first failure: the volumes
after it are not attempted, and the results say what was done. The volumes changed are read back
with one more ``volume info`` of all volumes at the end, not one read each.

A manager is the single form's per-volume worker (gluster_volume's VolumeManager): the same
reads, safety checks and apply, so the two forms cannot drift apart.
"""

from __future__ import annotations

from ansible_collections.glusterdock.storage.plugins.module_utils.errors import RequestError, named_entry_label
from ansible_collections.glusterdock.storage.plugins.module_utils.errors import entry_label as shared_entry_label
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_volume_spec import (
    VolumeSpecError,
    parse_volume_spec,
)


class VolumeListError(RequestError):
    """An entry of ``volumes`` is refused; ``argument`` names it (``volumes[3] (name web)``)."""


class VolumeFailed(Exception):
    """One volume's task failed. ``details``: what the single form passes to fail_json (``msg``,
    ``commands``, ``volume``, gluster's ``cmd``/``rc``/... for a failed command)."""

    def __init__(self, details):
        super().__init__(details.get('msg'))
        self.details = details


def entry_label(entry, index):
    """How errors name an entry: ``volumes[3] (name web)`` (errors.entry_label, shared with
    docker_gluster_volume's list form)."""
    return shared_entry_label(entry, index, ('name', 'volume'))


def parse_volume_list(entries):
    """VolumeSpecs of ``entries`` (dictionaries of the single form's arguments, already converted
    to their types), in order; raises VolumeListError naming the entry. A volume listed twice,
    or a brick listed by two entries, is refused: the second entry would undo or collide with
    the first."""
    specs = []
    seen_names = {}
    brick_owners = {}
    for index, entry in enumerate(entries):
        label = entry_label(entry, index)
        if not isinstance(entry, dict):
            raise VolumeListError('each entry is a dictionary of one volume\'s options, not %r' % (entry,), argument=label)
        try:
            spec = parse_volume_spec(entry)
        except VolumeSpecError as error:
            raise VolumeListError(str(error), argument=label)
        if spec.name in seen_names:
            raise VolumeListError('volume %s is listed twice (also %s)' % (spec.name, seen_names[spec.name]), argument=label)
        seen_names[spec.name] = label
        for brick in () if spec.absent else spec.bricks or ():
            if brick in brick_owners:
                raise VolumeListError('bricks: %s is also a brick of %s' % (brick, brick_owners[brick]), argument=label)
            brick_owners.setdefault(brick, label)
        specs.append(spec)
    return specs


def converge_volume_list(managers, volumes_by_name, check_mode=False, read_volumes=None):
    """Bring every volume of ``managers`` (in list order) to its spec.

    ``volumes_by_name``: ``parse_volume_info`` of one ``volume info`` of every volume.
    Each manager has ``spec``, ``plan_checked(volume) -> (volume, plan)``, ``read_and_plan()``
    and ``converge(volume, plan, read_back=False) -> result``, the last three raising VolumeFailed.
    ``read_volumes()``: every volume as results report it (name -> dict), read once after the
    changes (VolumeFailed when that read fails); None when nothing is to be read back.

    Returns ``(results, failure)``: one result per volume attempted (the single form's result
    with ``name``; a failed one has ``failed`` and ``msg``), and None or the failure message for
    the whole task.
    """
    if check_mode:
        read_volumes = None  # nothing changed to read back
    planned = []
    for index, manager in enumerate(managers):
        try:
            planned.append(manager.plan_checked(volumes_by_name.get(manager.spec.name)))
        except VolumeFailed as failed:
            result = failed_result(manager.spec.name, failed)
            return [result], '%s: %s; nothing was changed (every volume is planned before the first change)' % (
                named_entry_label(index, manager.spec.name), result['msg'])
    results = []
    for index, (manager, (volume, plan)) in enumerate(zip(managers, planned)):
        try:
            if plan.changed and not check_mode and any(result['changed'] for result in results):
                volume, plan = plan_again(manager, volume)
            result = dict(manager.converge(volume, plan, read_back=False), name=manager.spec.name, failed=False)
        except VolumeFailed as failed:
            results.append(failed_result(manager.spec.name, failed))
            message = failure_message(results, [later.spec.name for later in managers[index + 1:]])
            try:
                read_back(results[:-1], read_volumes)
            except VolumeFailed as read_failed:
                message += ' Reading the volumes done back failed too: %s' % read_failed.details.get('msg')
            return results, message
        results.append(result)
    try:
        read_back(results, read_volumes)
    except VolumeFailed as failed:
        return results, 'every volume was applied (%s), but reading them back failed: %s' % (
            ', '.join('%s (%s)' % (result['name'], 'changed' if result['changed'] else 'unchanged') for result in results),
            failed.details.get('msg'))
    return results, None


def plan_again(manager, volume):
    """The plan of a volume that changes after earlier volumes changed, which takes time (a
    fix-layout can take minutes), so that the checks before a change (clients, bricks online,
    heal, brick paths) judge the volume as it is now: an existing volume is read and planned
    again. A volume that did not exist is planned again from the same absence without a read:
    its only checks that can go stale are of its brick paths on this node (made again here, from
    the file system), and glusterd refuses to create a volume whose name was taken meanwhile."""
    if volume is None:
        return manager.plan_checked(None)
    return manager.read_and_plan()


def read_back(results, read_volumes):
    """Give the changed volumes of ``results`` their state after the run, from one read of every
    volume (``read_volumes``); nothing is read when none changed. A failed read is left to the
    caller (VolumeFailed)."""
    changed = [result for result in results if result['changed'] and not result['failed']]
    if not changed or read_volumes is None:
        return
    volumes = read_volumes()
    for result in changed:
        result['volume'] = volumes.get(result['name'], {})


def failed_result(name, failed):
    """The result of a volume whose task failed: the single form's failure, with its name."""
    return dict(failed.details, name=name, failed=True, changed=bool(failed.details.get('changed')))


def failure_message(results, not_attempted):
    """The task's message when the last of ``results`` failed: its own message, what the volumes
    before it did, and which were not attempted (``results`` are the entries from the first on)."""
    failed = results[-1]
    message = '%s: %s' % (named_entry_label(len(results) - 1, failed['name']), failed['msg'])
    done = results[:-1]
    if done:
        message += ' Volumes done before it: %s.' % ', '.join(
            '%s (%s)' % (result['name'], 'changed' if result['changed'] else 'unchanged') for result in done)
    if not_attempted:
        message += ' Not attempted (the run stops at the first failure): %s.' % ', '.join(not_attempted)
    return message
