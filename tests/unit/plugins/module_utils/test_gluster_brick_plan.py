"""gluster_brick's decisions on XML captured from GlusterFS 10.3 and 11.1: exact commands, refusals
before anything starts, and never a commit after a migration that failed or skipped files."""
from xml.etree import ElementTree

import pytest

from ansible_collections.glusterdock.storage.plugins.module_utils import gluster_brick_plan as plan_module
from ansible_collections.glusterdock.storage.plugins.module_utils import gluster_migration
from ansible_collections.glusterdock.storage.plugins.module_utils.brick_paths import brick_path_problem
from ansible_collections.glusterdock.storage.plugins.module_utils.errors import GlusterdockError
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_brick_health import (
    heal_finished,
    heal_problems,
    healed,
)
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_brick_plan import (
    BrickPlanError,
    commit_precheck,
    existing_task_action,
    plan_absent,
    plan_present,
    plan_replaced,
    plan_reset,
    rebalance_action,
    removal_precheck,
)
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_brick_request import parse_brick_request
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_migration import (
    CLEAN,
    FAILED,
    WAIT,
    describe_migration,
    judge_migration,
    only_files_failed,
    rebalance_finished,
    removal_node_ids,
)
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_wait import WaitTimeout, wait_for
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_xml import (
    parse_heal_info,
    parse_migration_status,
    parse_peers,
    parse_volume_info,
    parse_volume_status,
)

from ansible_collections.glusterdock.storage.tests.unit.fixtures import VERSIONS, fixture

DREP = ['node1:/bricks/drep/b1', 'node2:/bricks/drep/b1', 'node3:/bricks/drep/b1',
        'node1:/bricks/drep/b2', 'node2:/bricks/drep/b2', 'node3:/bricks/drep/b2']


def xml(version, name):
    return ElementTree.fromstring(fixture(version, name))


def volume(version, name):
    return list(parse_volume_info(xml(version, 'volume-info-' + name)).values())[0]


def peers(version, name='pool-list'):
    return parse_peers(xml(version, name))


def status(version, name):
    return parse_volume_status(xml(version, name))


def migration(version, name, edit=None):
    """A captured status; ``edit`` (old, new) changes the real XML to a case a lab cannot produce
    on demand (a failed or skipped file)."""
    text = fixture(version, name)
    if edit:
        assert edit[0] in text
        text = text.replace(*edit)
    return parse_migration_status(ElementTree.fromstring(text))


def request(**params):
    params.setdefault('volume', 'dist')
    return parse_brick_request(params)


def commands(plan):
    return [' '.join(step.args) for step in plan.steps]


# ---- bad input ------------------------------------------------------------------------------

@pytest.mark.parametrize('params, message', [
    ({'volume': 'all', 'state': 'absent', 'bricks': ['node1:/b']}, 'reserved by the gluster CLI'),
    ({'volume': 'v; touch /tmp/p', 'state': 'rebalanced'}, 'has characters glusterd refuses'),
    ({'state': 'absent'}, 'bricks: give the bricks to remove'),
    ({'state': 'present', 'bricks': []}, 'bricks: give the bricks to add'),
    ({'state': 'absent', 'bricks': ['node1:/bricks/x', 'node1:/bricks/x/']}, 'listed twice'),
    ({'state': 'absent', 'bricks': ['node1:relative']}, 'must be absolute'),
    ({'state': 'absent', 'bricks': ['node1:/']}, '"/" cannot be a brick'),
    ({'state': 'absent', 'bricks': ['node1:/var/lib/glusterd/x']}, "glusterd's own directory"),
    ({'state': 'absent', 'bricks': ['node1:/bricks/$(id)']}, 'may only hold'),
    ({'state': 'absent', 'bricks': ['--help:/x']}, 'invalid host'),
    ({'state': 'replaced', 'bricks': ['node1:/a']}, 'new_bricks: give one new brick for each'),
    ({'state': 'replaced', 'bricks': ['node1:/a'], 'new_bricks': ['node1:/a']}, 'use state: reset'),
    ({'state': 'replaced', 'bricks': ['node1:/a'], 'new_bricks': ['node2:relative']}, 'new_bricks: '),
    ({'state': 'absent', 'bricks': ['node1:/a'], 'new_bricks': ['node1:/b']}, 'only used with state: replaced'),
    ({'state': 'present', 'bricks': ['node1:/a'], 'arbiter': 2, 'replica': 3}, 'only "arbiter: 1"'),
    ({'state': 'present', 'bricks': ['node1:/a'], 'arbiter': 1}, 'give it with replica: 3'),
    ({'state': 'reset', 'bricks': ['node1:/a'], 'replica': 2}, 'replica: only used with state present'),
    ({'state': 'present', 'bricks': ['node1:/a'], 'allow_replica_reduction': True}, 'only used with state: absent'),
    ({'state': 'absent', 'bricks': ['node1:/a'], 'rebalance': True}, 'use state: rebalanced on its own'),
    ({'state': 'rebalanced', 'bricks': ['node1:/a']}, 'leave bricks out'),
    ({'state': 'absent', 'bricks': ['node1:/a'], 'timeout': 0}, 'timeout: must be a positive number'),
    ({'state': 'grown', 'bricks': ['node1:/a']}, 'state: must be one of'),
])
def test_bad_input_says_what_to_fix(params, message):
    with pytest.raises(GlusterdockError) as error:
        request(**params)
    assert message in str(error.value)


