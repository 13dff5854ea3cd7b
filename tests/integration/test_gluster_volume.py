"""gluster_volume on a real 3-node pool: every type, idempotence, check mode, diff, growth,
refusals, deletion with brick data kept, bad input without gluster calls, and faults."""
import re
import time

from xml.etree import ElementTree

import pytest

from . import brick_data
from .safety_matrix import verify_and_record

MODULE = 'glusterdock.storage.gluster_volume'
NODES = ('node1', 'node2', 'node3')


def bricks(lab, volume, names=('b1',), nodes=NODES):
    """host:/bricks/<volume>/<name> for each name and node (parent directories made on every node)."""
    for node in NODES:
        lab.sh(node, 'mkdir -p /bricks/%s' % volume)
    return ['%s:/bricks/%s/%s' % (node, volume, name) for name in names for node in nodes]


def run(lab, args, check=False, diff=False, node='node1'):
    """Run the module once; returns (result, gluster calls made on that node)."""
    lab.reset_call_log()
    result = lab.run_module(node, MODULE, args, check=check, diff=diff)
    return result, lab.call_log(node)


def replica_3_with_files(lab, volume, seed):
    """Create VOLUME, replica 3 with a brick on each node, with the module and write 200 files
    through a mount on node1 (unmounted after); returns (its bricks, their checksums)."""
    volume_bricks = bricks(lab, volume)
    assert run(lab, dict(name=volume, replica=3, bricks=volume_bricks))[0]['changed']
    mount = brick_data.mount(lab, 'node1', volume)
    brick_data.write_files(lab, 'node1', mount, count=200, seed=seed)
    sums = brick_data.checksums(lab, 'node1', mount)
    brick_data.unmount(lab, 'node1', volume)
    return volume_bricks, sums


def info(lab, name=None):
    return lab.gluster('node1', 'volume', 'info', *([name] if name else []), '--xml')


def only_reads(calls):
    return all(call.split()[1:3] in (['volume', 'info'], ['volume', 'get'], ['pool', 'list'], ['volume', 'status'])
               for call in calls)


@pytest.mark.parametrize('name, layout, kind', [
    ('dist', {}, 'Distribute'),
    ('rep', {'replica': 3}, 'Replicate'),
    ('arb', {'replica': 3, 'arbiter': 1}, 'Replicate'),
    ('ec', {'disperse': 3, 'redundancy': 1}, 'Disperse'),
])
def test_every_type_is_created_then_left_alone(pool, name, layout, kind):
    args = dict(layout, name=name, bricks=bricks(pool, name))
    result, calls = run(pool, args)
    assert not result.get('failed'), result['msg']
    assert result['changed']
    assert result['commands'][-1] == 'gluster --mode=script volume start %s --xml' % name
    volume = result['volume']
    assert (volume['type'], volume['status'], volume['bricks']) == (kind, 'started', args['bricks'])
    assert volume['arbiter_bricks'] == (['node3:/bricks/arb/b1'] if name == 'arb' else [])

    again, calls = run(pool, args)
    assert (again['changed'], again['commands']) == (False, [])
    assert calls == ['--mode=script volume info %s --xml' % name]


def test_options_short_keys_and_boolean_words_are_idempotent(pool):
    args = dict(name='opts', replica=3, bricks=bricks(pool, 'opts'),
                options={'write-behind': 'off', 'performance.cache-size': '64MB', 'readdir-ahead': True})
    result = run(pool, args)[0]
    assert result['changed'], result.get('msg')
    assert result['volume']['options']['performance.write-behind'] == 'off'
    assert result['volume']['options']['performance.readdir-ahead'] == 'on'

    args['options'] = {'performance.write-behind': False, 'cache-size': '64MB', 'performance.readdir-ahead': 'enable'}
    again, calls = run(pool, args, diff=True)
    assert (again['changed'], again['commands']) == (False, [])
    # volume info lists every one of them set to that value: no volume get.
    assert calls == ['--mode=script volume info opts --xml']
    assert again['diff']['before'] == again['diff']['after']

    # A default never set is not in volume info: only volume get knows it is already so.
    default = dict(args, options=dict(args['options'], **{'network.ping-timeout': '42'}))
    again, calls = run(pool, default, diff=True)
    assert (again['changed'], again['commands']) == (False, [])
    assert calls == ['--mode=script volume info opts --xml', '--mode=script volume get opts all --xml']

    args['options'] = {'write-behind': 'on', 'cache-size': '64MB'}
    changed = run(pool, args, diff=True)[0]
    assert changed['commands'] == ['gluster --mode=script volume set opts performance.write-behind on --xml']
    assert changed['diff']['before']['options'] == {'performance.write-behind': 'off', 'performance.cache-size': '64MB'}
    assert changed['diff']['after']['options'] == {'performance.write-behind': 'on', 'performance.cache-size': '64MB'}


