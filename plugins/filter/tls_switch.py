# -*- coding: utf-8 -*-
# Copyright: glusterdock developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filter of the gluster_volumes role with TLS: started volumes that a run would switch to TLS."""

from __future__ import annotations

from xml.etree import ElementTree

from ansible.errors import AnsibleFilterError

from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_volume_spec import canonical_boolean
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_xml import parse_volume_info

# Bricks read these when they start; clients when they fetch the volume file. Turned on for a
# started volume, new clients speak TLS to bricks that do not until the volume restarts.
TLS_SWITCHES = ('client.ssl', 'server.ssl')


def started_volumes_switched_to_tls(volume_info_xml, definitions, tls_options):
    """'VOLUME (client.ssl, server.ssl)' for each started volume of DEFINITIONS that TLS_OPTIONS
    (unless the definition sets them) would turn TLS on for; [] when none."""
    try:
        root = ElementTree.fromstring(volume_info_xml)
    except (ElementTree.ParseError, TypeError) as error:
        raise AnsibleFilterError('volume info: the reply is not XML (%s): %r' % (error, str(volume_info_xml)[:200]))
    if root.findtext('opRet', '') != '0':
        raise AnsibleFilterError('volume info: gluster answered opRet %s: %s' % (root.findtext('opRet'), root.findtext('opErrstr') or ''))
    volumes = parse_volume_info(root)
    switched = []
    for definition in definitions or []:
        volume = volumes.get(definition.get('name')) if isinstance(definition, dict) else None
        if volume is None or not volume.started or definition.get('state', 'present') in ('stopped', 'absent'):
            continue
        wanted = dict(tls_options or {}, **(definition.get('options') or {}))
        keys = [key for key in TLS_SWITCHES
                if canonical_boolean(str(wanted.get(key, 'off'))) == 'on'
                and canonical_boolean(str(volume.options.get(key, 'off'))) != 'on']
        if keys:
            switched.append('%s (%s)' % (volume.name, ', '.join(keys)))
    return switched


class FilterModule(object):
    """Filters of glusterdock.storage."""

    def filters(self):
        return {'started_volumes_switched_to_tls': started_volumes_switched_to_tls}