def test_arbiter_with_replica_two_means_replica_three_arbiter_one():
    parsed = request(state='present', bricks=['node3:/a'], replica=2, arbiter=1)
    assert (parsed.replica, parsed.arbiter) == (3, 1)


# ---- present --------------------------------------------------------------------------------

@pytest.mark.parametrize('version', VERSIONS)
def test_present_adds_new_bricks_once(version):
    dist = volume(version, 'dist')
    plan = plan_present(request(bricks=['node2:/bricks/dist/b2', 'node3:/bricks/dist/b2']), dist, peers(version))
    assert commands(plan) == ['volume add-brick dist node2:/bricks/dist/b2 node3:/bricks/dist/b2']
    assert plan.after['bricks'] == [brick.name for brick in dist.bricks] + ['node2:/bricks/dist/b2', 'node3:/bricks/dist/b2']
    # Already there (named by address or by name): nothing to do.
    assert not plan_present(request(bricks=['node1:/bricks/dist/b2']), dist, peers(version)).changed
    with pytest.raises(BrickPlanError, match='already in volume dist and node3:/bricks/dist/b9 are not'):
        plan_present(request(bricks=['node1:/bricks/dist/b2', 'node3:/bricks/dist/b9']), dist, peers(version))


@pytest.mark.parametrize('version', VERSIONS)
def test_present_replica_change_needs_one_brick_per_set(version):
    drep = volume(version, 'drep')
    with pytest.raises(BrickPlanError, match='needs 1 new bricks per set, 2 in all'):
        plan_present(request(volume='drep', bricks=['node1:/bricks/drep/c1'], replica=4), drep, peers(version))
    with pytest.raises(GlusterdockError, match='two bricks on node1'):
        plan_present(request(volume='drep', bricks=['node1:/bricks/drep/c1', 'node2:/bricks/drep/c2'], replica=4),
                     drep, peers(version))


# ---- absent ---------------------------------------------------------------------------------

@pytest.mark.parametrize('version', VERSIONS)
def test_absent_on_distribute_plans_start_then_commit(version):
    dist = volume(version, 'dist')
    plan = plan_absent(request(state='absent', bricks=['node1:/bricks/dist/b2']), dist, peers(version))
    assert (plan.mode, commands(plan)) == ('migrate', ['volume remove-brick dist node1:/bricks/dist/b2 start',
                                                       'volume remove-brick dist node1:/bricks/dist/b2 commit'])
    assert not plan_absent(request(state='absent', bricks=['node2:/bricks/dist/b9']), dist, peers(version)).changed
    with pytest.raises(BrickPlanError, match='every brick of volume dist'):
        plan_absent(request(state='absent', bricks=[brick.name for brick in dist.bricks]), dist, peers(version))


