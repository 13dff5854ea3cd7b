"""parse_volume_spec: arguments (native and gluster.gluster style) -> VolumeSpec, or the message."""
import pytest

from ansible_collections.glusterdock.storage.plugins.module_utils.errors import RequestError
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_volume_spec import (
    VolumeSpecError,
    canonical_brick,
    canonical_boolean,
    layout_set_size,
    parse_volume_spec,
)

THREE = ['node1:/bricks/v/b', 'node2:/bricks/v/b', 'node3:/bricks/v/b']
SIX = THREE + ['node1:/bricks/v/c', 'node2:/bricks/v/c', 'node3:/bricks/v/c']


def spec(**params):
    params.setdefault('name', 'v')
    return parse_volume_spec(params)


def test_defaults_make_a_started_distribute_volume():
    result = spec(bricks=THREE)
    assert (result.state, result.running, result.replica, result.disperse, result.transport) == ('present', True, None, None, None)
    assert result.bricks == THREE
    assert result.set_size is None


def test_brick_paths_are_canonicalised_like_glusterd():
    assert spec(bricks=['node1://bricks//v/b/', 'node2:/bricks/v/b']).bricks == ['node1:/bricks/v/b', 'node2:/bricks/v/b']


def test_ipv6_brick_host_split_at_last_colon():
    assert spec(bricks=['fd00::2:/bricks/v/b']).bricks == ['fd00::2:/bricks/v/b']


def test_gluster_gluster_style_expands_path_by_path_in_cluster_order():
    result = spec(cluster=['node1', 'node2', 'node3', ''], bricks='/bricks/v/b,/bricks/v/c', replica=3)
    assert result.bricks == SIX
    assert result.replica == 3


def test_gluster_gluster_style_list_of_paths():
    assert spec(cluster=['node1', 'node2'], bricks=['/bricks/v/b']).bricks == ['node1:/bricks/v/b', 'node2:/bricks/v/b']


def test_replica_two_arbiter_one_is_replica_three_arbiter_one():
    result = spec(bricks=THREE, replica=2, arbiter=1)
    assert (result.replica, result.arbiter, result.set_size) == (3, 1, 3)


@pytest.mark.parametrize('counts, size', [
    (dict(replica=2, arbiter=1), 3), (dict(replica=3, arbiter=1), 3), (dict(replica=3), 3),
    (dict(replica=2, allow_replica_two=True), 2), (dict(disperse=3, redundancy=1), 3), ({}, None),
])
def test_the_set_size_the_role_plans_with_is_the_one_the_module_checks(counts, size):
    # planned_bricks (the gluster_volumes role) groups derived bricks with layout_set_size.
    asked = dict((name, counts[name]) for name in ('replica', 'arbiter', 'disperse') if name in counts)
    assert layout_set_size(**asked) == spec(bricks=SIX, **counts).set_size == size


def test_zero_counts_mean_not_given():
    result = spec(bricks=THREE, replica=0, arbiter=0, disperse=0, redundancy=0, stripe=0)
    assert (result.replica, result.arbiter, result.disperse, result.redundancy) == (None, None, None, None)


def test_replica_two_accepted_with_opt_in():
    assert spec(bricks=THREE[:2], replica=2, allow_replica_two=True).replica == 2


def test_disperse_layout():
    result = spec(bricks=SIX, disperse=3, redundancy=1)
    assert (result.disperse, result.redundancy, result.set_size) == (3, 1, 3)


def test_same_host_in_a_set_allowed_with_force():
    assert spec(bricks=['node1:/bricks/v/a', 'node1:/bricks/v/b', 'node2:/bricks/v/b'], replica=3, force=True).force


@pytest.mark.parametrize('state, start_on_create, running', [
    ('present', True, True), ('started', True, True), ('stopped', True, False), ('absent', True, None),
    ('present', False, None), ('started', False, True),
])
def test_running(state, start_on_create, running):
    assert spec(state=state, start_on_create=start_on_create).running is running


def test_option_values_become_strings():
    result = spec(options={'write-behind': False, 'cache-size': '128MB', 'performance.io-thread-count': 16,
                           'auth.allow': '10.0.0.*,192.0.2.1', 'cluster.rsync-hash-regex': r'^\.(.+)\.[^.]+$'})
    assert result.options == {'write-behind': 'off', 'cache-size': '128MB', 'performance.io-thread-count': '16',
                              'auth.allow': '10.0.0.*,192.0.2.1', 'cluster.rsync-hash-regex': r'^\.(.+)\.[^.]+$'}


