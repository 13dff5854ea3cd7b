"""Every module of the collection runs through the frozen-heap action (plugin_utils/frozen_heap.py)."""
import gc
import importlib
import os

import pytest

ROOT = os.path.join(os.path.dirname(__file__), '..', '..')


def module_names():
    return sorted(name[:-3] for name in os.listdir(os.path.join(ROOT, 'plugins', 'modules'))
                  if name.endswith('.py') and not name.startswith('_'))


@pytest.mark.parametrize('module', module_names())
def test_module_has_the_frozen_heap_action(module):
    from ansible_collections.glusterdock.storage.plugins.plugin_utils.frozen_heap import FrozenHeapAction

    assert os.path.exists(os.path.join(ROOT, 'plugins', 'action', module + '.py')), (
        'plugins/action/%s.py is missing: every module runs through FrozenHeapAction' % module)
    action = importlib.import_module('ansible_collections.glusterdock.storage.plugins.action.' + module)
    assert action.ActionModule is FrozenHeapAction


def test_frozen_heap_freezes_then_runs_like_normal(monkeypatch):
    from ansible.plugins.action.normal import ActionModule as NormalActionModule
    from ansible_collections.glusterdock.storage.plugins.plugin_utils.frozen_heap import FrozenHeapAction

    seen = []
    monkeypatch.setattr(NormalActionModule, 'run', lambda self, tmp=None, task_vars=None: seen.append(
        (gc.get_freeze_count(), task_vars)) or {'ok': True})
    gc.unfreeze()
    try:
        assert FrozenHeapAction.run(object.__new__(FrozenHeapAction), task_vars={'x': 1}) == {'ok': True}
        assert seen[0][0] > 0 and seen[0][1] == {'x': 1}
    finally:
        gc.unfreeze()