@pytest.mark.parametrize('version', VERSIONS)
def test_absent_on_replicated_removes_whole_sets_or_reduces_replica_only_when_opted_in(version):
    drep = volume(version, 'drep')
    plan = plan_absent(request(volume='drep', state='absent', bricks=DREP[3:]), drep, peers(version))
    assert commands(plan) == ['volume remove-brick drep %s start' % ' '.join(DREP[3:]),
                              'volume remove-brick drep %s commit' % ' '.join(DREP[3:])]
    with pytest.raises(BrickPlanError, match='remove whole replica sets'):
        plan_absent(request(volume='drep', state='absent', bricks=DREP[2:4]), drep, peers(version))
    reduce = dict(volume='drep', state='absent', bricks=[DREP[2], DREP[5]], replica=2)
    with pytest.raises(BrickPlanError, match='set allow_replica_reduction: true'):
        plan_absent(request(**reduce), drep, peers(version))
    with pytest.raises(BrickPlanError, match='replica: 2 without an arbiter'):
        plan_absent(request(allow_replica_reduction=True, **reduce), drep, peers(version))
    with pytest.raises(BrickPlanError, match='exactly 1 brick'):
        uneven = dict(reduce)
        uneven['bricks'] = [DREP[2], DREP[1]]
        plan_absent(request(allow_replica_reduction=True, allow_replica_two=True, **uneven), drep, peers(version))
    plan = plan_absent(request(allow_replica_reduction=True, allow_replica_two=True, **reduce), drep, peers(version))
    assert (plan.mode, commands(plan)) == ('reduce', ['volume remove-brick drep replica 2 %s %s force'
                                                      % (DREP[2], DREP[5])])


@pytest.mark.parametrize('version', VERSIONS)
def test_precheck_refuses_a_brick_down_a_peer_down_or_heal_pending(version):
    rep = volume(version, 'rep')
    healthy_heal = parse_heal_info(xml(version, 'heal-info-summary'))
    removal_precheck(rep, peers(version), status(version, 'volume-status-rep'), healthy_heal)
    with pytest.raises(BrickPlanError, match=r'nothing was started: bricks offline: node2:/bricks/rep/b'):
        removal_precheck(rep, peers(version), status(version, 'volume-status-brick-down'), healthy_heal)
    with pytest.raises(BrickPlanError, match='peer node3 is disconnected'):
        removal_precheck(rep, peers(version, 'pool-list-peer-down'), status(version, 'volume-status-peer-down'),
                         healthy_heal)
    with pytest.raises(BrickPlanError, match='node1:/bricks/rep/b has 6 entries to heal'):
        removal_precheck(rep, peers(version), status(version, 'volume-status-rep'),
                         parse_heal_info(xml(version, 'heal-info-summary-pending')))


@pytest.mark.parametrize('version', VERSIONS)
def test_an_earlier_task_is_resumed_for_the_same_bricks_and_refused_for_others(version):
    dist = volume(version, 'dist')
    with_task = status(version, 'volume-status-remove-brick')
    assert existing_task_action(dist, with_task, ['node2:/bricks/dist/b2']) == 'resume'
    with pytest.raises(BrickPlanError, match='unfinished remove-brick task .* for other bricks: node2:/bricks/dist/b2'):
        existing_task_action(dist, with_task, ['node1:/bricks/dist/b2'])
    # After remove-brick stop the task is gone: a new start is the way on.
    assert existing_task_action(dist, status(version, 'volume-status-remove-brick-stopped'),
                                ['node1:/bricks/dist/b2']) == 'start'


