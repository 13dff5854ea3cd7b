"""The fixture that runs a module through the real AnsibleModule (see ansible_module_runner)."""
import pytest

from ansible_collections.glusterdock.storage.tests.unit.plugins.modules.ansible_module_runner import module_runner


@pytest.fixture
def run_module(monkeypatch):
    """Run a module's main() through AnsibleModule with gluster answered from captured XML."""
    return module_runner(monkeypatch)
