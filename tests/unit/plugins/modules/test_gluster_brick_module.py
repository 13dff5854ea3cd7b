"""gluster_brick through the real AnsibleModule: its argument spec (aliases, types, choices), the
module's own checks refusing bad input before any gluster call, and whole runs whose every gluster
call is checked against the argv expected, answered with XML captured from real servers."""
import json

import pytest

from ansible.module_utils import basic
from ansible.module_utils.testing import patch_module_args

from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_layout import Reachability
from ansible_collections.glusterdock.storage.plugins.modules import gluster_brick

from ansible_collections.glusterdock.storage.tests.unit.fixtures import VERSIONS, fixture
from ansible_collections.glusterdock.storage.tests.unit.plugins.modules.ansible_module_runner import route_gluster_calls
from ansible_collections.glusterdock.storage.tests.unit.plugins.modules.test_gluster_brick_removal import (
    as_node1,
)

GLUSTER = '/usr/sbin/gluster'


class AnsibleExitJson(Exception):
    """exit_json was called: the run's result."""


class AnsibleFailJson(Exception):
    """fail_json was called: the run's result."""


class FakeGluster:
    """Answers the module's gluster calls in the order expected: each call's argv must be exactly
    ``gluster --mode=script ARGS --xml`` for the next (ARGS, fixture name) of ``expected``."""

    def __init__(self, version, expected, edits=None):
        self.version = version
        self.expected = list(expected)
        self.edits = edits or {}
        self.calls = []

    def __call__(self, argv, **kwargs):
        assert kwargs.get('environ_update') == {'LC_ALL': 'C'}, 'gluster must run in the C locale'
        assert self.expected, 'unexpected gluster call: %s' % ' '.join(argv)
        args, name = self.expected.pop(0)
        assert argv == [GLUSTER, '--mode=script'] + args.split() + ['--xml']
        self.calls.append(args)
        text = fixture(self.version, name)
        for old, new in self.edits.get(name, []):
            assert old in text
            text = text.replace(old, new)
        return 0, text, ''


@pytest.fixture
def ansible(monkeypatch):
    """Run gluster_brick.main() with module args; returns (failed, result)."""
    def exit_json(module, **result):
        raise AnsibleExitJson(result)

    def fail_json(module, **result):
        raise AnsibleFailJson(result)
    monkeypatch.setattr(basic.AnsibleModule, 'exit_json', exit_json)
    monkeypatch.setattr(basic.AnsibleModule, 'fail_json', fail_json)
    monkeypatch.setattr(basic.AnsibleModule, 'get_bin_path', lambda module, name, required=False: GLUSTER)
    # The volume's crawl through a private mount: every file reachable.
    monkeypatch.setattr(gluster_brick, 'check_reachable',
                        lambda run_command, volume: Reachability(files=10, directories=2))

    def run(args, gluster=None):
        gluster = gluster or FakeGluster(None, [])
        route_gluster_calls(monkeypatch, gluster)
        with patch_module_args(args):
            with pytest.raises((AnsibleExitJson, AnsibleFailJson)) as finished:
                gluster_brick.main()
        assert not gluster.expected, 'gluster calls expected but not made: %s' % gluster.expected
        result = finished.value.args[0]
        # What Ansible would send back to the controller.
        json.dumps(result)
        return finished.type is AnsibleFailJson, result
    return run


# ---- refused before any gluster call -------------------------------------------------------

@pytest.mark.parametrize('args, message', [
    ({'bricks': ['node1:/b']}, 'missing required arguments: volume'),
    ({'volume': 'dist', 'state': 'grown', 'bricks': ['node1:/b']},
     'value of state must be one of: present, absent, replaced, reset, rebalanced, got: grown'),
    ({'volume': 'dist', 'bricks': ['node1:/b'], 'replica': 'three'},
     "argument 'replica' is of type str and we were unable to convert to int: \"'three'\" cannot be converted to an "
     "int"),
    ({'volume': 'dist', 'state': 'absent'}, 'bricks: give the bricks to remove'),
    ({'name': 'dist', 'state': 'rebalanced', 'bricks': ['node1:/b']},
     'bricks: state rebalanced works on the whole volume; leave bricks out'),
    ({'volume': 'dist', 'state': 'absent', 'bricks': 'node1:/bricks/x,node1:/bricks/x/'},
     'bricks: node1:/bricks/x is listed twice'),
    ({'volume': 'dist', 'state': 'replaced', 'bricks': ['node1:/a']},
     'new_bricks: give one new brick for each brick to replace (1 bricks, 0 new_bricks)'),
    ({'volume': 'dist', 'state': 'replaced', 'bricks': ['node1:/a'], 'new_bricks': ['node1:/a']},
     'new_bricks: node1:/a is also in bricks; to rebuild a brick on the same path after a disk swap use state: reset'),
    ({'volume': 'dist', 'state': 'absent', 'bricks': ['node1:/a'], 'new_bricks': ['node2:/a']},
     'new_bricks: only used with state: replaced'),
    ({'volume': 'dist', 'bricks': ['node1:/a'], 'arbiter': 1},
     'arbiter: give it with replica: 3 (replica 2 + one arbiter per set)'),
    ({'volume': 'dist', 'bricks': ['node1:/a'], 'arbiter': 1, 'replica': 3, 'state': 'absent'},
     'arbiter: only used with state: present (to add arbiter bricks)'),
    ({'volume': 'dist', 'state': 'reset', 'bricks': ['node1:/a'], 'replica': 2},
     'replica: only used with state present (raise it) or absent (lower it)'),
    ({'volume': 'dist', 'bricks': ['node1:/a'], 'replica': 0}, 'replica: must be a positive whole number, not 0'),
    ({'volume': 'dist', 'bricks': ['node1:/a'], 'offline_bricks_are_stale': True},
     'offline_bricks_are_stale: only used with state replaced or reset'),
    ({'volume': 'dist', 'bricks': ['node1:/a'], 'allow_replica_reduction': 'yes'},
     'allow_replica_reduction: only used with state: absent'),
    ({'volume': 'dist', 'state': 'absent', 'bricks': ['node1:/a'], 'rebalance': True},
     'rebalance: only used with state: present (use state: rebalanced on its own)'),
    ({'volume': 'dist', 'state': 'absent', 'bricks': ['node1:/a'], 'timeout': '0'},
     'timeout: must be a positive number of seconds, not 0'),
])
def test_bad_input_is_refused_before_any_gluster_call(ansible, args, message):
    failed, result = ansible(args)
    assert failed
    assert result['msg'] == message
    assert 'changed' not in result or result['changed'] is False


