# -*- coding: utf-8 -*-
# Copyright: glusterdock developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Is a volume whole enough to change its bricks: peers connected, bricks online, heal finished.

Pure: works from ``pool list``, ``volume status`` and ``volume heal NAME info summary`` already
parsed. Every check fails closed: a brick missing from a reply counts as a problem.
"""

from __future__ import annotations

from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_xml import split_brick


def peer_problems(peers):
    """Sentences for peers that are not connected members of the pool."""
    return ['peer %s is %s' % (peer.hostname, 'disconnected' if not peer.connected else (peer.state_name or 'not in the pool'))
            for peer in peers if not peer.in_cluster]


def _status_key(brick_status):
    return (brick_status.peer_uuid, split_brick(brick_status.name)[1])


def offline_bricks(volume, status):
    """The volume's bricks that ``volume status`` does not show online (a down node's bricks are
    missing from the reply altogether)."""
    online = set(_status_key(brick) for brick in status.bricks if brick.online) if status else set()
    names_online = set(brick.name for brick in status.bricks if brick.online) if status else set()
    return [brick.name for brick in volume.bricks
            if (brick.host_uuid, brick.path) not in online and brick.name not in names_online]


def _heal_entry_for(brick, heal):
    for entry in heal:
        if entry.name == brick.name or (entry.host_uuid and entry.host_uuid == brick.host_uuid
                                        and split_brick(entry.name)[1] == brick.path):
            return entry
    return None


def heal_problems(heal, volume=None, bricks=None):
    """Sentences for bricks that are unreachable, have entries to heal (or do not say how many),
    are in split-brain, or (with ``volume``) are missing from the heal reply. Fails closed: an
    empty reply is a problem. ``bricks``: only judge these names of the volume."""
    heal = list(heal or ())
    problems = []
    if volume is not None:
        wanted = [brick for brick in volume.bricks if bricks is None or brick.name in bricks]
        entries = []
        for brick in wanted:
            entry = _heal_entry_for(brick, heal)
            if entry is None:
                problems.append('%s is missing from the heal info reply' % brick.name)
            else:
                entries.append(entry)
    else:
        entries = heal
        if not entries:
            problems.append('heal info reported no bricks')
    for brick in entries:
        if not brick.connected:
            problems.append('%s is not connected (%s)' % (brick.name, brick.status or 'no status'))
        elif brick.split_brain:
            problems.append('%s has %d entries in split-brain' % (brick.name, brick.split_brain))
        elif brick.unhealed is None:
            problems.append('%s did not report its number of entries to heal' % brick.name)
        elif not brick.clean:
            # Every entry of the heal index: waiting, or possibly healing (locked now).
            problems.append('%s has %d entries to heal' % (brick.name, brick.unhealed))
    return problems


def healed(heal, volume=None, bricks=None):
    """True when every brick (of ``volume``, when given; only ``bricks`` of it, when given) is in
    the reply, connected, with zero entries to heal."""
    return bool(heal) and not heal_problems(heal, volume, bricks)


def heal_finished(heal, volume=None, bricks=None):
    """For wait_for: healed, or split-brain (which waiting does not fix)."""
    return healed(heal, volume, bricks) or any(brick.split_brain for brick in heal or ())


def describe_heal(heal):
    return '; '.join('%s: %s' % (brick.name, 'pending %s' % brick.unhealed if brick.connected else brick.status)
                     for brick in heal or ()) or 'no bricks reported'


def heal_to_list(heal):
    # pending: every entry of the brick's heal index (gluster's total), as this list always gave.
    return [{'brick': brick.name, 'connected': brick.connected, 'pending': brick.unhealed,
             'split_brain': brick.split_brain} for brick in heal or ()]


def needs_heal_check(volume):
    """Replicated and dispersed volumes have heal info; plain distribute has none."""
    return bool(volume.replica_count or volume.disperse_count)
