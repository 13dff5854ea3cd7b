# -*- coding: utf-8 -*-
# Copyright: glusterdock developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Volume options compared the way glusterd stores them.

Short keys resolve like glusterd's option_complete (glusterd-volgen.c): a key without a '.'
names the one full key whose part after the first '.' equals it. Boolean words are equal to
each other (on/yes/true/enable/1). Values are compared with what ``volume get NAME all``
reports, which includes the defaults of options never set.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_option_catalog import (
    BEFORE_START_OPTION_KEYS,
    BEFORE_START_OPTION_PREFIXES,
    FREE_FORM_PREFIX,
    GLOBAL_OPTION_KEYS,
    KNOWN_OPTION_KEYS,
    STOPPED_ONLY_OPTION_KEYS,
)
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_volume_spec import (
    VolumeSpecError,
    canonical_boolean,
)


@dataclass
class OptionChange:
    """One option to set: the full key, the value to give, and what it is now (None: unknown)."""
    key: str
    value: str
    current: Optional[str]

    @property
    def before_start(self):
        return is_before_start_option(self.key)


def is_before_start_option(key):
    """Options the bricks read when they start (TLS): set them before ``volume start``."""
    return key in BEFORE_START_OPTION_KEYS or key.startswith(BEFORE_START_OPTION_PREFIXES)


def resolve_option_key(key, catalog):
    """The full key glusterd would use for ``key``; VolumeSpecError when unknown or ambiguous."""
    if key.startswith(FREE_FORM_PREFIX):
        return key
    if '.' in key:
        if key in catalog:
            return _refuse_global(key, key)
        raise VolumeSpecError('unknown option key %r%s' % (key, _suggestion(key, catalog)), argument='options')
    matches = sorted(full for full in catalog if full.split('.', 1)[1] == key)
    if len(matches) == 1:
        return _refuse_global(key, matches[0])
    if matches:
        raise VolumeSpecError('%r is ambiguous (%s); write the full key' % (key, ', '.join(matches)), argument='options')
    raise VolumeSpecError('unknown option key %r%s' % (key, _suggestion(key, catalog)), argument='options')


def _refuse_global(given, key):
    if key in GLOBAL_OPTION_KEYS:
        raise VolumeSpecError('%s is a cluster-wide option, set with "gluster volume set all %s VALUE", '
                              'not an option of one volume' % (given, key), argument='options')
    return key


def _suggestion(key, catalog):
    import difflib  # only a bad key needs it: a no-op run does not pay for the import

    close = difflib.get_close_matches(key, sorted(catalog), n=3, cutoff=0.6)
    if not close and '.' not in key:
        close = difflib.get_close_matches(key, sorted(full.split('.', 1)[1] for full in catalog), n=3, cutoff=0.6)
    return '; did you mean %s?' % ' or '.join(close) if close else ''


def option_catalog(option_values=None, volume=None):
    """The keys a volume accepts: the live ``volume get`` list (when read), the keys set on the
    volume, and the keys known from GlusterFS 10/11 (some, like nfs.disable, are not listed
    by ``volume get all`` on every build)."""
    catalog = set(KNOWN_OPTION_KEYS)
    if option_values:
        catalog.update(option_values)
    if volume is not None:
        catalog.update(volume.options)
    return catalog


def options_already_set(options, volume):
    """True when ``volume info`` alone shows every option of ``options`` set to its value.

    Options this module set appear there under their full key, so a re-run needs no
    ``volume get``. A key that does not resolve without the live list, or whose value is not
    listed (a default never set), or differs, leaves the answer to ``volume get``.
    """
    try:
        changes = plan_option_changes(options, option_catalog(volume=volume), volume=volume)[0]
    except VolumeSpecError:
        return False
    return not changes


def values_equal(current, desired):
    """True when glusterd would treat the two values as the same setting."""
    if current is None:
        return False
    return canonical_boolean(current.strip()) == canonical_boolean(desired.strip())


def plan_option_changes(options, catalog, option_values=None, volume=None):
    """The options of ``options`` (user key -> value) that differ from the volume's.

    ``option_values``: ``parse_volume_get`` of the volume (None for a volume not yet created,
    whose options are then all set). Returns (changes, resolved): the OptionChange list with the
    options bricks need at start first, and full key -> desired value for the diff.
    """
    resolved = {}
    for key, value in options.items():
        full_key = resolve_option_key(key, catalog)
        if full_key in resolved and not values_equal(resolved[full_key], value):
            raise VolumeSpecError('%s is given twice with different values (%s, %s)'
                                  % (full_key, resolved[full_key], value), argument='options')
        resolved[full_key] = value
    changes = []
    for key, value in resolved.items():
        current = current_option_value(key, option_values, volume)
        if volume is not None and values_equal(current, value):
            continue
        changes.append(OptionChange(key, value, current))
    changes.sort(key=lambda change: not change.before_start)
    return changes, resolved


def current_option_value(key, option_values=None, volume=None):
    """The effective value of ``key``: from ``volume get`` when read, else from the options
    ``volume info`` lists as set; None when neither knows it."""
    if option_values and key in option_values:
        return option_values[key].value
    if volume is not None and key in volume.options:
        return volume.options[key]
    return None


def stopped_only_changes(changes):
    """The changes glusterd refuses while the volume is started."""
    return [change for change in changes if change.key in STOPPED_ONLY_OPTION_KEYS]


def options_before(resolved, option_values=None, volume=None):
    """Full key -> current value of the managed keys, for the diff."""
    before = {}
    for key in resolved:
        current = current_option_value(key, option_values, volume)
        if current is not None:
            before[key] = current
    return before
