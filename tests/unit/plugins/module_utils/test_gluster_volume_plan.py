"""plan_volume: current state from XML captured on GlusterFS 10.3 and 11.1 + arguments -> exact commands."""
from xml.etree import ElementTree

import pytest

from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_cli import GlusterCommandError
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_option_catalog import KNOWN_OPTION_KEYS
from ansible_collections.glusterdock.storage.plugins.module_utils.errors import StateError
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_volume_plan import (
    ClientListError,
    VolumePlanError,
    describe_volume,
    mounted_clients,
    needs_client_check,
    needs_option_values,
    needs_peers,
    new_brick_problem,
    parse_client_list,
    plan_volume,
    replica_raise_problems,
    replica_raise_refusal,
    volume_to_dict,
)
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_volume_spec import VolumeSpecError, parse_volume_spec
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_xml import (
    parse_heal_info,
    parse_peers,
    parse_volume_get,
    parse_volume_info,
    parse_volume_status,
)

from ansible_collections.glusterdock.storage.tests.unit.fixtures import VERSIONS, fixture, text_fixture

DIST = ['node1:/bricks/dist/b1', 'node2:/bricks/dist/b1', 'node3:/bricks/dist/b1', 'node1:/bricks/dist/b2']
REP = ['node1:/bricks/rep/b', 'node2:/bricks/rep/b', 'node3:/bricks/rep/b']
ARB = ['node1:/bricks/arb/b', 'node2:/bricks/arb/b', 'node3:/bricks/arb/b']
EC = ['node1:/bricks/ec/b', 'node2:/bricks/ec/b', 'node3:/bricks/ec/b']
DREP = ['node1:/bricks/drep/b1', 'node2:/bricks/drep/b1', 'node3:/bricks/drep/b1',
        'node1:/bricks/drep/b2', 'node2:/bricks/drep/b2', 'node3:/bricks/drep/b2']
DEC = [brick.replace('drep', 'dec') for brick in DREP]

CLIENT_LIST_IDLE = (
    'Client connections for volume rep\n'
    'Name                                                       count\n'
    '-----                                                     ------\n'
    'glustershd                                                     3\n'
    '\n'
    'total clients for volume rep : 3 \n'
    '-----------------------------------------------------------------\n'
    '\n'
)
CLIENT_LIST_MOUNTED = CLIENT_LIST_IDLE.replace('glustershd                                                     3\n',
                                               'glustershd                                                     3\n'
                                               'fuse                                                           1\n'
                                               ).replace('rep : 3 ', 'rep : 4 ')


def xml(version, name):
    return ElementTree.fromstring(fixture(version, name))


def volumes(version, name='all'):
    """name -> Volume from a captured ``volume info`` (by default of the whole cluster)."""
    return parse_volume_info(xml(version, 'volume-info-' + name))


def commands(plan):
    return [' '.join(step.args) for step in plan.steps]


def plan_for(version, params, info='all', option_values=None, peers=None, client_counts=None):
    spec = parse_volume_spec(params)
    return plan_volume(spec, volumes(version, info), option_values=option_values, peers=peers,
                       client_counts=client_counts)


@pytest.fixture(params=VERSIONS)
def version(request):
    return request.param


# ---- no-op: every type, from the captured state of the whole cluster ------------------------

@pytest.mark.parametrize('params', [
    dict(name='dist', bricks=DIST),
    dict(name='rep', bricks=REP, replica=3),
    dict(name='arb', bricks=ARB, replica=3, arbiter=1),
    dict(name='arb', bricks=ARB, replica=2, arbiter=1),
    dict(name='arb', bricks=ARB),
    dict(name='ec', bricks=EC, disperse=3, redundancy=1),
    dict(name='ec', bricks=EC, disperse=3),
    dict(name='drep', bricks=DREP, replica=3),
    dict(name='dec', bricks=DEC, disperse=3, redundancy=1, state='stopped'),
    dict(name='dec', bricks=DEC, disperse=3, redundancy=1, start_on_create=False),
    dict(name='rep'),
    dict(name='rep', cluster=['node1', 'node2', 'node3'], bricks='/bricks/rep/b', replicas=3, state='started'),
    dict(name='drep', cluster=['node1', 'node2', 'node3'], bricks='/bricks/drep/b1,/bricks/drep/b2', replicas=3),
    dict(name='gone', state='absent'),
])
def test_matching_volume_plans_nothing(version, params):
    params = dict(params)
    if 'replicas' in params:
        params['replica'] = params.pop('replicas')
    plan = plan_for(version, params)
    assert commands(plan) == []
    assert plan.before == plan.after


# ---- create ---------------------------------------------------------------------------------

NEW = ['node1:/bricks/new/b1', 'node2:/bricks/new/b1', 'node3:/bricks/new/b1']
NEW6 = NEW + ['node1:/bricks/new/b2', 'node2:/bricks/new/b2', 'node3:/bricks/new/b2']


@pytest.mark.parametrize('params, create', [
    (dict(bricks=NEW), 'volume create new ' + ' '.join(NEW)),
    (dict(bricks=NEW, replica=3), 'volume create new replica 3 ' + ' '.join(NEW)),
    (dict(bricks=NEW, replica=2, arbiter=1), 'volume create new replica 3 arbiter 1 ' + ' '.join(NEW)),
    (dict(bricks=NEW, disperse=3, redundancy=1), 'volume create new disperse 3 redundancy 1 ' + ' '.join(NEW)),
    (dict(bricks=NEW, disperse=3), 'volume create new disperse 3 ' + ' '.join(NEW)),
    (dict(bricks=NEW6, replica=3), 'volume create new replica 3 ' + ' '.join(NEW6)),
    (dict(bricks=NEW6, disperse=3, redundancy=1), 'volume create new disperse 3 redundancy 1 ' + ' '.join(NEW6)),
    (dict(bricks=NEW[:2], replica=2, allow_replica_two=True), 'volume create new replica 2 ' + ' '.join(NEW[:2])),
    (dict(bricks=NEW, transport='tcp'), 'volume create new ' + ' '.join(NEW)),
    (dict(bricks=NEW, transport='rdma'), 'volume create new transport rdma ' + ' '.join(NEW)),
    (dict(bricks=['node1:/new/a', 'node1:/new/b'], force=True), 'volume create new node1:/new/a node1:/new/b force'),
    (dict(cluster=['node1', 'node2', 'node3'], bricks='/bricks/new/b1,/bricks/new/b2', replica=3),
     'volume create new replica 3 ' + ' '.join(NEW6)),
])
def test_create_then_start(version, params, create):
    plan = plan_for(version, dict(params, name='new'))
    assert commands(plan) == [create, 'volume start new']
    assert plan.before == {'name': 'new', 'state': 'absent'}
    assert plan.after['state'] == 'started'


