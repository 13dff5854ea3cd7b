# -*- coding: utf-8 -*-
# Copyright: glusterdock developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The gluster_brick module's arguments, validated and normalised before any gluster call."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import List, Optional

from ansible_collections.glusterdock.storage.plugins.module_utils.errors import GlusterdockError, RequestError
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_volume_spec import (
    canonical_brick,
    replica_meant,
    validate_volume_name,
)

STATES = ('present', 'absent', 'replaced', 'reset', 'rebalanced')
DEFAULT_TIMEOUT = 3600


@dataclass
class BrickRequest:
    """The module's arguments, validated and normalised before any gluster call."""
    volume: str
    state: str
    bricks: List[str] = field(default_factory=list)
    new_bricks: List[str] = field(default_factory=list)
    replica: Optional[int] = None
    arbiter: Optional[int] = None
    rebalance: bool = False
    allow_replica_reduction: bool = False
    allow_replica_two: bool = False
    wait_for_heal: bool = True
    timeout: int = DEFAULT_TIMEOUT
    offline_bricks_are_stale: bool = False


def _bricks(params, name):
    value = params.get(name)
    if value is None:
        return []
    if isinstance(value, str):
        value = [part.strip() for part in value.split(',') if part.strip()]
    try:
        bricks = [canonical_brick(brick) for brick in value]
    except GlusterdockError as error:
        # canonical_brick checks any brick list; the error is about the list it came from.
        raise error.about(name) from None
    for brick in bricks:
        if bricks.count(brick) > 1:
            raise RequestError('%s is listed twice' % brick, name)
    return bricks


def _count(params, name):
    value = params.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise RequestError('must be a positive whole number, not %r' % (value,), name)
    return value


def parse_brick_request(params):
    """Validate the module's parameters; raise RequestError naming the argument and what to fix."""
    request = BrickRequest(volume=validate_volume_name(params.get('volume')), state=params.get('state') or 'present')
    if request.state not in STATES:
        raise RequestError('must be one of %s' % ', '.join(STATES), 'state')
    request.bricks = _bricks(params, 'bricks')
    request.new_bricks = _bricks(params, 'new_bricks')
    request.replica = _count(params, 'replica')
    request.arbiter = _count(params, 'arbiter')
    request.rebalance = bool(params.get('rebalance'))
    request.allow_replica_reduction = bool(params.get('allow_replica_reduction'))
    request.allow_replica_two = bool(params.get('allow_replica_two'))
    request.wait_for_heal = params.get('wait_for_heal') is not False
    request.offline_bricks_are_stale = bool(params.get('offline_bricks_are_stale'))
    timeout = params.get('timeout')
    if timeout is not None:
        if isinstance(timeout, bool) or not isinstance(timeout, int) or timeout < 1:
            raise RequestError('must be a positive number of seconds, not %r' % (timeout,), 'timeout')
        request.timeout = timeout
    state = request.state
    if state in ('present', 'absent', 'replaced', 'reset') and not request.bricks:
        raise RequestError('give the bricks to %s' % {
            'present': 'add', 'absent': 'remove', 'replaced': 'replace', 'reset': 'reset'}[state], 'bricks')
    if state == 'rebalanced' and request.bricks:
        raise RequestError('state rebalanced works on the whole volume; leave bricks out', 'bricks')
    if state == 'replaced':
        if len(request.new_bricks) != len(request.bricks):
            raise RequestError('give one new brick for each brick to replace (%d bricks, %d new_bricks)'
                               % (len(request.bricks), len(request.new_bricks)), 'new_bricks')
        overlap = set(request.bricks) & set(request.new_bricks)
        if overlap:
            raise RequestError('%s is also in bricks; to rebuild a brick on the same path after a disk '
                               'swap use state: reset' % ', '.join(sorted(overlap)), 'new_bricks')
    elif request.new_bricks:
        raise RequestError('only used with state: replaced', 'new_bricks')
    if request.arbiter is not None:
        if state != 'present':
            raise RequestError('only used with state: present (to add arbiter bricks)', 'arbiter')
        if request.arbiter != 1:
            raise RequestError('only "arbiter: 1" exists', 'arbiter')
        if request.replica not in (2, 3):
            raise RequestError('give it with replica: 3 (replica 2 + one arbiter per set)', 'arbiter')
        request.replica = replica_meant(request.replica, request.arbiter)
    if request.replica is not None:
        if state not in ('present', 'absent'):
            raise RequestError('only used with state present (raise it) or absent (lower it)', 'replica')
        if request.replica < 1 or (state == 'present' and request.replica < 2):
            raise RequestError('%d is not a replica count' % request.replica, 'replica')
    if request.offline_bricks_are_stale and state not in ('replaced', 'reset'):
        raise RequestError('only used with state replaced or reset', 'offline_bricks_are_stale')
    if request.allow_replica_reduction and state != 'absent':
        raise RequestError('only used with state: absent', 'allow_replica_reduction')
    if request.rebalance and state != 'present':
        raise RequestError('only used with state: present (use state: rebalanced on its own)', 'rebalance')
    return request
