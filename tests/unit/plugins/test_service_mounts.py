"""service_mounts and the other service filters: container volumes entries as Swarm service mounts,
the refusals before any change, and the placement that keeps tasks on nodes checked for their volumes."""
import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.glusterdock.storage.plugins.filter.container_volumes import FilterModule

FILTERS = FilterModule().filters()


def service_mounts(specs):
    return FILTERS['service_mounts'](specs)


def test_named_volume_and_bind():
    assert service_mounts(['site:/www:ro', 'data:/data', '/etc/ssl:/ssl:rw']) == [
        {'source': 'site', 'target': '/www', 'type': 'volume', 'readonly': True},
        {'source': 'data', 'target': '/data', 'type': 'volume', 'readonly': False},
        {'source': '/etc/ssl', 'target': '/ssl', 'type': 'bind', 'readonly': False},
    ]


def test_nothing_is_nothing():
    assert service_mounts(None) == [] and service_mounts([]) == []


@pytest.mark.parametrize('spec, message', [
    ('site:/www:z', "volumes entry 'site:/www:z': a service mount is 'source:destination' with an optional ':ro'"),
    ('site:/www:ro:extra', "volumes entry 'site:/www:ro:extra': a service mount is"),
    ('./rel:/www', "volumes entry './rel:/www': the source must be a Docker volume name or an absolute host path"),
    # docker_swarm_service cannot mount a volume without a source, and an anonymous volume would stay on the node.
    ('/scratch', "volumes entry '/scratch': a service cannot use an anonymous volume (its data would stay on the "
                 "node of the task); mount a GlusterFS Docker volume there, 'NAME:/scratch'"),
])
def test_what_a_service_mount_cannot_say_fails_naming_the_entry(spec, message):
    with pytest.raises(AnsibleFilterError) as error:
        service_mounts([spec])
    assert message in str(error.value)


def test_volume_problems_name_every_unusable_entry_of_every_service():
    services = [{'name': 'web', 'volumes': ['site:/www', '/scratch', '/mnt/gluster/x:/data']},
                {'name': 'old', 'state': 'absent', 'volumes': ['/scratch']},
                {'name': 'db', 'volumes': ['/srv/db:/db', '/etc/ssl:/ssl:ro'], 'local_volumes': ['/srv/db']}]
    assert FILTERS['service_volume_problems'](services[1:], ['/etc/ssl']) == []
    assert FILTERS['service_volume_problems'](services) == [
        "service web: volumes entry '/scratch': a service cannot use an anonymous volume (its data would stay on the "
        "node of the task); mount a GlusterFS Docker volume there, 'NAME:/scratch'.",
        "service web: volumes entry '/mnt/gluster/x:/data' binds the host path /mnt/gluster/x, which is not checked "
        "to be on GlusterFS on every node; use a GlusterFS Docker volume (made by docker_gluster_volumes), or list "
        "/mnt/gluster/x in local_volumes if each node's own copy is meant.",
        "service db: volumes entry '/etc/ssl:/ssl:ro' binds the host path /etc/ssl, which is not checked to be on "
        "GlusterFS on every node; use a GlusterFS Docker volume (made by docker_gluster_volumes), or list /etc/ssl in "
        "local_volumes if each node's own copy is meant.",
    ]


def test_a_service_may_run_only_on_nodes_labelled_for_each_of_its_gluster_volumes():
    service = {'name': 'web', 'volumes': ['site:/www:ro', 'cache:/cache', 'logs:/logs', '/etc/ssl:/ssl'],
               'local_volumes': ['cache'], 'constraints': ['node.role == worker']}
    assert FILTERS['service_constraints'](service, ['logs']) == [
        'node.role == worker', 'node.labels.glusterdock.volumes.site == checked']
    assert FILTERS['service_constraints']({'name': 'plain'}) == []
    assert FILTERS['node_volume_labels'](['site', 'my.data-1']) == {
        'glusterdock.volumes.site': 'checked', 'glusterdock.volumes.my.data-1': 'checked'}
    assert FILTERS['node_volume_labels']([]) == {}
