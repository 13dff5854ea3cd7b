"""module_command: a command run from a module as AnsibleModule.run_command runs it (same answers,
environment and failure), without forking the module (real processes, a real AnsibleModule)."""
import errno
import os
import subprocess
import time

import pytest

from ansible.module_utils import basic
from ansible.module_utils.testing import patch_module_args

from ansible_collections.glusterdock.storage.plugins.module_utils import gluster_cli, module_command

REPLY = '<cliOutput><opRet>0</opRet><opErrno>0</opErrno></cliOutput>'


class ModuleFailed(Exception):
    def __init__(self, result):
        super().__init__(result['msg'])
        self.result = result


@pytest.fixture
def module(monkeypatch):
    """A real AnsibleModule whose fail_json raises ModuleFailed."""
    def fail_json(module, msg, **result):
        raise ModuleFailed(dict(result, msg=msg))

    monkeypatch.setattr(basic.AnsibleModule, 'fail_json', fail_json)
    with patch_module_args({}):
        yield basic.AnsibleModule(argument_spec={})


@pytest.fixture
def popen_calls(monkeypatch):
    """The keyword arguments of every subprocess.Popen made while the test runs."""
    calls = []
    real_popen = subprocess.Popen

    def recording_popen(args, **kwargs):
        calls.append(kwargs)
        return real_popen(args, **kwargs)

    monkeypatch.setattr(subprocess, 'Popen', recording_popen)
    return calls


def write_script(path, text):
    path.write_text('#!/bin/sh\n' + text)
    path.chmod(0o755)
    return str(path)


@pytest.mark.parametrize('argv', [
    ['sh', '-c', 'echo out; echo err >&2; exit 3'],
    # Arguments are not expanded, nor run by a shell; the C locale reaches the command.
    ['sh', '-c', 'printf "%s|%s|%s\\n" "$1" "$2" "$LC_ALL"', 'sh', '$HOME', '~/x'],
    # Not UTF-8: kept as surrogates, as run_command keeps them.
    ['sh', '-c', 'printf "\\377caf\\303\\251\\n"; printf "\\376" >&2'],
    # More than a pipe holds, on both pipes.
    ['sh', '-c', 'head -c 300000 /dev/zero | tr "\\0" a; head -c 200000 /dev/zero | tr "\\0" b >&2'],
    ['sh', '-c', 'exit 0'],
])
def test_answers_as_run_command_does(module, argv):
    run = module_command.command_runner(module, {'LC_ALL': 'C'})
    assert run(argv) == module.run_command(argv, environ_update={'LC_ALL': 'C'}, expand_user_and_vars=False)


def test_environment_is_run_commands(module, monkeypatch):
    monkeypatch.setenv('PYTHONPATH', '/tmp/ansible_x/ansible_modlib.zip:/opt/lib:/tmp/debug_dir')
    module.run_command_environ_update = {'LANG': 'C'}
    argv = ['sh', '-c', 'echo "$PYTHONPATH $LANG $LC_ALL"']
    expected = module.run_command(argv, environ_update={'LC_ALL': 'C'}, expand_user_and_vars=False)
    assert module_command.command_runner(module, {'LC_ALL': 'C'})(argv) == expected == (0, '/opt/lib C C\n', '')


def test_a_command_that_cannot_start_fails_the_module_as_run_command_does(module, tmp_path):
    argv = [str(tmp_path / 'no-such-gluster'), '--mode=script']
    with pytest.raises(ModuleFailed) as ours:
        module_command.command_runner(module, {'LC_ALL': 'C'})(argv)
    with pytest.raises(ModuleFailed) as theirs:
        module.run_command(argv, environ_update={'LC_ALL': 'C'}, expand_user_and_vars=False)
    assert ours.value.result['rc'] == theirs.value.result['rc'] == errno.ENOENT
    assert ours.value.result['msg'] == theirs.value.result['msg'] == 'Error executing command.'
    assert ours.value.result['cmd'] == theirs.value.result['cmd'] == '%s --mode=script' % argv[0]


def test_stdin_is_empty_and_a_process_left_behind_does_not_hold_the_module(module):
    run = module_command.command_runner(module)
    assert run(['cat']) == (0, '', '')
    started = time.monotonic()
    # The child exits; a grandchild keeps its stdout open for 20 s.
    assert run(['sh', '-c', 'sleep 20 & echo left']) == (0, 'left\n', '')
    assert time.monotonic() - started < 10


def test_a_call_that_hangs_is_killed_on_its_bound_with_what_it_started(module, tmp_path):
    """A gluster heal read hung for good in glfsheal (a child of the CLI): the call ends on its bound
    with rc 124 and says so, and the grandchild is killed too, not left holding a brick connection."""
    marker = tmp_path / 'grandchild'
    run = module_command.command_runner(module, timeout=2)
    started = time.monotonic()
    rc, stdout, stderr = run(['sh', '-c', 'echo started; sh -c "echo \\$\\$ > %s; exec sleep 60"; sleep 60' % marker])
    assert time.monotonic() - started < 10
    assert rc == module_command.TIMED_OUT_RC and stdout == 'started\n'
    assert stderr.endswith('no answer within 2 s; killed it and what it started'), stderr
    grandchild = int(marker.read_text())
    for _attempt in range(50):
        try:
            os.kill(grandchild, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    else:
        raise AssertionError('the grandchild %d still runs' % grandchild)


def test_a_bounded_call_that_answers_in_time_is_unchanged(module):
    run = module_command.command_runner(module, {'LC_ALL': 'C'}, timeout=30)
    assert run(['sh', '-c', 'echo out; echo err >&2; exit 3']) == (3, 'out\n', 'err\n')


def test_gluster_runs_without_forking_the_module(module, tmp_path, monkeypatch, popen_calls):
    """Every gluster call of a module: the node's gluster (looked up once), in the C locale,
    without expansion, and without a preexec_fn (run_command's makes Python fork the module)."""
    (tmp_path / 'reply').write_text(REPLY)
    gluster = write_script(tmp_path / 'gluster', 'printf "%%s\\n" "$*" >> %s/calls; cat %s/reply' % (tmp_path, tmp_path))
    lookups = []
    monkeypatch.setattr(basic.AnsibleModule, 'get_bin_path', lambda module, name, required=False: lookups.append(name)
                        or gluster)
    cli = gluster_cli.cli_for_module(module)
    cli.read('volume', 'info', '$HOME')
    cli.read('pool', 'list')
    assert lookups == ['gluster']
    assert (tmp_path / 'calls').read_text() == '--mode=script volume info $HOME --xml\n--mode=script pool list --xml\n'
    assert [call.get('preexec_fn') for call in popen_calls] == [None, None]
    assert all(call['env']['LC_ALL'] == 'C' for call in popen_calls)
