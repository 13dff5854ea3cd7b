"""The gluster_info module through the real AnsibleModule: argument types and choices, bad input
refused before any gluster call, and a run on replies captured from a real pool."""
import json

import pytest
from ansible.module_utils import basic
from ansible.module_utils.testing import patch_module_args

from ansible_collections.glusterdock.storage.plugins.modules import gluster_info
from ansible_collections.glusterdock.storage.tests.unit.fixtures import fixture, manifest
from ansible_collections.glusterdock.storage.tests.unit.plugins.module_utils.test_gluster_info import BRICK_DOWN

VERSION = '10.3'


class Exited(Exception):
    def __init__(self, result):
        super().__init__(result.get('msg'))
        self.result = result


def exit_json(_module, **result):
    raise Exited(dict(result, failed=False))


def fail_json(_module, **result):
    raise Exited(dict(result, failed=True))


@pytest.fixture
def gluster(monkeypatch):
    """Answer gluster from the captured brick-down pool; record every argv."""
    calls = []
    commands = manifest(VERSION)

    def run_command(module, argv, **_kwargs):
        calls.append(argv)
        command = ' '.join(argv[2:-1])
        assert command in BRICK_DOWN, 'unexpected gluster call: %s' % argv
        name = BRICK_DOWN[command]
        return commands[name][1], fixture(VERSION, name), ''
    monkeypatch.setattr(basic.AnsibleModule, 'run_command', run_command)
    monkeypatch.setattr(basic.AnsibleModule, 'get_bin_path', lambda module, name, required=False: name)
    monkeypatch.setattr(basic.AnsibleModule, 'exit_json', exit_json)
    monkeypatch.setattr(basic.AnsibleModule, 'fail_json', fail_json)
    return calls


def run(args):
    with patch_module_args(args):
        with pytest.raises(Exited) as exited:
            gluster_info.main()
    json.dumps(exited.value.result)  # what a module returns must serialise
    return exited.value.result


def test_a_pool_with_a_killed_brick_is_reported_unhealthy_and_nothing_changed(gluster):
    result = run({})
    assert not result['failed'] and not result['changed'] and not result['healthy']
    assert result['problems'][0] == 'brick node2:/bricks/rep/b of volume rep offline'
    assert result['calls'] == len(gluster) == 7


def test_check_mode_reads_the_same(gluster):
    result = run({'_ansible_check_mode': True, 'gather_subset': 'status'})
    assert result['gathered'] == ['volumes', 'status'] and not result['changed']
    assert [argv[2:-1] for argv in gluster] == [['volume', 'info'], ['volume', 'status', 'all'],
                                                ['volume', 'status', 'all', 'detail']]


@pytest.mark.parametrize('args, message', [
    ({'gather_subset': ['disk']}, 'value of gather_subset must be one or more of'),
    ({'full_percent': 'most'}, "argument 'full_percent' is of type"),
    ({'full_percent': 101}, 'full_percent: 101 is not a percentage from 1 to 100'),
    ({'volumes': ['all']}, "volumes: 'all' is a word reserved by the gluster CLI"),
    ({'volume': ['web']}, 'Unsupported parameters'),
])
def test_bad_input_fails_before_any_gluster_call(gluster, args, message):
    result = run(args)
    assert result['failed'] and message in result['msg'], result['msg']
    assert gluster == []