def test_create_sets_options_with_full_keys_before_start_tls_first(version):
    plan = plan_for(version, dict(name='new', bricks=NEW, replica=3, options={
        'write-behind': False, 'performance.cache-size': '256MB', 'client.ssl': True, 'server.ssl': 'on'}))
    assert commands(plan) == [
        'volume create new replica 3 ' + ' '.join(NEW),
        'volume set new client.ssl on',
        'volume set new server.ssl on',
        'volume set new performance.write-behind off',
        'volume set new performance.cache-size 256MB',
        'volume start new',
    ]
    assert plan.after['options'] == {'performance.write-behind': 'off', 'performance.cache-size': '256MB',
                                     'client.ssl': 'on', 'server.ssl': 'on'}


@pytest.mark.parametrize('params', [dict(state='stopped'), dict(state='present', start_on_create=False)])
def test_create_without_start(version, params):
    plan = plan_for(version, dict(params, name='new', bricks=NEW))
    assert commands(plan) == ['volume create new ' + ' '.join(NEW)]
    assert plan.after['state'] == 'stopped'


@pytest.mark.parametrize('state', ['present', 'started', 'stopped'])
def test_missing_volume_without_bricks_is_refused(version, state):
    with pytest.raises(VolumePlanError, match='volume new does not exist; give bricks to create it'):
        plan_for(version, dict(name='new', state=state))


def test_unknown_key_on_new_volume_refused_before_create(version):
    with pytest.raises(VolumeSpecError, match="unknown option key 'performance.write-behnd'; did you mean performance.write-behind"):
        plan_for(version, dict(name='new', bricks=NEW, options={'performance.write-behnd': 'off'}))


# ---- start / stop ---------------------------------------------------------------------------

def test_stopped_volume_is_started(version):
    assert commands(plan_for(version, dict(name='dec', state='started'))) == ['volume start dec']
    assert commands(plan_for(version, dict(name='dist', state='present'), info='created')) == ['volume start dist']


def test_started_volume_is_stopped(version):
    plan = plan_for(version, dict(name='rep', state='stopped', allow_stop_with_clients=True))
    assert commands(plan) == ['volume stop rep']
    assert (plan.before['state'], plan.after['state']) == ('started', 'stopped')


def test_present_without_start_on_create_leaves_run_state(version):
    assert commands(plan_for(version, dict(name='dec', start_on_create=False))) == []


# ---- options --------------------------------------------------------------------------------

def options_plan(version, options, info='rep-options', **params):
    option_values = parse_volume_get(xml(version, 'volume-get-all'))
    return plan_for(version, dict(params, name='rep', options=options), info=info, option_values=option_values)


@pytest.mark.parametrize('options', [
    {'performance.write-behind': 'off'},
    {'write-behind': False},
    {'write-behind': 'no'},
    {'write-behind': 'disable'},
    {'readdir-ahead': 'off'},
    {'performance.readdir-ahead': False},
    {'cache-size': '128MB'},                 # the default, reported as "128MB (DEFAULT)"
    {'performance.client-io-threads': 'false', 'nfs.disable': True},
    {'performance.write-behind': 'off', 'write-behind': 'off'},
])
def test_options_equal_as_glusterd_stores_them(version, options):
    plan = options_plan(version, options)
    assert commands(plan) == []
    assert plan.before == plan.after


def test_only_changed_options_are_set(version):
    plan = options_plan(version, {'write-behind': 'off', 'cache-size': '256MB', 'quick-read': True,
                                  'performance.readdir-ahead': 'enable'})
    assert commands(plan) == ['volume set rep performance.cache-size 256MB', 'volume set rep performance.readdir-ahead enable']
    assert plan.before['options'] == {'performance.write-behind': 'off', 'performance.cache-size': '128MB',
                                      'performance.quick-read': 'on', 'performance.readdir-ahead': 'disable'}
    assert plan.after['options'] == {'performance.write-behind': 'off', 'performance.cache-size': '256MB',
                                     'performance.quick-read': 'on', 'performance.readdir-ahead': 'enable'}


def test_batched_options_are_one_volume_set_done_only_when_every_value_shows(version):
    option_values = parse_volume_get(xml(version, 'volume-get-all'))
    options = {'write-behind': 'off', 'cache-size': '256MB', 'performance.readdir-ahead': 'enable'}
    spec = parse_volume_spec(dict(name='rep', options=options))
    plan = plan_volume(spec, volumes(version, 'rep-options'), option_values=option_values, batch_options=True)
    assert commands(plan) == ['volume set rep performance.cache-size 256MB performance.readdir-ahead enable']
    assert plan.steps[0].what == 'set performance.cache-size to 256MB, performance.readdir-ahead to enable'
    # The re-read that judges a lost reply: done only once volume info lists both values.
    current = volumes(version, 'rep-options')['rep']
    assert not plan.steps[0].done(current)
    current.options.update({'performance.cache-size': '256MB'})
    assert not plan.steps[0].done(current)
    current.options.update({'performance.readdir-ahead': 'on'})
    assert plan.steps[0].done(current)


