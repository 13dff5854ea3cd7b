"""The CLI runner: argv, script mode, opRet, check mode, retries (canned real replies)."""
import pytest

from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_cli import GlusterCli, GlusterCommandError
from ansible_collections.glusterdock.storage.tests.unit.fixtures import fixture

VERSION = '10.3'
# glusterd's reply while another transaction holds the volume lock (glusterd-locks.c, EG_ANOTRANS).
BUSY = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<cliOutput><opRet>-1</opRet><opErrno>30802</opErrno>'
        '<opErrstr>Another transaction is in progress for rep. Please try again after some time.</opErrstr></cliOutput>')


class FakeGluster:
    """Plays back replies in order and records every argv it was given."""

    def __init__(self, *replies):
        self.replies = list(replies)
        self.argvs = []

    def __call__(self, argv):
        self.argvs.append(argv)
        return self.replies.pop(0)


def test_read_runs_script_mode_xml_argv():
    run = FakeGluster((0, fixture(VERSION, 'pool-list'), ''))
    cli = GlusterCli(run, gluster='/usr/sbin/gluster')
    root = cli.read('pool', 'list')
    assert root.tag == 'cliOutput'
    assert run.argvs == [['/usr/sbin/gluster', '--mode=script', 'pool', 'list', '--xml']]
    assert cli.calls == ['gluster --mode=script pool list --xml']
    assert cli.commands == []


def test_failure_with_exit_0_is_a_failure():
    run = FakeGluster((0, fixture(VERSION, 'volume-start-again'), ''))
    with pytest.raises(GlusterCommandError) as error:
        GlusterCli(run).change('volume', 'start', 'dist')
    details = error.value.details()
    assert details['cmd'] == 'gluster --mode=script volume start dist --xml'
    assert details['rc'] == 0 and details['op_ret'] == -1
    assert details['op_errstr'] == 'Volume dist already started'
    assert 'volume start dist' in details['msg'] and 'already started' in details['msg']


def test_plain_text_failure_is_reported():
    stderr = fixture(VERSION, 'volume-info-connection-failed')  # empty stdout
    run = FakeGluster((1, stderr, 'Connection failed. Please check if gluster daemon is operational.\n'))
    with pytest.raises(GlusterCommandError) as error:
        GlusterCli(run).read('volume', 'info', 'rep')
    assert 'Connection failed' in str(error.value)
    assert error.value.rc == 1 and error.value.op_ret is None
    assert not error.value.transient


def test_check_mode_records_changes_without_running_them():
    run = FakeGluster()
    cli = GlusterCli(run, check_mode=True)
    assert cli.change('volume', 'create', 'v; touch /tmp/p', 'node1:/bricks/$(id)') is None
    assert run.argvs == []
    # Recorded quoted, as a shell would need it; run as an argv list, never through a shell.
    assert cli.commands == ["gluster --mode=script volume create 'v; touch /tmp/p' 'node1:/bricks/$(id)' --xml"]


def test_busy_glusterd_is_retried_with_backoff():
    sleeps = []
    run = FakeGluster((0, BUSY, ''), (0, BUSY, ''), (0, fixture(VERSION, 'volume-start'), ''))
    cli = GlusterCli(run, sleep=sleeps.append)
    cli.change('volume', 'start', 'dist')
    assert len(run.argvs) == 3
    assert sleeps == [0.5, 1.0]
    assert cli.commands == ['gluster --mode=script volume start dist --xml']


def test_retry_stops_when_the_state_shows_the_change_happened():
    run = FakeGluster((0, BUSY, ''))
    cli = GlusterCli(run, sleep=lambda delay: None)
    assert cli.change('volume', 'start', 'dist', already_done=lambda: True) is None
    assert len(run.argvs) == 1


def test_retries_are_bounded():
    run = FakeGluster(*[(0, BUSY, '')] * 4)
    with pytest.raises(GlusterCommandError) as error:
        GlusterCli(run, attempts=4, sleep=lambda delay: None).read('volume', 'status', 'rep')
    assert error.value.transient and len(run.argvs) == 4


def test_change_without_retry_runs_once_even_when_glusterd_is_busy():
    run = FakeGluster((0, BUSY, ''), (0, fixture(VERSION, 'volume-start'), ''))
    cli = GlusterCli(run, sleep=lambda delay: None)
    with pytest.raises(GlusterCommandError) as error:
        cli.change('volume', 'reset-brick', 'rep', 'node2:/bricks/rep/b', 'start', retry=False)
    assert error.value.transient and len(run.argvs) == 1
    assert cli.commands == ['gluster --mode=script volume reset-brick rep node2:/bricks/rep/b start --xml']
