"""gluster_volume across a 6-node pool: distributed-replicate 2 x 3 and distributed-disperse 2 x (2 + 1)."""
import pytest

LAB_NODES = 6
MODULE = 'glusterdock.storage.gluster_volume'
NODES = ['node%d' % number for number in range(1, LAB_NODES + 1)]


@pytest.mark.parametrize('name, layout, kind, counts', [
    ('drep', {'replica': 3}, 'Distributed-Replicate', (3, 0, 0)),
    ('dec', {'disperse': 3, 'redundancy': 1}, 'Distributed-Disperse', (0, 3, 1)),
])
def test_distributed_types_over_six_nodes_are_idempotent(pool, name, layout, kind, counts):
    for node in NODES:
        pool.sh(node, 'mkdir -p /bricks/%s' % name)
    args = dict(layout, name=name, bricks=['%s:/bricks/%s/b1' % (node, name) for node in NODES])
    pool.reset_call_log()
    result = pool.run_module('node1', MODULE, args)
    assert not result.get('failed'), result['msg']
    assert result['commands'] == [
        'gluster --mode=script volume create %s %s %s --xml' % (
            name, ' '.join('%s %s' % item for item in layout.items()), ' '.join(args['bricks'])),
        'gluster --mode=script volume start %s --xml' % name,
    ]
    volume = result['volume']
    assert (volume['type'], volume['status'], volume['distribute_count'], volume['bricks']) == (
        kind, 'started', 2, args['bricks'])
    assert (volume['replica_count'], volume['disperse_count'], volume['redundancy_count']) == counts

    pool.reset_call_log()
    again = pool.run_module('node4', MODULE, args)
    assert (again['changed'], again['commands']) == (False, [])
    assert pool.call_log('node4') == ['--mode=script volume info %s --xml' % name]