def test_check_mode_on_a_new_volume_changes_nothing(pool):
    args = dict(name='chk', replica=3, bricks=bricks(pool, 'chk'), options={'write-behind': 'off'})
    before = info(pool)
    result, calls = run(pool, args, check=True, diff=True)
    assert info(pool) == before
    assert calls == ['--mode=script volume info chk --xml']
    assert result['changed']
    assert result['commands'] == [
        'gluster --mode=script volume create chk replica 3 %s --xml' % ' '.join(args['bricks']),
        'gluster --mode=script volume set chk performance.write-behind off --xml',
        'gluster --mode=script volume start chk --xml',
    ]
    assert result['diff']['before'] == {'name': 'chk', 'state': 'absent'}
    assert result['diff']['after'] == {
        'name': 'chk', 'state': 'started', 'bricks': args['bricks'], 'replica': 3, 'arbiter': 0, 'disperse': 0,
        'redundancy': 0, 'transport': 'tcp', 'options': {'performance.write-behind': 'off'}}


def test_check_mode_on_an_existing_volume_changes_nothing(pool):
    args = dict(name='chk2', bricks=bricks(pool, 'chk2'))
    assert run(pool, args)[0]['changed']
    before = info(pool)
    # Stopping a started volume reads its clients first, in check mode too; glusterd cannot list the
    # clients of an idle distribute volume's bricks, so that needs the opt-in.
    refused, calls = run(pool, dict(args, state='stopped'), check=True)
    assert refused['failed'] and refused['commands'] == []
    assert refused['msg'].startswith('gluster --mode=script volume status chk2 clients --xml failed: cannot tell whether '
                                     'clients are connected to volume chk2, so it is not stopped (Commit failed on node')
    assert calls == ['--mode=script volume info chk2 --xml', '--mode=script volume status chk2 clients --xml']
    result, calls = run(pool, dict(args, state='stopped', options={'write-behind': 'off'}, allow_stop_with_clients=True),
                        check=True, diff=True)
    assert info(pool) == before
    assert only_reads(calls) and len(calls) == 2
    assert result['commands'] == ['gluster --mode=script volume stop chk2 --xml',
                                  'gluster --mode=script volume set chk2 performance.write-behind off --xml']
    assert (result['diff']['before']['state'], result['diff']['after']['state']) == ('started', 'stopped')
    assert result['diff']['before']['options'] == {'performance.write-behind': 'on'}
    assert result['diff']['after']['options'] == {'performance.write-behind': 'off'}
    assert result['volume']['status'] == 'started'


def test_gluster_gluster_style_gives_the_same_volume_as_native(pool):
    bricks(pool, 'gg')
    legacy = dict(state='present', name='gg', cluster=['node1', 'node2', 'node3'], bricks='/bricks/gg/b1,/bricks/gg/b2',
                  replicas=3, start_on_create=True, force=False, options={'performance.cache-size': '32MB'})
    result = run(pool, legacy)[0]
    assert not result.get('failed'), result['msg']
    assert result['volume']['type'] == 'Distributed-Replicate'
    native = dict(name='gg', replica=3, bricks=bricks(pool, 'gg', names=('b1', 'b2')),
                  options={'cache-size': '32MB'})
    again = run(pool, native)[0]
    assert (again['changed'], again['volume']) == (False, result['volume'])


def test_distribute_grows_with_add_brick_then_fix_layout_and_every_file_still_lists(pool):
    two = bricks(pool, 'grow', nodes=('node1', 'node2'))
    assert run(pool, dict(name='grow', bricks=two))[0]['changed']
    brick_data.write_files(pool, 'node1', brick_data.mount(pool, 'node1', 'grow'), count=600, seed=9)
    sums = brick_data.checksums(pool, 'node1', '/mnt/grow')
    three = two + ['node3:/bricks/grow/b1']
    grow_commands = ['gluster --mode=script volume add-brick grow node3:/bricks/grow/b1 --xml',
                     'gluster --mode=script volume rebalance grow fix-layout start --xml']
    assert run(pool, dict(name='grow', bricks=three), check=True)[0]['commands'] == grow_commands
    result = run(pool, dict(name='grow', bricks=three), diff=True)[0]
    assert not result.get('failed'), result.get('msg')
    # A fix-layout that completed with a failure on some node is started once more.
    assert result['commands'] in (grow_commands, grow_commands + grow_commands[1:]), result['commands']
    assert result['volume']['bricks'] == three
    assert (result['diff']['before']['bricks'], result['diff']['after']['bricks']) == (two, three)
    assert any('rebalance' in warning for warning in result['warnings'])
    assert not run(pool, dict(name='grow', bricks=three))[0]['changed']
    # Without the fix-layout, a fresh mount's listing missed the directories whose names hash to
    # the new brick, and every file in them.
    verify_and_record(pool, 'grow', sums, 'grow a volume (gluster_volume)', 'distribute 2 -> 3', 'none',
                      'done, fix-layout completed on every node')


