"""gluster_volume's list form (volumes) through the real AnsibleModule: every entry checked before
any gluster call, one volume info of every volume for a no-op, the exact gluster calls of a mixed
run, check mode, a refusal before any change and a stop at the first failure, answered with XML
captured from real servers."""
import pytest

from ansible_collections.glusterdock.storage.plugins.modules import gluster_volume
from ansible_collections.glusterdock.storage.tests.unit.fixtures import VERSIONS
from ansible_collections.glusterdock.storage.tests.unit.plugins.modules.ansible_module_runner import reply

VERSION = '10.3'
REP = ['node1:/bricks/rep/b', 'node2:/bricks/rep/b', 'node3:/bricks/rep/b']
ARB = ['node1:/bricks/arb/b', 'node2:/bricks/arb/b', 'node3:/bricks/arb/b']
EC = ['node1:/bricks/ec/b', 'node2:/bricks/ec/b', 'node3:/bricks/ec/b']
DIST = ['node1:/bricks/dist/b1', 'node2:/bricks/dist/b1', 'node3:/bricks/dist/b1', 'node1:/bricks/dist/b2']
NEW = ['node1:/bricks/new/b', 'node2:/bricks/new/b', 'node3:/bricks/new/b']
AS_THEY_ARE = [
    dict(name='rep', bricks=REP, replica=3),
    dict(name='arb', bricks=ARB, replica=3, arbiter=1),
    dict(volume='ec', brick=EC, disperses=3, redundancies=1),
    dict(name='dist', bricks=DIST),
    dict(name='dec', state='stopped'),
]


def gluster(command):
    return 'gluster --mode=script %s --xml' % command


@pytest.fixture(autouse=True)
def elsewhere(monkeypatch):
    """Run on a node that hosts none of the bricks (their paths are then glusterd's to check)."""
    monkeypatch.setattr(gluster_volume, 'local_host_names', lambda: ('elsewhere',))


@pytest.mark.parametrize('version', VERSIONS)
def test_volumes_as_asked_are_one_read_of_every_volume(run_module, version):
    result, calls = run_module(gluster_volume.main, dict(volumes=AS_THEY_ARE), version,
                               [reply(version, 'volume-info-all')], diff=True)
    assert not result['failed'] and not result['changed'] and result['commands'] == []
    assert calls.calls == ['volume info']
    assert [(item['name'], item['changed'], item['failed'], item['commands']) for item in result['results']] == [
        (entry.get('name', 'ec'), False, False, []) for entry in AS_THEY_ARE]
    assert [item['volume']['status'] for item in result['results']] == ['started', 'started', 'started', 'started', 'created']
    assert all(item['diff']['before'] == item['diff']['after'] for item in result['results'])
    assert [diff['before_header'] for diff in result['diff']] == [
        'volume rep', 'volume arb', 'volume ec', 'volume dist', 'volume dec']


def test_an_empty_list_makes_no_gluster_call(run_module):
    result, calls = run_module(gluster_volume.main, dict(volumes=[]), VERSION)
    assert (result['failed'], result['changed'], result['results'], calls.calls) == (False, False, [], [])


def test_a_mixed_run_sets_options_in_one_command_and_plans_again_after_a_change(run_module):
    volumes = [
        dict(name='dist', bricks=DIST),
        dict(name='rep', options={'write-behind': 'on', 'performance.cache-size': '256MB'}),
        dict(name='ec', state='stopped', allow_stop_with_clients=True),
        dict(name='arb', bricks=ARB, replica=3, arbiter=1),
    ]
    set_both = 'volume set rep performance.write-behind on performance.cache-size 256MB'
    # The captures hold neither rep with these values nor ec stopped: each is read back as it was
    # before (this test checks the calls, not the volumes returned).
    result, calls = run_module(gluster_volume.main, dict(volumes=volumes), VERSION, [
        reply(VERSION, 'volume-info-all'),
        # volume info lists neither option: volume get tells whether they are set already.
        reply(VERSION, 'volume-get-all'),
        reply(VERSION, 'volume-set', set_both),
        # ec changes after rep did: read and planned again first.
        reply(VERSION, 'volume-info-ec'),
        reply(VERSION, 'volume-stop'),
        # The volumes changed are read back once, at the end.
        reply(VERSION, 'volume-info-all'),
    ])
    assert not result['failed'] and result['changed']
    assert calls.calls == ['volume info', 'volume get rep all', set_both, 'volume info ec', 'volume stop ec', 'volume info']
    assert result['commands'] == [gluster(set_both), gluster('volume stop ec')]
    assert [(item['name'], item['changed'], item['failed'], item['commands']) for item in result['results']] == [
        ('dist', False, False, []),
        ('rep', True, False, [gluster(set_both)]),
        ('ec', True, False, [gluster('volume stop ec')]),
        ('arb', False, False, []),
    ]
    assert 'diff' not in result