@pytest.mark.parametrize('version', VERSIONS)
def test_judge_migration_commits_only_when_every_row_is_clean(version):
    assert judge_migration(migration(version, 'remove-brick-status-early')) == WAIT
    assert judge_migration(migration(version, 'remove-brick-status-completed')) == CLEAN
    assert judge_migration(migration(version, 'rebalance-status-completed')) == CLEAN
    assert judge_migration(migration(version, 'remove-brick-stop')) == FAILED
    for edit in [('<failures>0</failures>', '<failures>3</failures>'),
                 ('<skipped>0</skipped>', '<skipped>1</skipped>')]:
        # One node (the first row) failed or skipped files while the aggregate says completed.
        assert judge_migration(migration(version, 'remove-brick-status-completed', edit)) == FAILED
    # Completed in aggregate but a node still in progress: wait.
    text_edit = ('<status>3</status>\n      <statusStr>completed</statusStr>\n      <runtime>',
                 '<status>1</status>\n      <statusStr>in progress</statusStr>\n      <runtime>')
    if text_edit[0] in fixture(version, 'rebalance-status-completed'):
        assert judge_migration(migration(version, 'rebalance-status-completed', text_edit)) == WAIT


def rebalance_rows(version, rows):
    """The captured completed rebalance with node row i given ``rows[i]`` = (status, failures),
    the aggregate following the first row that is not completed: the mixes a lab run shows only by
    chance (one node failed a file in its first second while the others still ran)."""
    text = fixture(version, 'rebalance-status-completed')
    head, *nodes = text.split('<node>')
    nodes[-1], tail = nodes[-1].split('<aggregate>')
    edited = []
    for node, (status_code, failures) in zip(nodes, rows):
        node = node.replace('<failures>0</failures>', '<failures>%d</failures>' % failures)
        edited.append(node.replace('<status>3</status>', '<status>%d</status>' % status_code))
    aggregate_status = next((code for code, _failures in rows if code != 3), 3)
    tail = tail.replace('<failures>0</failures>', '<failures>%d</failures>' % sum(failures for _code, failures in rows))
    tail = tail.replace('<status>3</status>', '<status>%d</status>' % aggregate_status)
    return parse_migration_status(ElementTree.fromstring('<node>'.join([head] + edited) + '<aggregate>' + tail))


@pytest.mark.parametrize('version', VERSIONS)
def test_a_rebalance_with_a_failed_file_is_waited_for_until_no_node_runs_then_run_again(version):
    one_failed_others_running = rebalance_rows(version, [(1, 0), (1, 0), (1, 1)])
    # A remove-brick stops at once; a rebalance waits: a new start is refused while a node runs.
    assert judge_migration(one_failed_others_running) == FAILED
    assert not rebalance_finished(one_failed_others_running)
    assert not only_files_failed(one_failed_others_running)
    all_done_one_failed = rebalance_rows(version, [(3, 0), (3, 0), (3, 1)])
    assert rebalance_finished(all_done_one_failed) and only_files_failed(all_done_one_failed)
    # A node that failed as a whole is not a file to move again.
    node_failed = rebalance_rows(version, [(3, 0), (4, 0), (3, 1)])
    assert rebalance_finished(node_failed) and not only_files_failed(node_failed)
    clean = rebalance_rows(version, [(3, 0), (3, 0), (3, 0)])
    assert rebalance_finished(clean) and not only_files_failed(clean)
    assert not rebalance_finished(rebalance_rows(version, [(1, 0), (3, 0), (3, 0)]))


def uuids(version):
    """Peer UUIDs of node1 and node2 (from the dist volume's bricks)."""
    bricks = volume(version, 'dist').bricks
    return bricks[0].host_uuid, bricks[1].host_uuid


@pytest.mark.parametrize('version', VERSIONS)
def test_migration_rows_carry_the_node_uuid_and_missing_counts_are_unknown(version):
    node1, node2 = uuids(version)
    status = migration(version, 'remove-brick-status-completed')
    assert [row.node_id for row in status.nodes] == [node2] and status.aggregate.node_id == ''
    assert status.nodes[0].failures == 0 and status.nodes[0].completed_cleanly
    unknown = migration(version, 'remove-brick-status-completed', ('<failures>0</failures>', ''))
    assert unknown.nodes[0].failures is None and not unknown.nodes[0].completed_cleanly
    assert 'unknown failures' in describe_migration(unknown)


