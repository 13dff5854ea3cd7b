"""Run a module's main() through the real AnsibleModule (argument spec, aliases, types, choices,
deprecations, check and diff mode), with gluster answered from XML captured on real servers.

The fake gluster checks each argv against the command the test expects next, so a test states
every gluster call the module makes, in order; a call the test did not expect fails the test.
"""
import os

import pytest

from ansible.module_utils import _internal as module_utils_internal, basic
from ansible.module_utils.common import warnings
from ansible.module_utils.testing import patch_module_args

from ansible_collections.glusterdock.storage.plugins.module_utils import gluster_cli
from ansible_collections.glusterdock.storage.tests.unit.fixtures import FIXTURES, fixture, manifest, text_fixture

GLUSTER = '/usr/sbin/gluster'


class ModuleExit(Exception):
    """exit_json or fail_json was called; ``result`` holds what the module returned."""

    def __init__(self, result):
        super().__init__(result.get('msg'))
        self.result = result


def reply(version, name, command=None):
    """The gluster call a test expects next: ``command`` (after ``gluster --mode=script``, without
    ``--xml``; by default the command the fixture was captured from) answered with fixture ``name``."""
    node, rc, captured = manifest(version)[name]
    if command is None:
        command = captured.split(' ', 2)[2]
        if command.endswith(' --xml'):
            command = command[:-len(' --xml')]
    return command, name, rc


class FakeGluster:
    """Answers the expected gluster calls in order, from captured fixtures."""

    def __init__(self, version, expected):
        self.version = version
        self.expected = list(expected)
        self.calls = []

    def run_command(self, argv, **kwargs):
        assert argv[:2] == [GLUSTER, '--mode=script'], argv
        assert kwargs.get('environ_update') == {'LC_ALL': 'C'} and kwargs.get('expand_user_and_vars') is False
        xml = argv[-1] == '--xml'
        command = ' '.join(argv[2:-1] if xml else argv[2:])
        self.calls.append(command)
        assert self.expected, 'gluster %s was not expected' % command
        wanted, name, rc = self.expected.pop(0)
        assert command == wanted
        if xml:
            return rc, fixture(self.version, name), ''
        return rc, text_fixture(self.version, name), stderr_fixture(self.version, name)


def stderr_fixture(version, name):
    """The captured stderr of a command without an XML form (``name``.stderr), or ''."""
    path = os.path.join(FIXTURES, 'gluster-' + version, name + '.stderr')
    if not os.path.exists(path):
        return ''
    with open(path) as handle:
        return handle.read()


def route_gluster_calls(monkeypatch, answer):
    """Send every gluster call of a module (cli_for_module's runner, which runs the binary itself,
    not through run_command) to ``answer(argv, **options)``, with the options run_command would
    have been given for the same call: the environment update, and no expansion."""
    monkeypatch.setattr(gluster_cli, 'command_runner', lambda module, environ_update=None, timeout=None: (
        lambda argv: answer(argv, environ_update=environ_update, expand_user_and_vars=False)))


def module_runner(monkeypatch):
    """The ``run_module`` fixture (conftest.py):
    run_module(main, params, version, expected=(), check_mode=False, diff=False) -> (result, gluster).

    ``result`` is what the module passed to exit_json or fail_json (``failed`` set), plus the
    ``warnings`` and ``deprecations`` AnsibleModule collected."""
    def exit_json(module, **result):
        raise ModuleExit(dict(result, failed=False))

    def fail_json(module, msg, **result):
        raise ModuleExit(dict(result, msg=msg, failed=True))

    monkeypatch.setattr(basic.AnsibleModule, 'exit_json', exit_json)
    monkeypatch.setattr(basic.AnsibleModule, 'fail_json', fail_json)
    monkeypatch.setattr(basic.AnsibleModule, 'get_bin_path', lambda module, name, *args, **kwargs: GLUSTER)

    def run(main, params, version, expected=(), check_mode=False, diff=False):
        # Module side: warnings are collected for the result (once a controller plugin is imported
        # in the same test run, ansible would print them instead).
        monkeypatch.setattr(module_utils_internal, 'is_controller', False)
        monkeypatch.setattr(warnings, '_global_warnings', {})
        monkeypatch.setattr(warnings, '_global_deprecations', {})
        gluster = FakeGluster(version, expected)
        route_gluster_calls(monkeypatch, gluster.run_command)
        args = dict(params, _ansible_check_mode=check_mode, _ansible_diff=diff)
        with patch_module_args(args), pytest.raises(ModuleExit) as finished:
            main()
        result = finished.value.result
        result['warnings'] = list(warnings.get_warning_messages())
        result['deprecations'] = [item['msg'] for item in warnings.get_deprecation_messages()]
        assert gluster.expected == [], 'expected gluster calls not made: %s' % gluster.expected
        return result, gluster
    return run
