# -*- coding: utf-8 -*-
# Copyright: glusterdock developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""docker_volume_entries: the docker_gluster_volumes role's Docker volumes as entries of
docker_gluster_volume's list form, with the role's mount settings (every entry on a GlusterFS volume
shares its mount, so the role gives them all the same)."""

from __future__ import annotations

from ansible.errors import AnsibleFilterError

# The keys of a definition passed on when it sets them (the role's loop passed these one volume at a time).
PASSED_ON = ('subdirectory', 'owner', 'group', 'mode', 'labels', 'purge', 'purge_without_volume')


def docker_volume_entry(definition, servers, mount_root, restart_containers, stat_timeout=None):
    """One definition as an entry of docker_gluster_volume's ``volumes``."""
    if not isinstance(definition, dict) or not definition.get('name') or not definition.get('gluster_volume'):
        raise AnsibleFilterError('docker_volume_entries: every definition needs name and gluster_volume, got %r'
                                 % (definition,))
    entry = dict(name=definition['name'], state=definition.get('state', 'present'),
                 gluster_volume=definition['gluster_volume'], servers=list(servers),
                 mount_point='%s/%s' % (mount_root.rstrip('/'), definition['gluster_volume']),
                 restart_containers=bool(restart_containers))
    if stat_timeout is not None:
        entry['stat_timeout'] = int(stat_timeout)
    entry.update((key, definition[key]) for key in PASSED_ON if key in definition)
    return entry


def docker_volume_entries(definitions, servers, mount_root, restart_containers=False, stat_timeout=None):
    """Every definition as an entry of docker_gluster_volume's ``volumes``, in order."""
    return [docker_volume_entry(definition, servers, mount_root, restart_containers, stat_timeout)
            for definition in definitions or []]


class FilterModule(object):
    """Filters of glusterdock.storage."""

    def filters(self):
        return {'docker_volume_entries': docker_volume_entries}