@pytest.mark.parametrize('version', VERSIONS)
def test_judge_migration_needs_a_clean_row_from_every_host_of_the_removed_bricks(version):
    node1, node2 = uuids(version)
    dist = volume(version, 'dist')
    assert removal_node_ids(dist, ['node1:/bricks/dist/b2']) == [node1]
    completed = migration(version, 'remove-brick-status-completed')
    # nodeCount 3 but one <node>: the rows of the others are left out (not started, or down).
    assert judge_migration(completed, [node2]) == CLEAN
    assert judge_migration(completed, [node1]) == WAIT
    assert judge_migration(completed, [node1, node2]) == WAIT
    assert 'no status from node(s) %s' % node1 in describe_migration(completed, [node1, node2])
    assert judge_migration(migration(version, 'rebalance-status-completed'), [node1, node2]) == CLEAN
    # Counts gluster did not give are not zero: FAILED once it says completed, WAIT before.
    for tag in ('failures', 'skipped'):
        edit = ('<%s>0</%s>' % (tag, tag), '')
        assert judge_migration(migration(version, 'remove-brick-status-completed', edit), [node2]) == FAILED
        assert judge_migration(migration(version, 'remove-brick-status-early', edit), [node2]) == WAIT


@pytest.mark.parametrize('version', VERSIONS)
def test_commit_precheck_refuses_a_peer_down_or_a_brick_offline(version):
    rep = volume(version, 'rep')
    commit_precheck(rep, peers(version), status(version, 'volume-status-rep'), ['node3:/bricks/rep/b'])
    with pytest.raises(BrickPlanError, match='not committing .* peer node3 is disconnected.*left as it is'):
        commit_precheck(rep, peers(version, 'pool-list-peer-down'), status(version, 'volume-status-peer-down'),
                        ['node3:/bricks/rep/b'])
    with pytest.raises(BrickPlanError, match='not committing .*bricks offline: node2:/bricks/rep/b'):
        commit_precheck(rep, peers(version), status(version, 'volume-status-brick-down'), ['node2:/bricks/rep/b'])


@pytest.mark.parametrize('version', VERSIONS)
def test_heal_checks_fail_closed(version):
    rep = volume(version, 'rep')
    healthy = parse_heal_info(xml(version, 'heal-info-summary'))
    assert heal_problems(healthy, rep) == [] and healed(healthy, rep)
    assert heal_problems([]) == ['heal info reported no bricks'] and not healed([])
    assert len(heal_problems([], rep)) == 3 and not healed([], rep)
    # A brick left out of the reply.
    assert heal_problems(healthy[:2], rep) == ['node3:/bricks/rep/b is missing from the heal info reply']
    assert not healed(healthy[:2], rep) and not heal_finished(healthy[:2], rep)
    with pytest.raises(BrickPlanError, match='node3:/bricks/rep/b is missing from the heal info reply'):
        removal_precheck(rep, peers(version), status(version, 'volume-status-rep'), healthy[:2])
    # Connected, but no count of entries: unknown is not zero.
    text = fixture(version, 'heal-info-summary').replace('<totalNumberOfEntries>0</totalNumberOfEntries>', '', 1)
    unknown = parse_heal_info(ElementTree.fromstring(text))
    assert unknown[0].connected and unknown[0].unhealed is None and not unknown[0].clean
    assert heal_problems(unknown, rep) == ['node1:/bricks/rep/b did not report its number of entries to heal']
    assert not healed(unknown, rep)
    with pytest.raises(BrickPlanError, match='did not report its number of entries'):
        removal_precheck(rep, peers(version), status(version, 'volume-status-rep'), unknown)
    # Matched by host UUID and path, whatever name the reply gives the host.
    renamed = parse_heal_info(ElementTree.fromstring(fixture(version, 'heal-info-summary').replace(
        '<name>node1:', '<name>10.0.0.1:')))
    assert healed(renamed, rep)


# ---- replaced, reset, rebalance, heal -------------------------------------------------------

