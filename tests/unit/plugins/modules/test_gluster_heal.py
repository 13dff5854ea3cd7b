"""The gluster_heal module through the real AnsibleModule (the shared run_module fixture), each
gluster call checked in order (with --xml for reads, without for heal starts and split-brain
resolution, as gluster answers those in text) and answered from replies captured on a real pool
with a data split-brain of two files."""
import json

import pytest

from ansible_collections.glusterdock.storage.plugins.modules import gluster_heal
from ansible_collections.glusterdock.storage.tests.unit.plugins.modules.ansible_module_runner import reply

VERSION = '10.3'
SOURCE = 'node1:/bricks/split/b'
READS = [reply(VERSION, 'health-volume-info-split'), reply(VERSION, 'health-heal-summary-split-brain'),
         reply(VERSION, 'health-heal-split-brain')]
RESOLVE_ALL = 'gluster --mode=script volume heal split split-brain source-brick %s' % SOURCE
START = 'gluster --mode=script volume heal split'


@pytest.fixture(autouse=True)
def no_pauses(monkeypatch):
    monkeypatch.setattr(gluster_heal.time, 'sleep', lambda _seconds: None)


def run(run_module, args, expected, check_mode=False, diff=False):
    result, gluster = run_module(gluster_heal.main, args, VERSION, expected, check_mode=check_mode, diff=diff)
    json.dumps(result)
    return result, gluster


def test_every_file_from_a_source_brick_then_heal_waited_for(run_module):
    expected = READS + [reply(VERSION, 'health-split-brain-source-brick-all'), reply(VERSION, 'health-heal-start-split'),
                        reply(VERSION, 'health-heal-summary-split-resolved')]
    result, _gluster = run(run_module, {'volume': 'split', 'split_brain': {'policy': 'source-brick',
                                                                           'source_brick': SOURCE}}, expected)
    assert not result['failed'] and result['changed'], result.get('msg')
    assert result['commands'] == [RESOLVE_ALL, START]
    assert [entry['file'] for entry in result['resolutions']] == ['/torn', '/torn2']
    assert result['progress'][-1]['pending'] == 0 and result['heal'][0]['split_brain'] == 0
    assert 'diff' not in result


def test_check_mode_lists_the_resolutions_and_runs_no_change(run_module):
    result, gluster = run(run_module, {'volume': 'split', 'split_brain': {'policy': 'latest-mtime', 'files': ['/torn2']}},
                          READS, check_mode=True, diff=True)
    assert result['changed'] and result['commands'] == [
        'gluster --mode=script volume heal split split-brain latest-mtime /torn2', START]
    assert result['diff'] == {'before': {'pending': 0, 'split_brain': ['/torn', '/torn2']},
                              'after': {'pending': 0, 'split_brain': ['/torn']}}
    assert not [call for call in gluster.calls if 'split-brain latest-mtime' in call or call == 'volume heal split']


def test_a_policy_that_cannot_choose_fails_with_glusters_answer(run_module):
    result, _gluster = run(run_module, {'volume': 'split', 'split_brain': {'policy': 'bigger-file', 'files': ['/torn']}},
                           READS + [reply(VERSION, 'health-split-brain-bigger-file')])
    assert result['failed'] and not result['changed']
    assert 'Healing /torn failed: No bigger file.' in result['msg']
    assert 'no earlier command of this run had run' in result['msg']


def test_split_brain_without_a_policy_fails_before_any_change(run_module):
    result, _gluster = run(run_module, {'volume': 'split'}, READS)
    assert result['failed'] and result['commands'] == []
    assert result['msg'].startswith('volume split has 2 files in split-brain: /torn, /torn2. Nothing was changed.')


@pytest.mark.parametrize('args, message', [
    ({}, 'missing required arguments: volume'),
    ({'volume': 'split', 'split_brain': {'policy': 'newest'}}, 'value of policy must be one of'),
    ({'volume': 'split', 'split_brain': {'files': ['/torn']}}, 'missing required arguments: policy'),
    ({'volume': 'split', 'timeout': 'soon'}, "argument 'timeout' is of type"),
    ({'volume': '-x'}, 'volume: \'-x\' must not start with "-"'),
])
def test_bad_input_fails_before_any_gluster_call(run_module, args, message):
    result, gluster = run(run_module, args, [])
    assert result['failed'] and message in result['msg'], result['msg']
    assert gluster.calls == []
