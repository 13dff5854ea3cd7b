# -*- coding: utf-8 -*-
# Copyright: glusterdock developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters that judge a pool's health from gluster's XML, for roles that take a server down (a
glusterd restart is one: on Debian it kills that server's bricks too)."""

from __future__ import annotations

import re
from xml.etree import ElementTree

from ansible.errors import AnsibleFilterError

from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_xml import (
    parse_heal_info,
    parse_peers,
    parse_volume_info,
    parse_volume_statuses,
)

# glusterd's defaults when glusterd.vol does not set them (glusterd-pmap.c / glusterd.vol).
DEFAULT_BASE_PORT = 49152
DEFAULT_MAX_PORT = 60999


def _reply(text, what):
    """The root of a successful gluster XML reply; anything else is an error, never 'healthy'."""
    try:
        root = ElementTree.fromstring(text)
    except (ElementTree.ParseError, TypeError) as error:
        raise AnsibleFilterError('%s: the reply is not XML (%s): %r' % (what, error, str(text)[:200]))
    if root.findtext('opRet', '') != '0':
        raise AnsibleFilterError('%s: gluster answered opRet %s: %s'
                                 % (what, root.findtext('opRet'), root.findtext('opErrstr') or ''))
    return root


def gluster_pool_problems(pool_list_xml):
    """Peers of ``pool list --xml`` that are not connected members, as sentences; [] when whole."""
    return ['peer %s is %s' % (peer.hostname, 'disconnected' if not peer.connected else peer.state_name)
            for peer in parse_peers(_reply(pool_list_xml, 'pool list'))
            if not peer.is_self and not (peer.connected and peer.in_cluster)]


def gluster_offline_bricks(volume_status_all_xml, volume_info_xml):
    """Bricks of started volumes that are not online: ``volume status all`` lists online bricks of
    reachable peers only, so every brick that ``volume info`` names and status does not show
    online counts as offline."""
    volumes = parse_volume_info(_reply(volume_info_xml, 'volume info'))
    online = set()
    for status in parse_volume_statuses(_reply(volume_status_all_xml, 'volume status all')):
        online.update((status.name, brick.name) for brick in status.bricks if brick.online)
    return ['%s (volume %s)' % (brick.name, volume.name)
            for volume in volumes.values() if volume.started
            for brick in volume.bricks if (volume.name, brick.name) not in online]


def gluster_healing_volumes(volume_info_xml):
    """Names of started volumes whose bricks heal (replicated, arbiter or disperse)."""
    volumes = parse_volume_info(_reply(volume_info_xml, 'volume info'))
    return sorted(volume.name for volume in volumes.values()
                  if volume.started and (volume.replica_count > 1 or volume.disperse_count > 0))


def gluster_heal_problems(heal_summary_xml, volume=None):
    """What keeps ``volume heal VOLUME info summary --xml`` from saying 'healed', as sentences:
    bricks not connected, entries pending or in split-brain. [] when every brick answered 0.

    Also takes the ``results`` of a task that looped over volume names reading their heal
    summaries, and answers for all of them."""
    if isinstance(heal_summary_xml, list):
        return [problem for result in heal_summary_xml
                for problem in gluster_heal_problems(result.get('stdout', ''), result.get('item'))]
    bricks = parse_heal_info(_reply(heal_summary_xml, 'heal info summary of %s' % volume))
    if not bricks:
        return ['volume %s: the heal reply lists no bricks' % volume]
    problems = []
    for brick in bricks:
        if not brick.connected:
            problems.append('%s is not connected (%s)' % (brick.name, brick.status.split('.')[0]))
        elif brick.unhealed is None:
            problems.append('%s did not report its number of entries to heal' % brick.name)
        elif not brick.clean:
            problems.append('%s has %d entries to heal' % (brick.name, brick.unhealed))
        if brick.split_brain:
            problems.append('%s has %d entries in split-brain' % (brick.name, brick.split_brain))
    return problems


def glusterd_port_range(glusterd_vol_text):
    """'BASE-MAX': the brick port range a glusterd.vol gives glusterd (its defaults where unset)."""
    found = {}
    for key in ('base-port', 'max-port'):
        match = re.search(r'^\s*option\s+%s\s+(\d+)\s*$' % key, glusterd_vol_text or '', re.M)
        found[key] = int(match.group(1)) if match else None
    return '%d-%d' % (found['base-port'] or DEFAULT_BASE_PORT, found['max-port'] or DEFAULT_MAX_PORT)


class FilterModule(object):
    """Filters of glusterdock.storage."""

    def filters(self):
        return {
            'gluster_pool_problems': gluster_pool_problems,
            'gluster_offline_bricks': gluster_offline_bricks,
            'gluster_healing_volumes': gluster_healing_volumes,
            'gluster_heal_problems': gluster_heal_problems,
            'glusterd_port_range': glusterd_port_range,
        }