def test_gluster_brick_grows_without_rebalance_then_fixes_the_layout(pool):
    two = bricks(pool, 'bgrow', nodes=('node1', 'node2'))
    assert run(pool, dict(name='bgrow', bricks=two))[0]['changed']
    brick_data.write_files(pool, 'node1', brick_data.mount(pool, 'node1', 'bgrow'), count=600, seed=10)
    sums = brick_data.checksums(pool, 'node1', '/mnt/bgrow')
    pool.reset_call_log()
    result = pool.run_module('node1', 'glusterdock.storage.gluster_brick',
                             dict(volume='bgrow', bricks=['node3:/bricks/bgrow/b1']))
    assert not result.get('failed'), result.get('msg')
    fix_layout = 'gluster --mode=script volume rebalance bgrow fix-layout start --xml'
    assert result['commands'] in (['gluster --mode=script volume add-brick bgrow node3:/bricks/bgrow/b1 --xml'] +
                                  [fix_layout] * attempts for attempts in (1, 2)), result['commands']
    verify_and_record(pool, 'bgrow', sums, 'grow a volume (gluster_brick, no rebalance)', 'distribute 2 -> 3', 'none',
                      'done, fix-layout completed on every node')


def test_fewer_bricks_are_refused_naming_them(pool):
    all_bricks = bricks(pool, 'keep')
    assert run(pool, dict(name='keep', bricks=all_bricks))[0]['changed']
    before = info(pool)
    result, calls = run(pool, dict(name='keep', bricks=all_bricks[:2]))
    assert result['failed']
    assert 'volume keep has bricks not in bricks: node3:/bricks/keep/b1' in result['msg']
    assert 'gluster_brick with state: absent' in result['msg']
    # A brick missing by name may be there under another name of its host: the pool list tells.
    assert calls == ['--mode=script volume info keep --xml', '--mode=script pool list --xml']
    assert info(pool) == before


def test_absent_refused_with_a_client_then_deletes_and_keeps_brick_data(pool):
    volume_bricks = bricks(pool, 'gone')
    assert run(pool, dict(name='gone', replica=3, bricks=volume_bricks))[0]['changed']
    pool.sh('node2', 'mkdir -p /mnt/gone && mount -t glusterfs node1:/gone /mnt/gone && echo kept > /mnt/gone/file')
    try:
        result, calls = run(pool, dict(name='gone', state='absent'))
        assert result['failed']
        assert "volume gone has clients connected (fuse: 1 on one brick)" in result['msg']
        assert result['commands'] == []
        assert only_reads(calls)
        assert '<status>1</status>' in info(pool, 'gone')
    finally:
        pool.unmount('node2', '/mnt/gone')
    # The bricks drop a client when its connection closes; gluster may list it for a moment after
    # the client process is gone (seen twice in CI): the module would rightly refuse then.
    pool.sh('node1', 'for i in $(seq 1 120); do gluster.real volume status gone client-list | grep -Eq "^fuse +[1-9]" '
                     '|| exit 0; sleep 0.5; done; exit 1')
    result = run(pool, dict(name='gone', state='absent'), diff=True)[0]
    assert result['commands'] == ['gluster --mode=script volume stop gone --xml',
                                  'gluster --mode=script volume delete gone --xml'], result.get('msg')
    assert result['diff']['after'] == {'name': 'gone', 'state': 'absent'}
    assert result['volume'] == {}
    for node in NODES:
        assert pool.sh(node, 'cat /bricks/gone/b1/file').stdout == 'kept\n'
    again, calls = run(pool, dict(name='gone', state='absent'))
    assert (again['changed'], calls) == (False, ['--mode=script volume info gone --xml'])


