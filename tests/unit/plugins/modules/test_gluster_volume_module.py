"""gluster_volume through the real AnsibleModule: its argument spec (aliases, types, choices, the
deprecated force), refusals before any gluster call, and the gluster calls of each path, answered
with XML captured from real servers."""
import pytest

from ansible_collections.glusterdock.storage.plugins.modules import gluster_volume
from ansible_collections.glusterdock.storage.tests.unit.fixtures import VERSIONS
from ansible_collections.glusterdock.storage.tests.unit.plugins.modules.ansible_module_runner import reply

VERSION = '10.3'
REP = ['node1:/bricks/rep/b', 'node2:/bricks/rep/b', 'node3:/bricks/rep/b']
NEW = ['node1:/bricks/new/b', 'node2:/bricks/new/b', 'node3:/bricks/new/b']
CREATE_NEW = 'gluster --mode=script volume create new replica 3 %s %%s--xml' % ' '.join(NEW)


@pytest.fixture(autouse=True)
def elsewhere(monkeypatch):
    """Run on a node that hosts none of the bricks (their paths are then glusterd's to check)."""
    monkeypatch.setattr(gluster_volume, 'local_host_names', lambda: ('elsewhere',))


def new_volume(version=VERSION):
    """The read of a volume that does not exist yet (glusterd's reply names no volume)."""
    return reply(version, 'volume-info-missing', 'volume info new')


@pytest.mark.parametrize('version', VERSIONS)
def test_a_volume_as_asked_is_one_read_and_no_diff_outside_diff_mode(run_module, version):
    result, gluster = run_module(gluster_volume.main, dict(name='rep', bricks=REP, replica=3), version,
                                 [reply(version, 'volume-info-rep')])
    assert not result['failed'] and not result['changed'] and result['commands'] == []
    assert gluster.calls == ['volume info rep']
    assert result['volume']['bricks'] == REP and result['volume']['status'] == 'started'
    assert 'diff' not in result


def test_aliases_of_gluster_gluster_name_the_same_volume(run_module):
    result, gluster = run_module(gluster_volume.main, dict(volume='rep', brick=REP, replicas=3), VERSION,
                                 [reply(VERSION, 'volume-info-rep')], diff=True)
    assert not result['changed'] and result['diff']['before'] == result['diff']['after']
    assert result['diff']['after']['bricks'] == REP and result['diff']['after']['replica'] == 3


def test_cluster_and_brick_paths_place_each_path_on_every_host(run_module):
    result, gluster = run_module(gluster_volume.main, dict(name='rep', cluster=['node1', 'node2', 'node3'],
                                                           bricks='/bricks/rep/b', replicas=3, host='node1'),
                                 VERSION, [reply(VERSION, 'volume-info-rep')])
    assert not result['failed'] and not result['changed'] and gluster.calls == ['volume info rep']
    assert result['warnings'] == ['host is ignored: this module does not probe peers (use glusterdock.storage.gluster_peer)']


@pytest.mark.parametrize('params, message', [
    (dict(), 'one of the following is required: name, volumes'),
    (dict(name='rep', replica='three'),
     "argument 'replica' is of type str and we were unable to convert to int: \"'three'\" cannot be converted to an int"),
    (dict(name='rep', state='running'), 'value of state must be one of: present, started, stopped, absent, got: running'),
    (dict(name='rep', transport='udp'), 'value of transport must be one of: tcp, rdma, tcp,rdma, got: udp'),
    (dict(name='rep', options=['write-behind']),
     "argument 'options' is of type list and we were unable to convert to dict: <class 'list'> cannot be converted to a "
     "dict"),
])
def test_the_argument_spec_refuses_before_any_gluster_call(run_module, params, message):
    result, gluster = run_module(gluster_volume.main, params, VERSION)
    assert result['failed'] and result['msg'] == message
    assert gluster.calls == []


def test_an_unknown_argument_is_refused_before_any_gluster_call(run_module):
    result, gluster = run_module(gluster_volume.main, dict(name='rep', no_such_option=1), VERSION)
    assert result['failed'] and gluster.calls == []
    assert result['msg'].startswith('Unsupported parameters for (basic.py) module: no_such_option. Supported parameters '
                                    'include: allow_delete_with_clients, ')


