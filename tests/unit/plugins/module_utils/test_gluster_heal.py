"""gluster_heal's core on replies captured from real pools (tests/fixtures/capture VERSION health):
a real data split-brain of two files, a brick killed with writes pending, and a healthy volume."""
from xml.etree import ElementTree

import pytest

from ansible_collections.glusterdock.storage.plugins.module_utils.errors import RequestError, StateError
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_heal import (
    cli_file_name,
    heal_verdict,
    parse_heal_request,
    plan_heal,
)
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_info import parse_split_brain
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_volume_spec import (
    canonical_brick,
    validate_volume_name,
)
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_xml import parse_heal_info, parse_volume_info
from ansible_collections.glusterdock.storage.tests.unit.fixtures import VERSIONS, fixture

SOURCE = 'node1:/bricks/split/b'


def xml(version, name):
    return ElementTree.fromstring(fixture(version, name))


def request(volume='split', **params):
    return parse_heal_request(dict({'volume': volume, 'full': False, 'timeout': 600, 'split_brain': None}, **params),
                              validate_volume_name, canonical_brick)


def split_state(version):
    volume = parse_volume_info(xml(version, 'health-volume-info-split'))['split']
    summary = parse_heal_info(xml(version, 'health-heal-summary-split-brain'))
    files = parse_split_brain(xml(version, 'health-heal-split-brain'), 1000).files
    return volume, summary, files


@pytest.mark.parametrize('version', VERSIONS)
def test_split_brain_without_a_policy_is_refused_naming_the_files(version):
    with pytest.raises(StateError, match=r'volume split has 2 files in split-brain: /torn, /torn2\. Nothing was '
                                         r'changed\. Choose how to resolve them: split_brain.policy'):
        plan_heal(request(), *split_state(version))


@pytest.mark.parametrize('version', VERSIONS)
def test_one_named_file_by_policy_then_a_heal_start(version):
    plan = plan_heal(request(split_brain={'policy': 'latest-mtime', 'files': ['/torn']}), *split_state(version))
    assert [step.args for step in plan.steps] == [
        ['volume', 'heal', 'split', 'split-brain', 'latest-mtime', '/torn'],
        ['volume', 'heal', 'split']]
    assert all(step.text_reply for step in plan.steps)
    assert plan.resolutions == [{'file': '/torn', 'policy': 'latest-mtime', 'source_brick': None}]
    assert plan.after['split_brain'] == ['/torn2']


@pytest.mark.parametrize('version', VERSIONS)
def test_every_file_from_a_source_brick_is_one_command(version):
    plan = plan_heal(request(split_brain={'policy': 'source-brick', 'source_brick': SOURCE}), *split_state(version))
    assert [step.args for step in plan.steps] == [
        ['volume', 'heal', 'split', 'split-brain', 'source-brick', SOURCE], ['volume', 'heal', 'split']]
    assert [entry['file'] for entry in plan.resolutions] == ['/torn', '/torn2']


@pytest.mark.parametrize('version', VERSIONS)
def test_a_file_not_in_split_brain_or_a_foreign_source_brick_is_refused_before_any_change(version):
    with pytest.raises(StateError, match=r'/whole is not in split-brain on volume split \(in split-brain: /torn, '
                                         r'/torn2\)\. Nothing was changed'):
        plan_heal(request(split_brain={'policy': 'bigger-file', 'files': ['/whole', '/torn']}), *split_state(version))
    with pytest.raises(StateError, match='split_brain: split_brain.source_brick node3:/bricks/split/b is not a brick'):
        plan_heal(request(split_brain={'policy': 'source-brick', 'source_brick': 'node3:/bricks/split/b'}),
                  *split_state(version))


@pytest.mark.parametrize('version', VERSIONS)
def test_nothing_to_heal_plans_nothing_and_pending_entries_plan_a_start(version):
    rep = parse_volume_info(xml(version, 'health-volume-info-all'))['rep']
    healthy = parse_heal_info(xml(version, 'health-heal-summary'))
    assert plan_heal(request('rep'), rep, healthy, None).steps == []
    assert [step.args for step in plan_heal(request('rep', full=True), rep, healthy, None).steps] == [
        ['volume', 'heal', 'rep', 'full']]
    pending = parse_heal_info(xml(version, 'health-heal-summary-brick-down'))
    plan = plan_heal(request('rep'), rep, pending, None)
    assert [step.args for step in plan.steps] == [['volume', 'heal', 'rep']] and plan.before['pending'] == 24
    dist = parse_volume_info(xml(version, 'health-volume-info-all'))['dist']
    with pytest.raises(StateError, match='volume dist is Distribute: it has no copies to heal'):
        plan_heal(request('dist'), dist, [], None)
    with pytest.raises(StateError, match='volume gone does not exist'):
        plan_heal(request('gone'), None, [], None)


