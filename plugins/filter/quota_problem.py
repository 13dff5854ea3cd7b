# -*- coding: utf-8 -*-
# Copyright: glusterdock developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The quota_problem filter: what is wrong with a volume's quota definition, before any gluster call."""

from __future__ import annotations

from ansible.module_utils.parsing.convert_bool import boolean

from ansible_collections.glusterdock.storage.plugins.module_utils.errors import RequestError
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_quota import parse_quota_spec

# The keys of a quota definition: the options of gluster_quota but the volume.
QUOTA_KEYS = ('state', 'limits', 'purge', 'allow_disable_with_limits')
BOOLEAN_KEYS = ('purge', 'allow_disable_with_limits')


def quota_problem(quota, volume):
    """The problem with ``quota`` (a quota definition of the gluster_volumes role) for ``volume``, as
    gluster_quota would refuse it: the same parser (parse_quota_spec), so a definition that passes
    here passes there. An empty string when it is fine."""
    if not isinstance(quota, dict):
        return 'quota: %r must be a dictionary of %s' % (quota, ', '.join(QUOTA_KEYS))
    unknown = sorted(str(key) for key in set(quota) - set(QUOTA_KEYS))
    if unknown:
        return 'quota: unknown key(s) %s; it takes %s' % (', '.join(unknown), ', '.join(QUOTA_KEYS))
    params = dict(quota, volume=volume)
    for key in BOOLEAN_KEYS:
        if key in quota:
            # As the module's argument spec converts them ("yes", "false", ...).
            try:
                params[key] = boolean(quota[key], strict=True)
            except TypeError:
                return 'quota: %s must be true or false, got %r' % (key, quota[key])
    try:
        parse_quota_spec(params)
    except RequestError as error:
        return str(error)
    return ''


class FilterModule:
    """Filters of glusterdock.storage."""

    def filters(self):
        return {'quota_problem': quota_problem}
