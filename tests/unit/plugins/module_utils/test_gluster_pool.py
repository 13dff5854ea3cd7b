"""The pool core on pool lists and volume info captured from real GlusterFS 10 and 11 servers."""
import pytest

from ansible_collections.glusterdock.storage.plugins.module_utils import gluster_pool
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_cli import parse_cli_output
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_pool import (
    Pool, PoolError, PoolNotSettled, detach_refusal, node_name_problem, plan_detaches, plan_probes, validate_nodes,
    wait_until_settled,
)
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_xml import (
    Peer, parse_peers, parse_volume_info,
)
from ansible_collections.glusterdock.storage.tests.unit.fixtures import VERSIONS, fixture, manifest


@pytest.fixture(params=VERSIONS)
def version(request):
    return request.param


def parsed(version, name):
    return parse_cli_output(name, 0, fixture(version, name), '')


def peers(version, name='pool-list'):
    return parse_peers(parsed(version, name))


def pool(version, name='pool-list', local_names=('node1',), resolve=None):
    return Pool(peers(version, name), local_names=local_names, resolve=resolve)


def node2_address(version):
    """The address node2 was probed by when the fixtures were captured."""
    return manifest(version)['peer-probe-by-address'][2].split()[4]


def uuid_of(version, hostname):
    return next(peer.uuid for peer in peers(version) if hostname in peer.hostnames)


# --- node names -------------------------------------------------------------------------------

@pytest.mark.parametrize('name', ['node2', 'node2.example.com', 'node2.example.com.', 'gluster_2', '10.0.1.2',
                                  'fe80::1', '2001:db8::2', 'b43ceff8-ba4a-43fa-9c0f-a9b62fed93da'])
def test_usable_names(name):
    assert node_name_problem(name) is None


@pytest.mark.parametrize('name, problem', [
    ('', 'is empty'),
    ('node2; touch /tmp/p', 'whitespace'),
    (' node2', 'whitespace'),
    ('a\nb', 'whitespace'),
    ('-x', 'starts with "-"'),
    ('--force', 'starts with "-"'),
    ('$(id)', 'not a host name'),
    ('`id`', 'not a host name'),
    ('node2|id', 'not a host name'),
    ('a..b', 'not a host name'),
    ('x' * 254, 'not a host name'),
    ('localhost', 'local machine'),
    ('LocalHost.', 'local machine'),
    ('localhost.localdomain', 'local machine'),
    ('127.0.0.1', 'loopback'),
    ('127.1.2.3', 'loopback'),
    ('::1', 'loopback'),
    ('0.0.0.0', 'loopback'),
])
def test_unusable_names(name, problem):
    assert problem in node_name_problem(name)


def test_validate_nodes_names_each_bad_name_and_accepts_duplicates():
    assert validate_nodes(['node2', 'node2', 'node3']) == []
    assert validate_nodes(['node2', '$(id)', 'a\nb']) == [
        "'$(id)' is not a host name, an IP address or a peer UUID",
        "'a\\nb' contains whitespace or a line break",
    ]


# --- finding a member under any name -----------------------------------------------------------

def test_find_by_every_hostname_of_a_peer(version):
    current = pool(version)
    node2 = current.find('node2')
    assert node2.uuid == uuid_of(version, 'node2')
    assert current.find(node2_address(version)) is node2
    assert current.find('NODE2.') is node2
    assert current.find(node2.uuid.upper()) is node2
    assert current.find('node3').uuid == uuid_of(version, 'node3')


def test_find_self_by_local_name_or_uuid_but_not_as_localhost(version):
    current = pool(version)
    me = next(peer for peer in current.peers if peer.is_self)
    assert current.find('node1') is me
    assert current.find(me.uuid) is me
    assert Pool(current.peers, local_names=()).find('localhost') is None


def test_find_by_resolved_address(version):
    # On node2 the pool knows node1 only by the long name it was first reached by.
    addresses = {'node1': {'10.9.0.1'}, 'node3': {'10.9.0.3'}, 'node2': {'10.9.0.2', '127.0.1.1'}}

    def resolve(name):
        if name.startswith('glusterdock-capture-'):
            return addresses['node1']
        return addresses.get(name, set())

    on_node2 = pool(version, 'pool-list-node2', local_names=('node2',), resolve=resolve)
    node1 = on_node2.find('node1')
    assert node1 is not None and node1.hostname.startswith('glusterdock-capture-')
    # Loopback addresses identify nothing: a name mapped to 127.0.1.1 is not matched through it.
    assert on_node2.addresses('node2') == {'10.9.0.2'}
    assert on_node2.find('no-such-host') is None


