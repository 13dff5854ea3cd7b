# -*- coding: utf-8 -*-
# Copyright: glusterdock developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The action of this collection's modules: ansible.builtin.normal, on a frozen inherited heap.

Ansible forks one worker per task and host; the worker inherits the controller's whole heap.
Building a module's payload parses every file it bundles, and those allocations set off a
full garbage collection that walks that inherited heap: measured at 30-50 ms per task, most of
a no-op run's cost above one plain gluster read (see bench/results/noop_cost.md). Freezing
what the worker inherited (what the Python docs advise for forked children) leaves only the
worker's own objects to collect. The worker ends with the task, so nothing frozen outlives it.
Everything else (check mode, async, diff, delegation) is ansible.builtin.normal's.
"""

from __future__ import annotations

import gc

from ansible.plugins.action.normal import ActionModule as NormalActionModule


class FrozenHeapAction(NormalActionModule):
    """ansible.builtin.normal, after freezing what the forked worker inherited."""

    def run(self, tmp=None, task_vars=None):
        gc.freeze()
        return super(FrozenHeapAction, self).run(tmp, task_vars)
