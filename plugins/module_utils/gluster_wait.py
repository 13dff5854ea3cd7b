# -*- coding: utf-8 -*-
# Copyright: glusterdock developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Poll a long-running gluster task (migration, rebalance, heal) with backoff and a timeout.

Pure: the clock and the sleep are injected, so the schedule is unit-tested without waiting.
The first polls come sub-second (a small migration is done in well under a second), later ones
are capped at a few seconds, so the wait ends soon after gluster's own work does without
hammering glusterd. No fixed sleeps.
"""

from __future__ import annotations

import time

FIRST_DELAY = 0.2
MAX_DELAY = 3.0
FACTOR = 1.5
# Failed status reads in a row that still count as "not finished" while a migration starts.
STATUS_READ_ERRORS = 8


class WaitTimeout(Exception):
    """The task did not finish in time; ``last`` is the last status read."""

    def __init__(self, what, timeout, polls, last, describe=None):
        self.what = what
        self.timeout = timeout
        self.polls = polls
        self.last = last
        detail = describe(last) if describe is not None and last is not None else repr(last)
        super().__init__('%s did not finish within %s seconds (%d status reads); last status: %s'
                         % (what, timeout, polls, detail))


def delays(first=FIRST_DELAY, cap=MAX_DELAY, factor=FACTOR):
    """The pauses between polls: first, first * factor, ... capped at ``cap``."""
    delay = first
    while True:
        yield delay
        delay = min(delay * factor, cap)


def wait_for(read, finished, timeout, what='the task', describe=None, first=FIRST_DELAY, cap=MAX_DELAY,
             factor=FACTOR, clock=time.monotonic, sleep=time.sleep):
    """Call ``read()`` until ``finished(value)`` is true; return ``(value, polls)``.

    ``finished`` answers for terminal states of both kinds (success and failure): the caller
    judges the value. ``read`` is called at once, then after each pause; a pause never runs past
    the deadline. Raises WaitTimeout with the last value after ``timeout`` seconds.
    """
    deadline = clock() + timeout
    pauses = delays(first, cap, factor)
    polls = 0
    while True:
        value = read()
        polls += 1
        if finished(value):
            return value, polls
        remaining = deadline - clock()
        if remaining <= 0:
            raise WaitTimeout(what, timeout, polls, value, describe)
        sleep(min(next(pauses), remaining))


def wait_tolerating_errors(read, finished, timeout, what, tolerated, max_errors, describe=None,
                           clock=time.monotonic, sleep=time.sleep):
    """``wait_for`` where up to ``max_errors`` failed reads in a row (exceptions of the types in
    ``tolerated``) count as "not finished": just after a start, a node's migration process may not
    answer yet. One more failure in a row is raised."""
    errors = []

    def tolerant_read():
        try:
            value = read()
        except tolerated:
            errors.append(1)
            if len(errors) > max_errors:
                raise
            return None
        del errors[:]
        return value
    return wait_for(tolerant_read, lambda value: value is not None and finished(value), timeout, what=what,
                    describe=describe, clock=clock, sleep=sleep)
