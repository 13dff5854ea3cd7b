# -*- coding: utf-8 -*-
# Copyright: glusterdock developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one shape of a plan, shared by every module that changes gluster.

A planner (pure: current state and request in, Plan out) lists Steps; a module runs them with
``apply_steps``, or in check mode only records them. Each Step says what it does in words, its
argv, and how a fresh read proves it done: a command whose reply was lost (a timeout, another
transaction holding the lock) may have taken effect, and must not be sent twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional


@dataclass
class Step:
    """One changing gluster command.

    ``args``: the arguments after ``gluster --mode=script`` (without ``--xml``).
    ``what``: what it does, for the operator ("add bricks", "replace node1:/b with node3:/b").
    ``done(state)``: from a fresh read of the state the planner planned from, whether the
    command has taken effect; None when no read can tell (the command is then sent once only).
    ``bricks``: the bricks it acts on, in the order of ``args`` (for replace-brick: old, new).
    ``reads``: what the module's re-read must cover for ``done`` to answer (quota: the paths).
    ``text_reply``: gluster answers this command in text only, even with --xml (heal starts and
    split-brain resolution, which run through glfsheal); it is judged by its exit code.
    ``retry_if(error)``/``attempts``: for a text-reply step, a failure worth trying again (nothing
    can be re-read to tell whether such a step took effect, so only one that is safe to repeat).
    """
    args: List[str]
    what: str = ''
    done: Optional[Callable[[Any], bool]] = None
    bricks: List[str] = field(default_factory=list)
    reads: List[str] = field(default_factory=list)
    text_reply: bool = False
    retry_if: Optional[Callable[[Any], bool]] = None
    attempts: int = 1

    @property
    def command(self):
        """The command as the operator would type it."""
        return ' '.join(['gluster'] + [str(arg) for arg in self.args])


@dataclass
class Plan:
    """The steps in order, the diff (``before``/``after``) and warnings for the operator."""
    steps: List[Step] = field(default_factory=list)
    before: Dict[str, Any] = field(default_factory=dict)
    after: Dict[str, Any] = field(default_factory=dict)
    warnings: List[str] = field(default_factory=list)

    @property
    def changed(self):
        """True when the plan has a step to run: the module reports changed."""
        return bool(self.steps)


def apply_steps(cli, steps, read_state):
    """Run ``steps`` in order through ``cli`` (GlusterCli; in check mode it only records them).

    ``read_state(step)`` reads the state a step's ``done`` judges; it is called only before a
    retry. A step without ``done`` is sent once, never retried blind. Returns each step's reply
    (None when it was not sent: check mode, or a re-read proved it done), for a module that
    reads more than success from it (a probe gluster answers "already a friend").
    """
    replies = []
    for step in steps:
        if step.text_reply:
            replies.append(cli.change_text(*step.args, retry_if=step.retry_if, attempts=step.attempts))
        elif step.done is None:
            replies.append(cli.change(*step.args, retry=False))
        else:
            replies.append(cli.change(*step.args, already_done=lambda step=step: step.done(read_state(step))))
    return replies


def completed_before_failure(commands):
    """The sentence a module adds to a failure after changes: which commands of this run completed
    before the one that failed (the last of ``commands``)."""
    done = commands[:-1]
    if not done:
        return 'no earlier command of this run had run'
    return 'commands completed before: %s' % '; '.join(done)
