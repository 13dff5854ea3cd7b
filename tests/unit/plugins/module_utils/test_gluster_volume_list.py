"""The list form's core: entries parsed together (errors name the entry), and the order of planning
and applying (every plan before the first change, a fresh plan after an earlier change, a stop at
the first failure), with managers that record what they are asked."""
from xml.etree import ElementTree

import pytest

from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_plan import Plan, Step
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_volume_list import (
    VolumeFailed,
    VolumeListError,
    converge_volume_list,
    entry_label,
    parse_volume_list,
)
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_volume_plan import plan_volume
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_xml import parse_volume_info

from ansible_collections.glusterdock.storage.tests.unit.fixtures import VERSIONS, fixture

WEB = ['node1:/bricks/web/b', 'node2:/bricks/web/b', 'node3:/bricks/web/b']
REP = ['node1:/bricks/rep/b', 'node2:/bricks/rep/b', 'node3:/bricks/rep/b']
EC = ['node1:/bricks/ec/b', 'node2:/bricks/ec/b', 'node3:/bricks/ec/b']


def test_entries_become_specs_in_order():
    specs = parse_volume_list([dict(name='web', bricks=WEB, replica=3), dict(name='old', state='absent')])
    assert [(spec.name, spec.state, spec.replica) for spec in specs] == [('web', 'present', 3), ('old', 'absent', None)]
    assert parse_volume_list([]) == []


@pytest.mark.parametrize('entries, message', [
    ([dict(name='web', bricks=WEB, replica=3), dict(name='db', bricks=['node1:db'])],
     "volumes[1] (name db): bricks: 'node1:db': the brick path must be absolute"),
    ([dict(name='web', bricks=WEB, replica=2)],
     'volumes[0] (name web): replica: 2 without an arbiter risks split-brain; use replica: 3 (optionally with arbiter: 1), or '
     'set allow_replica_two: true to accept the risk'),
    ([dict(name='web', bricks=WEB, options={'write-behnd': 'off'})],
     "volumes[0] (name web): options: unknown option key 'write-behnd'; did you mean performance.write-behind?"),
    ([dict(name='web', bricks=WEB), dict(name='all')], "volumes[1] (name all): name: 'all' is a word reserved by the gluster CLI"),
    ([dict(name='web', bricks=WEB), 'db'], "volumes[1]: each entry is a dictionary of one volume's options, not 'db'"),
    ([dict(name='web', bricks=WEB), dict(name='web', state='absent')], 'volumes[1] (name web): volume web is listed twice (also volumes[0] (name web))'),
    ([dict(name='web', bricks=WEB), dict(name='db', bricks=WEB[:1])],
     'volumes[1] (name db): bricks: node1:/bricks/web/b is also a brick of volumes[0] (name web)'),
])
def test_a_bad_entry_is_refused_naming_it(entries, message):
    with pytest.raises(VolumeListError) as refused:
        parse_volume_list(entries)
    assert str(refused.value) == message


def test_a_deleted_volume_may_list_the_bricks_another_entry_keeps():
    assert len(parse_volume_list([dict(name='old', state='absent', bricks=WEB), dict(name='web', bricks=WEB)])) == 2


@pytest.mark.parametrize('entry, label', [
    (dict(name='web'), 'volumes[3] (name web)'), (dict(volume='web'), 'volumes[3] (name web)'),
    # A name that is a number is no index; an invalid one is shown (the message is about it).
    (dict(name='0'), 'volumes[3] (name 0)'), (dict(name='a b'), 'volumes[3] (name a b)'),
    (dict(name='a\nb'), 'volumes[3]'), (dict(name=7), 'volumes[3]'), (dict(), 'volumes[3]'), ('web', 'volumes[3]'),
])
def test_entry_label(entry, label):
    assert entry_label(entry, 3) == label


