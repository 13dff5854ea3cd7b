"""gluster_heal's core on replies captured from real pools (tests/fixtures/capture VERSION health
and entry): a real data split-brain of two files, a real entry split-brain (gfid split-brain and a
type mismatch), a brick killed with writes pending, and a healthy volume."""
from xml.etree import ElementTree

import pytest

from ansible_collections.glusterdock.storage.plugins.module_utils.errors import RequestError, StateError
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_heal import (
    cli_file_name,
    entry_split_brain,
    heal_verdict,
    parse_heal_request,
    plan_heal,
    type_mismatch_message,
    type_mismatches,
)
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_info import parse_split_brain
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_volume_spec import (
    canonical_brick,
    validate_volume_name,
)
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_xml import parse_heal_info, parse_volume_info
from ansible_collections.glusterdock.storage.tests.unit.fixtures import VERSIONS, fixture, text_fixture

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


# Entry split-brain, captured by tests/fixtures/capture VERSION entry: on replica 2 volume entry,
# /g and /h were created on each brick while the other was down (different gfids), /d is a
# directory on node2 and a file on node1, /p exists on node1 only.
ENTRY_SOURCE = 'node2:/bricks/entry/b'


def entry_state(version, waiting=True):
    volume = parse_volume_info(xml(version, 'entry-volume-info'))['entry']
    summary = parse_heal_info(xml(version, 'entry-heal-summary'))
    files = parse_split_brain(xml(version, 'entry-heal-split-brain'), 1000).files
    names = parse_split_brain(xml(version, 'entry-heal-info'), 1000).files if waiting else None
    return volume, summary, files, names


def waiting_names(version):
    """The names heal info lists under the root: /d, /g and /h, and /p while it still waits (the
    self-heal daemon may already have created it on node2)."""
    names = entry_split_brain(['/'], entry_state(version)[3])['/']
    assert names in (['/d', '/g', '/h'], ['/d', '/g', '/h', '/p']), names
    return names


@pytest.mark.parametrize('version', VERSIONS)
def test_names_in_entry_split_brain_show_as_their_directory_and_wait_for_heal(version):
    _volume, summary, files, names = entry_state(version)
    # Not the names themselves: their directory, while the names wait for heal.
    assert files == ['/']
    assert all(brick.pending and brick.split_brain == 1 for brick in summary)
    assert entry_split_brain(files, names) == {'/': waiting_names(version)}
    assert entry_split_brain(files, None) == {'/': []}
    # A data split-brain has no directory in it.
    assert entry_split_brain(['/torn', '/torn2'], ['/torn', '/torn2']) == {}


@pytest.mark.parametrize('version', VERSIONS)
def test_entry_split_brain_without_a_policy_is_refused_naming_the_names_and_the_form_that_resolves(version):
    names = ', '.join(waiting_names(version))
    with pytest.raises(StateError) as error:
        plan_heal(request('entry'), *entry_state(version))
    assert str(error.value) == (
        'volume entry has 1 entry in split-brain: / (in it, %s have copies that differ in gfid or type on the '
        'bricks). Nothing was changed. Choose how to resolve them: split_brain.policy bigger-file, latest-mtime or '
        'source-brick (with source_brick), for named files or all; gluster resolves a name whose copies differ in '
        'gfid only when it is named by its path (split_brain.files: [%s])' % (names, names))


@pytest.mark.parametrize('version', VERSIONS)
def test_a_named_file_in_gfid_split_brain_is_resolved_by_its_path(version):
    plan = plan_heal(request('entry', split_brain={'policy': 'latest-mtime', 'files': ['/g']}), *entry_state(version))
    assert [step.args for step in plan.steps] == [
        ['volume', 'heal', 'entry', 'split-brain', 'latest-mtime', '/g'], ['volume', 'heal', 'entry']]
    assert plan.resolutions == [{'file': '/g', 'policy': 'latest-mtime', 'source_brick': None}]
    assert plan.in_directory == ['/g'] and plan.after['split_brain'] == ['/']
    # The same without the full heal info (entries counted only as in split-brain): the root is a
    # directory, so a name in it is accepted.
    plan = plan_heal(request('entry', split_brain={'policy': 'latest-mtime', 'files': ['/g']}),
                     *entry_state(version, waiting=False))
    assert [step.args[-1] for step in plan.steps] == ['/g', 'entry']