BAD_INPUT = [
    (dict(name='all', bricks=['node1:/bricks/bad/b']), 'reserved'),
    (dict(name='v; touch /tmp/p', bricks=['node1:/bricks/bad/b']), 'characters glusterd refuses'),
    (dict(name='$(id)', bricks=['node1:/bricks/bad/b']), 'characters glusterd refuses'),
    (dict(name='--help', bricks=['node1:/bricks/bad/b']), 'must not start with'),
    (dict(name='bad\nname', bricks=['node1:/bricks/bad/b']), 'characters glusterd refuses'),
    (dict(name='bad', bricks=['node1:bricks/bad/b']), 'must be absolute'),
    (dict(name='bad', bricks=['node1:/']), 'cannot be a brick'),
    (dict(name='bad', bricks=['node1:/var/lib/glusterd/bad']), 'under /var/lib/glusterd'),
    (dict(name='bad', replica=3, bricks=['node1:/bricks/bad/a', 'node2:/bricks/bad/a']), 'not a multiple of the set size 3'),
    (dict(name='bad', replica=3, bricks=['node1:/bricks/bad/a', 'node1:/bricks/bad/b', 'node2:/bricks/bad/a']),
     'has two bricks on node1'),
    (dict(name='bad', replica=2, bricks=['node1:/bricks/bad/a', 'node2:/bricks/bad/a']), 'split-brain'),
    (dict(name='bad', bricks=['node1:/bricks/bad/a'], options={'auth.allow': ['a', 'b']}), 'not a list'),
    (dict(name='bad', bricks=['node1:/bricks/bad/a'], options={'auth.allow': '$(id)'}), "contains '$('"),
    (dict(name='bad', bricks=['node1:/bricks/bad/a'], options={'no.such-option': 'on'}), 'unknown option key'),
    (dict(name='bad', bricks=['node1:/bricks/bad/a'], stripe=2), 'removed from GlusterFS'),
]


@pytest.mark.parametrize('args, message', BAD_INPUT)
def test_bad_input_fails_without_any_gluster_call(pool, args, message):
    result, calls = run(pool, args)
    assert result['failed']
    assert message in result['msg']
    assert calls == []


def test_unknown_option_on_existing_volume_fails_before_change(pool):
    args = dict(name='unk', bricks=bricks(pool, 'unk'))
    assert run(pool, args)[0]['changed']
    result, calls = run(pool, dict(args, options={'write-behnd': 'off'}))
    assert result['failed'] and "unknown option key 'write-behnd'; did you mean performance.write-behind?" in result['msg']
    assert only_reads(calls)


class GlusterdStopped(object):
    """Stops glusterd on a node for a with-block, then starts it and waits for the pool."""

    def __init__(self, lab, node='node3'):
        self.lab = lab
        self.node = node

    def __enter__(self):
        self.lab.sh(self.node, 'systemctl stop glusterd')

    def __exit__(self, *exc):
        self.lab.sh(self.node, 'systemctl start glusterd')
        self.lab.wait_for_glusterd(self.node)
        self.lab.sh('node1', 'for i in $(seq 1 60); do [ "$(gluster.real peer status | grep -c '
                             '\'Peer in Cluster (Connected)\')" = 2 ] && exit 0; sleep 1; done; exit 1')
        # Connected is not yet back: until glusterd has started the node's bricks, it can miss a
        # transaction's lock reply, and the lock it then keeps refuses that volume name for minutes
        # ("Another transaction is in progress for NAME", seen when many volumes were started).
        wait_for_bricks_online(self.lab, self.node)


def wait_for_bricks_online(lab, node, seconds=120):
    """Wait until every brick of NODE in a started volume is online."""
    deadline = time.monotonic() + seconds
    while True:
        root = ElementTree.fromstring(lab.gluster('node1', 'volume', 'status', 'all', '--xml') or '<none/>')
        offline = [element.findtext('path') for element in root.iter('node')
                   if element.findtext('hostname') == node and element.findtext('path', '').startswith('/')
                   and element.findtext('status') != '1']
        if root.find('opRet') is not None and root.findtext('opRet') == '0' and not offline:
            return
        assert time.monotonic() < deadline, 'bricks of %s still offline: %s' % (node, offline)
        time.sleep(1)


def test_fault_peer_down_during_create(pool):
    bricks(pool, 'downc')
    with GlusterdStopped(pool):
        result = run(pool, dict(name='downc', bricks=['node1:/bricks/downc/b1', 'node3:/bricks/downc/b1']))[0]
    assert result['failed']
    assert 'Host node3 not connected' in result['msg']
    assert result['state_left'] == 'volume downc does not exist'
    assert not result['changed']
    assert 'does not exist' in info(pool, 'downc') or '<opRet>-1</opRet>' in info(pool, 'downc')