def test_creating_volumes_makes_their_commands_and_one_read_before_and_after(run_module):
    # As gluster's own create and start of each volume, plus one volume info before and one after:
    # no read of each volume before its create (it did not exist) nor after its start.
    web = ['node1:/bricks/web/b', 'node2:/bricks/web/b']
    create_new, create_web = 'volume create new replica 3 %s' % ' '.join(NEW), 'volume create web %s' % ' '.join(web)
    volumes = [dict(name='new', bricks=NEW, replica=3), dict(name='web', bricks=web)]
    result, calls = run_module(gluster_volume.main, dict(volumes=volumes), VERSION, [
        reply(VERSION, 'volume-info-all'),
        reply(VERSION, 'volume-create-replicate', create_new), reply(VERSION, 'volume-start', 'volume start new'),
        reply(VERSION, 'volume-create-distribute', create_web), reply(VERSION, 'volume-start', 'volume start web'),
        reply(VERSION, 'volume-info-all'),
    ])
    assert not result['failed'] and result['changed']
    assert calls.calls == ['volume info', create_new, 'volume start new', create_web, 'volume start web', 'volume info']
    assert result['commands'] == [gluster(create_new), gluster('volume start new'), gluster(create_web),
                                  gluster('volume start web')]
    assert [(item['name'], item['changed'], item['volume']) for item in result['results']] == [
        ('new', True, {}), ('web', True, {})]  # the capture holds neither: read back as absent


def test_check_mode_lists_every_command_from_one_read(run_module):
    volumes = [dict(name='new', bricks=NEW, replica=3, options={'write-behind': False, 'cache-size': '64MB'}),
               dict(name='rep', bricks=REP, replica=3), dict(name='dec', state='started')]
    result, calls = run_module(gluster_volume.main, dict(volumes=volumes), VERSION, [reply(VERSION, 'volume-info-all')],
                               check_mode=True)
    assert not result['failed'] and result['changed'] and calls.calls == ['volume info']
    assert result['commands'] == [
        gluster('volume create new replica 3 %s' % ' '.join(NEW)),
        gluster('volume set new performance.write-behind off performance.cache-size 64MB'),
        gluster('volume start new'),
        gluster('volume start dec'),
    ]
    assert [item['changed'] for item in result['results']] == [True, False, True]


@pytest.mark.parametrize('params, message', [
    (dict(volumes=[dict(name='rep', bricks=REP, replica=3), dict(name='db', replica='three')]),
     "volumes[1] (name db): argument 'replica' is of type str and we were unable to convert to int: \"'three'\" cannot be "
     "converted to an int"),
    (dict(volumes=[dict(name='rep', state='running')]),
     'volumes[0] (name rep): value of state must be one of: present, started, stopped, absent, got: running'),
    (dict(volumes=[dict(bricks=REP)]), 'volumes[0]: missing required arguments: name'),
    (dict(volumes=[dict(name='rep', only_check_brick_paths=True)]),
     'volumes[0] (name rep): unsupported parameters: only_check_brick_paths (an entry takes the options of one volume: '
     'allow_delete_with_clients, allow_replica_two, allow_root_filesystem_bricks, allow_stop_with_clients, arbiter, '
     'bricks, cluster, directory, disperse, force, name, options, quota, rebalance, redundancy, replica, '
     'start_on_create, state, stripe, timeout, transport)'),
    (dict(volumes=[dict(name='rep', bricks=REP, replica=3), dict(name='db', bricks=['node1:/var/lib/glusterd/db'])]),
     "volumes[1] (name db): bricks: 'node1:/var/lib/glusterd/db' is under /var/lib/glusterd, glusterd's own directory (refused "
     "even with force)"),
    (dict(volumes=[dict(name='rep'), dict(name='rep', state='absent')]), 'volumes[1] (name rep): volume rep is listed '
     'twice (also volumes[0] (name rep))'),
    (dict(volumes=[dict(name='rep')], bricks=REP), 'volumes: give bricks in each entry of volumes, not beside it'),
    (dict(volumes=[dict(name='rep')], name='rep'), 'parameters are mutually exclusive: name|volumes'),
    (dict(volumes=[dict(name='rep')], only_check_brick_paths=True),
     'only_check_brick_paths: give name (one volume), not volumes'),
])
def test_bad_entries_are_refused_before_any_gluster_call(run_module, params, message):
    result, calls = run_module(gluster_volume.main, params, VERSION)
    assert result['failed'] and result['msg'] == message
    assert calls.calls == []