def test_batched_options_of_a_new_volume_go_between_create_and_start(version):
    spec = parse_volume_spec(dict(name='new', bricks=NEW, replica=3, options={'write-behind': False, 'server.ssl': 'on'}))
    assert commands(plan_volume(spec, volumes(version), batch_options=True)) == [
        'volume create new replica 3 ' + ' '.join(NEW),
        'volume set new server.ssl on performance.write-behind off',
        'volume start new',
    ]


def test_one_option_is_the_same_command_batched_or_not(version):
    spec = parse_volume_spec(dict(name='rep', options={'user.smb': 'enable'}))
    assert commands(plan_volume(spec, volumes(version, 'rep-options'), batch_options=True)) == ['volume set rep user.smb enable']


def test_user_keys_are_free_form(version):
    assert commands(options_plan(version, {'user.smb': 'enable'})) == ['volume set rep user.smb enable']


def test_tls_on_started_volume_warns_it_needs_a_restart(version):
    plan = options_plan(version, {'client.ssl': 'on'})
    assert commands(plan) == ['volume set rep client.ssl on']
    assert 'client.ssl takes effect on volume rep when its bricks restart' in plan.warnings[0]


def test_stopped_only_option_on_started_volume_is_refused(version):
    with pytest.raises(VolumePlanError, match='glusterd changes storage.linux-aio only while it is stopped'):
        options_plan(version, {'linux-aio': 'on'})


def test_stopped_only_option_with_state_stopped_stops_first(version):
    assert commands(options_plan(version, {'linux-aio': 'on'}, state='stopped', allow_stop_with_clients=True)) == [
        'volume stop rep', 'volume set rep storage.linux-aio on']


@pytest.mark.parametrize('options, message', [
    ({'no.such-option': 'on'}, "unknown option key 'no.such-option'"),
    ({'write-behnd': 'on'}, "unknown option key 'write-behnd'; did you mean performance.write-behind?"),
    ({'cluster.server-quorum-ratio': '51%'}, 'cluster.server-quorum-ratio is a cluster-wide option'),
    ({'brick-multiplex': 'on'}, 'brick-multiplex is a cluster-wide option'),
    ({'eager-lock': 'on'}, "'eager-lock' is ambiguous (cluster.eager-lock, disperse.eager-lock)"),
    ({'write-behind': 'on', 'performance.write-behind': 'off'}, 'performance.write-behind is given twice'),
])
def test_bad_option_keys(version, options, message):
    with pytest.raises(VolumeSpecError) as error:
        options_plan(version, options)
    assert message in str(error.value)


def test_catalog_of_new_volumes_matches_the_captured_servers(version):
    assert set(parse_volume_get(xml(version, 'volume-get-all'))) <= KNOWN_OPTION_KEYS


# ---- growth ---------------------------------------------------------------------------------

def test_distribute_grows_with_add_brick(version):
    plan = plan_for(version, dict(name='dist', bricks=DIST + ['node2:/bricks/dist/b2']))
    assert commands(plan) == ['volume add-brick dist node2:/bricks/dist/b2']
    assert plan.after['bricks'] == DIST + ['node2:/bricks/dist/b2']
    assert 'rebalance' in plan.warnings[0]
    # The module follows it with a fix-layout: the volume is started and gains a subvolume.
    assert plan.fix_layout


def test_a_replica_raise_needs_no_fix_layout(version):
    wanted = ['node1:/bricks/dist/b1', 'node2:/bricks/dist/r1', 'node2:/bricks/dist/b1', 'node3:/bricks/dist/r1',
              'node3:/bricks/dist/b1', 'node1:/bricks/dist/r1', 'node1:/bricks/dist/b2', 'node2:/bricks/dist/r2']
    assert not plan_for(version, dict(name='dist', bricks=wanted, replica=2, allow_replica_two=True)).fix_layout


def test_a_grown_volume_that_stays_stopped_is_told_to_fix_its_layout_once_started(version):
    plan = plan_for(version, dict(name='dist', state='stopped', bricks=DIST + ['node2:/bricks/dist/b2'],
                                  allow_stop_with_clients=True))
    assert not plan.fix_layout
    assert any('once it is started, run "gluster volume rebalance dist fix-layout start"' in warning
               for warning in plan.warnings), plan.warnings


def test_distributed_replicate_grows_by_a_set(version):
    more = ['node1:/bricks/drep/b3', 'node2:/bricks/drep/b3', 'node3:/bricks/drep/b3']
    assert commands(plan_for(version, dict(name='drep', bricks=DREP + more, replica=3))) == [
        'volume add-brick drep ' + ' '.join(more)]
    # The replica count may be left out: the volume's own applies.
    assert commands(plan_for(version, dict(name='drep', bricks=DREP + more))) == ['volume add-brick drep ' + ' '.join(more)]


def test_disperse_grows_by_a_set(version):
    more = ['node1:/bricks/ec/c', 'node2:/bricks/ec/c', 'node3:/bricks/ec/c']
    assert commands(plan_for(version, dict(name='ec', bricks=EC + more, disperse=3, redundancy=1))) == [
        'volume add-brick ec ' + ' '.join(more)]


def test_distribute_becomes_replicated_with_add_brick_replica(version):
    wanted = ['node1:/bricks/dist/b1', 'node2:/bricks/dist/r1', 'node2:/bricks/dist/b1', 'node3:/bricks/dist/r1',
              'node3:/bricks/dist/b1', 'node1:/bricks/dist/r1', 'node1:/bricks/dist/b2', 'node2:/bricks/dist/r2']
    plan = plan_for(version, dict(name='dist', bricks=wanted, replica=2, allow_replica_two=True))
    assert commands(plan) == ['volume add-brick dist replica 2 node2:/bricks/dist/r1 node3:/bricks/dist/r1 '
                              'node1:/bricks/dist/r1 node2:/bricks/dist/r2']
    assert (plan.before['replica'], plan.after['replica']) == (0, 2)