def test_fault_brick_directory_gone_during_start(pool):
    args = dict(name='downs', state='stopped', bricks=bricks(pool, 'downs'))
    created = run(pool, args)[0]
    assert created['changed'] and not created.get('failed'), created.get('msg')
    pool.sh('node2', 'mv /bricks/downs /bricks/downs.moved')
    try:
        result = run(pool, dict(args, state='started'))[0]
        assert result['failed']
        assert 'volume start downs' in result['msg']
        assert result['state_left'] == 'volume downs exists (created, never started)'
        assert result['volume']['status'] == 'created'
    finally:
        pool.sh('node2', 'mv /bricks/downs.moved /bricks/downs')
    assert run(pool, dict(args, state='started'))[0]['volume']['status'] == 'started'


def test_fault_peer_down_during_start_is_not_fatal(pool):
    # glusterd starts the bricks of the connected peers; node3's start when it comes back.
    args = dict(name='downp', state='stopped', bricks=bricks(pool, 'downp'))
    created = run(pool, args)[0]
    assert created['changed'] and not created.get('failed'), created.get('msg')
    with GlusterdStopped(pool):
        result = run(pool, dict(args, state='started'))[0]
    assert not result.get('failed'), result.get('msg')
    assert result['commands'] == ['gluster --mode=script volume start downp --xml']
    assert result['volume']['status'] == 'started'


def test_fault_peer_down_during_delete(pool):
    args = dict(name='downd', bricks=bricks(pool, 'downd'))
    assert run(pool, args)[0]['changed']
    with GlusterdStopped(pool):
        # The client list cannot be read completely: nothing is deleted.
        refused = run(pool, dict(name='downd', state='absent'))[0]
        result = run(pool, dict(name='downd', state='absent', allow_delete_with_clients=True))[0]
    assert refused['failed'] and refused['commands'] == []
    assert 'cannot tell whether clients are connected to volume downd' in refused['msg']
    assert result['failed']
    assert 'Some of the peers are down' in result['msg']
    assert result['state_left'] == 'volume downd exists and is stopped'
    assert result['changed']
    assert result['commands'] == ['gluster --mode=script volume stop downd --xml',
                                  'gluster --mode=script volume delete downd --xml']
    # Once the peer is back, the same task finishes the job.
    assert run(pool, dict(name='downd', state='absent'))[0]['commands'] == ['gluster --mode=script volume delete downd --xml']


# ---- data safety: force means one thing, clients on any brick ---------------------------------

def changing_calls(calls):
    """The calls that are not reads (heal info is one too)."""
    return [call for call in calls if not only_reads([call])
            and not (call.split()[1:3] == ['volume', 'heal'] and call.split()[4:5] == ['info'])]


def brick_pid(lab, node, volume):
    return lab.sh(node, 'cat /var/run/gluster/vols/%s/*.pid | head -1' % volume).stdout.strip()


def wait_heal_done(lab, volume, seconds=600):
    lab.sh('node1', 'for i in $(seq 1 %d); do gluster.real volume heal %s info summary | '
                    'grep "Total Number of entries:" | grep -qv ": 0$" || exit 0; sleep 1; done; exit 1'
           % (seconds, volume))


