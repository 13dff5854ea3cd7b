# -*- coding: utf-8 -*-
# Copyright: glusterdock developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters of the docker_containers and docker_services roles: which named volumes containers use, which
of them must stop a container from starting (missing, or not a GlusterFS volume of this collection), and
the Swarm service mounts of their ``volumes`` entries, the placement constraints and node labels that keep
a service's tasks on nodes checked for its GlusterFS Docker volumes."""

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


# A node label per GlusterFS Docker volume, set by docker_services on a node once that node checked the
# volume: a service's placement then requires it, so Swarm never places a task on a node (one that
# joined later, or lacks the volume) where Docker would give the task an empty local volume.
NODE_LABEL_PREFIX = 'glusterdock.volumes.'
NODE_LABEL_CHECKED = 'checked'


def service_mounts(volume_specs):
    """The community.docker.docker_swarm_service ``mounts`` of docker_container ``volumes`` entries
    ('source:destination[:ro|rw]'): a named volume or a host path (bind)."""
    mounts = []
    for spec in volume_specs or []:
        parts = str(spec).split(':')
        # An anonymous volume of a task is local to its node (its data would not follow the task), and
        # docker_swarm_service cannot make a volume mount without a source.
        if len(parts) == 1:
            raise AnsibleFilterError("volumes entry '%s': a service cannot use an anonymous volume (its data would "
                                     "stay on the node of the task); mount a GlusterFS Docker volume there, "
                                     "'NAME:%s'" % (spec, spec))
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


def service_volume_problems(services, local_volumes=None):
    """Why services must not be run, one message each (empty: none), checked before anything changes:
    a ``volumes`` entry that is no service mount, and a bind mount of a host path not declared local
    (role-wide ``local_volumes`` or the service's own): nothing checks that the path is on GlusterFS
    on every node, so a task's data could stay on the disk of its node."""
    problems = []
    for service in services or []:
        if not isinstance(service, dict) or service.get('state') == 'absent':
            continue
        declared_local = set(local_volumes or ()) | set(service.get('local_volumes') or ())
        for spec in service.get('volumes') or []:
            try:
                mount = service_mounts([spec])[0]
            except AnsibleFilterError as error:
                problems.append('service %s: %s.' % (service.get('name'), error.message))
                continue
            if mount['type'] == 'bind' and mount['source'] not in declared_local:
                problems.append("service %s: volumes entry '%s' binds the host path %s, which is not checked to be on "
                                "GlusterFS on every node; use a GlusterFS Docker volume (made by "
                                "docker_gluster_volumes), or list %s in local_volumes if each node's own copy is "
                                "meant." % (service.get('name'), spec, mount['source'], mount['source']))
    return problems


def service_gluster_volumes(service, local_volumes=None):
    """The named volumes of a service that must be GlusterFS Docker volumes (those not declared local)."""
    declared_local = set(local_volumes or ()) | set(service.get('local_volumes') or ())
    return [name for name in named_volumes(service.get('volumes')) if name not in declared_local]


def service_constraints(service, local_volumes=None):
    """The service's own placement constraints, then one per GlusterFS Docker volume it mounts: only
    nodes labelled as checked for that volume (node_volume_labels) may run its tasks."""
    return list(service.get('constraints') or []) + [
        'node.labels.%s%s == %s' % (NODE_LABEL_PREFIX, name, NODE_LABEL_CHECKED)
        for name in service_gluster_volumes(service, local_volumes)]


def node_volume_labels(volume_names):
    """The node labels saying a node checked these GlusterFS Docker volumes."""
    return {NODE_LABEL_PREFIX + name: NODE_LABEL_CHECKED for name in volume_names or []}


class FilterModule:
    """Filters of glusterdock.storage."""

    def filters(self):
        return {'container_named_volumes': container_named_volumes,
                'container_volume_problems': container_volume_problems_filter,
                'node_volume_labels': node_volume_labels,
                'service_constraints': service_constraints,
                'service_mounts': service_mounts,
                'service_volume_problems': service_volume_problems}