def test_a_deprecated_force_in_an_entry_is_reported_with_its_entry(run_module):
    result, calls = run_module(gluster_volume.main, dict(volumes=[dict(name='rep', bricks=REP, replica=3, force=False)]),
                               VERSION, [reply(VERSION, 'volume-info-all')])
    assert not result['failed'] and not result['changed']
    assert result['deprecations'] == ["volumes[0] (name rep): Param 'force' is deprecated. See the module docs for more information"]


def test_a_refused_plan_changes_nothing_even_for_the_volumes_before_it(run_module):
    volumes = [dict(name='dec', state='started'), dict(name='rep', bricks=REP[:2] + ['node3:/bricks/rep/other'], replica=3)]
    result, calls = run_module(gluster_volume.main, dict(volumes=volumes), VERSION, [
        reply(VERSION, 'volume-info-all'),
        # A brick not literally in bricks may be one under another name of its host.
        reply(VERSION, 'pool-list'),
    ])
    assert result['failed'] and not result['changed'] and result['commands'] == []
    assert result['msg'] == (
        'volumes[1] (name rep): volume rep has bricks not in bricks: node3:/bricks/rep/b. This module never removes bricks; to '
        'shrink the volume use glusterdock.storage.gluster_brick with state: absent; nothing was changed (every volume '
        'is planned before the first change)')
    assert [item['name'] for item in result['results']] == ['rep']


def test_a_failure_stops_the_run_and_reports_what_was_done(run_module):
    volumes = [dict(name='ec', state='stopped', allow_stop_with_clients=True), dict(name='rep', options={'cache-size': 'lots'}),
               dict(name='arb', state='stopped', allow_stop_with_clients=True)]
    set_lots = gluster('volume set rep performance.cache-size lots')
    result, calls = run_module(gluster_volume.main, dict(volumes=volumes), VERSION, [
        reply(VERSION, 'volume-info-all'),
        reply(VERSION, 'volume-get-all'),
        reply(VERSION, 'volume-stop'),
        reply(VERSION, 'volume-info-rep'),
        reply(VERSION, 'volume-get-all'),
        reply(VERSION, 'volume-set-bad-value'),
        reply(VERSION, 'volume-info-rep'),
        # ec, done before the failure, read back: as it was (no capture holds ec stopped).
        reply(VERSION, 'volume-info-all'),
    ])
    assert result['failed'] and result['changed']
    assert calls.calls == ['volume info', 'volume get rep all', 'volume stop ec', 'volume info rep', 'volume get rep all',
                           'volume set rep performance.cache-size lots', 'volume info rep', 'volume info']
    assert result['commands'] == [gluster('volume stop ec'), set_lots]
    assert result['msg'] == (
        'volumes[1] (name rep): %s failed: invalid number format "lots" in option "cache-size". Left: volume rep exists and is '
        'started; no earlier command of this run had run. Volumes done before it: ec (changed). Not attempted (the run '
        'stops at the first failure): arb.' % set_lots)
    failed = result['results'][-1]
    assert [item['name'] for item in result['results']] == ['ec', 'rep']
    assert (failed['failed'], failed['changed'], failed['commands'], failed['state_left']) == (
        True, False, [set_lots], 'volume rep exists and is started')


def test_bricks_checked_on_their_nodes_let_an_entry_send_gluster_force(run_module):
    # As the gluster_volumes role runs it: every server checked its own new bricks first.
    volumes = [dict(name='rep', bricks=REP, replica=3), dict(name='new', bricks=NEW, replica=3, allow_root_filesystem_bricks=True)]
    result, calls = run_module(gluster_volume.main, dict(volumes=volumes, brick_paths_checked=NEW), VERSION,
                               [reply(VERSION, 'volume-info-all')], check_mode=True)
    assert not result['failed'] and calls.calls == ['volume info']
    assert result['commands'] == [gluster('volume create new replica 3 %s force' % ' '.join(NEW)), gluster('volume start new')]

    result, calls = run_module(gluster_volume.main, dict(volumes=volumes), VERSION, [reply(VERSION, 'volume-info-all')],
                               check_mode=True)
    assert result['failed'] and result['commands'] == [] and calls.calls == ['volume info']
    assert result['msg'].startswith('volumes[1] (name new): bricks: %s are on other nodes; allow_root_filesystem_bricks (or force) '
                                    'adds gluster\'s force' % ', '.join(NEW))
    assert result['msg'].endswith('; nothing was changed (every volume is planned before the first change)')