@pytest.mark.parametrize('version', VERSIONS)
def test_a_policy_for_all_resolves_each_name_of_the_directory_by_path(version):
    for policy, source in (('latest-mtime', None), ('source-brick', ENTRY_SOURCE)):
        plan = plan_heal(request('entry', split_brain={'policy': policy, 'source_brick': source}),
                         *entry_state(version))
        prefix = ['volume', 'heal', 'entry', 'split-brain', policy] + ([source] if source else [])
        # Not the directory, and not source-brick's crawl of the index (it goes by gfid).
        # Each name by path (not the directory with these policies, nor source-brick's crawl of its
        # index, which goes by gfid); with source-brick then the directory, merged.
        merge = [prefix + ['gfid:00000000-0000-0000-0000-000000000001']] if source else []
        assert [step.args for step in plan.steps] == [prefix + [name] for name in waiting_names(version)] + merge + [
            ['volume', 'heal', 'entry']]
        assert plan.in_directory == waiting_names(version) + (['/'] if source else [])
        assert plan.after['split_brain'] == ([] if source else ['/'])
        assert bool(plan.warnings) == (not source)


@pytest.mark.parametrize('version', VERSIONS)
def test_a_policy_for_all_is_refused_when_no_name_of_the_directory_is_known_by_path(version):
    with pytest.raises(StateError, match=r'^split_brain: / is a directory in split-brain on volume entry, and heal '
                                         r'info names no entry in it by path\. Nothing was changed\. .*'
                                         r'\(split_brain\.files: \[/dir/name\]\), and a directory only by '
                                         r'source-brick'):
        plan_heal(request('entry', split_brain={'policy': 'bigger-file'}), *entry_state(version, waiting=False))
    # source-brick merges the directory.
    plan = plan_heal(request('entry', split_brain={'policy': 'source-brick', 'source_brick': ENTRY_SOURCE}),
                     *entry_state(version, waiting=False))
    assert [step.args[-1] for step in plan.steps] == ['gfid:00000000-0000-0000-0000-000000000001', 'entry']


@pytest.mark.parametrize('version', VERSIONS)
def test_a_name_outside_the_directory_in_split_brain_is_refused(version):
    with pytest.raises(StateError, match=r'^split_brain: /sub/g is not in split-brain on volume entry \(in '
                                         r'split-brain: / \(in it, /d, /g, /h(, /p)? have'):
        plan_heal(request('entry', split_brain={'policy': 'latest-mtime', 'files': ['/sub/g']}), *entry_state(version))


@pytest.mark.parametrize('version', VERSIONS)
def test_a_type_mismatch_is_told_with_the_brick_of_each_type(version):
    volume = parse_volume_info(xml(version, 'entry-volume-info'))['entry']
    log = text_fixture(version, 'entry-glfsheal-log')
    assert type_mismatches(volume, log)['d'] == [('regular file', 'node1:/bricks/entry/b'),
                                                 ('directory', 'node2:/bricks/entry/b')]
    message = type_mismatch_message(volume, '/d', log)
    assert message.startswith('/d has copies of different types: regular file on node1:/bricks/entry/b, directory on '
                              'node2:/bricks/entry/b. gluster cannot resolve this, and changed nothing for it. Pick '
                              'the copy to keep; on each other brick remove the entry and its .glusterfs gfid link')
    assert type_mismatch_message(volume, '/g', log) is None
    assert type_mismatch_message(volume, '/d', '') is None


@pytest.mark.parametrize('version', VERSIONS)
def test_a_name_in_gfid_split_brain_given_by_gfid_is_refused_before_any_change(version):
    """gluster resolves a gfid split-brain only by the path: given gfid:UUID it answers "Transport
    endpoint is not connected" (entry-split-brain-latest-mtime-gfid), as one brick has no such gfid."""
    heal_info = xml(version, 'entry-heal-info')
    gfid = next(element.get('gfid') for element in heal_info.iter('file') if element.text == '/g')
    with pytest.raises(StateError, match=r'^split_brain: gfid:%s is not in split-brain on volume entry' % gfid):
        plan_heal(request('entry', split_brain={'policy': 'latest-mtime', 'files': ['gfid:%s' % gfid]}),
                  *entry_state(version))
    assert 'Transport endpoint is not connected' in text_fixture(version, 'entry-split-brain-latest-mtime-gfid')


@pytest.mark.parametrize('version', VERSIONS)
def test_a_directory_left_in_split_brain_is_refused_without_a_policy_saying_source_brick_resolves_it(version):
    """The state once its names are resolved: only the directory is listed, and no name waits."""
    with pytest.raises(StateError) as error:
        plan_heal(request('entry'), *entry_state(version, waiting=False))
    assert str(error.value).startswith(
        'volume entry has 1 entry in split-brain: / (a directory, which gluster resolves only by source-brick, as a '
        'conservative merge that keeps every name of every brick). Nothing was changed.'), str(error.value)
