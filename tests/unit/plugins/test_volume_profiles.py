"""Tuning profiles of the gluster_volumes role: a volume's own options win over its profile's, an
unknown profile is refused before any call, and every profile key is one both GlusterFS 10.3 and
11.1 list, never a sharding or a readdir/negative-lookup cache option."""
from xml.etree import ElementTree

import pytest

from ansible.errors import AnsibleFilterError
from ansible_collections.glusterdock.storage.plugins.filter.volume_entries import (
    volume_definition_problems, volume_entries,
)
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_volume_list import parse_volume_list
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_volume_profiles import (
    PROFILES, profile_options,
)
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_xml import parse_volume_get
from ansible_collections.glusterdock.storage.tests.unit.fixtures import VERSIONS, fixture

SERVERS = ['node1', 'node2', 'node3']
# Sharding cannot be turned off without losing what was written sharded; these caches made a
# just-written file report ENOENT on 10.3.
NEVER_IN_A_PROFILE = ('features.shard', 'performance.nl-cache', 'performance.parallel-readdir',
                      'performance.readdir-ahead')


def options_of(definition, auth_allow='127.0.0.1', tls=None):
    return volume_entries([definition], SERVERS, '/bricks', auth_allow, tls)[0]['options']


def test_default_profile_adds_no_option():
    assert PROFILES['default'] == {}
    assert options_of({'name': 'web', 'profile': 'default'}) == options_of({'name': 'web'}) == {'auth.allow': '127.0.0.1'}


# A profile as the table holds them (none but default shipped yet: bench/results/profiles.md).
TUNED = {'features.cache-invalidation': 'on', 'performance.md-cache-timeout': '600',
         'network.inode-lru-limit': '200000'}


@pytest.fixture
def tuned_profile(monkeypatch):
    monkeypatch.setitem(PROFILES, 'tuned', dict(TUNED))
    return 'tuned'


def test_a_profile_adds_its_options_and_the_volumes_own_options_win(tuned_profile):
    own = {'performance.md-cache-timeout': '1', 'inode-lru-limit': '50000', 'performance.cache-size': '64MB'}
    tls = {'client.ssl': 'on', 'server.ssl': 'on'}
    options = options_of({'name': 'web', 'replica': 3, 'profile': tuned_profile, 'options': own}, tls=tls)
    # network.inode-lru-limit given by its short key: the module gets it once, the volume's value.
    assert options == {'auth.allow': '127.0.0.1', 'client.ssl': 'on', 'server.ssl': 'on',
                       'features.cache-invalidation': 'on', 'performance.md-cache-timeout': '1',
                       'inode-lru-limit': '50000', 'performance.cache-size': '64MB'}
    assert options_of({'name': 'web', 'profile': tuned_profile}) == dict(TUNED, **{'auth.allow': '127.0.0.1'})
    # What the module's list form parses.
    assert parse_volume_list(volume_entries([{'name': 'web', 'replica': 3, 'profile': tuned_profile,
                                              'options': own}], SERVERS, '/bricks'))


def test_profile_options_leave_a_bad_key_for_the_module_to_name(tuned_profile):
    assert profile_options(tuned_profile, {'no-such-key': '1'}) == dict(TUNED, **{'no-such-key': '1'})
    assert profile_options(None, {'no-such-key': '1'}) == {'no-such-key': '1'}


@pytest.mark.parametrize('profile', [None, 'fast', 'Containers', '', ['containers'], 3])
def test_an_unknown_profile_is_refused_with_the_volume_named(profile):
    definitions = [{'name': 'web', 'profile': 'default'}, {'name': 'data', 'replica': 3, 'profile': profile}]
    message = "volume data: profile %r is unknown; the profiles are: default" % (profile,)
    if profile is None:  # null is no profile: default
        assert volume_definition_problems(definitions, SERVERS) == []
        return
    assert volume_definition_problems(definitions, SERVERS) == [message]
    with pytest.raises(AnsibleFilterError) as refused:
        volume_entries(definitions, SERVERS, '/bricks')
    assert str(refused.value) == 'volume_entries: ' + message


def test_the_exact_message_for_a_misspelt_profile():
    # Measured, not shipped (bench/results/profiles.md).
    assert volume_definition_problems([{'name': 'web', 'profile': 'large-files'}], SERVERS) == [
        "volume web: profile 'large-files' is unknown; the profiles are: default"]


@pytest.mark.parametrize('version', VERSIONS)
def test_every_profile_key_is_listed_by_volume_get_and_none_is_forbidden(version, tuned_profile):
    listed = parse_volume_get(ElementTree.fromstring(fixture(version, 'volume-get-all')))
    for profile, options in PROFILES.items():
        for key, value in options.items():
            assert key in listed, (version, profile, key)
            assert key not in NEVER_IN_A_PROFILE and 'shard' not in key, (profile, key)
            assert isinstance(value, str), (profile, key)
