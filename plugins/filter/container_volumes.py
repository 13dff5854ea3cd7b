# -*- coding: utf-8 -*-
# Copyright: glusterdock developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters of the docker_containers role: which named volumes containers use, and which of them must
stop a container from starting (missing, or not a GlusterFS volume of this collection)."""

from __future__ import annotations

from ansible_collections.glusterdock.storage.plugins.module_utils.docker_volume_safety import (
    container_volume_problems, named_volumes,
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


class FilterModule:
    """Filters of glusterdock.storage."""

    def filters(self):
        return {'container_named_volumes': container_named_volumes,
                'container_volume_problems': container_volume_problems_filter}