def test_replica_raise_refused_with_a_brick_down_or_heal_pending_even_with_force(pool):
    two = bricks(pool, 'raise', nodes=('node1', 'node2'))
    assert run(pool, dict(name='raise', replica=2, allow_replica_two=True, bricks=two))[0]['changed']
    mount = brick_data.mount(pool, 'node1', 'raise')
    brick_data.write_files(pool, 'node1', mount, count=300, seed=4)
    # The self-heal daemon off keeps the entries written while node2's brick is down pending.
    pool.gluster('node1', 'volume', 'set', 'raise', 'cluster.self-heal-daemon', 'off')
    pool.sh('node2', 'kill %s' % brick_pid(pool, 'node2', 'raise'))
    brick_data.write_files(pool, 'node1', mount, count=100, seed=5, prefix='down')
    sums = brick_data.checksums(pool, 'node1', mount)
    brick_data.unmount(pool, 'node1', 'raise')
    three = two + ['node3:/bricks/raise/b1']
    raise_args = dict(name='raise', replica=3, bricks=three, force=True)

    refused, calls = run(pool, raise_args)
    assert refused['failed']
    assert refused['msg'] == (
        'volume raise: not raising the replica count to 3: every brick must be online and nothing left to heal first '
        '(bricks offline: node2:/bricks/raise/b1). Nothing was changed; bring the bricks up, let heal finish, then '
        'run again (force does not skip this check)')
    assert refused['commands'] == [] and changing_calls(calls) == []
    assert calls == ['--mode=script volume info raise --xml', '--mode=script volume status raise --xml']

    pool.gluster('node1', 'volume', 'start', 'raise', 'force')
    # Both bricks back and answering heal info (right after the start, heal info lists no brick).
    pool.sh('node1', 'for i in $(seq 1 120); do [ "$(gluster.real volume heal raise info summary | '
                     'grep -c "Status: Connected")" = 2 ] && exit 0; sleep 1; done; exit 1')
    refused, calls = run(pool, raise_args)
    assert refused['failed']
    assert refused['msg'].startswith('volume raise: not raising the replica count to 3: every brick must be online and '
                                     'nothing left to heal first (node1:/bricks/raise/b1 has '), refused['msg']
    assert 'entries to heal' in refused['msg'], refused['msg']
    assert refused['commands'] == [] and changing_calls(calls) == []
    assert calls == ['--mode=script volume info raise --xml', '--mode=script volume status raise --xml',
                     '--mode=script volume heal raise info summary --xml']
    assert 'node3' not in info(pool, 'raise')

    # Healed, the same task raises it; force is not needed and not sent.
    pool.gluster('node1', 'volume', 'set', 'raise', 'cluster.self-heal-daemon', 'on')
    pool.gluster('node1', 'volume', 'heal', 'raise')
    wait_heal_done(pool, 'raise')
    done = run(pool, dict(raise_args, force=False))[0]
    assert not done.get('failed'), done['msg']
    assert done['commands'] == ['gluster --mode=script volume add-brick raise replica 3 node3:/bricks/raise/b1 --xml']
    # Read through a fresh mount while the new brick fills (waiting for that heal is no part of this check).
    verify_and_record(pool, 'raise', sums, 'raise replica 2 to 3 with force', 'replica 2',
                      'brick down, then heal pending', 'refused, nothing changed; raised once healed')


def wait_until_no_client(lab, volume, seconds=60):
    """The bricks drop a client when its connection closes, which can come a moment after the
    client process is gone (seen in CI): until then the module rightly refuses to stop or delete.
    Wait until a check-mode delete no longer finds one."""
    deadline = time.monotonic() + seconds
    while True:
        result = lab.run_module('node1', MODULE, dict(name=volume, state='absent'), check=True)
        if 'has clients connected' not in result.get('msg', ''):
            return
        assert time.monotonic() < deadline, result['msg']
        time.sleep(1)


def test_create_on_a_former_brick_refused_even_with_force(pool):
    held, sums = replica_3_with_files(pool, 'held', seed=6)
    wait_until_no_client(pool, 'held')
    # Deleted: its bricks keep the files, the volume-id xattr and .glusterfs.
    deleted = run(pool, dict(name='held', state='absent'))[0]
    assert deleted['changed'] and not deleted.get('failed'), deleted.get('msg')

    refused, calls = run(pool, dict(name='grab', bricks=['node1:/bricks/held/b1'], force=True))
    assert refused['failed']
    assert refused['msg'] == ('bricks: node1:/bricks/held/b1 refused: /bricks/held/b1 carries a '
                              'trusted.glusterfs.volume-id xattr (it is or was a brick); wipe it deliberately first')
    # Read twice: a refused path is checked against the volume read again, in case another run added it.
    assert calls == ['--mode=script volume info grab --xml'] * 2
    refused = run(pool, dict(name='grab', bricks=['node1:/bricks/held/b1/inner'], allow_root_filesystem_bricks=True))[0]
    assert refused['msg'] == ('bricks: node1:/bricks/held/b1/inner refused: /bricks/held/b1/inner is inside '
                              '/bricks/held/b1, which carries a trusted.glusterfs.volume-id xattr (it is or was a '
                              'brick); a brick inside a brick is refused')

    # A copy of a brick without its xattrs: glusterd itself would take it, without force too.
    pool.sh('node1', 'mkdir -p /bricks/copy && cp -r /bricks/held/b1 /bricks/copy/b1')
    refused, calls = run(pool, dict(name='grab', bricks=['node1:/bricks/copy/b1', 'node2:/bricks/copy/b1']))
    assert refused['msg'] == ('bricks: node1:/bricks/copy/b1 refused: /bricks/copy/b1 holds a .glusterfs folder (it '
                              'was a brick); wipe it deliberately first')
    # Read twice: a refused path is checked against the volume read again, in case another run added it.
    assert calls == ['--mode=script volume info grab --xml'] * 2

    # force with a brick on another node: that node's path cannot be checked from here.
    fresh = bricks(pool, 'grab')
    refused, calls = run(pool, dict(name='grab', bricks=fresh, force=True))
    assert refused['msg'] == (
        "bricks: node2:/bricks/grab/b1, node3:/bricks/grab/b1 are on other nodes; allow_root_filesystem_bricks (or "
        "force) adds gluster's force, which also skips glusterd's check that a brick path belongs to no other volume, "
        "and this module can check only the paths on the node it runs on. Create the volume without it (bricks on "
        "file systems of their own), run it with only_check_brick_paths: true on each of those nodes first and pass "
        "the checked_bricks in brick_paths_checked (the glusterdock.storage.gluster_volumes role does), or put every "
        "new brick on the node the task runs on")
    assert calls == ['--mode=script volume info grab --xml']
    assert 'grab' not in info(pool)
    # Checked on their own nodes, the same bricks may go out with force.
    checked = []
    for node in ('node2', 'node3'):
        result, calls = run(pool, dict(name='grab', bricks=fresh, force=True, only_check_brick_paths=True), node=node)
        assert (result['changed'], result['commands']) == (False, []), result.get('msg')
        assert result['checked_bricks'] == ['%s:/bricks/grab/b1' % node]
        assert calls == ['--mode=script volume info grab --xml']
        checked += result['checked_bricks']
    created = run(pool, dict(name='grab', bricks=fresh, force=True, brick_paths_checked=checked))[0]
    assert created['commands'][0] == 'gluster --mode=script volume create grab %s force --xml' % ' '.join(fresh)

    # The old bricks are untouched: importing them again on purpose (gluster's force) brings the files back.
    pool.gluster('node1', 'volume', 'create', 'held', 'replica', '3', *(held + ['force']))
    pool.gluster('node1', 'volume', 'start', 'held')
    verify_and_record(pool, 'held', sums, 'create with force on a deleted volume\'s bricks', 'replica 3',
                      'brick paths with volume-id / .glusterfs', 'refused, nothing changed')


