"""gluster_peer through the real AnsibleModule, with gluster answered from XML captured on real
servers: its argument spec, refusals before any gluster call, and each path's gluster calls."""
import functools

import pytest

from ansible_collections.glusterdock.storage.plugins.modules import gluster_peer
from ansible_collections.glusterdock.storage.tests.unit.fixtures import manifest
from ansible_collections.glusterdock.storage.tests.unit.plugins.modules.ansible_module_runner import reply

VERSION = '10.3'
# node2's address in the captured pool (the lab's network differs between captures).
NODE2_ADDRESS = manifest(VERSION)['peer-probe-by-address'][2].split()[-2]


def answer(name, command=None):
    return reply(VERSION, name, command)


POOL = answer('pool-list')
ALONE = answer('pool-list-alone')
PEER_DOWN = answer('pool-list-peer-down')


@pytest.fixture(autouse=True)
def node1(monkeypatch):
    """Run as node1 of the captured pool, with name resolution that knows no address and waits
    that do not sleep."""
    monkeypatch.setattr(gluster_peer, 'local_host_names', lambda: ('node1',))
    monkeypatch.setattr(gluster_peer, 'resolve', lambda name: frozenset())
    monkeypatch.setattr(gluster_peer, 'wait_until_settled',
                        functools.partial(gluster_peer.wait_until_settled, sleep=lambda seconds: None))


@pytest.fixture
def run(run_module):
    def run_peer(expected, check_mode=False, diff=False, **params):
        result, gluster = run_module(gluster_peer.main, params, VERSION, expected, check_mode=check_mode, diff=diff)
        return result, gluster.calls
    return run_peer


@pytest.mark.parametrize('params, message', [
    (dict(), 'missing required arguments: nodes'),
    (dict(nodes=['node2'], state='gone'), 'value of state must be one of: present, absent, got: gone'),
    (dict(nodes=['node2'], wait_timeout=-1), 'wait_timeout must be 0 or more seconds'),
    (dict(nodes=['localhost', '-x', 'node2']), "nodes: 'localhost' means the local machine; name the node so that the "
     "other peers can reach it; '-x' starts with \"-\", which gluster would read as an option"),
    (dict(nodes=['127.0.0.1']), "nodes: '127.0.0.1' is a loopback address; name the node so that the other peers can "
     "reach it"),
])
def test_bad_input_is_refused_before_any_gluster_call(run, params, message):
    result, calls = run([], **params)
    assert result['failed'] and result['msg'] == message and calls == []


def test_a_value_of_the_wrong_type_is_refused_before_any_gluster_call(run):
    result, calls = run([], nodes=['node2'], wait='maybe')
    assert result['failed'] and calls == []
    # The list of valid booleans that follows is in no fixed order.
    assert result['msg'].startswith("argument 'wait' is of type str and we were unable to convert to bool: The value "
                                    "'maybe' is not a valid boolean. Valid booleans include: ")


def test_no_op_is_one_call_and_no_diff_outside_diff_mode(run):
    result, calls = run([POOL], nodes=['node1', 'node2', 'node3', 'node2'])
    assert not result['failed'] and not result['changed'] and result['commands'] == []
    assert calls == ['pool list'] and 'diff' not in result
    assert [peer['hostname'] for peer in result['peers']] == ['node2', 'node3', 'localhost']


def test_no_op_in_diff_mode(run):
    result, calls = run([POOL], diff=True, nodes=['node1', 'node2', 'node3'])
    assert result['diff']['before'] == result['diff']['after'] == {'peers': ['node1', 'node2', 'node3']}


def test_check_mode_on_a_fresh_pool_lists_the_probes_and_only_reads(run):
    result, calls = run([ALONE], check_mode=True, diff=True, nodes=['node1', 'node2', 'node3'])
    assert result['changed'] and calls == ['pool list']
    assert result['commands'] == ['gluster --mode=script peer probe node2 --xml',
                                  'gluster --mode=script peer probe node3 --xml']
    assert result['diff'] == {'before': {'peers': ['node1']}, 'after': {'peers': ['node1', 'node2', 'node3']}}


