"""Every module of the collection runs through the frozen-heap action (plugins/action/frozen_heap.py),
which freezes the heap only in a forked worker."""
import gc
import multiprocessing
import os

import pytest
import yaml

ROOT = os.path.join(os.path.dirname(__file__), '..', '..')


def module_names():
    """The modules that run on the host: a module file that documents an action plugin of its own
    name (role_argument_types, which runs on the controller) has no module code to route."""
    return sorted(name[:-3] for name in os.listdir(os.path.join(ROOT, 'plugins', 'modules'))
                  if name.endswith('.py') and not name.startswith('_')
                  and not os.path.exists(os.path.join(ROOT, 'plugins', 'action', name)))


@pytest.mark.parametrize('module', module_names())
def test_module_is_routed_to_the_frozen_heap_action(module):
    with open(os.path.join(ROOT, 'meta', 'runtime.yml')) as handle:
        routing = yaml.safe_load(handle).get('plugin_routing', {}).get('modules', {})
    assert routing.get(module) == {'action_plugin': 'glusterdock.storage.frozen_heap'}, (
        'meta/runtime.yml must route %s to the frozen_heap action' % module)


@pytest.mark.parametrize('in_worker', [True, False])
def test_freezes_only_in_a_forked_worker_then_runs_like_normal(monkeypatch, in_worker):
    from ansible.plugins.action.normal import ActionModule as NormalActionModule
    from ansible_collections.glusterdock.storage.plugins.action.frozen_heap import ActionModule

    seen = []
    monkeypatch.setattr(NormalActionModule, 'run', lambda self, tmp=None, task_vars=None: seen.append(
        (gc.get_freeze_count(), task_vars)) or {'ok': True})
    monkeypatch.setattr(multiprocessing, 'parent_process', lambda: object() if in_worker else None)
    gc.unfreeze()
    try:
        assert ActionModule.run(object.__new__(ActionModule), task_vars={'x': 1}) == {'ok': True}
        assert (seen[0][0] > 0) is in_worker and seen[0][1] == {'x': 1}
    finally:
        gc.unfreeze()


def test_builds_the_payload_with_the_collector_off_and_turns_it_back_on(monkeypatch):
    from ansible.plugins.action import ActionBase
    from ansible_collections.glusterdock.storage.plugins.action.frozen_heap import ActionModule

    seen = []
    monkeypatch.setattr(ActionBase, '_configure_module', lambda self, name, args, task_vars: seen.append(
        gc.isenabled()) or ('payload', 'shebang'))
    assert gc.isenabled()
    action = object.__new__(ActionModule)
    assert action._configure_module('glusterdock.storage.gluster_volume', {}, {}) == ('payload', 'shebang')
    assert seen == [False] and gc.isenabled()

    def broken_build(self, name, args, task_vars):
        raise RuntimeError('no such module')
    monkeypatch.setattr(ActionBase, '_configure_module', broken_build)
    with pytest.raises(RuntimeError):
        action._configure_module('x', {}, {})
    assert gc.isenabled()