def test_new_set_on_one_host_refused_unless_force(version):
    more = ['node1:/bricks/drep/b3', 'node1:/bricks/drep/b4', 'node3:/bricks/drep/b3']
    with pytest.raises(VolumeSpecError, match='new bricks: set 1 .* has two bricks on node1'):
        plan_for(version, dict(name='drep', bricks=DREP + more))
    assert commands(plan_for(version, dict(name='drep', bricks=DREP + more, force=True))) == [
        'volume add-brick drep ' + ' '.join(more) + ' force']


def test_brick_under_another_name_of_its_host_is_the_same_brick(version):
    peers = parse_peers(xml(version, 'pool-list'))
    node2 = [peer for peer in peers if 'node2' in peer.hostnames][0]
    address = [name for name in node2.hostnames if name[0].isdigit()][0]
    spec = parse_volume_spec(dict(name='rep', bricks=[REP[0], '%s:/bricks/rep/b' % address, REP[2]], replica=3))
    current = volumes(version)
    assert needs_peers(spec, current['rep'])
    assert commands(plan_volume(spec, current, peers=peers)) == []
    # Without the pool list the address is another host: the volume's node2 brick is missing.
    with pytest.raises(VolumePlanError, match='has bricks not in bricks: node2:/bricks/rep/b'):
        plan_volume(spec, current)


# ---- refused changes ------------------------------------------------------------------------

@pytest.mark.parametrize('params, message', [
    (dict(name='dist', bricks=DIST[:3]), 'volume dist has bricks not in bricks: node1:/bricks/dist/b2. This module never '
                                         'removes bricks; to shrink the volume use glusterdock.storage.gluster_brick'),
    (dict(name='dist', bricks=DIST[:3] + ['node1:/bricks/dist/other']), 'has bricks not in bricks: node1:/bricks/dist/b2'),
    (dict(name='dist', bricks=list(reversed(DIST))), 'bricks: the order differs from volume dist'),
    (dict(name='dist', bricks=['node2:/bricks/dist/b2'] + DIST), 'keep the bricks of volume dist first and in their order'),
    (dict(name='rep', bricks=REP[:2], replica=2, allow_replica_two=True), 'has replica 3: lowering it to 2 removes bricks'),
    (dict(name='rep', bricks=REP, disperse=3), 'volume rep is Replicate: it cannot become dispersed'),
    (dict(name='ec', bricks=EC, replica=3), 'volume ec is Disperse (disperse 3): it cannot become replicated'),
    (dict(name='ec', bricks=EC + ['node4:/x', 'node5:/x', 'node6:/x'], disperse=6), 'the disperse count of a volume cannot change'),
    (dict(name='rep', bricks=REP, replica=3, arbiter=1), 'it can only gain an arbiter by going from replica 2'),
    (dict(name='rep', replica=4), 'changing the replica count of volume rep needs the full bricks list'),
    (dict(name='rep', bricks=REP, transport='rdma'), 'does not change the transport'),
    (dict(name='drep', bricks=DREP + ['node1:/bricks/drep/b3']), 'new bricks: 1 bricks are not a multiple of the set size 3'),
    (dict(name='rep', bricks=REP + ['node4:/x/y', 'node1:/x/z', 'node2:/x/z', 'node3:/x/z', 'node4:/x/z'], replica=4),
     'raise the replica count (1 sets of 4) and add sets in separate runs'),
])
def test_unsafe_or_impossible_changes_are_refused(version, params, message):
    # Bad bricks for a new set are a request error, the others refusals from the volume's state.
    with pytest.raises((VolumeSpecError, VolumePlanError)) as error:
        plan_for(version, params)
    assert message in str(error.value)


# ---- absent ---------------------------------------------------------------------------------

def clients(version, name):
    """(status, counts) of the volume "seen" (replica 3 on node1-3), as node1 answered
    ``volume status seen clients --xml`` and ``client-list`` in the scenario ``name``."""
    return (parse_volume_status(xml(version, 'clients-status-' + name)),
            parse_client_list(text_fixture(version, 'clients-list-' + name), 'seen'))


def seen(version):
    return parse_volume_info(xml(version, 'clients-volume-info'))


def plan_seen(version, scenario, **params):
    status, counts = clients(version, scenario)
    return plan_volume(parse_volume_spec(dict(params, name='seen')), seen(version), client_counts=counts,
                       client_status=status)


def test_absent_stops_then_deletes_and_keeps_brick_data(version):
    spec = parse_volume_spec(dict(name='seen', state='absent'))
    assert needs_client_check(spec, seen(version)['seen'])
    plan = plan_seen(version, 'idle', state='absent')
    assert commands(plan) == ['volume stop seen', 'volume delete seen']
    assert plan.after == {'name': 'seen', 'state': 'absent'}
    assert 'keep their data' in plan.warnings[0]


def test_stop_without_clients(version):
    assert needs_client_check(parse_volume_spec(dict(name='seen', state='stopped')), seen(version)['seen'])
    assert commands(plan_seen(version, 'idle', state='stopped')) == ['volume stop seen']


def test_absent_of_stopped_volume_only_deletes(version):
    # A stopped volume has no clients: nothing to read.
    spec = parse_volume_spec(dict(name='dec', state='absent'))
    assert not needs_client_check(spec, volumes(version)['dec'])
    assert not needs_client_check(parse_volume_spec(dict(name='dec', state='stopped')), volumes(version)['dec'])
    assert commands(plan_volume(spec, volumes(version))) == ['volume delete dec']


def test_absent_refused_while_mounted(version):
    # The mount is on node3; node1's brick lists it as fuse.
    with pytest.raises(VolumePlanError, match=r"^volume seen has clients connected \(fuse: 1 on one brick\): "
                                              r"unmount them first, or set allow_delete_with_clients: true \(their I/O "
                                              r"will fail\)$"):
        plan_seen(version, 'mounted', state='absent')


