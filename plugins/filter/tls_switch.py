# -*- coding: utf-8 -*-
# Copyright: glusterdock developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters for TLS: started volumes that the gluster_volumes role would switch to TLS, and what
playbooks/tls_enable.yml converts on a running cluster (volumes, containers on GlusterFS mounts)."""

from __future__ import annotations

from xml.etree import ElementTree

from ansible.errors import AnsibleFilterError

from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_volume_spec import canonical_boolean
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_xml import parse_volume_info, parse_volume_status

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


def _wanted_tls_options(tls_options, definition):
    """TLS_OPTIONS, with the values a volume's own definition (gluster_volumes) gives for them."""
    own = (definition or {}).get('options') or {}
    return dict((key, own.get(key, value)) for key, value in (tls_options or {}).items())


def volumes_to_convert(volume_info_xml, tls_options, definitions=None):
    """For each volume that TLS_OPTIONS (or its own definition in DEFINITIONS, the gluster_volumes
    list, for those keys) would turn client.ssl or server.ssl on for: {'name', 'started', 'options'
    (the wanted TLS options that differ), 'self_heal' (a self-heal daemon connects to its bricks)},
    in name order; [] when none. A volume whose switches are on already is left out: its other TLS
    options (auth.ssl-allow) take effect live, so they are no reason for an outage; the
    gluster_volumes role sets them."""
    by_name = dict((definition.get('name'), definition) for definition in definitions or []
                   if isinstance(definition, dict))
    converted = []
    for name, volume in sorted(_volumes(volume_info_xml).items()):
        wanted = _wanted_tls_options(tls_options, by_name.get(name))
        if not any(canonical_boolean(str(wanted.get(key, 'off'))) == 'on'
                   and not _same_value(key, 'on', volume.options.get(key)) for key in TLS_SWITCHES):
            continue
        differing = dict((key, str(value)) for key, value in sorted(wanted.items())
                         if not _same_value(key, value, volume.options.get(key)))
        # glusterd lists a brick's clients only while something is connected to it: with every
        # mount gone, only a self-heal daemon (replica, disperse) still is.
        converted.append({'name': name, 'started': volume.started, 'options': differing,
                          'self_heal': bool(volume.replica_count > 1 or volume.disperse_count)})
    return converted


def _under(path, roots):
    return any(path == root or path.startswith(root.rstrip('/') + '/') for root in roots)


def _running_on_mounts(containers, volumes, mount_points):
    devices = dict((volume.get('Name'), (volume.get('Options') or {}).get('device') or '') for volume in volumes or [])
    for container in containers or []:
        if not (container.get('State') or {}).get('Running'):
            continue
        for mount in container.get('Mounts') or []:
            sources = [mount.get('Source') or '']
            if mount.get('Type') == 'volume':
                sources.append(devices.get(mount.get('Name'), ''))
            if any(source and _under(source, mount_points or []) for source in sources):
                yield container
                break


def containers_on_mounts(containers, volumes, mount_points):
    """Names (sorted) of the running CONTAINERS (``docker inspect`` of each) that use a path under one
    of MOUNT_POINTS: a bind mount from there, or a Docker volume (``docker volume inspect``) whose
    ``device`` option binds a directory there. Stopped containers are left out."""
    return sorted(set(container.get('Name', '').lstrip('/')
                      for container in _running_on_mounts(containers, volumes, mount_points)))


def swarm_services_on_mounts(containers, volumes, mount_points):
    """Names (sorted) of the Swarm services whose running tasks are CONTAINERS_ON_MOUNTS: Swarm
    replaces a task container that is stopped (the replacement holds the mount again), and
    ``docker start`` would revive a task it has already replaced."""
    services = set()
    for container in _running_on_mounts(containers, volumes, mount_points):
        labels = (container.get('Config') or {}).get('Labels') or {}
        if labels.get('com.docker.swarm.service.id'):
            services.add(labels.get('com.docker.swarm.service.name') or labels['com.docker.swarm.service.id'])
    return sorted(services)


def clients_outside(status_replies, known_addresses):
    """'VOLUME: ADDRESS' (sorted) for each client connected to a brick that is none of
    KNOWN_ADDRESSES (the inventory hosts' addresses and names). STATUS_REPLIES: ``volume status
    VOLUME clients --xml`` of each volume; a reply gluster refused is skipped (the caller judges
    whether the clients can be listed at all)."""
    known = set(str(address) for address in known_addresses or [])
    outside = set()
    for reply in status_replies or []:
        try:
            root = ElementTree.fromstring(reply)
        except (ElementTree.ParseError, TypeError):
            continue
        status = parse_volume_status(root) if root.findtext('opRet', '') == '0' else None
        for address in sorted(status.clients if status else []):
            if address.strip('[]') not in known:
                outside.add('%s: %s' % (status.name, address))
    return sorted(outside)


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
                'containers_on_mounts': containers_on_mounts,
                'swarm_services_on_mounts': swarm_services_on_mounts,
                'clients_outside': clients_outside}
