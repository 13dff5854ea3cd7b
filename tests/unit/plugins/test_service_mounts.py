"""service_mounts: container volumes entries as Swarm service mounts."""
import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.glusterdock.storage.plugins.filter.container_volumes import FilterModule


def service_mounts(specs):
    return FilterModule().filters()['service_mounts'](specs)


def test_named_volume_bind_and_anonymous():
    assert service_mounts(['site:/www:ro', 'data:/data', '/etc/ssl:/ssl:rw', '/scratch']) == [
        {'source': 'site', 'target': '/www', 'type': 'volume', 'readonly': True},
        {'source': 'data', 'target': '/data', 'type': 'volume', 'readonly': False},
        {'source': '/etc/ssl', 'target': '/ssl', 'type': 'bind', 'readonly': False},
        {'target': '/scratch', 'type': 'volume'},
    ]


def test_nothing_is_nothing():
    assert service_mounts(None) == [] and service_mounts([]) == []


@pytest.mark.parametrize('spec, message', [
    ('site:/www:z', "volumes entry 'site:/www:z': a service mount is 'source:destination' with an optional ':ro'"),
    ('site:/www:ro:extra', "volumes entry 'site:/www:ro:extra': a service mount is"),
    ('./rel:/www', "volumes entry './rel:/www': the source must be a Docker volume name or an absolute host path"),
])
def test_what_a_service_mount_cannot_say_fails_naming_the_entry(spec, message):
    with pytest.raises(AnsibleFilterError) as error:
        service_mounts([spec])
    assert message in str(error.value)