@pytest.mark.parametrize('version', VERSIONS)
def test_heal_is_finished_only_when_every_brick_answers_with_nothing_left(version):
    assert heal_verdict(parse_heal_info(xml(version, 'health-heal-summary-split-resolved'))) == (True, [])
    finished, problems = heal_verdict(parse_heal_info(xml(version, 'health-heal-summary-brick-down')))
    assert not finished and problems[0] == 'node1:/bricks/rep/b: 12 entries to heal'
    assert problems[1].startswith('node2:/bricks/rep/b: Failed to process entries completely.')
    assert heal_verdict([]) == (False, ['heal info listed no brick'])


@pytest.mark.parametrize('version', VERSIONS)
def test_heal_is_not_finished_while_entries_are_possibly_healing(version):
    """Entries possibly healing (locked: the daemon heals them now) are not healed yet: waiting for
    the heal must not end there (it did, when only the heal-pending count was judged)."""
    text = fixture(version, 'health-heal-summary')
    text = text.replace('<totalNumberOfEntries>0<', '<totalNumberOfEntries>2<', 1)
    text = text.replace('<numberOfEntriesPossiblyHealing>0<', '<numberOfEntriesPossiblyHealing>2<', 1)
    assert heal_verdict(parse_heal_info(ElementTree.fromstring(text))) == (
        False, ['node1:/bricks/rep/b: 2 possibly healing'])
    # Being healed is not healed: the run starts a heal (harmless twice) and so waits for them.
    rep = parse_volume_info(xml(version, 'health-volume-info-all'))['rep']
    plan = plan_heal(request('rep'), rep, parse_heal_info(ElementTree.fromstring(text)), None)
    assert [step.args for step in plan.steps] == [['volume', 'heal', 'rep']] and plan.before['pending'] == 2
    no_total = fixture(version, 'health-heal-summary').replace('<totalNumberOfEntries>0</totalNumberOfEntries>', '', 1)
    assert heal_verdict(parse_heal_info(ElementTree.fromstring(no_total))) == (
        False, ['node1:/bricks/rep/b: no count of entries to heal'])


@pytest.mark.parametrize('params, message', [
    ({'volume': 'all'}, "volume: 'all' is a word reserved by the gluster CLI"),
    ({'timeout': -1}, 'timeout: -1 is negative'),
    ({'split_brain': {'policy': 'newest'}}, "split_brain: policy 'newest' is not one of"),
    ({'split_brain': {'policy': 'source-brick'}}, 'split_brain: policy source-brick needs source_brick'),
    ({'split_brain': {'policy': 'latest-mtime', 'source_brick': SOURCE}},
     'split_brain: source_brick is only for policy source-brick'),
    ({'split_brain': {'policy': 'source-brick', 'source_brick': 'node1:relative'}}, 'split_brain: source_brick: '),
    ({'split_brain': {'policy': 'bigger-file', 'files': ['torn']}},
     "split_brain: files: 'torn' is neither a path from the volume root"),
])
def test_bad_input_is_refused_naming_the_argument(params, message):
    with pytest.raises(RequestError) as error:
        request(**params)
    assert str(error.value).startswith(message), str(error.value)


def test_a_gfid_entry_is_given_to_the_cli_as_gfid_uuid():
    assert cli_file_name('<gfid:c6c0da39-a721-42de-bb73-be397d055a07>') == 'gfid:c6c0da39-a721-42de-bb73-be397d055a07'
    assert cli_file_name('/dir/file') == '/dir/file'


@pytest.mark.parametrize('version', VERSIONS)
def test_a_heal_start_refused_while_the_daemon_reconnects_is_tried_again(version):
    """Right after a brick restarts, glusterd refuses a heal start until the self-heal daemon is
    connected to it (seen in the lab). The captured successful reply is edited into that refusal."""
    from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_cli import GlusterCli
    from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_plan import apply_steps
    from ansible_collections.glusterdock.storage.tests.unit.fixtures import text_fixture
    started = text_fixture(version, 'health-heal-start')
    refused = started.split(' has been successful')[0] + (
        " has been unsuccessful:\nGlusterd Syncop Mgmt brick op 'Heal' failed. Please check glustershd log file "
        "for details.\n")
    replies = [(2, refused, ''), (2, refused, ''), (0, started, '')]
    pauses = []
    cli = GlusterCli(lambda argv: replies.pop(0), sleep=pauses.append)
    rep = parse_volume_info(xml(version, 'health-volume-info-all'))['rep']
    pending = parse_heal_info(xml(version, 'health-heal-summary-brick-down'))
    apply_steps(cli, plan_heal(request('rep'), rep, pending, None).steps, lambda step: None)
    assert cli.calls == ['gluster --mode=script volume heal rep'] * 3 and pauses == [2.0, 3.0]
    assert cli.commands == ['gluster --mode=script volume heal rep']
    # Another failure is not tried again.
    replies[:] = [(1, 'Volume rep is not started.', '')]
    with pytest.raises(Exception, match='is not started'):
        apply_steps(cli, plan_heal(request('rep'), rep, pending, None).steps, lambda step: None)