class RecordingManager:
    """Stands in for gluster_volume's VolumeManager: plans from what it is given, records the calls."""

    def __init__(self, name, log, changes=False, refuse=None, fail=None, fresh_changes=None):
        self.spec = parse_volume_list([dict(name=name, state='absent')])[0]
        self.log = log
        self.changes = changes
        self.fresh_changes = changes if fresh_changes is None else fresh_changes
        self.refuse = refuse
        self.fail = fail

    def _plan(self, changes):
        return Plan(steps=[Step(['volume', 'delete', self.spec.name])] if changes else [])

    def plan_checked(self, volume):
        self.log.append(('plan', self.spec.name, volume))
        if self.refuse:
            raise VolumeFailed(dict(msg=self.refuse, commands=[]))
        return volume, self._plan(self.changes)

    def read_and_plan(self):
        self.log.append(('read and plan', self.spec.name))
        return 'fresh', self._plan(self.fresh_changes)

    def converge(self, volume, plan, read_back=True):
        assert not read_back  # the list form reads every volume back at once
        self.log.append(('apply', self.spec.name, volume))
        if self.fail:
            raise VolumeFailed(dict(msg=self.fail, changed=False, commands=['gluster volume delete %s' % self.spec.name]))
        return dict(changed=plan.changed, commands=[' '.join(step.args) for step in plan.steps])


def test_every_volume_is_planned_from_the_one_read_before_any_is_applied():
    log = []
    managers = [RecordingManager('a', log), RecordingManager('b', log, changes=True), RecordingManager('c', log)]
    results, failure = converge_volume_list(managers, {'a': 'A', 'b': 'B'})
    assert failure is None
    assert log == [('plan', 'a', 'A'), ('plan', 'b', 'B'), ('plan', 'c', None),
                   ('apply', 'a', 'A'), ('apply', 'b', 'B'), ('apply', 'c', None)]
    assert [(result['name'], result['changed'], result['failed']) for result in results] == [
        ('a', False, False), ('b', True, False), ('c', False, False)]


def test_a_volume_changing_after_an_earlier_change_is_read_and_planned_again():
    log = []
    managers = [RecordingManager('a', log, changes=True), RecordingManager('b', log),
                RecordingManager('c', log, changes=True, fresh_changes=False)]
    results, failure = converge_volume_list(managers, {'a': 'A', 'b': 'B', 'c': 'C'})
    assert failure is None
    # b has nothing to do: its plan stands. c had: the fresh read finds it done meanwhile.
    assert log[3:] == [('apply', 'a', 'A'), ('apply', 'b', 'B'), ('read and plan', 'c'), ('apply', 'c', 'fresh')]
    assert [result['changed'] for result in results] == [True, False, False]


def test_a_volume_to_create_after_an_earlier_change_is_planned_again_without_a_read():
    # Creating many volumes: a read before each would cost a gluster call per volume; a volume
    # that did not exist is planned again (its brick paths checked again) from the same absence.
    log = []
    managers = [RecordingManager(name, log, changes=True) for name in ('a', 'b', 'c')]
    results, failure = converge_volume_list(managers, {})
    assert failure is None
    assert log[3:] == [('apply', 'a', None), ('plan', 'b', None), ('apply', 'b', None), ('plan', 'c', None),
                       ('apply', 'c', None)]


def test_the_volumes_changed_are_read_back_once_at_the_end():
    log = []
    reads = []

    def read_volumes():
        reads.append(len(log))
        return {'a': {'name': 'a', 'status': 'started'}, 'b': {'name': 'b', 'status': 'started'}}

    managers = [RecordingManager('a', log, changes=True), RecordingManager('b', log), RecordingManager('c', log, changes=True)]
    results, failure = converge_volume_list(managers, {'b': 'B'}, read_volumes=read_volumes)
    assert failure is None and reads == [len(log)]
    # A volume deleted by the run is read back as absent ({}); one left alone keeps what was read.
    assert [result.get('volume') for result in results] == [{'name': 'a', 'status': 'started'}, None, {}]


