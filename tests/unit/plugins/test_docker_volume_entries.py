"""The docker_volume_entries filter turns the docker_gluster_volumes role's Docker volumes into entries
that docker_gluster_volume's list form accepts, passing what the role's loop passed one volume at a time."""
import pytest

from ansible.errors import AnsibleFilterError
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible_collections.glusterdock.storage.plugins.filter.docker_volume_entries import docker_volume_entries
from ansible_collections.glusterdock.storage.plugins.module_utils.docker_gluster_volume_list import check_entries
from ansible_collections.glusterdock.storage.plugins.module_utils.docker_gluster_volume_plan import validate
from ansible_collections.glusterdock.storage.plugins.modules.docker_gluster_volume import ENTRY_ARGUMENT_SPEC

SERVERS = ['node1', 'node2', 'node3']


def test_mount_settings_for_every_entry_and_the_definition_keys_when_given():
    definitions = [
        {'name': 'site', 'gluster_volume': 'web', 'owner': '33', 'mode': '0750', 'labels': {'app': 'web'},
         'note': 'not an option'},
        {'name': 'logs', 'gluster_volume': 'data', 'subdirectory': 'app/logs'},
        {'name': 'old', 'gluster_volume': 'web', 'state': 'absent', 'purge': True, 'purge_without_volume': False},
    ]
    entries = docker_volume_entries(definitions, SERVERS, '/mnt/role/', True)
    common = dict(servers=SERVERS, restart_containers=True, state='present')
    assert entries == [
        dict(common, name='site', gluster_volume='web', mount_point='/mnt/role/web', owner='33', mode='0750',
             labels={'app': 'web'}),
        dict(common, name='logs', gluster_volume='data', mount_point='/mnt/role/data', subdirectory='app/logs'),
        dict(common, name='old', gluster_volume='web', mount_point='/mnt/role/web', state='absent', purge=True,
             purge_without_volume=False),
    ]
    # What the module's list form accepts, checked together as it checks them.
    validator = ArgumentSpecValidator(ENTRY_ARGUMENT_SPEC)
    checked = []
    for index, entry in enumerate(entries):
        validation = validator.validate(entry)
        assert not validation.error_messages and not validation.unsupported_parameters
        checked.append(('volumes[%d]' % index, validate(validation.validated_parameters),
                        validation.validated_parameters))
    check_entries(checked)


def test_no_definitions_no_entries():
    assert docker_volume_entries(None, SERVERS, '/mnt') == [] and docker_volume_entries([], SERVERS, '/mnt') == []


@pytest.mark.parametrize('definition', ['site', {'name': 'site'}, {'gluster_volume': 'web'}])
def test_a_definition_without_name_or_gluster_volume_is_refused(definition):
    with pytest.raises(AnsibleFilterError, match='every definition needs name and gluster_volume'):
        docker_volume_entries([definition], SERVERS, '/mnt')


def test_the_role_stat_timeout_goes_to_every_entry_and_entries_on_one_mount_must_agree():
    definitions = [{'name': 'site', 'gluster_volume': 'web'}, {'name': 'cache', 'gluster_volume': 'web'}]
    entries = docker_volume_entries(definitions, SERVERS, '/mnt/role', False, '20')
    assert [entry['stat_timeout'] for entry in entries] == [20, 20]
    assert 'stat_timeout' not in docker_volume_entries(definitions, SERVERS, '/mnt/role')[0]
    validator = ArgumentSpecValidator(ENTRY_ARGUMENT_SPEC)
    entries[1]['stat_timeout'] = 5
    checked = []
    for index, entry in enumerate(entries):
        params = validator.validate(entry).validated_parameters
        checked.append(('volumes[%d]' % index, validate(params), params))
    with pytest.raises(Exception, match='stat_timeout is 5 here but 20 in volumes.0.'):
        check_entries(checked)