def test_stop_or_delete_with_a_client_on_another_node_refused(pool):
    assert run(pool, dict(name='busy', replica=3, bricks=bricks(pool, 'busy')))[0]['changed']
    # The client is on node3; the module runs on node1.
    mount = brick_data.mount(pool, 'node3', 'busy')
    try:
        brick_data.write_files(pool, 'node3', mount, count=200, seed=7)
        sums = brick_data.checksums(pool, 'node3', mount)
        for state, option, effect in (('stopped', 'allow_stop_with_clients', 'their I/O fails until the volume is '
                                                                             'started again'),
                                      ('absent', 'allow_delete_with_clients', 'their I/O will fail')):
            refused, calls = run(pool, dict(name='busy', state=state))
            assert refused['failed']
            assert refused['msg'] == ("volume busy has clients connected (fuse: 1 on one brick): unmount them "
                                      "first, or set %s: true (%s)" % (option, effect))
            assert refused['commands'] == [] and changing_calls(calls) == []
            assert calls == ['--mode=script volume info busy --xml', '--mode=script volume status busy clients --xml',
                             '--mode=script volume status busy client-list']
        assert '<status>1</status>' in info(pool, 'busy')
        verify_and_record(pool, 'busy', sums, 'stop, then delete', 'replica 3', 'client mounted on another node',
                          'refused, nothing changed')
    finally:
        brick_data.unmount(pool, 'node3', 'busy')


def test_clients_unreadable_with_a_node_down_fails_closed(pool):
    sums = replica_3_with_files(pool, 'blind', seed=8)[1]
    with GlusterdStopped(pool, node='node2'):
        for state, verb, option in (('stopped', 'stopped', 'allow_stop_with_clients'),
                                    ('absent', 'deleted', 'allow_delete_with_clients')):
            refused, calls = run(pool, dict(name='blind', state=state))
            assert refused['failed']
            assert refused['msg'].startswith('cannot tell whether clients are connected to volume blind, so it is not '
                                             '%s (' % verb), refused['msg']
            assert 'brick node2:/bricks/blind/b1 is missing from the reply of gluster volume status blind clients (is ' \
                   'its node down?)' in refused['msg']
            assert refused['msg'].endswith('bring every brick online, or set %s: true once you know nothing uses it '
                                           '(glusterd also fails to list the clients of a brick that has no '
                                           'connection at all, as in a distribute volume nothing mounts)' % option)
            assert refused['commands'] == [] and changing_calls(calls) == []
    assert '<status>1</status>' in info(pool, 'blind')
    verify_and_record(pool, 'blind', sums, 'stop, then delete', 'replica 3', 'glusterd of a brick node stopped',
                      'refused (clients unknown), nothing changed')