@pytest.mark.parametrize('word, canonical', [('on', 'on'), ('Yes', 'on'), ('true', 'on'), ('enable', 'on'), ('1', 'on'),
                                             ('off', 'off'), ('no', 'off'), ('FALSE', 'off'), ('disable', 'off'),
                                             ('0', 'off'), ('128MB', '128MB')])
def test_canonical_boolean(word, canonical):
    assert canonical_boolean(word) == canonical


BAD_INPUT = [
    (dict(name=''), 'name: a volume name is required'),
    (dict(name=None), 'name: a volume name is required'),
    (dict(name='a' * 256), 'name: 256 characters is too long'),
    (dict(name='all'), "name: 'all' is a word reserved"),
    (dict(name='force'), "name: 'force' is a word reserved"),
    (dict(name='-v'), "name: '-v' must not start with \"-\""),
    (dict(name='--help'), "name: '--help' must not start"),
    (dict(name='a/b'), "name: 'a/b' has characters glusterd refuses"),
    (dict(name='a b'), "name: 'a b' has characters"),
    (dict(name='v\n'), "has characters glusterd refuses"),
    (dict(name='v; touch /tmp/p'), 'has characters glusterd refuses'),
    (dict(name='$(id)'), 'has characters glusterd refuses'),
    (dict(state='running'), 'state: must be one of'),
    (dict(bricks=['bricks/v/b']), "'bricks/v/b' is not host:/absolute/path"),
    (dict(bricks=['node1:bricks/v/b']), 'the brick path must be absolute'),
    (dict(bricks=['node1:/']), 'the root directory "/" cannot be a brick'),
    (dict(bricks=['node1://']), 'the root directory "/" cannot be a brick'),
    (dict(bricks=['node1:/var/lib/glusterd/b']), 'under /var/lib/glusterd'),
    (dict(bricks=['node1:/var/lib/glusterd']), 'under /var/lib/glusterd'),
    (dict(bricks=['node1:/bricks/../var/lib/glusterd']), 'must not contain "." or ".."'),
    (dict(bricks=['localhost:/bricks/v/b']), 'names the loopback host'),
    (dict(bricks=['127.0.0.1:/bricks/v/b']), 'names the loopback host'),
    (dict(bricks=[':/bricks/v/b']), 'has no host'),
    (dict(bricks=['node1:/bricks/v/b;touch /tmp/p']), 'contains whitespace'),
    (dict(bricks=['node1:/bricks/v/$(id)']), 'the path may only hold'),
    (dict(bricks=['node1:/bricks/v/b\n']), 'contains whitespace'),
    (dict(bricks=['--force:/bricks/v/b']), "has an invalid host '--force'"),
    (dict(bricks=['node1:/bricks/v/b', 'node1:/bricks/v/b/']), 'node1:/bricks/v/b is listed twice'),
    (dict(bricks=[]), 'bricks: the list is empty'),
    (dict(bricks=THREE[:2], replica=3), 'bricks: 2 bricks are not a multiple of the set size 3'),
    (dict(bricks=SIX[:4], disperse=3), 'bricks: 4 bricks are not a multiple of the set size 3'),
    (dict(bricks=['node1:/bricks/v/a', 'node1:/bricks/v/b', 'node2:/bricks/v/b'], replica=3),
     'set 1 (node1:/bricks/v/a, node1:/bricks/v/b, node2:/bricks/v/b) has two bricks on node1'),
    (dict(bricks=['node1:/b/1', 'node2:/b/1', 'node3:/b/1', 'node1:/b/2', 'node1:/b/3', 'node3:/b/2'], disperse=3),
     'set 2 (node1:/b/2, node1:/b/3, node3:/b/2) has two bricks on node1'),
    (dict(bricks=THREE[:2], replica=2), 'replica: 2 without an arbiter risks split-brain'),
    (dict(bricks=THREE, replica=1), 'replica: must be at least 2'),
    (dict(bricks=THREE, arbiter=1), 'arbiter: 1 needs replica: 3'),
    (dict(bricks=SIX[:4], replica=4, arbiter=1), 'arbiter: 1 needs replica: 3'),
    (dict(bricks=THREE, replica=3, arbiter=2), 'arbiter: only "arbiter: 1" exists'),
    (dict(bricks=THREE, disperse=2), 'disperse: must be at least 3'),
    (dict(bricks=THREE, disperse=3, redundancy=2), 'redundancy: 2 does not fit disperse 3'),
    (dict(bricks=THREE, redundancy=1), 'redundancy: needs disperse'),
    (dict(bricks=SIX, disperse=3, replica=3), 'replica and disperse exclude each other'),
    (dict(bricks=THREE, replica=-3), 'replica: must be a positive whole number'),
    (dict(bricks=THREE[:2], stripe=2), 'stripe: striped volumes were removed from GlusterFS'),
    (dict(bricks=THREE, transport='udp'), 'transport: must be one of'),
    (dict(bricks=THREE, rebalance=True), 'rebalance: this module does not start a rebalance'),
    (dict(bricks=THREE, quota='10GB', directory='/x'),
     'quota: quota limits are not managed by this module: set them in a task of their own with '
     'glusterdock.storage.gluster_quota'),
    (dict(bricks=THREE, directory='/x'), 'directory: quota limits (directory) are not managed by this module: set '
                                         'them in a task of their own with glusterdock.storage.gluster_quota'),
    (dict(cluster=['node1']), 'cluster: give bricks'),
    (dict(cluster=['node1'], bricks=['node1:/bricks/v/b']), 'with cluster, bricks are paths'),
    (dict(cluster=[''], bricks=['/bricks/v/b']), 'cluster: give at least one host'),
    (dict(options={'write-behind': ['off']}), 'value of write-behind must be a string, number or boolean, not a list'),
    (dict(options={'write-behind': {'a': 1}}), 'not a dict'),
    (dict(options={'write-behind': None}), 'not a NoneType'),
    (dict(options={'auth.allow': 'a\nb'}), 'contains a newline'),
    (dict(options={'auth.allow': '--remote-host=evil'}), 'must not start with "--"'),
    (dict(options={'auth.allow': '$(id)'}), "contains '$('"),
    (dict(options={'auth.allow': 'v; touch /tmp/p'}), "contains ';'"),
    (dict(options={'auth.allow': '`id`'}), "contains '`'"),
    (dict(options={'auth.allow': ''}), 'is empty'),
    (dict(options={'--xml': 'on'}), "'--xml' is not a valid option key"),
    (dict(options={'a b': 'on'}), "'a b' is not a valid option key"),
    (dict(options=['write-behind']), 'options: give a dictionary'),
    (dict(options={'no.such-option': 'on'}), "options: unknown option key 'no.such-option'"),
    (dict(options={'write-behnd': 'on'}), "unknown option key 'write-behnd'; did you mean performance.write-behind?"),
    (dict(options={'server-quorum-ratio': '51%'}), 'is a cluster-wide option'),
]


