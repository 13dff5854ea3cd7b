"""The gluster_info module through the real AnsibleModule (the shared run_module fixture): argument
types and choices, bad input refused before any gluster call, and a run on replies captured from a
real pool with a killed brick."""
import json

import pytest

from ansible_collections.glusterdock.storage.plugins.modules import gluster_info
from ansible_collections.glusterdock.storage.tests.unit.plugins.modules.ansible_module_runner import reply

VERSION = '10.3'
BRICK_DOWN = [reply(VERSION, name) for name in (
    'health-pool-list', 'health-get-all-all', 'health-volume-info-all', 'health-volume-status-all-brick-down',
    'health-volume-status-all-detail-brick-down', 'health-heal-summary-brick-down', 'health-clients-all')]


def test_a_pool_with_a_killed_brick_is_reported_unhealthy_and_nothing_changed(run_module):
    result, gluster = run_module(gluster_info.main, {}, VERSION, BRICK_DOWN)
    json.dumps(result)  # what a module returns must serialise
    assert not result['failed'] and not result['changed'] and not result['healthy']
    assert result['problems'][0] == 'brick node2:/bricks/rep/b of volume rep offline'
    assert result['calls'] == len(gluster.calls) == 7


def test_check_mode_reads_the_same(run_module):
    expected = [reply(VERSION, name) for name in (
        'health-volume-info-all', 'health-volume-status-all-brick-down', 'health-volume-status-all-detail-brick-down')]
    result, gluster = run_module(gluster_info.main, {'gather_subset': 'status'}, VERSION, expected, check_mode=True)
    assert result['gathered'] == ['volumes', 'status'] and not result['changed']
    assert gluster.calls == ['volume info', 'volume status all', 'volume status all detail']


@pytest.mark.parametrize('args, message', [
    ({'gather_subset': ['disk']}, 'value of gather_subset must be one or more of'),
    ({'full_percent': 'most'}, "argument 'full_percent' is of type"),
    ({'full_percent': 101}, 'full_percent: 101 is not a percentage from 1 to 100'),
    ({'volumes': ['all']}, "volumes: 'all' is a word reserved by the gluster CLI"),
    ({'volume': ['web']}, 'Unsupported parameters'),
])
def test_bad_input_fails_before_any_gluster_call(run_module, args, message):
    result, gluster = run_module(gluster_info.main, args, VERSION)
    assert result['failed'] and message in result['msg'], result['msg']
    assert gluster.calls == []
