# -*- coding: utf-8 -*-
# Copyright: glusterdock developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run a command from a module as ``AnsibleModule.run_command`` does, without its fork of the
whole module. Pure of Ansible: the module is passed in.

``run_command`` always hands Python a ``preexec_fn`` (to set a umask when one is asked for), and
with one Python must fork() the module's interpreter, page tables and all, and run Python code in
the child before the exec; without one it uses vfork(). On the 2-core lab that was about 2 ms more
per call, for every gluster call of a module (two per volume created). The rest is kept: argv
without a shell or expansion, the same environment (the module's, its
``run_command_environ_update``, the caller's update, PYTHONPATH without Ansible's own entries),
stdout and stderr read as they come until both are closed, or until the command has exited and
said nothing for a second (a process it left behind may hold them open), the same failure
(``fail_json`` with ``rc`` and ``cmd``) when the command cannot be started, and the debug log of
the command. Unlike ``run_command``, a call may be bounded (``timeout``): the gluster CLI ends its
calls to glusterd itself (``--timeout``, 120 s by default), but not the glfsheal it starts for
``volume heal ... info``, which was seen to hang in a futex for good on a disperse volume whose
bricks had just been replaced; the module then hung with it. On the bound the command's whole
process group is killed (glfsheal with the CLI) and the call fails with rc 124 and a message.
"""

from __future__ import annotations

import os
import selectors
import shlex
import signal
import subprocess
import time
import traceback

# rc of a call killed on its bound, as timeout(1) reports one.
TIMED_OUT_RC = 124


def command_environment(module, environ_update):
    """The environment run_command gives a command: the module's, with its own and the caller's
    updates, and PYTHONPATH without the module's payload (a Python command must not import it)."""
    env = os.environ.copy()
    env.update(module.run_command_environ_update or {})
    env.update(environ_update or {})
    if 'PYTHONPATH' in env:
        paths = [path for path in env['PYTHONPATH'].split(':')
                 if path and not path.endswith('/ansible_modlib.zip') and not path.endswith('/debug_dir')]
        if paths:
            env['PYTHONPATH'] = ':'.join(paths)
    return env


def command_runner(module, environ_update=None, timeout=None):
    """A ``run(argv) -> (rc, stdout, stderr)`` for ``module`` (texts, as run_command returns them);
    the environment is built once, for every call. ``timeout``: seconds a call may take, or None."""
    env = command_environment(module, environ_update)

    def run(argv):
        # Encoded and decoded as run_command does (UTF-8, undecodable bytes kept as surrogates).
        args = [arg if isinstance(arg, bytes) else str(arg).encode('utf-8', 'surrogateescape') for arg in argv]
        command = shlex.join(arg.decode('utf-8', 'surrogateescape') for arg in args)
        if getattr(module, '_debug', False):
            module.log('Executing: ' + command)
        try:
            # stdin from /dev/null: gluster runs in script mode and must never wait for an answer. Its
            # own session, so that a call killed on its bound takes the processes it started along.
            child = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     env=env, close_fds=True, start_new_session=timeout is not None)
            stdout, stderr = read_until_done(child, timeout)
            stdout, stderr = stdout.decode('utf-8', 'surrogateescape'), stderr.decode('utf-8', 'surrogateescape')
            if child.returncode == -signal.SIGKILL and getattr(child, 'timed_out', False):
                return TIMED_OUT_RC, stdout, (stderr + '\n%s: no answer within %d s; killed it and what it started'
                                              % (command, timeout)).strip()
            return child.returncode, stdout, stderr
        except OSError as error:
            module.fail_json(rc=error.errno, stdout='', stderr='', msg='Error executing command.', cmd=command,
                             exception=traceback.format_exc())
        except Exception:
            module.fail_json(rc=257, stdout='', stderr='', msg='Error executing command.', cmd=command,
                             exception=traceback.format_exc())
        raise AssertionError('unreachable: fail_json exits')

    return run


def read_until_done(child, timeout=None):
    """(stdout, stderr) bytes of ``child``, read until both pipes close, or until it has exited and
    a second passed without output; it has exited when this returns. After ``timeout`` seconds
    (when given) its process group is killed and ``child.timed_out`` set."""
    output = {child.stdout: [], child.stderr: []}
    deadline = None if timeout is None else time.monotonic() + timeout
    with selectors.DefaultSelector() as selector:
        for pipe in output:
            os.set_blocking(pipe.fileno(), False)
            selector.register(pipe, selectors.EVENT_READ)
        while selector.get_map():
            if deadline is not None and time.monotonic() > deadline:
                child.timed_out = child.poll() is None
                try:
                    os.killpg(child.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                break
            events = selector.select(1)
            for key, _event in events:
                chunk = key.fileobj.read(32768)
                if chunk:
                    output[key.fileobj].append(chunk)
                elif chunk is not None:
                    selector.unregister(key.fileobj)
            if not events and child.poll() is not None:
                break
    child.wait()
    for pipe in output:
        pipe.close()
    return b''.join(output[child.stdout]), b''.join(output[child.stderr])
