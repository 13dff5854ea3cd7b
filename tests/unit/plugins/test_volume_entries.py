"""The volume_entries filter turns the gluster_volumes role's definitions into entries that
gluster_volume's list form accepts, passing what the role's loop passed one volume at a time."""
import pytest

from ansible.errors import AnsibleFilterError
from ansible_collections.glusterdock.storage.plugins.filter.volume_entries import volume_entries
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_volume_list import parse_volume_list

SERVERS = ['node1', 'node2', 'node3']
NO_OPT_INS = dict(allow_root_filesystem_bricks=False, allow_replica_two=False, allow_delete_with_clients=False,
                  allow_stop_with_clients=False)


def test_derived_and_explicit_bricks_layout_only_when_given_and_auth_allow_unless_set():
    definitions = [
        {'name': 'web', 'replica': 3, 'options': {'performance.cache-size': '64MB'}, 'quota': {'limits': {'/': '1GB'}}},
        {'name': 'logs', 'bricks': ['node1:/srv/logs/b'], 'options': {'auth.allow': '10.0.0.9'}, 'force': False},
        {'name': 'old', 'state': 'absent', 'bricks_per_server': 2, 'allow_delete_with_clients': True},
    ]
    entries = volume_entries(definitions, SERVERS, '/bricks', '127.0.0.1,10.0.0.5')
    assert entries == [
        dict(NO_OPT_INS, name='web', state='present', replica=3,
             bricks=['node1:/bricks/web/brick1', 'node2:/bricks/web/brick1', 'node3:/bricks/web/brick1'],
             options={'auth.allow': '127.0.0.1,10.0.0.5', 'performance.cache-size': '64MB'}),
        dict(NO_OPT_INS, name='logs', state='present', bricks=['node1:/srv/logs/b'], options={'auth.allow': '10.0.0.9'},
             force=False),
        dict(NO_OPT_INS, name='old', state='absent', allow_delete_with_clients=True, options={'auth.allow': '127.0.0.1,10.0.0.5'},
             bricks=['%s:/bricks/old/brick%d' % (server, number) for number in (1, 2) for server in SERVERS]),
    ]
    # What the module's list form parses.
    assert [spec.name for spec in parse_volume_list(entries)] == ['web', 'logs', 'old']


def test_without_restricting_clients_options_are_the_definitions_own():
    assert volume_entries([{'name': 'web'}], SERVERS, '/bricks', '')[0]['options'] == {}
    assert volume_entries([], SERVERS, '/bricks') == []


def test_tls_options_go_to_every_volume_unless_its_definition_sets_them():
    tls = {'client.ssl': 'on', 'server.ssl': 'on', 'auth.ssl-allow': 'node1,node2,node3,docker1'}
    definitions = [{'name': 'web', 'replica': 3},
                   {'name': 'open', 'replica': 3, 'options': {'auth.ssl-allow': '*', 'auth.allow': '10.0.0.9'}}]
    entries = volume_entries(definitions, SERVERS, '/bricks', '127.0.0.1', tls)
    assert entries[0]['options'] == dict(tls, **{'auth.allow': '127.0.0.1'})
    assert entries[1]['options'] == dict(tls, **{'auth.ssl-allow': '*', 'auth.allow': '10.0.0.9'})
    # What the module's list form parses: options created with the volume, before it starts.
    assert [spec.name for spec in parse_volume_list(entries)] == ['web', 'open']


def test_default_options_that_are_not_a_dictionary_are_refused():
    with pytest.raises(AnsibleFilterError, match='default_options must be a dictionary'):
        volume_entries([{'name': 'web'}], SERVERS, '/bricks', '', 'client.ssl=on')


def test_a_definition_without_a_name_is_refused():
    with pytest.raises(AnsibleFilterError, match='every definition needs a name'):
        volume_entries([{'replica': 3}], SERVERS, '/bricks')


def test_every_bad_definition_is_named_in_one_list_of_problems():
    from ansible_collections.glusterdock.storage.plugins.filter.volume_entries import volume_definition_problems

    definitions = [
        {'name': 'web', 'replica': 3, 'quota': {'limits': {'/': '1GB'}}},
        {'replica': 3},
        'web',
        {'name': 'logs', 'state': 'stopped', 'quota': {'limits': {'/': '1GB'}}},
        {'name': 'data', 'quota': {'limits': {'app': '1GB'}}},
        {'name': 'own', 'bricks': ['node1:/srv/own/b']},
    ]
    assert volume_definition_problems(definitions, SERVERS) == [
        "every entry needs a name, got {'replica': 3}",
        "every entry needs to be a dictionary with a name, got 'web'",
        'volume logs: quota is only for a volume whose state is present or started (gluster manages quota only on a '
        'started volume), not stopped',
        "volume data: limits['app']: 'app' must be absolute, from the root of the volume (such as \"/app\")",
    ]
    # Bricks derived from no servers; explicit bricks need none.
    assert volume_definition_problems([{'name': 'web'}, definitions[-1]], []) == [
        'volume web: give bricks, or servers to derive them from (gluster_volumes_servers)']
    assert volume_definition_problems({'name': 'web'}, SERVERS)[0].startswith('gluster_volumes_list must be a list')


def test_names_and_bricks_are_checked_with_gluster_volumes_rules_before_any_directory_is_made():
    from ansible_collections.glusterdock.storage.plugins.filter.volume_entries import volume_definition_problems

    problems = volume_definition_problems([
        {'name': '../etc'},
        {'name': 'rel', 'bricks': ['node1:bricks/rel/b']},
        {'name': 'dots', 'bricks': ['node1:/bricks/../etc/b']},
        {'name': 'one', 'bricks': 'node1:/bricks/one/b'},
        {'name': 'fine', 'bricks': ['node1:/bricks/fine/b']},
    ], SERVERS)
    assert problems == [
        "volume ../etc: name: '../etc' has characters glusterd refuses; use only letters, digits, \"_\" and \"-\"",
        "volume rel: bricks: 'node1:bricks/rel/b': the brick path must be absolute",
        "volume dots: bricks: 'node1:/bricks/../etc/b': the path must not contain \".\" or \"..\" components",
        "volume one: bricks: give a list of host:/absolute/path, got 'node1:/bricks/one/b'",
    ]


def test_derived_bricks_come_as_planned_against_the_existing_volume():
    planned = {'web': ['node2:/bricks/web/brick1', 'node1:/bricks/web/brick1', 'node3:/bricks/web/brick1']}
    definitions = [{'name': 'web', 'replica': 3}, {'name': 'logs', 'bricks': ['node1:/srv/logs/b']}, {'name': 'new'}]
    entries = volume_entries(definitions, SERVERS, '/bricks', planned=planned)
    assert [entry['bricks'] for entry in entries] == [
        planned['web'], ['node1:/srv/logs/b'], ['node1:/bricks/new/brick1', 'node2:/bricks/new/brick1',
                                                'node3:/bricks/new/brick1']]
