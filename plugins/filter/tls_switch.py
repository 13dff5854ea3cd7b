# -*- coding: utf-8 -*-
# Copyright: glusterdock developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters for TLS: started volumes that the gluster_volumes role would switch to TLS, and what
playbooks/tls_enable.yml converts on a running cluster (volumes, containers on GlusterFS mounts)."""

from __future__ import annotations

from xml.etree import ElementTree

from ansible.errors import AnsibleFilterError

from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_volume_spec import canonical_boolean
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_xml import parse_volume_info

# Bricks read these when they start; clients when they fetch the volume file. Turned on for a
# started volume, new clients speak TLS to bricks that do not until the volume restarts.
TLS_SWITCHES = ('client.ssl', 'server.ssl')


def _volumes(volume_info_xml):
    try:
        root = ElementTree.fromstring(volume_info_xml)
    except (ElementTree.ParseError, TypeError) as error:
        raise AnsibleFilterError('volume info: the reply is not XML (%s): %r' % (error, str(volume_info_xml)[:200]))
    if root.findtext('opRet', '') != '0':
        raise AnsibleFilterError('volume info: gluster answered opRet %s: %s' % (root.findtext('opRet'), root.findtext('opErrstr') or ''))
    return parse_volume_info(root)


def _same_value(key, wanted, current):
    if key in TLS_SWITCHES:
        return canonical_boolean(str(wanted)) == canonical_boolean(str(current if current is not None else 'off'))
    return current is not None and str(wanted) == str(current)


def volumes_to_convert(volume_info_xml, tls_options):
    """For each volume whose options differ from TLS_OPTIONS: {'name', 'started', 'options' (the
    TLS_OPTIONS that differ)}, in name order; [] when every volume has them."""
    converted = []
    for name, volume in sorted(_volumes(volume_info_xml).items()):
        differing = dict((key, str(value)) for key, value in sorted((tls_options or {}).items())
                         if not _same_value(key, value, volume.options.get(key)))
        if differing:
            converted.append({'name': name, 'started': volume.started, 'options': differing})
    return converted


def _under(path, roots):
    return any(path == root or path.startswith(root.rstrip('/') + '/') for root in roots)


def containers_on_mounts(containers, volumes, mount_points):
    """Names (sorted) of the running CONTAINERS (``docker inspect`` of each) that use a path under one
    of MOUNT_POINTS: a bind mount from there, or a Docker volume (``docker volume inspect``) whose
    ``device`` option binds a directory there. Stopped containers are left out."""
    devices = dict((volume.get('Name'), (volume.get('Options') or {}).get('device') or '') for volume in volumes or [])
    names = set()
    for container in containers or []:
        if not (container.get('State') or {}).get('Running'):
            continue
        for mount in container.get('Mounts') or []:
            sources = [mount.get('Source') or '']
            if mount.get('Type') == 'volume':
                sources.append(devices.get(mount.get('Name'), ''))
            if any(source and _under(source, mount_points or []) for source in sources):
                names.add(container.get('Name', '').lstrip('/'))
    return sorted(names)


def started_volumes_switched_to_tls(volume_info_xml, definitions, tls_options):
    """'VOLUME (client.ssl, server.ssl)' for each started volume of DEFINITIONS that TLS_OPTIONS
    (unless the definition sets them) would turn TLS on for; [] when none."""
    volumes = _volumes(volume_info_xml)
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
        return {'started_volumes_switched_to_tls': started_volumes_switched_to_tls,
                'volumes_to_convert': volumes_to_convert,
                'containers_on_mounts': containers_on_mounts}
