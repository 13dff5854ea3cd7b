# -*- coding: utf-8 -*-
"""The shared Step/Plan shape and the one apply helper, against a GlusterCli with a scripted run."""

import pytest

from ansible_collections.glusterdock.storage.plugins.module_utils.errors import RequestError, StateError
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_cli import GlusterCli
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_plan import (
    Plan,
    Step,
    apply_steps,
    completed_before_failure,
)

BUSY = (1, '', 'Another transaction is in progress for vol. Please try again after some time.')


def scripted(replies):
    """A run_command that answers from ``replies`` in order and records the argv it was given."""
    argvs = []

    def run(argv):
        argvs.append(argv)
        return replies.pop(0)
    return run, argvs


def test_a_step_whose_reply_was_lost_is_not_sent_again_when_the_re_read_says_done():
    run, argvs = scripted([BUSY])
    cli = GlusterCli(run, sleep=lambda _seconds: None)
    reads = []
    step = Step(['volume', 'start', 'vol'], what='start volume vol', done=lambda state: state == 'started')
    apply_steps(cli, [step], lambda asked: reads.append(asked) or 'started')
    assert argvs == [['gluster', '--mode=script', 'volume', 'start', 'vol', '--xml']]
    assert reads == [step]
    assert cli.commands == ['gluster --mode=script volume start vol --xml']


def test_a_step_without_a_re_read_is_sent_once():
    run, argvs = scripted([BUSY])
    cli = GlusterCli(run, sleep=lambda _seconds: None)
    with pytest.raises(Exception, match='Another transaction'):
        apply_steps(cli, [Step(['volume', 'heal', 'vol'])], lambda step: pytest.fail('no re-read without done'))
    assert len(argvs) == 1


def test_check_mode_records_every_step_and_runs_none():
    cli = GlusterCli(lambda argv: pytest.fail('nothing runs in check mode'), check_mode=True)
    plan = Plan(steps=[Step(['volume', 'stop', 'vol']), Step(['volume', 'delete', 'vol'])])
    apply_steps(cli, plan.steps, lambda step: None)
    assert plan.changed and cli.commands == ['gluster --mode=script volume stop vol --xml',
                                             'gluster --mode=script volume delete vol --xml']
    assert Step(['volume', 'stop', 'vol']).command == 'gluster volume stop vol'


def test_completed_before_failure_names_the_commands_before_the_last():
    assert completed_before_failure(['a']) == 'no earlier command of this run had run'
    assert completed_before_failure(['a', 'b', 'c']) == 'commands completed before: a; b'


def test_errors_carry_their_argument_and_can_be_about_another():
    error = RequestError('node1:/b is not an absolute path', 'bricks')
    assert str(error) == 'bricks: node1:/b is not an absolute path'
    moved = error.about('brick_paths_checked')
    assert isinstance(moved, RequestError) and str(moved) == 'brick_paths_checked: node1:/b is not an absolute path'
    assert str(StateError('volume vol is started')) == 'volume vol is started'
