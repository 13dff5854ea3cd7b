"""The gluster_heal module through the real AnsibleModule, with a runner that answers each exact
argv (with --xml for reads, without for heal starts and split-brain resolution, as gluster answers
those in text) from replies captured on a real pool with a data split-brain of two files."""
import json

import pytest
from ansible.module_utils import basic
from ansible.module_utils.testing import patch_module_args

from ansible_collections.glusterdock.storage.plugins.modules import gluster_heal
from ansible_collections.glusterdock.storage.tests.unit.fixtures import fixture, manifest, text_fixture

VERSION = '10.3'
SOURCE = 'node1:/bricks/split/b'


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
    """``gluster.replies`` maps each expected command (as typed, --xml included when sent) to the
    capture answering it, in turn when a list; any other command fails the test."""
    commands = manifest(VERSION)
    calls = []

    def run_command(_module, argv, **_kwargs):
        command = ' '.join(argv)
        calls.append(command)
        names = gluster.replies.get(command)
        assert names, 'unexpected gluster call: %s' % command
        if not isinstance(names, list):
            names = [names]
        name = names.pop(0) if len(names) > 1 else names[0]
        _node, rc, captured = commands[name[:-4]]
        assert captured == command, (name, captured)
        reply = fixture(VERSION, name[:-4]) if name.endswith('.xml') else text_fixture(VERSION, name[:-4])
        return rc, reply, ''
    monkeypatch.setattr(basic.AnsibleModule, 'run_command', run_command)
    monkeypatch.setattr(basic.AnsibleModule, 'get_bin_path', lambda _module, name, required=False: name)
    monkeypatch.setattr(basic.AnsibleModule, 'exit_json', exit_json)
    monkeypatch.setattr(basic.AnsibleModule, 'fail_json', fail_json)
    monkeypatch.setattr(gluster_heal.time, 'sleep', lambda _seconds: None)
    gluster.calls = calls
    return gluster


def run(args):
    with patch_module_args(args):
        with pytest.raises(Exited) as exited:
            gluster_heal.main()
    json.dumps(exited.value.result)
    return exited.value.result


READS = {
    'gluster --mode=script volume info split --xml': 'health-volume-info-split.xml',
    'gluster --mode=script volume heal split info split-brain --xml': 'health-heal-split-brain.xml',
}
RESOLVE_ALL = 'gluster --mode=script volume heal split split-brain source-brick %s' % SOURCE
START = 'gluster --mode=script volume heal split'
SUMMARY = 'gluster --mode=script volume heal split info summary --xml'


def test_every_file_from_a_source_brick_then_heal_waited_for(gluster):
    gluster.replies = dict(READS, **{
        SUMMARY: ['health-heal-summary-split-brain.xml', 'health-heal-summary-split-resolved.xml'],
        RESOLVE_ALL: 'health-split-brain-source-brick-all.txt',
        START: 'health-heal-start-split.txt',
    })
    result = run({'volume': 'split', 'split_brain': {'policy': 'source-brick', 'source_brick': SOURCE}})
    assert not result['failed'] and result['changed'], result.get('msg')
    assert result['commands'] == [RESOLVE_ALL, START]
    assert [entry['file'] for entry in result['resolutions']] == ['/torn', '/torn2']
    assert result['progress'][-1]['pending'] == 0 and result['heal'][0]['split_brain'] == 0
    assert 'diff' not in result


def test_check_mode_lists_the_resolutions_and_runs_no_change(gluster):
    gluster.replies = dict(READS, **{SUMMARY: 'health-heal-summary-split-brain.xml'})
    result = run({'volume': 'split', '_ansible_check_mode': True, '_ansible_diff': True,
                  'split_brain': {'policy': 'latest-mtime', 'files': ['/torn2']}})
    assert result['changed'] and result['commands'] == [
        'gluster --mode=script volume heal split split-brain latest-mtime /torn2', START]
    assert result['diff'] == {'before': {'pending': 0, 'split_brain': ['/torn', '/torn2']},
                              'after': {'pending': 0, 'split_brain': ['/torn']}}
    assert not [call for call in gluster.calls if 'split-brain latest-mtime' in call or call == START]


def test_a_policy_that_cannot_choose_fails_with_glusters_answer(gluster):
    gluster.replies = dict(READS, **{
        SUMMARY: 'health-heal-summary-split-brain.xml',
        'gluster --mode=script volume heal split split-brain bigger-file /torn': 'health-split-brain-bigger-file.txt',
    })
    result = run({'volume': 'split', 'split_brain': {'policy': 'bigger-file', 'files': ['/torn']}})
    assert result['failed'] and not result['changed']
    assert 'Healing /torn failed: No bigger file.' in result['msg']
    assert 'no earlier command of this run had run' in result['msg']


def test_split_brain_without_a_policy_fails_before_any_change(gluster):
    gluster.replies = dict(READS, **{SUMMARY: 'health-heal-summary-split-brain.xml'})
    result = run({'volume': 'split'})
    assert result['failed'] and result['commands'] == []
    assert result['msg'].startswith('volume split has 2 files in split-brain: /torn, /torn2. Nothing was changed.')


@pytest.mark.parametrize('args, message', [
    ({}, 'missing required arguments: volume'),
    ({'volume': 'split', 'split_brain': {'policy': 'newest'}}, 'value of policy must be one of'),
    ({'volume': 'split', 'split_brain': {'files': ['/torn']}}, 'missing required arguments: policy'),
    ({'volume': 'split', 'timeout': 'soon'}, "argument 'timeout' is of type"),
    ({'volume': '-x'}, 'volume: \'-x\' must not start with "-"'),
])
def test_bad_input_fails_before_any_gluster_call(gluster, args, message):
    gluster.replies = {}
    result = run(args)
    assert result['failed'] and message in result['msg'], result['msg']
    assert gluster.calls == []