@pytest.mark.parametrize('args, start', [
    # Ansible lists the valid booleans from a set (in no fixed order) and its list of supported
    # parameters puts the alias on the wrong option: only the start of those messages is fixed.
    ({'volume': 'dist', 'bricks': ['node1:/b'], 'rebalance': 'maybe'},
     "argument 'rebalance' is of type str and we were unable to convert to bool: The value 'maybe' is not a valid "
     "boolean."),
    ({'volume': 'dist', 'bricks': ['node1:/b'], 'colour': 'red'},
     'Unsupported parameters for (basic.py) module: colour. Supported parameters include: allow_replica_reduction, '),
])
def test_ansible_refuses_a_bad_type_or_an_unknown_option_before_any_gluster_call(ansible, args, start):
    failed, result = ansible(args)
    assert failed and result['msg'].startswith(start)


@pytest.mark.parametrize('brick, message', [
    ('node1:relative', 'must be absolute'),
    ('node1:/var/lib/glusterd/x', "glusterd's own directory"),
    ('--help:/x', 'invalid host'),
])
def test_a_malformed_brick_is_refused_before_any_gluster_call(ansible, brick, message):
    failed, result = ansible({'volume': 'dist', 'state': 'absent', 'bricks': [brick]})
    assert failed and result['msg'].startswith('bricks: ') and message in result['msg']
    assert result['commands'] == []


def test_a_reserved_volume_name_is_refused_before_any_gluster_call(ansible):
    failed, result = ansible({'volume': 'all', 'state': 'rebalanced'})
    assert failed and 'reserved by the gluster CLI' in result['msg'] and result['commands'] == []


# ---- whole runs ----------------------------------------------------------------------------

@pytest.mark.parametrize('version', VERSIONS)
def test_bricks_gone_already_is_a_no_op_of_two_reads_and_no_diff_outside_diff_mode(ansible, version):
    gluster = FakeGluster(version, [('volume info dist', 'volume-info-dist'), ('pool list', 'pool-list')])
    # The alias name, and bricks as one comma-separated string (type list splits it).
    failed, result = ansible({'name': 'dist', 'state': 'absent', 'bricks': 'node3:/bricks/dist/gone'}, gluster)
    assert not failed and result['changed'] is False and result['commands'] == []
    assert gluster.calls == ['volume info dist', 'pool list']
    assert 'diff' not in result and 'timings' not in result


@pytest.mark.parametrize('version', VERSIONS)
def test_check_mode_adds_bricks_only_on_paper_and_diff_mode_shows_the_layout(ansible, version):
    gluster = FakeGluster(version, [('volume info dist', 'volume-info-dist'), ('pool list', 'pool-list')])
    failed, result = ansible({'volume': 'dist', 'bricks': ['node3:/bricks/dist/b9'],
                              '_ansible_check_mode': True, '_ansible_diff': True}, gluster)
    assert not failed and result['changed'] is True
    assert result['commands'] == ['gluster --mode=script volume add-brick dist node3:/bricks/dist/b9 --xml',
                                  'gluster --mode=script volume rebalance dist fix-layout start --xml']
    assert result['diff']['after']['bricks'] == result['diff']['before']['bricks'] + ['node3:/bricks/dist/b9']


REMOVE = 'volume remove-brick dist node1:/bricks/dist/b2'


@pytest.mark.parametrize('version', VERSIONS)
def test_a_clean_removal_is_started_polled_committed_and_timed(ansible, version):
    # The captured statuses are node2's migration: as_node1 makes them node1's (which hosts the brick).
    gluster = FakeGluster(version, [
        ('volume info dist', 'volume-info-dist'),
        ('pool list', 'pool-list'),
        ('volume status dist', 'volume-status-remove-brick-stopped'),
        (REMOVE + ' start', 'remove-brick-start'),
        (REMOVE + ' status', 'remove-brick-status-early'),
        (REMOVE + ' status', 'remove-brick-status-completed'),
        ('pool list', 'pool-list'),
        ('volume status dist', 'volume-status-remove-brick-stopped'),
        (REMOVE + ' commit', 'remove-brick-commit'),
        ('volume info dist', 'volume-info-dist'),
    ], edits={'remove-brick-status-completed': [as_node1(version)]})
    failed, result = ansible({'volume': 'dist', 'state': 'absent', 'bricks': ['node1:/bricks/dist/b2'],
                              'timeout': '60'}, gluster)
    assert not failed, result['msg']
    assert result['changed'] is True and result['resumed'] is False
    assert result['commands'] == ['gluster --mode=script %s %s --xml' % (REMOVE, action) for action in ('start', 'commit')]
    assert sorted(result['timings']) == ['commit_command', 'start_command', 'to_commit', 'to_start']
    assert result['timings']['to_start'] <= result['timings']['to_commit']
    assert 'diff' not in result