def test_local_names_are_looked_up_only_when_needed(version):
    calls = []

    def local_names():
        calls.append(1)
        return ['node1']

    current = pool(version, local_names=local_names)
    assert current.find('node2') is not None and calls == []
    assert current.find('node1').is_self and current.find('node1').is_self and calls == [1]


# --- plans --------------------------------------------------------------------------------------

def plan(peers, nodes, state, force=False, local_names=(), resolve=None, volumes=None):
    """The gluster arguments gluster_peer runs to bring ``peers`` to ``state`` (no volumes)."""
    current = Pool(peers, local_names, resolve)
    if state == 'present':
        return [step.args for step in plan_probes(current, nodes).steps]
    return [step.args for step in plan_detaches(current, current.to_detach(nodes), volumes or {}, force).steps]


def test_a_probe_is_proved_done_by_a_pool_that_lists_the_name(version):
    probes = plan_probes(pool(version, 'pool-list-alone'), ['node1', 'node3'])
    assert [step.what for step in probes.steps] == ['probe node3']
    assert probes.before == {'peers': ['node1']} and probes.after == {'peers': ['node1', 'node3']}
    assert probes.steps[0].done(pool(version)) and not probes.steps[0].done(pool(version, 'pool-list-alone'))


def test_a_detach_is_proved_done_by_a_pool_without_the_peer(version):
    current = pool(version)
    detaches = plan_detaches(current, current.to_detach(['node3']), {})
    assert detaches.after == {'peers': [name for name in current.member_names() if name != 'node3']}
    assert not detaches.steps[0].done(current) and detaches.steps[0].done(pool(version, 'pool-list-alone'))


def test_a_detach_plan_is_refused_before_any_step_for_a_peer_hosting_bricks(version):
    current = pool(version)
    with pytest.raises(PoolError, match='refusing to detach: node3 hosts bricks'):
        plan_detaches(current, current.to_detach(['node3']), parse_volume_info(parsed(version, 'volume-info-all')))


def test_plan_probes_each_missing_node_once(version):
    alone = peers(version, 'pool-list-alone')
    assert plan(alone, ['node1', 'node2', 'node3', 'node2', 'NODE3'], 'present', local_names=['node1']) == [
        ['peer', 'probe', 'node2'], ['peer', 'probe', 'node3']]


def test_plan_probes_one_machine_once_under_two_names(version):
    addresses = {'node2': {'10.9.0.2'}, '10.9.0.2': {'10.9.0.2'}, 'node1': {'10.9.0.1'}}
    alone = peers(version, 'pool-list-alone')
    assert plan(alone, ['node2', '10.9.0.2'], 'present', local_names=['node1'],
                resolve=lambda name: addresses.get(name, set())) == [['peer', 'probe', 'node2']]


def test_plan_present_is_empty_when_every_node_is_a_member_under_any_name(version):
    current = peers(version)
    me = next(peer for peer in current if peer.is_self)
    nodes = [me.uuid, node2_address(version), 'node2', 'node3', 'node1']
    assert plan(current, nodes, 'present', local_names=['node1']) == []


def test_plan_present_refuses_an_unknown_uuid(version):
    with pytest.raises(PoolError, match='looks like a peer UUID'):
        plan(peers(version, 'pool-list-alone'), ['00000000-0000-4000-8000-000000000000'], 'present')


def test_plan_detach_by_the_name_gluster_lists(version):
    current = peers(version)
    node2 = next(peer for peer in current if 'node2' in peer.hostnames)
    assert plan(current, ['node3'], 'absent') == [['peer', 'detach', 'node3']]
    assert plan(current, ['node3'], 'absent', force=True) == [['peer', 'detach', 'node3', 'force']]
    # 10.3 lists node2 by name, 11.1 by the address it was probed by.
    assert plan(current, [node2_address(version), 'node2', node2.uuid], 'absent') == [
        ['peer', 'detach', node2.hostname]]


