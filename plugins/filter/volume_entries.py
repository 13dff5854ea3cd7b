# -*- coding: utf-8 -*-
# Copyright: glusterdock developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters of the gluster_volumes role's definitions: volume_definition_problems (what is wrong with
them, before any change) and volume_entries (them as entries of gluster_volume's list form)."""

from __future__ import annotations

from ansible.errors import AnsibleFilterError

from ansible_collections.glusterdock.storage.plugins.filter.brick_list import brick_list
from ansible_collections.glusterdock.storage.plugins.filter.quota_problem import quota_problem
from ansible_collections.glusterdock.storage.plugins.module_utils.errors import RequestError
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_volume_profiles import (
    profile_options, unknown_profile_problem,
)
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_volume_spec import (
    canonical_brick, validate_volume_name,
)

# Passed on only when a definition sets them: an entry without them leaves the volume's own.
LAYOUT_KEYS = ('replica', 'arbiter', 'disperse', 'redundancy')
OPT_INS = ('allow_root_filesystem_bricks', 'allow_replica_two', 'allow_delete_with_clients', 'allow_stop_with_clients')


# gluster manages quota only on a started volume.
QUOTA_STATES = ('present', 'started')


def definition_problem(definition, servers):
    """What is wrong with one definition of gluster_volumes_list (empty when nothing is)."""
    if not isinstance(definition, dict):
        return 'every entry needs to be a dictionary with a name, got %r' % (definition,)
    name = definition.get('name')
    if not isinstance(name, str) or not name:
        return 'every entry needs a name, got %r' % (definition,)
    if definition.get('bricks') is None and not servers:
        return 'volume %s: give bricks, or servers to derive them from (gluster_volumes_servers)' % name
    # gluster_volume's own rules, checked here too: the role makes brick parent directories (named
    # after the volume for derived bricks) before that module runs.
    try:
        validate_volume_name(name)
        bricks = definition.get('bricks')
        if isinstance(bricks, str) or not isinstance(bricks, (list, tuple, type(None))):
            raise RequestError('give a list of host:/absolute/path, got %r' % (bricks,), 'bricks')
        for brick in bricks or []:
            canonical_brick(brick)
    except RequestError as error:
        return 'volume %s: %s' % (name, error)
    if unknown_profile_problem(definition.get('profile')):
        return 'volume %s: %s' % (name, unknown_profile_problem(definition.get('profile')))
    if 'quota' in definition:
        if definition.get('state', 'present') not in QUOTA_STATES:
            return ('volume %s: quota is only for a volume whose state is present or started (gluster manages '
                    'quota only on a started volume), not %s' % (name, definition.get('state')))
        problem = quota_problem(definition['quota'], name)
        if problem:
            return 'volume %s: %s' % (name, problem)
    return ''


def volume_definition_problems(definitions, servers):
    """One sentence per bad definition of gluster_volumes_list, as the role checks them all in one
    task before any volume changes (the quota with gluster_quota's own parser)."""
    if not isinstance(definitions, (list, tuple)):
        return ['gluster_volumes_list must be a list of volume definitions, got %r' % (definitions,)]
    problems = (definition_problem(definition, servers) for definition in definitions)
    return [problem for problem in problems if problem]


def volume_entry(definition, servers, brick_root, auth_allow=None, default_options=None, planned=None):
    """One definition of gluster_volumes_list as an entry of gluster_volume's ``volumes``: bricks
    explicit or derived from the servers, ``auth.allow`` and ``default_options`` (the TLS options)
    unless the definition sets them, the options of its ``profile`` under its own ``options``, and
    only the keys the module takes (``quota``, ``profile`` and ``bricks_per_server`` are the role's own).
    ``planned``: volume name -> bricks, as planned_bricks planned them against the existing volumes."""
    if not isinstance(definition, dict) or not definition.get('name'):
        raise AnsibleFilterError('volume_entries: every definition needs a name, got %r' % (definition,))
    name = definition['name']
    bricks = definition.get('bricks')
    if bricks is None and name in (planned or {}):
        bricks = planned[name]
    elif bricks is None:
        bricks = brick_list(servers, brick_root, name, definition.get('bricks_per_server', 1))
    entry = {'name': name, 'state': definition.get('state', 'present'), 'bricks': bricks}
    entry.update((key, definition[key]) for key in LAYOUT_KEYS if definition.get(key) is not None)
    options = {'auth.allow': auth_allow} if auth_allow else {}
    options.update(default_options or {})
    problem = unknown_profile_problem(definition.get('profile'))
    if problem:
        raise AnsibleFilterError('volume_entries: volume %s: %s' % (name, problem))
    options.update(profile_options(definition.get('profile'), definition.get('options')))
    entry['options'] = options
    # Passed only when a definition still sets the deprecated key, so the module warns only then.
    if definition.get('force') is not None:
        entry['force'] = definition['force']
    entry.update((key, definition.get(key, False)) for key in OPT_INS)
    return entry


def volume_entries(definitions, servers, brick_root, auth_allow=None, default_options=None, planned=None):
    """Every definition as an entry of gluster_volume's ``volumes``, in order."""
    if default_options is not None and not isinstance(default_options, dict):
        raise AnsibleFilterError('volume_entries: default_options must be a dictionary, got %r' % (default_options,))
    return [volume_entry(definition, servers, brick_root, auth_allow, default_options, planned)
            for definition in definitions or []]


class FilterModule(object):
    """Filters of glusterdock.storage."""

    def filters(self):
        return {'volume_entries': volume_entries, 'volume_definition_problems': volume_definition_problems}