def test_stop_refused_while_mounted(version):
    with pytest.raises(VolumePlanError, match=r"^volume seen has clients connected \(fuse: 1 on one brick\): "
                                              r"unmount them first, or set allow_stop_with_clients: true \(their I/O "
                                              r"fails until the volume is started again\)$"):
        plan_seen(version, 'mounted', state='stopped')
    # The same mount, seen from node3's own brick.
    status = clients(version, 'mounted')[0]
    counts = parse_client_list(text_fixture(version, 'clients-list-mounted-node3'), 'seen')
    with pytest.raises(VolumePlanError, match='fuse: 1'):
        plan_volume(parse_volume_spec(dict(name='seen', state='stopped')), seen(version), client_counts=counts,
                    client_status=status)


def test_client_that_this_node_brick_does_not_see_is_found_on_the_others(version):
    # node1's brick lists only the self-heal daemons; the others have one connection more.
    status = clients(version, 'mounted')[0]
    counts = clients(version, 'idle')[1]
    with pytest.raises(VolumePlanError) as error:
        plan_volume(parse_volume_spec(dict(name='seen', state='stopped')), seen(version), client_counts=counts,
                    client_status=status)
    message = str(error.value)
    assert message.startswith("volume seen has clients connected (brick node1:/bricks/seen/b has 4 connections (")
    assert 'where the brick counted by client-list has 3, all gluster daemons: a client is connected to it' in message
    assert message.endswith('set allow_stop_with_clients: true (their I/O fails until the volume is started again)')


@pytest.mark.parametrize('scenario, problem', [
    ('brick-down', 'brick node2:/bricks/seen/b is offline, so its clients cannot be listed'),
    ('node-down', 'the reply for brick node1:/bricks/seen/b has 0 client rows but says clientCount None; '
                  'brick node2:/bricks/seen/b is missing from the reply of gluster volume status seen clients (is its '
                  'node down?); brick node3:/bricks/seen/b is missing from the reply of gluster volume status seen '
                  'clients (is its node down?)'),
])
def test_clients_unknown_fails_closed(version, scenario, problem):
    for state, verb, option in (('stopped', 'stopped', 'allow_stop_with_clients'),
                                ('absent', 'deleted', 'allow_delete_with_clients')):
        with pytest.raises(ClientListError) as error:
            plan_seen(version, scenario, state=state)
        assert str(error.value) == ('cannot tell whether clients are connected to volume seen, so it is not %s (%s); '
                                    'bring every brick online, or set %s: true once you know nothing uses it (glusterd also '
                                    'fails to list the clients of a brick that has no connection at all, as in a '
                                    'distribute volume nothing mounts)' % (verb, problem, option))


def test_client_rows_that_disagree_with_their_count_fail_closed(version):
    text = fixture(version, 'clients-status-idle').replace('<clientCount>3</clientCount>', '<clientCount>5</clientCount>', 1)
    status = parse_volume_status(ElementTree.fromstring(text))
    with pytest.raises(ClientListError, match='the reply for brick node1:/bricks/seen/b has 3 client rows but says '
                                              'clientCount 5'):
        plan_volume(parse_volume_spec(dict(name='seen', state='absent')), seen(version),
                    client_counts=clients(version, 'idle')[1], client_status=status)
    other = parse_volume_status(xml(version, 'volume-status-clients'))
    with pytest.raises(ClientListError, match='gluster volume status seen clients answered about volume rep'):
        plan_volume(parse_volume_spec(dict(name='seen', state='absent')), seen(version),
                    client_counts=clients(version, 'idle')[1], client_status=other)


def test_stop_or_delete_with_clients_allowed(version):
    for params in (dict(state='absent', allow_delete_with_clients=True), dict(state='stopped', allow_stop_with_clients=True)):
        spec = parse_volume_spec(dict(params, name='seen'))
        assert not needs_client_check(spec, seen(version)['seen'])
        assert commands(plan_volume(spec, seen(version)))[0] == 'volume stop seen'
    # One opt-in does not stand for the other.
    assert needs_client_check(parse_volume_spec(dict(name='seen', state='stopped', allow_delete_with_clients=True)),
                              seen(version)['seen'])


def test_client_list_parsing():
    assert parse_client_list(CLIENT_LIST_MOUNTED) == {'glustershd': 3, 'fuse': 1}
    assert parse_client_list(CLIENT_LIST_MOUNTED, 'rep') == {'glustershd': 3, 'fuse': 1}
    assert parse_client_list(CLIENT_LIST_IDLE, 'rep') == {'glustershd': 3}
    # A stopped self-heal daemon: an empty table with a total of 0.
    empty = CLIENT_LIST_IDLE.replace('glustershd                                                     3\n', '').replace(
        'rep : 3 ', 'rep : 0 ')
    assert parse_client_list(empty, 'rep') == {}
    assert mounted_clients(parse_client_list(CLIENT_LIST_IDLE)) == {}
    assert mounted_clients({'glustershd': 3, 'gfapi': 2, 'fuse': 0}) == {'gfapi': 2}


# ---- reads and reporting --------------------------------------------------------------------

def test_reads_are_asked_only_when_they_can_matter(version):
    rep = volumes(version)['rep']
    assert not needs_option_values(parse_volume_spec(dict(name='rep')), rep)
    assert needs_option_values(parse_volume_spec(dict(name='rep', options={'write-behind': 'off'})), rep)
    assert not needs_option_values(parse_volume_spec(dict(name='rep', options={'write-behind': 'off'})), None)
    # Options volume info already lists with the desired value need no volume get.
    tuned = volumes(version, 'rep-options')['rep']
    for options in ({'write-behind': 'off'}, {'performance.write-behind': False}, {'readdir-ahead': 'off'},
                    {'write-behind': 'off', 'nfs.disable': 'true'}):
        assert not needs_option_values(parse_volume_spec(dict(name='rep', options=options)), tuned), options
    for options in ({'write-behind': 'on'}, {'network.ping-timeout': '42'},
                    {'write-behind': 'off', 'performance.write-behind': 'on'}):
        assert needs_option_values(parse_volume_spec(dict(name='rep', options=options)), tuned), options
    assert not needs_peers(parse_volume_spec(dict(name='rep', bricks=REP)), rep)
    assert not needs_peers(parse_volume_spec(dict(name='rep')), rep)


