# -*- coding: utf-8 -*-
# Copyright: glusterdock developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters of the docker_containers and docker_services roles: which named volumes containers use, which
of them must stop a container from starting (missing, or not a GlusterFS volume of this collection), and
the Swarm service mounts of their ``volumes`` entries."""

from __future__ import annotations

from ansible.errors import AnsibleFilterError

from ansible_collections.glusterdock.storage.plugins.module_utils.docker_volume_safety import (
    NAMED_VOLUME_PATTERN, container_volume_problems, named_volumes,
)


def container_named_volumes(containers, local_volumes=None):
    """The named volumes the containers (but those to be absent) use, each once, without those declared local."""
    declared = set(local_volumes or ())
    names = []
    for container in containers or []:
        if not isinstance(container, dict) or container.get('state') == 'absent':
            continue
        own = declared | set(container.get('local_volumes') or ())
        for name in named_volumes(container.get('volumes')):
            if name not in own and name not in names:
                names.append(name)
    return names


def container_volume_problems_filter(containers, volumes, local_volumes=None, check_mode=False):
    """The problems container_volume_problems finds; volumes maps names to inspect results (None: missing)."""
    return container_volume_problems(containers, dict(volumes or {}), local_volumes or (), bool(check_mode))


def service_mounts(volume_specs):
    """The community.docker.docker_swarm_service ``mounts`` of docker_container ``volumes`` entries
    ('[source:]destination[:ro|rw]'): a named volume, a host path (bind) or an anonymous volume."""
    mounts = []
    for spec in volume_specs or []:
        parts = str(spec).split(':')
        if len(parts) == 1:
            mounts.append({'target': parts[0], 'type': 'volume'})
            continue
        # Other modes (SELinux labels, propagation, nocopy) have no one-to-one service mount option.
        if len(parts) > 3 or (len(parts) == 3 and parts[2] not in ('ro', 'rw')):
            raise AnsibleFilterError("volumes entry '%s': a service mount is 'source:destination' with an optional "
                                     "':ro' or ':rw'" % spec)
        source, target = parts[0], parts[1]
        if not NAMED_VOLUME_PATTERN.match(source) and not source.startswith('/'):
            raise AnsibleFilterError("volumes entry '%s': the source must be a Docker volume name or an absolute "
                                     "host path" % spec)
        mounts.append({'source': source, 'target': target, 'type': 'volume' if NAMED_VOLUME_PATTERN.match(source)
                       else 'bind', 'readonly': len(parts) == 3 and parts[2] == 'ro'})
    return mounts


class FilterModule:
    """Filters of glusterdock.storage."""

    def filters(self):
        return {'container_named_volumes': container_named_volumes,
                'container_volume_problems': container_volume_problems_filter,
                'service_mounts': service_mounts}
