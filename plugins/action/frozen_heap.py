# -*- coding: utf-8 -*-
# Copyright: glusterdock developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The action every module of this collection runs through (meta/runtime.yml routes them here):
ansible.builtin.normal, on a frozen inherited heap.

Ansible forks one worker per task and host; the worker inherits the controller's whole heap.
Building a module's payload parses every file it bundles, and those allocations set off a full
garbage collection that walks that inherited heap: measured at 30-50 ms per task (timing
``gc.callbacks`` around ansible-core's payload builder: one generation-2 collection for our
modules, none for ``ansible.builtin.command``, whose payload stays under the threshold), most of
a no-op run's cost above one plain gluster read (bench/results/noop_cost.md: 1.16x-1.21x the
floor before, 1.00x-1.01x after). Freezing what the worker inherited, as the Python docs advise
for forked children, leaves only the worker's own objects to collect. The worker ends with the
task, so nothing frozen outlives it. Everything else (check mode, async, diff, delegation) is
ansible.builtin.normal's.

The payload build itself runs with the collector off. Its allocations are parse trees, freed by
reference counting as each file is read, yet the larger payloads (gluster_volume bundles 15 files)
still set off one full collection of the worker's own objects: 20-35 ms, counted with
``gc.callbacks`` in the worker. Interleaved runs of a no-op gluster_volume task on one lab, 20
each: 0.707 s as shipped before, 0.680 s with the collector off during the build, against 0.627 s
for one plain gluster read (bench/results/noop-issue-11-interleaved.md). The collector is on again
as soon as the payload is built.
"""

from __future__ import annotations

import gc
import multiprocessing

from ansible.plugins.action.normal import ActionModule as NormalActionModule


class ActionModule(NormalActionModule):
    """ansible.builtin.normal, after freezing what a forked worker inherited."""

    def run(self, tmp=None, task_vars=None):
        # Only in a forked worker: frozen objects are never collected, which must not happen to a
        # long-lived controller (or a test process) that runs an action in-process.
        if multiprocessing.parent_process() is not None:
            gc.freeze()
        return super(ActionModule, self).run(tmp, task_vars)

    def _configure_module(self, module_name, module_args, task_vars):
        """ansible.builtin.normal's payload build, with the collector off while it runs."""
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            return super(ActionModule, self)._configure_module(module_name, module_args, task_vars)
        finally:
            if was_enabled:
                gc.enable()