def test_done_predicates_judge_from_fresh_volume_info(version):
    plan = plan_for(version, dict(name='new', bricks=NEW, options={'write-behind': 'off'}))
    create, set_option, start = plan.steps
    assert not create.done(None)
    assert create.done(volumes(version)['rep'])
    assert set_option.done(volumes(version, 'rep-options')['rep'])
    assert not set_option.done(volumes(version, 'rep')['rep'])
    assert start.done(volumes(version)['rep']) and not start.done(volumes(version)['dec'])


def test_volume_to_dict_and_description(version):
    arb = volume_to_dict(volumes(version)['arb'])
    assert (arb['type'], arb['replica_count'], arb['arbiter_count'], arb['arbiter_bricks']) == (
        'Replicate', 3, 1, ['node3:/bricks/arb/b'])
    assert volume_to_dict(None) == {}
    assert describe_volume('dec', volumes(version)['dec']) == 'volume dec exists (created, never started)'
    assert describe_volume('x', None) == 'volume x does not exist'
    assert describe_volume('rep', volumes(version)['rep']) == 'volume rep exists and is started'


@pytest.mark.parametrize('text, problem', [
    ('', 'no "Name count" table header'),
    ('Client connections for volume rep\n', 'no "Name count" table header'),
    # The header is gone (format change): the rows alone are not trusted.
    ('\n'.join(line for line in CLIENT_LIST_MOUNTED.splitlines() if not line.startswith('Name')),
     'no "Name count" table header'),
    (CLIENT_LIST_MOUNTED.replace('Name ', 'Client '), 'no "Name count" table header'),
    (CLIENT_LIST_MOUNTED.replace('-----                                                     ------\n', ''),
     'not followed by its underline'),
    # A partial reply: cut off before the total.
    (CLIENT_LIST_MOUNTED.split('\ntotal', maxsplit=1)[0], 'no "total clients for volume" line'),
    (CLIENT_LIST_MOUNTED.split('fuse', maxsplit=1)[0], 'no "total clients for volume" line'),
    (CLIENT_LIST_MOUNTED.replace('total clients for volume rep : 4', 'clients: 4'), 'is not the "total clients" line'),
    (CLIENT_LIST_MOUNTED.replace('fuse                                                           1',
                                 'fuse        1  (10.0.0.1)'), 'is not a "name count" row'),
    (CLIENT_LIST_MOUNTED.replace('fuse                                                           1', 'fuse  one'),
     'is not a "name count" row'),
    # A row lost from the table: the rows do not add up to the total.
    (CLIENT_LIST_MOUNTED.replace('fuse                                                           1\n', ''),
     'the rows add up to 3 clients, but the total says 4'),
])
def test_client_list_not_understood_fails_closed(text, problem):
    with pytest.raises(ClientListError, match=problem):
        parse_client_list(text, 'rep')


def test_client_list_of_another_volume_is_refused():
    with pytest.raises(ClientListError, match='the reply is about volume rep, not web'):
        parse_client_list(CLIENT_LIST_IDLE, 'web')
    assert issubclass(ClientListError, VolumePlanError)
    assert issubclass(VolumePlanError, StateError)


class FakeCli:
    """Answers the reads of VolumeManager.plan with captured replies; changes nothing."""
    check_mode = False

    def __init__(self, version, scenario, text=None):
        self.version = version
        self.scenario = scenario
        self.text = text
        self.calls = []

    def read(self, *args):
        self.calls.append(args)
        assert args == ('volume', 'status', 'seen', 'clients')
        return xml(self.version, 'clients-status-' + self.scenario)

    def read_text(self, *args):
        self.calls.append(args)
        assert args == ('volume', 'status', 'seen', 'client-list')
        return self.text if self.text is not None else text_fixture(self.version, 'clients-list-' + self.scenario)


def test_module_reads_every_brick_and_the_local_client_list(version):
    from ansible_collections.glusterdock.storage.plugins.modules.gluster_volume import VolumeManager

    volume = seen(version)['seen']
    cli = FakeCli(version, 'idle')
    spec = parse_volume_spec(dict(name='seen', state='stopped'))
    assert commands(VolumeManager(None, cli, spec).plan(volume)) == ['volume stop seen']
    assert cli.calls == [('volume', 'status', 'seen', 'clients'), ('volume', 'status', 'seen', 'client-list')]
    with pytest.raises(VolumePlanError, match='fuse: 1'):
        VolumeManager(None, FakeCli(version, 'mounted'), spec).plan(volume)


def test_module_refuses_delete_when_client_list_not_understood(version):
    from ansible_collections.glusterdock.storage.plugins.modules.gluster_volume import VolumeManager

    spec = parse_volume_spec(dict(name='seen', state='absent'))
    volume = seen(version)['seen']
    partial = text_fixture(version, 'clients-list-mounted').split('\ntotal', maxsplit=1)[0]
    with pytest.raises(ClientListError, match=r'cannot tell whether clients are connected to volume seen, so it is not '
                                              r'deleted \(the reply of gluster volume status seen client-list was not '
                                              r'understood: there is no "total clients for volume" line\); bring '
                                              r'every brick online, or set allow_delete_with_clients: true once you '
                                              r'know nothing uses it'):
        VolumeManager(None, FakeCli(version, 'mounted', text=partial), spec).plan(volume)


