# -*- coding: utf-8 -*-
# Copyright: glusterdock developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run the gluster CLI safely: argv lists, script mode, XML, success judged by opRet.

Pure of Ansible: the caller passes a ``run_command(argv) -> (rc, stdout, stderr)`` function,
so the runner is unit-tested with canned output captured from real servers.
"""

from __future__ import annotations

import shlex
import time
from xml.etree import ElementTree

from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_wait import delays
from ansible_collections.glusterdock.storage.plugins.module_utils.module_command import command_runner

# The bound of one gluster call: well above the CLI's own 120 s for a glusterd request, so it only
# ends a call that hangs outside glusterd (a glfsheal stuck for good); waits read again after it.
CALL_TIMEOUT_SECONDS = 300
# glusterd's errno for "Another transaction is in progress" (GD_OP_... lock contention).
TRANSACTION_IN_PROGRESS_ERRNO = 30802
TRANSIENT_MESSAGES = (
    'another transaction is in progress',
    'locking failed',
    'request timed out',
    'error : request timed out',
)


class GlusterCommandError(Exception):
    """A gluster command failed: carries everything an operator needs to see why.

    ``command`` is the command as run, ``detail`` gluster's own message (or the reason the reply
    was not understood); str() is "COMMAND failed: DETAIL".
    """

    def __init__(self, command, rc, stdout, stderr, op_ret=None, op_errno=None, op_errstr=None, reason=None):
        self.command = command
        self.rc = rc
        self.stdout = stdout
        self.stderr = stderr
        self.op_ret = op_ret
        self.op_errno = op_errno
        self.op_errstr = op_errstr
        self.detail = reason or op_errstr or (stderr or '').strip() or (stdout or '').strip() or 'no output'
        super().__init__('%s failed: %s' % (command, self.detail))

    @property
    def transient(self):
        """True when glusterd was busy or slow: the same command may succeed later."""
        if self.op_errno == TRANSACTION_IN_PROGRESS_ERRNO:
            return True
        text = ' '.join(filter(None, (self.op_errstr, self.stderr, self.stdout))).lower()
        return any(message in text for message in TRANSIENT_MESSAGES)

    def details(self):
        """The failure as keyword arguments for AnsibleModule.fail_json."""
        return {
            'msg': str(self),
            'cmd': self.command,
            'rc': self.rc,
            'op_ret': self.op_ret,
            'op_errno': self.op_errno,
            'op_errstr': self.op_errstr,
            'stdout': self.stdout,
            'stderr': self.stderr,
        }


def parse_cli_output(command, rc, stdout, stderr):
    """Return the <cliOutput> element of a reply, or raise GlusterCommandError.

    With --xml the CLI may exit 0 on failure, and non-zero with a useful opErrstr: only
    opRet decides.
    """
    try:
        root = ElementTree.fromstring(stdout)
    except ElementTree.ParseError:
        raise GlusterCommandError(command, rc, stdout, stderr, reason=(stderr or stdout or '').strip() or
                                  'no XML in the reply (rc=%s)' % rc)
    if root.tag != 'cliOutput':
        raise GlusterCommandError(command, rc, stdout, stderr, reason='unexpected XML root <%s>' % root.tag)
    op_ret = int_or_none(root.findtext('opRet'))
    op_errno = int_or_none(root.findtext('opErrno'))
    op_errstr = (root.findtext('opErrstr') or '').strip() or None
    if op_ret != 0:
        raise GlusterCommandError(command, rc, stdout, stderr, op_ret, op_errno, op_errstr)
    return root


def text_reply(command, rc, stdout, stderr):
    """The stdout of a reply that gluster has in text only, or raise GlusterCommandError: success
    is the exit code there."""
    if rc != 0:
        raise GlusterCommandError(command, rc, stdout, stderr)
    return stdout


def int_or_none(text):
    """An XML field as an int, or None when it is missing or not a number."""
    try:
        return int(text)
    except (TypeError, ValueError):
        return None


class GlusterCli:
    """Runs gluster commands and keeps the record a module reports.

    ``calls`` holds every command run (reads included): the benchmark counts it.
    ``commands`` holds the changing commands: run, or in check mode only planned.
    """

    def __init__(self, run_command, check_mode=False, gluster='gluster', attempts=4,
                 first_delay=0.5, max_delay=4.0, sleep=time.sleep):
        self._run_command = run_command
        self.check_mode = check_mode
        self._gluster = gluster
        self._attempts = attempts
        self._first_delay = first_delay
        self._max_delay = max_delay
        self._sleep = sleep
        self.calls = []
        self.commands = []

    @staticmethod
    def argv(args):
        """The full argv for a gluster subcommand, as it is recorded."""
        return GlusterCli.text_argv(args) + ['--xml']

    @staticmethod
    def text_argv(args):
        """The argv for a gluster subcommand without --xml, for the replies gluster has no XML for."""
        return ['gluster', '--mode=script'] + [str(arg) for arg in args]

    def read(self, *args):
        """Run a read-only command (also in check mode); retried while glusterd is busy."""
        return self._run_xml(args)

    def read_text(self, *args):
        """Run a read-only command without --xml, for the few replies gluster has no XML for
        (``volume status NAME client-list``); returns stdout. Success is the exit code here."""
        return self._run(self.text_argv(args), text_reply)

    def change(self, *args, already_done=None, retry=True):
        """Run a changing command, or in check mode only record it.

        ``already_done`` (optional): a function that re-reads the state and says whether the
        change has taken effect. It is asked before every retry, because a command that timed
        out or met a concurrent transaction may have been applied anyway.
        ``retry=False``: one attempt only, for a command whose effect cannot be read back cheaply.
        Returns the <cliOutput> element, or None when nothing was run.
        """
        self.commands.append(shlex.join(self.argv(args)))
        if self.check_mode:
            return None
        return self._run_xml(args, already_done, attempts=None if retry else 1)

    def change_text(self, *args, retry_if=None, attempts=1):
        """Run a changing command that gluster answers in text only, even with --xml (a heal start
        and split-brain resolution run through glfsheal), or in check mode only record it. Success
        is the exit code; returns stdout (None in check mode). Sent once, unless ``retry_if(error)``
        says a failure is worth another of up to ``attempts`` tries (paused as the busy retries are,
        from 2 seconds up to 10)."""
        argv = self.text_argv(args)
        self.commands.append(shlex.join(argv))
        if self.check_mode:
            return None
        return self._run(argv, text_reply, attempts=attempts, worth_retrying=retry_if, pauses=delays(2.0, 10.0))

    def _run_xml(self, args, already_done=None, attempts=None):
        """An --xml command, tried again while glusterd is busy (GlusterCommandError.transient)."""
        return self._run(self.argv(args), parse_cli_output, attempts=attempts or self._attempts,
                         worth_retrying=lambda error: error.transient,
                         pauses=delays(self._first_delay, self._max_delay, factor=2), already_done=already_done)

    def _run(self, argv, reply, attempts=1, worth_retrying=None, pauses=None, already_done=None):
        """Run ARGV (recorded in ``calls`` at every attempt) and return ``reply(command, rc, stdout,
        stderr)``, which raises GlusterCommandError on a failure. A failure that ``worth_retrying(error)``
        accepts is tried again, up to ATTEMPTS times in all, after the next of PAUSES; before that,
        ``already_done()`` (when given) may say the change took effect anyway: None is returned then."""
        command = shlex.join(argv)
        for attempt in range(1, attempts + 1):
            self.calls.append(command)
            rc, stdout, stderr = self._run_command([self._gluster] + argv[1:])
            try:
                return reply(command, rc, stdout, stderr)
            except GlusterCommandError as error:
                if attempt == attempts or worth_retrying is None or not worth_retrying(error):
                    raise
            self._sleep(next(pauses))
            if already_done is not None and already_done():
                return None
        raise AssertionError('unreachable')


def cli_for_module(module):
    """A GlusterCli that runs the node's gluster through an AnsibleModule: C locale (the XML and
    messages parsed are the English ones), no shell, no expansion of ``~`` or ``$`` in arguments,
    check mode from the module. The binary is looked up once, and run without forking the module
    (module_command: two gluster calls per volume created add up)."""
    gluster = module.get_bin_path('gluster', required=True)
    return GlusterCli(command_runner(module, {'LC_ALL': 'C'}, timeout=CALL_TIMEOUT_SECONDS), check_mode=module.check_mode,
                      gluster=gluster)