@pytest.mark.parametrize('params, message', [
    (dict(name='all'), "name: 'all' is a word reserved by the gluster CLI"),
    (dict(name='rep', bricks=['node1:bricks/b']), "bricks: 'node1:bricks/b': the brick path must be absolute"),
    (dict(name='rep', bricks=REP, replica=2), 'replica: 2 without an arbiter risks split-brain; use replica: 3 '
     '(optionally with arbiter: 1), or set allow_replica_two: true to accept the risk'),
    (dict(name='rep', bricks=REP[:2], replica=3),
     'bricks: 2 bricks are not a multiple of the set size 3 (replica/disperse count)'),
    (dict(name='rep', stripe=2), 'stripe: striped volumes were removed from GlusterFS (in release 6); use a distributed '
     'volume with features.shard: on, or disperse'),
    (dict(name='rep', rebalance=True), 'rebalance: this module does not start a rebalance (it migrates data); run '
     '"gluster volume rebalance NAME start" in a separate, deliberate task'),
    (dict(name='rep', options={'write-behind': ['off']}),
     'options: the value of write-behind must be a string, number or boolean, not a list'),
    (dict(name='rep', options={'write-behnd': 'off'}),
     "options: unknown option key 'write-behnd'; did you mean performance.write-behind?"),
    (dict(name='rep', brick_paths_checked=['node1:/var/lib/glusterd/b']), "brick_paths_checked: "
     "'node1:/var/lib/glusterd/b' is under /var/lib/glusterd, glusterd's own directory (refused even with force)"),
])
def test_bad_input_is_refused_before_any_gluster_call(run_module, params, message):
    result, gluster = run_module(gluster_volume.main, params, VERSION)
    assert result['failed'] and result['msg'] == message and result['commands'] == []
    assert gluster.calls == []


def test_check_mode_lists_create_options_and_start_and_only_reads(run_module):
    result, gluster = run_module(gluster_volume.main, dict(name='new', bricks=NEW, replica=3,
                                                           options={'write-behind': False}),
                                 VERSION, [new_volume()], check_mode=True, diff=True)
    assert not result['failed'] and result['changed']
    assert result['commands'] == [CREATE_NEW % '', 'gluster --mode=script volume set new performance.write-behind off --xml',
                                  'gluster --mode=script volume start new --xml']
    assert gluster.calls == ['volume info new']
    assert result['diff']['before'] == {'name': 'new', 'state': 'absent'}
    assert result['diff']['after']['options'] == {'performance.write-behind': 'off'}


@pytest.mark.parametrize('opt_in', [dict(force=True), dict(allow_root_filesystem_bricks=True)])
def test_gluster_force_is_refused_for_bricks_nobody_checked(run_module, opt_in):
    result, gluster = run_module(gluster_volume.main, dict(name='new', bricks=NEW, replica=3, **opt_in), VERSION,
                                 [new_volume()], check_mode=True)
    assert result['failed'] and result['commands'] == [] and gluster.calls == ['volume info new']
    assert result['msg'] == (
        "bricks: %s are on other nodes; allow_root_filesystem_bricks (or force) adds gluster's force, which also "
        "skips glusterd's check that a brick path belongs to no other volume, and this module can check only the "
        "paths on the node it runs on. Create the volume without it (bricks on file systems of their own), run it "
        "with only_check_brick_paths: true on each of those nodes first and pass the checked_bricks in "
        "brick_paths_checked (the glusterdock.storage.gluster_volumes role does), or put every new brick on the node "
        "the task runs on" % ', '.join(NEW))


@pytest.mark.parametrize('opt_in, deprecations', [
    (dict(force=True), ["Param 'force' is deprecated. See the module docs for more information"]),
    (dict(allow_root_filesystem_bricks=True), []),
])
def test_gluster_force_is_sent_for_bricks_checked_on_their_nodes(run_module, opt_in, deprecations):
    result, gluster = run_module(gluster_volume.main, dict(name='new', bricks=NEW, replica=3, brick_paths_checked=NEW,
                                                           **opt_in), VERSION, [new_volume()], check_mode=True)
    assert not result['failed'] and result['commands'][0] == CREATE_NEW % 'force '
    assert result['deprecations'] == deprecations