def test_module_fails_closed_when_glusterd_cannot_list_the_clients(version):
    # A distribute volume nothing mounts: no brick has a connection, and glusterd fails the query.
    from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_cli import parse_cli_output
    from ansible_collections.glusterdock.storage.plugins.modules.gluster_volume import VolumeManager

    class FailingCli(FakeCli):
        def read(self, *args):
            self.calls.append(args)
            return parse_cli_output('gluster --mode=script volume status far clients --xml', 0,
                                    fixture(self.version, 'clients-status-idle-distribute'), '')

    far = parse_volume_info(xml(version, 'clients-volume-info-idle-distribute'))['far']
    cli = FailingCli(version, 'idle-distribute')
    with pytest.raises(GlusterCommandError) as error:
        VolumeManager(None, cli, parse_volume_spec(dict(name='far', state='stopped'))).plan(far)
    message = str(error.value)
    assert message.startswith('gluster --mode=script volume status far clients --xml failed: cannot tell whether '
                              'clients are connected to volume far, so it is not stopped (Commit failed on node')
    assert message.endswith('); bring every brick online, or set allow_stop_with_clients: true once you know nothing '
                            'uses it (glusterd also fails to list the clients of a brick that has no connection at '
                            'all, as in a distribute volume nothing mounts)')
    assert cli.calls == [('volume', 'status', 'far', 'clients')]


# ---- force, replica raise and new brick paths -----------------------------------------------

def test_gluster_force_only_for_root_file_system_bricks(version):
    plan = plan_for(version, dict(name='new', bricks=NEW, replica=3, allow_root_filesystem_bricks=True))
    assert commands(plan)[0] == 'volume create new replica 3 %s force' % ' '.join(NEW)
    assert (plan.new_bricks, plan.sends_force, plan.replica_raise) == (NEW, True, False)
    plan = plan_for(version, dict(name='new', bricks=NEW, replica=3))
    assert (commands(plan)[0].endswith('force'), plan.sends_force) == (False, False)
    # The deprecated force still means the same (and accepts a set on one host).
    assert plan_for(version, dict(name='new', bricks=NEW, force=True)).sends_force


def test_replica_raise_is_marked_for_the_checks(version):
    four = [REP[0], REP[1], REP[2], 'node4:/bricks/rep/b']
    plan = plan_for(version, dict(name='rep', bricks=four, replica=4, force=True))
    assert commands(plan) == ['volume add-brick rep replica 4 node4:/bricks/rep/b force']
    assert (plan.new_bricks, plan.sends_force, plan.replica_raise) == (['node4:/bricks/rep/b'], True, True)
    grown = plan_for(version, dict(name='dist', bricks=DIST + ['node2:/bricks/dist/b2']))
    assert (grown.new_bricks, grown.replica_raise) == (['node2:/bricks/dist/b2'], False)
    assert not plan_for(version, dict(name='rep', bricks=REP)).new_bricks


def test_replica_raise_refused_with_a_brick_down_or_heal_pending(version):
    rep = volumes(version)['rep']
    healthy = parse_volume_status(xml(version, 'volume-status-rep'))
    assert replica_raise_problems(rep, healthy, parse_heal_info(xml(version, 'heal-info-summary'))) == []
    assert replica_raise_problems(rep, healthy) == []
    down = parse_volume_status(xml(version, 'volume-status-brick-down'))
    assert replica_raise_problems(rep, down) == ['bricks offline: node2:/bricks/rep/b']
    pending = replica_raise_problems(rep, healthy, parse_heal_info(xml(version, 'heal-info-summary-pending')))
    assert pending and all('node' in problem for problem in pending)
    plan = plan_for(version, dict(name='rep', bricks=REP + ['node4:/bricks/rep/b'], replica=4, force=True))
    assert replica_raise_refusal(rep, plan, ['bricks offline: node2:/bricks/rep/b']) == (
        'volume rep: not raising the replica count to 4: every brick must be online and nothing left to heal first '
        '(bricks offline: node2:/bricks/rep/b). Nothing was changed; bring the bricks up, let heal finish, then run '
        'again (force does not skip this check)')


class FakeFiles:
    """os.stat/listdir/getxattr/ismount over a few paths: {path: (device, entries or None for a file, xattrs)}."""

    def __init__(self, tree, mounts=()):
        self.tree = tree
        self.mounts = set(mounts)

    def stat(self, path):
        if path not in self.tree:
            raise FileNotFoundError(path)

        class Result:
            st_dev = self.tree[path][0]
        return Result()

    def listdir(self, path):
        if path not in self.tree:
            raise FileNotFoundError(path)
        return list(self.tree[path][1])

    def getxattr(self, path, name):
        if name in self.tree[path][2]:
            return b'x'
        import errno
        raise OSError(errno.ENODATA, 'No data available')

    def ismount(self, path):
        return path in self.mounts

    def problem(self, path, allow_root=False, force=False):
        return new_brick_problem(path, self.listdir, self.getxattr, self.stat, self.ismount, allow_root, force)


ROOT_ONLY = {'/': (1, ['bricks'], ())}


@pytest.mark.parametrize('tree, path, problem', [
    (dict(ROOT_ONLY, **{'/bricks': (2, [], ())}), '/bricks/v/b', None),
    (dict(ROOT_ONLY, **{'/bricks': (2, ['v'], ()), '/bricks/v': (2, [], ())}), '/bricks/v', None),
    (dict(ROOT_ONLY, **{'/bricks': (2, ['old'], ()), '/bricks/old': (2, ['.glusterfs'], ('trusted.glusterfs.volume-id',))}),
     '/bricks/old', '/bricks/old carries a trusted.glusterfs.volume-id xattr (it is or was a brick); wipe it '
                    'deliberately first'),
    (dict(ROOT_ONLY, **{'/bricks': (2, ['old'], ()), '/bricks/old': (2, ['.glusterfs'], ())}),
     '/bricks/old', '/bricks/old holds a .glusterfs folder (it was a brick); wipe it deliberately first'),
    (dict(ROOT_ONLY, **{'/bricks': (2, ['old'], ()), '/bricks/old': (2, [], ('trusted.glusterfs.volume-id',))}),
     '/bricks/old/sub', '/bricks/old/sub is inside /bricks/old, which carries a trusted.glusterfs.volume-id xattr (it '
                        'is or was a brick); a brick inside a brick is refused'),
    (dict(ROOT_ONLY, **{'/bricks': (2, ['data'], ()), '/bricks/data': (2, ['file'], ())}),
     '/bricks/data', '/bricks/data is not empty (file)'),
    (ROOT_ONLY, '/srv/b', '/srv/b is on the root file system (/ is on the same device as /): a full brick would fill '
                          'the system disk; mount a file system of its own there, or set allow_root_filesystem_bricks: true'),
])
def test_new_brick_paths(tree, path, problem):
    assert FakeFiles(tree).problem(path) == problem


