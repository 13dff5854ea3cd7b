"""The quota_problem filter refuses what gluster_quota would refuse, with its words, before any gluster call."""
import pytest

from ansible_collections.glusterdock.storage.plugins.filter.quota_problem import FilterModule, quota_problem


@pytest.mark.parametrize('quota', [
    {},
    {'limits': {'/': '10GB', '/app': {'hard_limit': '1GB', 'soft_limit': 90}}},
    {'limits': [{'path': '/app', 'hard_limit': 1073741824}], 'purge': True},
    {'limits': {}, 'purge': 'yes'},
    {'state': 'disabled', 'allow_disable_with_limits': True},
    {'state': 'enabled', 'limits': None},
])
def test_a_good_definition_has_no_problem(quota):
    assert quota_problem(quota, 'data') == ''


@pytest.mark.parametrize('quota, volume, problem', [
    ({'limits': {'app': '1GB'}}, 'data',
     "limits['app']: 'app' must be absolute, from the root of the volume (such as \"/app\")"),
    ({'limits': {'/app': 'lots'}}, 'data', "limits['/app'] hard_limit: 'lots' is not a size"),
    ({'limits': {'/app': '1.5B'}}, 'data', "limits['/app'] hard_limit: '1.5B' is not a whole number of bytes"),
    ({'limits': {'/app': {'hard_limit': '1GB', 'soft_limit': 120}}}, 'data', 'is not a percentage from 0 to 100'),
    ({'state': 'absent'}, 'data', "state: 'absent' is not one of enabled, disabled"),
    ({'state': 'disabled', 'limits': {}}, 'data', 'limits and purge need state=enabled'),
    ({'purge': True}, 'data', 'purge needs limits'),
    ({'purge': 'maybe', 'limits': {}}, 'data', "quota: purge must be true or false, got 'maybe'"),
    ({'limit': {'/': '1GB'}}, 'data', 'quota: unknown key(s) limit; it takes state, limits, purge, '
                                      'allow_disable_with_limits'),
    (['/app'], 'data', "quota: ['/app'] must be a dictionary of state, limits, purge, allow_disable_with_limits"),
    ({}, 'v; touch /tmp/p', 'characters glusterd refuses'),
])
def test_a_bad_definition_gets_the_module_s_message(quota, volume, problem):
    assert problem in quota_problem(quota, volume)


def test_the_purge_word_is_converted_as_the_module_does():
    # "false" is false for the module: purge without limits is then fine.
    assert quota_problem({'purge': 'false'}, 'data') == ''


def test_the_filter_is_registered():
    assert FilterModule().filters() == {'quota_problem': quota_problem}
