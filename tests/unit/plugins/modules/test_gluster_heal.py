"""The gluster_heal module through the real AnsibleModule (the shared run_module fixture), each
gluster call checked in order (with --xml for reads, without for heal starts and split-brain
resolution, as gluster answers those in text) and answered from replies captured on a real pool
with a data split-brain of two files, and with a gfid split-brain and a type mismatch."""
import json
from xml.etree import ElementTree

import pytest

from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_info import parse_split_brain
from ansible_collections.glusterdock.storage.plugins.modules import gluster_heal
from ansible_collections.glusterdock.storage.tests.unit.fixtures import fixture, text_fixture
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


def run(run_module, args, expected, check_mode=False, diff=False, version=VERSION):
    result, gluster = run_module(gluster_heal.main, args, version, expected, check_mode=check_mode, diff=diff)
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


def test_an_old_type_mismatch_in_the_log_does_not_explain_another_failure(run_module, tmp_path, monkeypatch):
    """Only an I/O error on the lookup means a type mismatch: an older log line for the same name
    must not send the operator to delete a brick's copy when the policy merely could not choose."""
    (tmp_path / 'glfsheal-split.log').write_text(
        '[2026-11-01 10:00:00.000000 +0000] W [MSGID: 108008] [afr-self-heal-name.c:187:'
        'afr_selfheal_name_type_mismatch_check] 0-split-replicate-0: Type mismatch for '
        '<gfid:00000000-0000-0000-0000-000000000001>/torn: DIRECTORY on split-client-1 and REGULAR FILE on '
        'split-client-0\n')
    monkeypatch.setattr(gluster_heal, 'GLFSHEAL_LOG', str(tmp_path / 'glfsheal-%s.log'))
    result, _gluster = run(run_module, {'volume': 'split', 'split_brain': {'policy': 'bigger-file', 'files': ['/torn']}},
                           READS + [reply(VERSION, 'health-split-brain-bigger-file')])
    assert result['failed'] and 'Healing /torn failed: No bigger file.' in result['msg']
    assert 'different types' not in result['msg'] and 'gfid link' not in result['msg'], result['msg']


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


# A real entry split-brain (tests/fixtures/capture VERSION entry): gfid split-brain of /g and /h,
# a type mismatch of /d (a file on node1, a directory on node2), /p on node1 only.
# GlusterFS 11.1's capture ends with every brick clean after the type mismatch was removed by hand.
ENTRY_VERSION = '11.1'
ENTRY_READS = [reply(ENTRY_VERSION, 'entry-volume-info'), reply(ENTRY_VERSION, 'entry-heal-summary'),
               reply(ENTRY_VERSION, 'entry-heal-split-brain'), reply(ENTRY_VERSION, 'entry-heal-info')]
ENTRY_START = 'gluster --mode=script volume heal entry'


def waiting_names():
    """The names heal info lists under the root (/d, /g, /h, and /p while it waits)."""
    names = parse_split_brain(ElementTree.fromstring(fixture(ENTRY_VERSION, 'entry-heal-info')), 1000).files
    return sorted(set(name for name in names if name != '/'))


@pytest.fixture
def glfsheal_log(monkeypatch, tmp_path):
    """glfsheal's log on this node, as captured after the type mismatch was met."""
    path = tmp_path / 'glfsheal-entry.log'
    path.write_text(text_fixture(ENTRY_VERSION, 'entry-glfsheal-log'))
    monkeypatch.setattr(gluster_heal, 'GLFSHEAL_LOG', str(tmp_path / 'glfsheal-%s.log'))


def test_without_a_policy_an_entry_split_brain_is_refused_naming_the_names_with_no_change(run_module):
    result, gluster = run(run_module, {'volume': 'entry'}, ENTRY_READS, version=ENTRY_VERSION)
    assert result['failed'] and result['commands'] == [] and len(gluster.calls) == 4
    assert result['msg'].startswith('volume entry has 1 entry in split-brain: / (in it, %s have copies that differ in '
                                    'gfid or type on the bricks). Nothing was changed.' % ', '.join(waiting_names()))


def test_check_mode_lists_a_command_per_name_then_the_directory_merge_for_a_policy_for_all(run_module):
    result, gluster = run(run_module, {'volume': 'entry', 'split_brain': {'policy': 'source-brick',
                                                                          'source_brick': 'node1:/bricks/entry/b'}},
                          ENTRY_READS, check_mode=True, version=ENTRY_VERSION)
    assert result['changed'] and result['commands'] == [
        'gluster --mode=script volume heal entry split-brain source-brick node1:/bricks/entry/b %s' % name
        for name in waiting_names() + ['gfid:00000000-0000-0000-0000-000000000001']] + [ENTRY_START]
    assert len(gluster.calls) == 4


def test_a_type_mismatch_fails_with_the_brick_of_each_type_and_what_to_do(run_module, glfsheal_log):
    command = 'volume heal entry split-brain latest-mtime /d'
    result, _gluster = run(run_module, {'volume': 'entry', 'split_brain': {'policy': 'latest-mtime', 'files': ['/d']}},
                           ENTRY_READS + [reply(ENTRY_VERSION, 'entry-split-brain-latest-mtime-type', command)],
                           version=ENTRY_VERSION)
    assert result['failed'] and not result['changed']
    assert result['msg'].startswith(
        '/d has copies of different types: regular file on node1:/bricks/entry/b, directory on node2:/bricks/entry/b. '
        'gluster cannot resolve this, and changed nothing for it. Pick the copy to keep; on each other brick remove '
        'the entry and its .glusterfs gfid link on that brick'), result['msg']
    assert result['msg'].endswith('no earlier command of this run had run')


def resolved_by_latest_mtime(run_module, name, resolution_reply):
    """gluster_heal with latest-mtime for NAME, gluster answering RESOLUTION_REPLY, then a heal
    started and waited for: the result, after the checks every such run must pass."""
    expected = ENTRY_READS + [reply(ENTRY_VERSION, resolution_reply),
                              reply(ENTRY_VERSION, 'entry-heal-start'), reply(ENTRY_VERSION, 'entry-heal-summary-resolved')]
    result, _gluster = run(run_module, {'volume': 'entry', 'split_brain': {'policy': 'latest-mtime', 'files': [name]}},
                           expected, version=ENTRY_VERSION)
    assert not result['failed'] and result['changed'], result.get('msg')
    assert result['commands'] == ['gluster --mode=script volume heal entry split-brain latest-mtime %s' % name, ENTRY_START]
    return result


def test_a_gfid_split_brain_named_by_path_is_resolved_then_healed_and_waited_for(run_module):
    result = resolved_by_latest_mtime(run_module, '/g', 'entry-split-brain-latest-mtime-path')
    assert result['resolutions'] == [{'file': '/g', 'policy': 'latest-mtime', 'source_brick': None}]
    assert result['progress'][-1]['pending'] == 0
    # Its directory stays in split-brain, which only source-brick resolves: the task says how.
    assert result['warnings'] == [
        "directory / stays in split-brain after its names are resolved: latest-mtime cannot resolve a directory. "
        "Resolve it with split_brain.policy source-brick, source_brick (the brick whose copy of the directory's "
        "owner, mode and times to keep) and files [/]: a conservative merge that keeps every name of every brick"]


def test_a_name_that_only_waits_for_heal_is_left_to_the_heal_start(run_module):
    """gluster answers "File not in split-brain" for a name in the directory whose copies agree."""
    resolved_by_latest_mtime(run_module, '/p', 'entry-split-brain-latest-mtime-pending')