@pytest.mark.parametrize('params, message', BAD_INPUT)
def test_bad_input_is_refused_with_its_message(params, message):
    with pytest.raises(VolumeSpecError) as error:
        spec(**params)
    assert message in str(error.value)


@pytest.mark.parametrize('params, argument, message', [
    (dict(name='all'), 'name', "'all' is a word reserved by the gluster CLI"),
    (dict(bricks=['node1:relative']), 'bricks', "'node1:relative': the brick path must be absolute"),
    (dict(bricks=THREE, replica='x'), 'replica', "must be a positive whole number, not 'x'"),
    (dict(bricks=THREE[:2], replica=3), 'bricks', '2 bricks are not a multiple of the set size 3 (replica/disperse count)'),
    (dict(quota='10GB'), 'quota', 'quota limits are not managed by this module: set them in a task of their own with '
                                  'glusterdock.storage.gluster_quota'),
])
def test_a_refusal_names_its_argument_apart_from_the_message(params, argument, message):
    with pytest.raises(RequestError) as error:
        spec(**params)
    assert isinstance(error.value, VolumeSpecError)
    assert (error.value.argument, error.value.message) == (argument, message)
    assert str(error.value) == '%s: %s' % (argument, message)


def test_a_brick_check_applied_to_another_argument_names_that_argument():
    with pytest.raises(VolumeSpecError) as error:
        canonical_brick('node1:/var/lib/glusterd/b')
    assert str(error.value.about('brick_paths_checked')) == (
        "brick_paths_checked: 'node1:/var/lib/glusterd/b' is under /var/lib/glusterd, glusterd's own directory "
        "(refused even with force)")