def test_only_check_brick_paths_checks_this_nodes_bricks_and_changes_nothing(run_module, monkeypatch, tmp_path):
    monkeypatch.setattr(gluster_volume, 'local_host_names', lambda: ('node1',))
    here = 'node1:%s/b' % tmp_path
    params = dict(name='new', bricks=[here] + NEW[1:], replica=3, only_check_brick_paths=True,
                  allow_root_filesystem_bricks=True)
    result, gluster = run_module(gluster_volume.main, params, VERSION, [new_volume()])
    assert not result['failed'] and not result['changed'] and result['commands'] == []
    assert result['checked_bricks'] == [here] and gluster.calls == ['volume info new']

    (tmp_path / 'b').mkdir()
    (tmp_path / 'b' / 'data').write_text('x')
    result, gluster = run_module(gluster_volume.main, params, VERSION, [new_volume()])
    assert result['failed'] and result['commands'] == [] and gluster.calls == ['volume info new']
    assert result['msg'] == 'bricks: %s refused: %s/b is not empty (data)' % (here, tmp_path)


def test_a_set_applies_and_the_volume_is_read_back(run_module):
    # The captures hold write-behind off only: turning it back on is answered by the reply of setting it
    # off (a plain success) and read back as the volume before it was ever set.
    result, gluster = run_module(gluster_volume.main, dict(name='rep', options={'write-behind': True}), VERSION, [
        reply(VERSION, 'volume-info-rep-options'),
        reply(VERSION, 'volume-get-all'),
        reply(VERSION, 'volume-set', 'volume set rep performance.write-behind on'),
        reply(VERSION, 'volume-info-rep'),
    ])
    assert not result['failed'] and result['changed']
    assert result['commands'] == ['gluster --mode=script volume set rep performance.write-behind on --xml']
    assert 'performance.write-behind' not in result['volume']['options']


def test_a_refused_set_reports_glusters_message_and_what_was_left(run_module):
    result, gluster = run_module(gluster_volume.main, dict(name='rep', options={'cache-size': 'lots'}), VERSION, [
        reply(VERSION, 'volume-info-rep'),
        reply(VERSION, 'volume-get-all'),
        reply(VERSION, 'volume-set-bad-value'),
        reply(VERSION, 'volume-info-rep'),
    ])
    command = 'gluster --mode=script volume set rep performance.cache-size lots --xml'
    assert result['failed'] and not result['changed'] and result['commands'] == [command]
    assert result['msg'] == ('%s failed: invalid number format "lots" in option "cache-size". Left: volume rep exists '
                             'and is started; no earlier command of this run had run.' % command)
    assert result['state_left'] == 'volume rep exists and is started' and result['op_errno'] == 30800


def test_a_stop_is_refused_while_a_client_is_mounted(run_module):
    result, gluster = run_module(gluster_volume.main, dict(name='seen', state='stopped'), VERSION, [
        reply(VERSION, 'clients-volume-info'),
        reply(VERSION, 'clients-status-mounted'),
        reply(VERSION, 'clients-list-mounted'),
    ])
    assert result['failed'] and result['commands'] == []
    assert result['msg'] == ('volume seen has clients connected (fuse: 1 on one brick): unmount them first, or set '
                             'allow_stop_with_clients: true (their I/O fails until the volume is started again)')


def test_a_stop_is_refused_when_the_clients_cannot_be_listed(run_module):
    result, gluster = run_module(gluster_volume.main, dict(name='seen', state='stopped'), VERSION, [
        reply(VERSION, 'clients-volume-info'),
        reply(VERSION, 'clients-status-local-brick-down'),
    ])
    assert result['failed'] and result['commands'] == []
    assert result['msg'] == (
        'gluster --mode=script volume status seen clients --xml failed: cannot tell whether clients are connected to '
        'volume seen, so it is not stopped (Commit failed on node2. Please check log file for details.); bring every '
        'brick online, or set allow_stop_with_clients: true once you know nothing uses it (glusterd also fails to list '
        'the clients of a brick that has no connection at all, as in a distribute volume nothing mounts)')
