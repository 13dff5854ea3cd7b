"""The gluster_peer module's flow, with canned replies captured from real GlusterFS servers."""
import pytest

from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_cli import GlusterCli
from ansible_collections.glusterdock.storage.plugins.modules import gluster_peer
from ansible_collections.glusterdock.storage.tests.unit.fixtures import fixture, manifest

VERSION = '10.3'
POOL_LIST = 'gluster --mode=script pool list --xml'
# node2's address in the captured pool (the lab's network differs between captures).
NODE2_ADDRESS = manifest(VERSION)['peer-probe-by-address'][2].split()[-2]


class Finished(Exception):
    def __init__(self, result):
        super().__init__(result.get('msg'))
        self.result = result


class FakeModule:
    """Just what PeerManager uses of AnsibleModule."""

    def __init__(self, check_mode=False, **params):
        self.check_mode = check_mode
        self._diff = True
        self.params = dict(state='present', force=False, wait=True, wait_timeout=60)
        self.params.update(params)

    def exit_json(self, **result):
        raise Finished(dict(result, failed=False))

    def fail_json(self, **result):
        raise Finished(dict(result, failed=True))


@pytest.fixture(autouse=True)
def node1(monkeypatch):
    """Run as node1 of the captured pool, with name resolution that knows no address."""
    monkeypatch.setattr(gluster_peer, 'local_host_names', lambda: ('node1',))
    monkeypatch.setattr(gluster_peer, 'resolve', lambda name: frozenset())


def run(replies, check_mode=False, **params):
    """Run the module; ``replies`` maps a gluster subcommand to fixture names, used in turn
    (the last one repeats). Returns (result, calls)."""
    queues = {command: list(names) for command, names in replies.items()}

    def run_command(argv):
        command = ' '.join(argv[2:-1])
        names = queues[command]
        return 0, fixture(VERSION, names.pop(0) if len(names) > 1 else names[0]), ''

    cli = GlusterCli(run_command, check_mode=check_mode, sleep=lambda seconds: None)
    module = FakeModule(check_mode=check_mode, **params)
    with pytest.raises(Finished) as finished:
        gluster_peer.PeerManager(module, cli).run()
    return finished.value.result, cli.calls


def test_no_op_is_one_call():
    result, calls = run({'pool list': ['pool-list']}, nodes=['node1', 'node2', 'node3', 'node2'])
    assert not result['failed'] and not result['changed'] and result['commands'] == []
    assert calls == [POOL_LIST]
    assert result['diff']['before'] == result['diff']['after'] == {'peers': ['node1', 'node2', 'node3']}
    assert [peer['hostname'] for peer in result['peers']] == ['node2', 'node3', 'localhost']


def test_check_mode_on_a_fresh_pool_lists_the_probes_and_only_reads():
    result, calls = run({'pool list': ['pool-list-alone']}, check_mode=True, nodes=['node1', 'node2', 'node3'])
    assert result['changed'] and calls == [POOL_LIST]
    assert result['commands'] == ['gluster --mode=script peer probe node2 --xml',
                                  'gluster --mode=script peer probe node3 --xml']
    assert result['diff'] == {'before': {'peers': ['node1']}, 'after': {'peers': ['node1', 'node2', 'node3']}}


def test_present_probes_then_waits_until_settled():
    result, calls = run({'pool list': ['pool-list-alone', 'pool-list-peer-down', 'pool-list'],
                         'peer probe node2': ['peer-probe'], 'peer probe node3': ['peer-probe']},
                        nodes=['node2', 'node3'])
    assert not result['failed'] and result['changed']
    assert calls == [POOL_LIST, 'gluster --mode=script peer probe node2 --xml',
                     'gluster --mode=script peer probe node3 --xml', POOL_LIST, POOL_LIST]


def test_probe_gluster_answers_needless_is_not_a_change():
    # The pool knows the node by a name this run could not match: gluster says "already in peer list".
    for wait in (False, True):
        result, calls = run({'pool list': ['pool-list'], 'peer probe node2.example.com': ['peer-probe-again']},
                            nodes=['node2.example.com', 'node3'], wait=wait)
        assert not result['failed'] and not result['changed'], result
        assert result['commands'] == ['gluster --mode=script peer probe node2.example.com --xml']


def test_probe_failure_reports_glusters_error():
    result, calls = run({'pool list': ['pool-list-alone'],
                         'peer probe no-such-host.invalid': ['peer-probe-unknown-host']},
                        nodes=['no-such-host.invalid'])
    assert result['failed'] and not result['changed']
    assert result['op_errstr'] == 'Probe returned with Transport endpoint is not connected'
    assert result['cmd'] == 'gluster --mode=script peer probe no-such-host.invalid --xml'
    assert result['msg'].endswith('failed: Probe returned with Transport endpoint is not connected')


def test_wait_timeout_names_the_peer_state():
    result, calls = run({'pool list': ['pool-list-peer-down']}, nodes=['node3'], wait_timeout=0)
    assert result['failed'] and not result['changed'] and calls == [POOL_LIST]
    assert result['msg'] == 'the pool did not settle within 0 seconds: node3: Peer in Cluster (Disconnected)'


def test_no_wait_accepts_a_peer_that_is_down():
    result, calls = run({'pool list': ['pool-list-peer-down']}, nodes=['node3'], wait=False)
    assert not result['failed'] and not result['changed'] and calls == [POOL_LIST]


def test_absent_refuses_a_peer_hosting_bricks_and_runs_nothing():
    result, calls = run({'pool list': ['pool-list'], 'volume info': ['volume-info-all']},
                        nodes=['node3'], state='absent', force=True)
    assert result['failed'] and not result['changed'] and result['commands'] == []
    assert calls == [POOL_LIST, 'gluster --mode=script volume info --xml']
    assert 'node3 hosts bricks of volume arb (node3:/bricks/arb/b)' in result['msg']


def test_absent_detaches_by_glusters_name_with_force_only_when_asked():
    replies = {'pool list': ['pool-list', 'pool-list-alone'], 'volume info': ['volume-info-none'],
               'peer detach node3': ['peer-probe'], 'peer detach node2': ['peer-probe'],
               'peer detach node2 force': ['peer-probe']}
    result, calls = run(replies, nodes=['node3', NODE2_ADDRESS], state='absent')
    assert result['changed'] and result['commands'] == ['gluster --mode=script peer detach node3 --xml',
                                                        'gluster --mode=script peer detach node2 --xml']
    result, calls = run(replies, nodes=['node2'], state='absent', force=True)
    assert result['commands'] == ['gluster --mode=script peer detach node2 force --xml']
    assert result['diff'] == {'before': {'peers': ['node1', 'node2', 'node3']}, 'after': {'peers': ['node1']}}


def test_absent_of_non_members_is_one_call():
    result, calls = run({'pool list': ['pool-list-alone']}, nodes=['node2'], state='absent')
    assert not result['failed'] and not result['changed'] and calls == [POOL_LIST]


def test_absent_of_the_node_itself_is_refused():
    result, calls = run({'pool list': ['pool-list']}, nodes=['node1'], state='absent')
    assert result['failed'] and 'cannot detach itself' in result['msg'] and calls == [POOL_LIST]