def test_new_brick_on_root_file_system_with_its_opt_in():
    files = FakeFiles(dict(ROOT_ONLY, **{'/srv': (1, [], ())}))
    assert files.problem('/srv/b', allow_root=True, force=True) is None
    # The opt-in does not let a former brick through.
    files = FakeFiles(dict(ROOT_ONLY, **{'/srv': (1, ['.glusterfs'], ('trusted.glusterfs.volume-id',))}))
    assert 'carries a trusted.glusterfs.volume-id xattr' in files.problem('/srv', allow_root=True, force=True)


def test_new_brick_at_a_mount_point_refused_with_force():
    files = FakeFiles(dict(ROOT_ONLY, **{'/bricks': (2, [], ())}), mounts=['/bricks'])
    assert files.problem('/bricks') is None
    assert files.problem('/bricks', allow_root=True, force=True) == (
        '/bricks is a mount point: glusterd refuses a brick there unless forced (if the mount were missing, the brick '
        'would fill the disk below); use a directory inside it')


def test_force_needs_every_new_brick_checked_here_or_on_its_node(tmp_path, monkeypatch):
    from ansible_collections.glusterdock.storage.plugins.modules import gluster_volume

    monkeypatch.setattr(gluster_volume, 'local_host_names', lambda: set(['here']))
    local = 'here:%s/b1' % tmp_path
    spec = parse_volume_spec(dict(name='new', bricks=[local, 'there:/bricks/new/b1'], allow_root_filesystem_bricks=True))
    plan = plan_volume(spec, {})
    assert plan.sends_force
    with pytest.raises(VolumePlanError, match=r"^bricks: there:/bricks/new/b1 is on other nodes; "
                                              r"allow_root_filesystem_bricks \(or force\) adds gluster's force"):
        gluster_volume.VolumeManager(None, None, spec).check_new_bricks(plan)
    checked = gluster_volume.VolumeManager(None, None, spec, brick_paths_checked=['there:/bricks/new/b1'])
    checked.check_new_bricks(plan)
    assert checked.check_local_brick_paths(plan.new_bricks) == ([local], ['there:/bricks/new/b1'])
    # Without gluster's force, glusterd checks the other node's path itself.
    plain = parse_volume_spec(dict(name='new', bricks=['there:/bricks/new/b1']))
    gluster_volume.VolumeManager(None, None, plain).check_new_bricks(plan_volume(plain, {}))
    # A path of this node that was a brick is refused whatever force says.
    (tmp_path / 'old' / '.glusterfs').mkdir(parents=True)
    former = parse_volume_spec(dict(name='new', bricks=['here:%s/old' % tmp_path], force=True))
    with pytest.raises(VolumePlanError, match='holds a .glusterfs folder'):
        gluster_volume.VolumeManager(None, None, former).check_new_bricks(plan_volume(former, {}))


def test_only_check_brick_paths_looks_at_the_bricks_create_or_add_brick_would_make(version):
    from ansible_collections.glusterdock.storage.plugins.modules.gluster_volume import VolumeManager

    rep = volumes(version)['rep']
    grow = parse_volume_spec(dict(name='rep', replica=4, bricks=REP + ['node4:/bricks/rep/b']))
    assert VolumeManager(None, None, grow).new_bricks(rep) == ['node4:/bricks/rep/b']
    assert VolumeManager(None, None, parse_volume_spec(dict(name='rep', bricks=REP))).new_bricks(rep) == []
    assert VolumeManager(None, None, parse_volume_spec(dict(name='new', bricks=NEW))).new_bricks(None) == NEW
    assert VolumeManager(None, None, parse_volume_spec(dict(name='rep', state='absent'))).new_bricks(rep) == []


class RaiseCli:
    """Answers volume status and heal info summary of volume rep with captured replies."""
    check_mode = False

    def __init__(self, version, status, heal):
        self.replies = {('volume', 'status', 'rep'): status, ('volume', 'heal', 'rep', 'info', 'summary'): heal}
        self.version = version
        self.calls = []

    def read(self, *args):
        self.calls.append(args)
        return xml(self.version, self.replies[args])


@pytest.mark.parametrize('status, heal, calls, problem', [
    ('volume-status-rep', 'heal-info-summary', 2, None),
    ('volume-status-brick-down', 'heal-info-summary', 1, 'bricks offline: node2:/bricks/rep/b'),
    ('volume-status-rep', 'heal-info-summary-pending', 2, 'entries to heal'),
])
def test_module_reads_heal_only_once_every_brick_is_online(version, status, heal, calls, problem):
    from ansible_collections.glusterdock.storage.plugins.modules.gluster_volume import VolumeManager

    rep = volumes(version)['rep']
    spec = parse_volume_spec(dict(name='rep', replica=4, bricks=REP + ['node4:/bricks/rep/b']))
    plan = plan_volume(spec, volumes(version))
    cli = RaiseCli(version, status, heal)
    if problem is None:
        VolumeManager(None, cli, spec).check_replica_raise(rep, plan)
    else:
        with pytest.raises(VolumePlanError, match='not raising the replica count to 4: .*%s' % problem):
            VolumeManager(None, cli, spec).check_replica_raise(rep, plan)
    assert len(cli.calls) == calls
