"""gluster_volume on a real 3-node pool: every type, idempotence, check mode, diff, growth,
refusals, deletion with brick data kept, bad input without gluster calls, and faults."""
import pytest

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
    result, calls = run(pool, dict(args, state='stopped', options={'write-behind': 'off'}), check=True, diff=True)
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


def test_distribute_grows_with_add_brick(pool):
    two = bricks(pool, 'grow', nodes=('node1', 'node2'))
    assert run(pool, dict(name='grow', bricks=two))[0]['changed']
    three = two + ['node3:/bricks/grow/b1']
    result = run(pool, dict(name='grow', bricks=three), diff=True)[0]
    assert result['commands'] == ['gluster --mode=script volume add-brick grow node3:/bricks/grow/b1 --xml']
    assert result['volume']['bricks'] == three
    assert (result['diff']['before']['bricks'], result['diff']['after']['bricks']) == (two, three)
    assert any('rebalance' in warning for warning in result['warnings'])
    assert not run(pool, dict(name='grow', bricks=three))[0]['changed']


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
        assert 'volume gone has clients connected (fuse: 1)' in result['msg']
        assert result['commands'] == []
        assert only_reads(calls)
        assert '<status>1</status>' in info(pool, 'gone')
    finally:
        pool.sh('node2', 'umount /mnt/gone')
    result = run(pool, dict(name='gone', state='absent'), diff=True)[0]
    assert result['commands'] == ['gluster --mode=script volume stop gone --xml',
                                  'gluster --mode=script volume delete gone --xml']
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
    assert run(pool, args)[0]['changed']
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
    assert run(pool, args)[0]['changed']
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