def test_role_checks_each_servers_new_bricks_before_sending_force(pool):
    def play(volume):
        return {'hosts': 'gluster_servers', 'gather_facts': False,
                'roles': [{'role': 'glusterdock.storage.gluster_volumes',
                           'vars': {'gluster_volumes_list': [dict(volume, replica=3, allow_root_filesystem_bricks=True)],
                                    'gluster_volumes_restrict_clients': False}}]}

    # node2's brick path holds a copy of a brick: its own check refuses it, nothing is created.
    pool.sh('node2', 'mkdir -p /bricks/rootno/brick1/.glusterfs')
    pool.reset_call_log()
    refused = pool.run_play(play({'name': 'rootno'}))
    assert refused.returncode != 0
    assert ('bricks: node2:/bricks/rootno/brick1 refused: /bricks/rootno/brick1 holds a .glusterfs folder (it was a '
            'brick); wipe it deliberately first') in refused.stdout
    assert not [call for node in NODES for call in pool.call_log(node) if 'create' in call]

    # Every server checked its own: the volume is created with gluster's force.
    pool.reset_call_log()
    done = pool.run_play(play({'name': 'rootok'}))
    assert done.returncode == 0, done.stdout[-3000:]
    creates = [call for call in pool.call_log('node1') if ' create ' in call]
    assert creates == ['--mode=script volume create rootok replica 3 node1:/bricks/rootok/brick1 '
                       'node2:/bricks/rootok/brick1 node3:/bricks/rootok/brick1 force --xml']
    pool.reset_call_log()
    again = pool.run_play(play({'name': 'rootok'}))
    recap = again.stdout.split('PLAY RECAP')[1]
    assert again.returncode == 0 and set(re.findall(r'changed=(\d+)', recap)) == set(['0']), again.stdout[-3000:]
    # No new brick anywhere: no server checks its paths (the role's read and the module's, on node1).
    assert {node: pool.call_log(node) for node in NODES} == dict(
        {node: [] for node in NODES}, node1=['--mode=script volume info --xml'] * 2)


def test_list_form_creates_three_volumes_then_one_read_for_all(pool):
    volumes = [
        dict(name='lista', bricks=bricks(pool, 'lista')),
        # In key order: the lab's playbook writer sorts them, and options are set in the order given.
        dict(name='listb', replica=3, bricks=bricks(pool, 'listb'),
             options={'performance.cache-size': '64MB', 'write-behind': 'off'}),
        dict(name='listc', disperse=3, redundancy=1, bricks=bricks(pool, 'listc')),
    ]
    # A bad entry is refused naming it, before any gluster call.
    refused, calls = run(pool, dict(volumes=volumes + [dict(name='listd', bricks=['node1:bricks/listd'])]))
    assert refused['failed'] and calls == []
    assert refused['msg'] == "volumes[3] (name listd): bricks: 'node1:bricks/listd': the brick path must be absolute"

    # Check mode: every command, planned from one read of every volume.
    planned, calls = run(pool, dict(volumes=volumes), check=True)
    assert not planned.get('failed'), planned['msg']
    assert planned['changed'] and calls == ['--mode=script volume info --xml']
    assert planned['commands'] == ['gluster --mode=script %s --xml' % command for command in (
        'volume create lista %s' % ' '.join(volumes[0]['bricks']),
        'volume start lista',
        'volume create listb replica 3 %s' % ' '.join(volumes[1]['bricks']),
        'volume set listb performance.cache-size 64MB performance.write-behind off',
        'volume start listb',
        'volume create listc disperse 3 redundancy 1 %s' % ' '.join(volumes[2]['bricks']),
        'volume start listc',
    )]
    assert 'lista' not in info(pool)

    created, calls = run(pool, dict(volumes=volumes))
    assert not created.get('failed'), created['msg']
    assert created['commands'] == planned['commands']
    assert [(item['name'], item['changed'], item['volume']['type'], item['volume']['status'])
            for item in created['results']] == [('lista', True, 'Distribute', 'started'),
                                                ('listb', True, 'Replicate', 'started'),
                                                ('listc', True, 'Disperse', 'started')]
    assert created['results'][1]['volume']['options']['performance.cache-size'] == '64MB'
    # gluster's own commands, one read before and one after: none of each volume before its create
    # or after its start.
    assert calls == ['--mode=script volume info --xml'] + [
        command[len('gluster '):] for command in planned['commands']] + ['--mode=script volume info --xml']

    again, calls = run(pool, dict(volumes=volumes))
    assert (again['changed'], again['commands']) == (False, [])
    assert calls == ['--mode=script volume info --xml']
    assert [item['changed'] for item in again['results']] == [False, False, False]