@pytest.mark.parametrize('version', VERSIONS)
def test_replace_plans_replace_brick_commit_force_once(version):
    drep = volume(version, 'drep')
    args = dict(volume='drep', state='replaced', bricks=['node3:/bricks/drep/b2'], new_bricks=['node3:/bricks/drep/b3'])
    plan = plan_replaced(request(**args), drep, peers(version))
    assert commands(plan) == ['volume replace-brick drep node3:/bricks/drep/b2 node3:/bricks/drep/b3 commit force']
    assert not plan_replaced(request(**args), volume(version, 'drep-replaced'), peers(version)).changed
    with pytest.raises(BrickPlanError, match='files would be lost'):
        plan_replaced(request(state='replaced', bricks=['node1:/bricks/dist/b1'], new_bricks=['node1:/bricks/dist/n']),
                      volume(version, 'dist'), peers(version))


@pytest.mark.parametrize('version', VERSIONS)
def test_reset_plans_start_and_commit_for_an_offline_brick_only(version):
    drep = volume(version, 'drep')
    args = dict(volume='drep', state='reset', bricks=['node2:/bricks/drep/b1'])
    plan = plan_reset(request(**args), drep, peers(version), status(version, 'volume-status-reset-brick'))
    assert commands(plan) == ['volume reset-brick drep node2:/bricks/drep/b1 start',
                              'volume reset-brick drep node2:/bricks/drep/b1 node2:/bricks/drep/b1 commit force']
    online = dict(args)
    online['bricks'] = ['node1:/bricks/drep/b1']
    other = plan_reset(request(**online), drep, peers(version),
                       status(version, 'volume-status-reset-brick'))
    assert not other.changed


@pytest.mark.parametrize('version', VERSIONS)
def test_rebalance_is_skipped_after_a_clean_one_and_heal_is_judged_per_brick(version):
    dist = volume(version, 'dist')
    assert rebalance_action(dist, status(version, 'volume-status-remove-brick-stopped')) == 'start'
    assert healed(parse_heal_info(xml(version, 'heal-info-summary')))
    pending = parse_heal_info(xml(version, 'heal-info-summary-pending'))
    assert not healed(pending) and not heal_finished(pending)


class FakeFs:
    """Paths -> (device, entries or None for a file, has the volume-id xattr); '/' is device 1."""

    def __init__(self, paths, xattr_errno=61):
        self.paths = dict({'/': (1, ['bricks'], False)}, **paths)
        self.xattr_errno = xattr_errno

    def stat(self, path):
        if path not in self.paths:
            raise FileNotFoundError(path)
        return type('Stat', (), {'st_dev': self.paths[path][0]})()

    def listdir(self, path):
        if path not in self.paths:
            raise FileNotFoundError(path)
        if self.paths[path][1] is None:
            raise NotADirectoryError(path)
        return self.paths[path][1]

    def getxattr(self, path, name):
        assert name == 'trusted.glusterfs.volume-id'
        if path not in self.paths:
            raise FileNotFoundError(path)
        if self.paths[path][2]:
            return b'\x01' * 16
        raise OSError(self.xattr_errno, 'No data available')

    def problem(self, path):
        return brick_path_problem(path, self.listdir, self.getxattr, self.stat)


def test_brick_path_problem_refuses_data_and_old_bricks():
    own_fs = {'/bricks': (2, ['new'], False)}
    assert FakeFs(own_fs).problem('/bricks/new') is None
    assert FakeFs(own_fs).problem('/bricks/new/deeper') is None
    assert FakeFs(dict(own_fs, **{'/bricks/new': (2, [], False)})).problem('/bricks/new') is None
    assert 'volume-id xattr (it is or was a brick)' in FakeFs(dict(own_fs, **{'/bricks/new': (2, [], True)})
                                                              ).problem('/bricks/new')
    assert '.glusterfs' in FakeFs(dict(own_fs, **{'/bricks/new': (2, ['.glusterfs'], False)})).problem('/bricks/new')
    assert 'not empty (a)' in FakeFs(dict(own_fs, **{'/bricks/new': (2, ['a'], False)})).problem('/bricks/new')
    assert 'is not a directory' in FakeFs(dict(own_fs, **{'/bricks/new': (2, None, False)})).problem('/bricks/new')
    # ENOTSUP (a file system without xattrs) means no xattr, not "cannot check".
    assert FakeFs(own_fs, xattr_errno=95).problem('/bricks/new') is None
    assert 'cannot read' in FakeFs(own_fs, xattr_errno=13).problem('/bricks/new')