def test_plan_detach_of_non_members_is_empty(version):
    assert plan(peers(version, 'pool-list-alone'), ['node2', 'node3'], 'absent') == []


def test_plan_detach_of_the_node_itself_is_refused(version):
    with pytest.raises(PoolError, match='cannot detach itself'):
        plan(peers(version), ['node3', 'node1'], 'absent', local_names=['node1'])


def test_member_names(version):
    assert pool(version).member_names() == sorted(['node1', 'node3', pool(version).find('node2').hostname])
    assert pool(version, 'pool-list-alone', local_names=()).member_names() == ['localhost']


# --- bricks block a detach ----------------------------------------------------------------------

def test_detach_refused_for_a_peer_hosting_bricks(version):
    current = pool(version)
    volumes = parse_volume_info(parsed(version, 'volume-info-all'))
    message = detach_refusal(volumes, current.to_detach(['node3']), current)
    assert message.startswith('refusing to detach: node3 hosts bricks of volume arb (node3:/bricks/arb/b); ')
    for volume in ('dec', 'dist', 'drep', 'ec', 'rep'):
        assert 'volume %s (node3:/bricks/%s/' % (volume, volume) in message
    assert 'node2:' not in message and 'nothing was changed' in message


def test_bricks_matched_by_host_name_when_the_xml_has_no_uuid(version):
    current = pool(version)
    volumes = parse_volume_info(parsed(version, 'volume-info-rep'))
    for brick in volumes['rep'].bricks:
        brick.host_uuid = ''
    assert 'node3:/bricks/rep/b' in detach_refusal(volumes, current.to_detach(['node3']), current)


def test_detach_allowed_without_volumes(version):
    current = pool(version)
    volumes = parse_volume_info(parsed(version, 'volume-info-none'))
    assert detach_refusal(volumes, current.to_detach(['node3']), current) is None


# --- settled ------------------------------------------------------------------------------------

def test_settled_pool(version):
    assert pool(version).unsettled(['node1', 'node2', 'node3', node2_address(version)]) == []


def test_peer_down_is_not_settled(version):
    assert pool(version, 'pool-list-peer-down').unsettled(['node1', 'node2', 'node3']) == [
        'node3: Peer in Cluster (Disconnected)']


def test_missing_node_is_not_settled(version):
    assert pool(version, 'pool-list-alone').unsettled(['node1', 'node2']) == ['node2: not in the pool']


class FakeClock:
    def __init__(self):
        self.now = 0.0
        self.sleeps = []

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds


def test_wait_reads_nothing_when_already_settled(version):
    clock = FakeClock()
    settled = pool(version)
    assert wait_until_settled(lambda: pytest.fail('read'), ['node2'], 60, settled, clock.sleep, clock) is settled
    assert clock.sleeps == []


def test_wait_backs_off_until_settled(version):
    clock = FakeClock()
    reads = [pool(version, 'pool-list-alone')] * 4 + [pool(version, 'pool-list-peer-down'), pool(version)]
    result = wait_until_settled(lambda: reads.pop(0), ['node2', 'node3'], 60, sleep=clock.sleep, clock=clock)
    assert result.unsettled(['node2', 'node3']) == [] and reads == []
    assert clock.sleeps == [0.25, 0.5, 1.0, 2.0, 2.0]


def test_wait_times_out_with_the_last_seen_states(version):
    clock = FakeClock()
    down = pool(version, 'pool-list-peer-down')
    with pytest.raises(PoolNotSettled) as raised:
        wait_until_settled(lambda: down, ['node2', 'node3'], 5, sleep=clock.sleep, clock=clock)
    assert str(raised.value) == ('the pool did not settle within 5 seconds: '
                                 'node3: Peer in Cluster (Disconnected)')
    assert raised.value.pool is down and sum(clock.sleeps) == 5


def test_wait_stops_at_once_on_a_rejected_peer():
    clock = FakeClock()
    rejected = Pool([Peer('u2', 'node2', ['node2'], True, gluster_pool.PEER_REJECTED, 'Peer Rejected')])
    with pytest.raises(PoolNotSettled, match=r'node2 rejected by the pool .*node2: Peer Rejected \(Connected\)'):
        wait_until_settled(lambda: rejected, ['node2'], 60, sleep=clock.sleep, clock=clock)
    assert clock.sleeps == []