def test_nothing_is_read_back_in_check_mode_or_when_nothing_changed():
    def read_volumes():
        raise AssertionError('read back')

    log = []
    converge_volume_list([RecordingManager('a', log, changes=True)], {}, check_mode=True, read_volumes=read_volumes)
    converge_volume_list([RecordingManager('a', log)], {'a': 'A'}, read_volumes=read_volumes)


def test_a_failed_read_back_fails_the_task_saying_every_volume_was_applied():
    def read_volumes():
        raise VolumeFailed(dict(msg='gluster --mode=script volume info --xml failed: Request timed out'))

    log = []
    results, failure = converge_volume_list([RecordingManager('a', log, changes=True), RecordingManager('b', log)], {},
                                            read_volumes=read_volumes)
    assert failure == ('every volume was applied (a (changed), b (unchanged)), but reading them back failed: gluster '
                       '--mode=script volume info --xml failed: Request timed out')
    assert [result['failed'] for result in results] == [False, False]


def test_after_a_failure_the_volumes_done_are_read_back():
    reads = []
    log = []
    managers = [RecordingManager('a', log, changes=True), RecordingManager('b', log, changes=True, fail='boom')]
    results, failure = converge_volume_list(managers, {}, read_volumes=lambda: reads.append(1) or {'a': {'name': 'a'}})
    assert failure == 'volumes[1] (name b): boom Volumes done before it: a (changed).'
    assert reads == [1] and results[0]['volume'] == {'name': 'a'}


def test_check_mode_plans_once_from_the_one_read():
    log = []
    managers = [RecordingManager('a', log, changes=True), RecordingManager('b', log, changes=True)]
    converge_volume_list(managers, {}, check_mode=True)
    assert ('read and plan', 'b') not in log


def test_a_refused_plan_stops_the_run_before_any_change():
    log = []
    managers = [RecordingManager('a', log, changes=True), RecordingManager('b', log, refuse='volume b is in the way'),
                RecordingManager('c', log)]
    results, failure = converge_volume_list(managers, {})
    assert failure == 'volumes[1] (name b): volume b is in the way; nothing was changed (every volume is planned before the first change)'
    assert results == [dict(msg='volume b is in the way', commands=[], name='b', failed=True, changed=False)]
    assert [entry[0] for entry in log] == ['plan', 'plan']


def test_a_failure_stops_the_run_and_says_what_was_done_and_what_was_not_attempted():
    log = []
    managers = [RecordingManager('a', log, changes=True), RecordingManager('b', log), RecordingManager('c', log, fail='boom'),
                RecordingManager('d', log), RecordingManager('e', log)]
    results, failure = converge_volume_list(managers, {})
    assert failure == ('volumes[2] (name c): boom Volumes done before it: a (changed), b (unchanged). Not attempted (the run stops '
                       'at the first failure): d, e.')
    assert [(result['name'], result['failed']) for result in results] == [('a', False), ('b', False), ('c', True)]
    assert results[-1]['commands'] == ['gluster volume delete c']
    assert ('apply', 'd', None) not in log


@pytest.mark.parametrize('version', VERSIONS)
def test_one_read_of_every_volume_plans_each_as_its_own_read_would(version):
    every = parse_volume_info(ElementTree.fromstring(fixture(version, 'volume-info-all')))
    specs = parse_volume_list([dict(name='rep', bricks=REP, replica=3), dict(name='ec', bricks=EC, disperse=3, redundancy=1),
                               dict(name='dec', state='started'), dict(name='web', bricks=WEB, replica=3)])
    for spec in specs:
        own = parse_volume_info(ElementTree.fromstring(fixture(version, 'volume-info-' + spec.name))) \
            if spec.name != 'web' else {}
        from_all, from_own = plan_volume(spec, every), plan_volume(spec, own)
        assert [step.args for step in from_all.steps] == [step.args for step in from_own.steps]
        assert (from_all.before, from_all.after) == (from_own.before, from_own.after)
    assert [step.args for step in plan_volume(specs[2], every).steps] == [['volume', 'start', 'dec']]