def test_present_probes_then_waits_until_settled(run):
    result, calls = run([ALONE, answer('peer-probe'), answer('peer-probe', 'peer probe node3'), PEER_DOWN, POOL],
                        nodes=['node2', 'node3'])
    assert not result['failed'] and result['changed']
    assert calls == ['pool list', 'peer probe node2', 'peer probe node3', 'pool list', 'pool list']


@pytest.mark.parametrize('wait, read_after', [(False, [POOL]), (True, [])])
def test_probe_gluster_answers_needless_is_not_a_change(run, wait, read_after):
    # The pool knows the node by a name this run could not match: gluster says "already in peer list".
    # Without wait the pool is read once more after a probe; with it, the pool already read is settled.
    result, calls = run([POOL, answer('peer-probe-again', 'peer probe node2.example.com')] + read_after,
                        nodes=['node2.example.com', 'node3'], wait=wait)
    assert not result['failed'] and not result['changed'], result
    assert result['commands'] == ['gluster --mode=script peer probe node2.example.com --xml']


def test_probe_failure_reports_glusters_error(run):
    result, calls = run([ALONE, answer('peer-probe-unknown-host')], nodes=['no-such-host.invalid'])
    assert result['failed'] and not result['changed']
    assert result['op_errstr'] == 'Probe returned with Transport endpoint is not connected'
    assert result['cmd'] == 'gluster --mode=script peer probe no-such-host.invalid --xml'
    assert result['msg'] == ('gluster --mode=script peer probe no-such-host.invalid --xml failed: Probe returned with '
                             'Transport endpoint is not connected')


def test_wait_timeout_names_the_peer_state(run):
    result, calls = run([PEER_DOWN], nodes=['node3'], wait_timeout=0)
    assert result['failed'] and not result['changed'] and calls == ['pool list']
    assert result['msg'] == 'the pool did not settle within 0 seconds: node3: Peer in Cluster (Disconnected)'


def test_no_wait_accepts_a_peer_that_is_down(run):
    result, calls = run([PEER_DOWN], nodes=['node3'], wait=False)
    assert not result['failed'] and not result['changed'] and calls == ['pool list']


def test_absent_refuses_a_peer_hosting_bricks_and_runs_nothing(run):
    result, calls = run([POOL, answer('volume-info-all')], nodes=['node3'], state='absent', force=True)
    assert result['failed'] and not result['changed'] and result['commands'] == []
    assert calls == ['pool list', 'volume info']
    assert 'node3 hosts bricks of volume arb (node3:/bricks/arb/b)' in result['msg']


def test_absent_detaches_by_glusters_name_with_force_only_when_asked(run):
    # A detach answers as a probe does (opRet 0, no payload): a captured probe reply stands in for it.
    detach = answer('peer-probe', 'peer detach node3')
    result, calls = run([POOL, answer('volume-info-none'), detach, answer('peer-probe', 'peer detach node2'), ALONE],
                        nodes=['node3', NODE2_ADDRESS], state='absent')
    assert result['changed'] and result['commands'] == ['gluster --mode=script peer detach node3 --xml',
                                                        'gluster --mode=script peer detach node2 --xml']
    result, calls = run([POOL, answer('volume-info-none'), answer('peer-probe', 'peer detach node2 force'), ALONE],
                        diff=True, nodes=['node2'], state='absent', force=True)
    assert result['commands'] == ['gluster --mode=script peer detach node2 force --xml']
    assert result['diff'] == {'before': {'peers': ['node1', 'node2', 'node3']}, 'after': {'peers': ['node1']}}


def test_absent_of_non_members_is_one_call(run):
    result, calls = run([ALONE], nodes=['node2'], state='absent')
    assert not result['failed'] and not result['changed'] and calls == ['pool list']


def test_absent_of_the_node_itself_is_refused(run):
    result, calls = run([POOL], nodes=['node1'], state='absent')
    assert result['failed'] and calls == ['pool list']
    assert result['msg'] == ('node1 is the node running this task, which cannot detach itself: run the task on another '
                             'member of the pool')
