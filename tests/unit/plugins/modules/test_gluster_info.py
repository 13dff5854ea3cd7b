"""The gluster_info module through the real AnsibleModule (the shared run_module fixture): argument
types and choices, bad input refused before any gluster call, a run on replies captured from a
real pool with a killed brick, and the TLS certificates of the node (files in a temporary
directory, the clock fixed)."""
import datetime
import json
import os
import shutil
import socket

import pytest

from ansible_collections.glusterdock.storage.plugins.module_utils import gluster_info as gluster_info_core
from ansible_collections.glusterdock.storage.plugins.modules import gluster_info
from ansible_collections.glusterdock.storage.tests.unit.fixtures import FIXTURES
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


def tls_node(monkeypatch, tmp_path, certificate):
    """A node with management TLS on (its secure-access file under TMP_PATH) whose certificates are in
    TMP_PATH/ssl, at 2026-11-29 12:00 UTC; returns the directory."""
    secure_access = tmp_path / 'secure-access'
    secure_access.write_text('')
    monkeypatch.setattr(gluster_info_core, 'SECURE_ACCESS', str(secure_access))
    monkeypatch.setattr(gluster_info, 'utc_now', lambda: datetime.datetime(2026, 11, 29, 12, 0, tzinfo=datetime.timezone.utc))
    directory = tmp_path / 'ssl'
    directory.mkdir()
    for name, source in (('glusterfs.pem', certificate), ('glusterfs.ca', 'ca.pem')):
        shutil.copy(os.path.join(FIXTURES, 'tls', source), str(directory / name))
    (directory / 'glusterfs.key').write_text('not read')
    return str(directory)


def test_a_certificate_expiring_within_30_days_is_a_problem_read_without_any_gluster_call(run_module, monkeypatch, tmp_path):
    directory = tls_node(monkeypatch, tmp_path, 'node1.pem')
    result, gluster = run_module(gluster_info.main, {'gather_subset': ['tls'], 'tls_directory': directory}, VERSION)
    json.dumps(result)
    assert gluster.calls == [] and result['calls'] == 0 and result['gathered'] == ['tls']
    assert result['problems'] == ['TLS certificate %s/glusterfs.pem of %s expires in 12 days (2026-12-11)'
                                  % (directory, socket.gethostname())]
    assert not result['healthy'] and result['tls']['certificate']['days_left'] == 12
    assert result['tls']['ca']['not_after'] == '2036-01-01T00:00:00Z'


def test_the_tls_subset_adds_no_gluster_call_to_a_full_read(run_module, monkeypatch, tmp_path):
    directory = tls_node(monkeypatch, tmp_path, 'node1.pem')
    result, gluster = run_module(gluster_info.main, {'tls_directory': directory, 'tls_expiry_warning_days': 10},
                                 VERSION, BRICK_DOWN)
    assert result['calls'] == len(gluster.calls) == 7
    assert result['tls']['enabled'] and not [problem for problem in result['problems'] if 'TLS' in problem]


def test_when_glusterd_does_not_answer_the_certificate_problems_are_still_told(run_module, monkeypatch, tmp_path):
    directory = tls_node(monkeypatch, tmp_path, 'node1.pem')
    monkeypatch.setattr(gluster_info, 'utc_now', lambda: datetime.datetime(2027, 1, 1, tzinfo=datetime.timezone.utc))
    result, _gluster = run_module(gluster_info.main, {'tls_directory': directory}, VERSION,
                                  [reply(VERSION, 'volume-info-connection-failed', 'pool list')])
    assert result['failed'] and 'glusterd on this node did not answer' in result['msg']
    assert result['problems'] == ['TLS certificate %s/glusterfs.pem of %s expired 20 days ago (2026-12-11)'
                                  % (directory, socket.gethostname())]


@pytest.mark.parametrize('args, message', [
    ({'tls_directory': 'ssl'}, "tls_directory: 'ssl' is not an absolute path"),
    ({'tls_expiry_warning_days': -2}, 'tls_expiry_warning_days: -2 is negative'),
])
def test_bad_tls_arguments_fail_before_anything_is_read(run_module, args, message):
    result, gluster = run_module(gluster_info.main, args, VERSION)
    assert result['failed'] and message in result['msg'] and gluster.calls == []