def test_brick_path_problem_refuses_a_path_inside_a_brick_and_the_root_file_system():
    inside = {'/bricks': (2, ['old'], False), '/bricks/old': (2, ['new'], True)}
    for path in ('/bricks/old/new', '/bricks/old/new/b'):
        problem = FakeFs(inside).problem(path)
        assert 'is inside /bricks/old, which carries a trusted.glusterfs.volume-id xattr' in problem
    # Missing path: its nearest existing parent decides the device; an existing path its own.
    assert 'on the root file system (/bricks is on the same device as /)' in FakeFs(
        {'/bricks': (1, [], False)}).problem('/bricks/new')
    assert 'on the root file system (/bricks/new' in FakeFs(
        {'/bricks': (1, ['new'], False), '/bricks/new': (1, [], False)}).problem('/bricks/new')
    assert 'on the root file system (/ is' in FakeFs({}).problem('/srv/brick')


def test_wait_for_backs_off_sub_second_first_capped_and_times_out_with_the_last_status():
    now = [0.0]
    pauses = []

    def sleep(seconds):
        pauses.append(seconds)
        now[0] += seconds
    values = iter(range(100))
    with pytest.raises(WaitTimeout) as error:
        wait_for(lambda: next(values), lambda value: False, 10, what='the thing', clock=lambda: now[0], sleep=sleep)
    assert pauses[0] < 1 and max(pauses) <= 3.0 and abs(sum(pauses) - 10) < 1e-9
    assert 'the thing did not finish within 10 seconds' in str(error.value) and 'last status: %d' % error.value.last \
        in str(error.value)
    assert wait_for(lambda: 5, lambda value: value == 5, 10, sleep=sleep) == (5, 1)


def test_plan_module_never_adds_force_to_a_migration():
    source = open(plan_module.__file__).read()
    assert "remove_brick_args(volume.name, names, 'start')" in source
    assert remove_args_have_no_force()


def remove_args_have_no_force():
    return 'force' not in gluster_migration.remove_brick_args('v', ['h:/p'], 'commit')


# ---- steps: what they do, on which bricks, and how a fresh read proves them done -----------

@pytest.mark.parametrize('version', VERSIONS)
def test_each_step_names_its_bricks_and_is_proven_done_only_by_a_fresh_read_showing_its_effect(version):
    dist = volume(version, 'dist')
    added = plan_present(request(bricks=['node3:/bricks/dist/b9']), dist, peers(version)).steps
    assert [(step.what, step.bricks) for step in added] == [('add bricks node3:/bricks/dist/b9', ['node3:/bricks/dist/b9'])]
    assert not added[0].done(dist)

    removing = volume(version, 'remove-in-progress')
    start, commit = plan_absent(request(state='absent', bricks=['node2:/bricks/dist/b2']), removing,
                                peers(version)).steps
    assert start.reads == [plan_module.VOLUME_STATUS] and commit.reads == []
    # The captured status shows a task removing node2:/bricks/dist/b2; the other capture shows none.
    assert start.done(status(version, 'volume-status-remove-brick'))
    assert not start.done(status(version, 'volume-status-remove-brick-stopped'))
    assert not commit.done(removing)

    drep = volume(version, 'drep')
    replace = plan_replaced(request(volume='drep', state='replaced', bricks=['node3:/bricks/drep/b2'],
                                    new_bricks=['node3:/bricks/drep/b3']), drep, peers(version)).steps
    assert [step.bricks for step in replace] == [['node3:/bricks/drep/b2', 'node3:/bricks/drep/b3']]
    assert not replace[0].done(drep) and replace[0].done(volume(version, 'drep-replaced'))

    reset_start, reset_commit = plan_reset(request(volume='drep', state='reset', bricks=['node2:/bricks/drep/b1']), drep,
                                           peers(version), status(version, 'volume-status-reset-brick')).steps
    # No read shows that a reset-brick start took effect: it is sent once.
    assert reset_start.done is None
    assert reset_commit.reads == [plan_module.VOLUME_STATUS]
    assert not reset_commit.done(status(version, 'volume-status-reset-brick'))
