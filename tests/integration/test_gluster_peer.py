"""gluster_peer on real glusterd: a lab of three nodes, every task run on node1.

The pool is formed, checked for idempotence, then a brick blocks a detach, node3 is detached, and
glusterd is stopped on node2. Each test first brings the pool to the state it starts from
(node1 alone, or all three formed with the plain CLI), so the tests run in any order.
"""
import pytest

MODULE = 'glusterdock.storage.gluster_peer'
POOL_LIST = '--mode=script pool list --xml'


def command(*args):
    return 'gluster --mode=script %s --xml' % ' '.join(args)


def run(lab, args, **options):
    lab.reset_call_log()
    return lab.run_module('node1', MODULE, args, **options)


def assert_no_op(lab, result):
    """A run that changed nothing: no failure, no command, one gluster call (the pool list)."""
    assert not result.get('failed') and not result['changed'] and result['commands'] == [], result
    assert lab.call_log('node1') == [POOL_LIST]


def members(lab):
    """Host names in node1's pool list (read with the plain CLI, outside the call log)."""
    lines = lab.gluster('node1', 'pool', 'list').splitlines()[1:]
    return sorted(line.split('\t')[1].strip() for line in lines if line.strip())


def node1_alone(lab):
    """The pool before any probe: node1 on its own (other members detached with the plain CLI)."""
    for node in lab.nodes[1:]:
        if node in members(lab):
            lab.gluster('node1', 'peer', 'detach', node)
    assert members(lab) == ['localhost']


def formed(lab):
    """All three nodes in the pool, connected, probed by name with the plain CLI."""
    lab.form_pool()
    assert members(lab) == ['localhost', 'node2', 'node3']


@pytest.mark.parametrize('bad, message', [
    ('node2; touch /tmp/p', "'node2; touch /tmp/p' contains whitespace"),
    ('$(id)', "'$(id)' is not a host name"),
    ('-x', "'-x' starts with \"-\""),
    ('a\nb', "'a\\nb' contains whitespace or a line break"),
    ('', "'' is empty"),
    ('localhost', "'localhost' means the local machine"),
    ('127.0.0.1', "'127.0.0.1' is a loopback address"),
])
def test_bad_input_fails_before_any_gluster_call(lab, bad, message):
    result = run(lab, {'nodes': ['node2', bad]})
    assert result['failed'] and message in result['msg'], result
    assert lab.call_log('node1') == []
    assert lab.sh('node1', 'test -e /tmp/p', check=False).returncode != 0


def test_check_mode_on_a_fresh_pool_only_reads(lab):
    node1_alone(lab)
    result = run(lab, {'nodes': ['node1', 'node2', 'node3']}, check=True, diff=True)
    assert not result.get('failed') and result['changed'], result
    assert result['commands'] == [command('peer', 'probe', 'node2'), command('peer', 'probe', 'node3')]
    assert result['diff'] == {'before': {'peers': ['node1']}, 'after': {'peers': ['node1', 'node2', 'node3']}}
    assert lab.call_log('node1') == [POOL_LIST]
    assert members(lab) == ['localhost']


def test_present_forms_the_pool_and_waits(lab):
    node1_alone(lab)
    result = run(lab, {'nodes': ['node1', 'node2', 'node3', 'node2']}, diff=True)
    assert not result.get('failed') and result['changed'], result
    assert result['commands'] == [command('peer', 'probe', 'node2'), command('peer', 'probe', 'node3')]
    others = [peer for peer in result['peers'] if not peer['self']]
    assert sorted(peer['hostname'] for peer in others) == ['node2', 'node3']
    assert all(peer['connected'] and peer['state'] == 3 and peer['state_name'] == 'Peer in Cluster'
               for peer in others), result['peers']
    assert result['diff']['after'] == {'peers': ['node1', 'node2', 'node3']}


def test_second_run_is_one_gluster_call(lab):
    formed(lab)
    result = run(lab, {'nodes': ['node1', 'node2', 'node3']})
    assert_no_op(lab, result)


def test_probing_a_member_by_its_address_is_a_no_op(lab):
    formed(lab)
    address = lab.sh('node2', 'hostname -i').stdout.split()[0]
    result = run(lab, {'nodes': [address]})
    assert_no_op(lab, result)


def test_absent_of_a_non_member_is_a_no_op(lab):
    result = run(lab, {'nodes': ['node9.invalid'], 'state': 'absent'})
    assert_no_op(lab, result)


def test_detach_of_a_peer_hosting_a_brick_is_refused(lab):
    formed(lab)
    lab.sh('node3', 'mkdir -p /bricks/held')
    lab.gluster('node1', 'volume', 'create', 'held', 'node3:/bricks/held/b')
    try:
        result = run(lab, {'nodes': ['node3'], 'state': 'absent', 'force': True})
        assert result['failed'] and not result['changed'] and result['commands'] == [], result
        assert 'node3 hosts bricks of volume held (node3:/bricks/held/b)' in result['msg']
        assert lab.call_log('node1') == [POOL_LIST, '--mode=script volume info --xml']
        assert members(lab) == ['localhost', 'node2', 'node3']
    finally:
        lab.gluster('node1', 'volume', 'delete', 'held')


def test_detach_of_a_peer_without_bricks(lab):
    formed(lab)
    check = run(lab, {'nodes': ['node3'], 'state': 'absent'}, check=True, diff=True)
    assert check['changed'] and check['commands'] == [command('peer', 'detach', 'node3')], check
    assert check['diff']['after'] == {'peers': ['node1', 'node2']}
    assert members(lab) == ['localhost', 'node2', 'node3']

    result = run(lab, {'nodes': ['node3'], 'state': 'absent'})
    assert not result.get('failed') and result['changed'], result
    assert result['commands'] == [command('peer', 'detach', 'node3')]
    assert members(lab) == ['localhost', 'node2']

    again = run(lab, {'nodes': ['node3'], 'state': 'absent'})
    assert_no_op(lab, again)


def test_wait_fails_naming_a_peer_whose_glusterd_is_down(lab):
    formed(lab)
    lab.sh('node2', 'systemctl stop glusterd')
    try:
        result = run(lab, {'nodes': ['node2'], 'wait_timeout': 5})
        assert result['failed'] and not result['changed'] and result['commands'] == [], result
        assert result['msg'] == 'the pool did not settle within 5 seconds: node2: Peer in Cluster (Disconnected)'
    finally:
        lab.sh('node2', 'systemctl start glusterd')
        lab.wait_for_glusterd('node2')


def test_probe_of_an_unreachable_host_fails_with_glusters_message(lab):
    result = run(lab, {'nodes': ['no-such-host.invalid']})
    assert result['failed'] and result['commands'] == [command('peer', 'probe', 'no-such-host.invalid')], result
    assert result['cmd'] == command('peer', 'probe', 'no-such-host.invalid')
    assert result['op_errstr'] and result['op_errstr'] in result['msg']
    assert 'no-such-host.invalid' not in members(lab)
