"""Quota: argument validation, the list parser on replies captured from real GlusterFS 10 and 11
servers (tests/fixtures/capture), reading the state, and the exact commands of each plan."""
from xml.etree import ElementTree

import pytest

from ansible_collections.glusterdock.storage.plugins.module_utils import gluster_quota
from ansible_collections.glusterdock.storage.plugins.module_utils.errors import RequestError
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_cli import GlusterCli, GlusterCommandError
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_quota import (
    DesiredLimit,
    ObjectLimit,
    QuotaLimit,
    QuotaRequestError,
    QuotaState,
    QuotaStateError,
    format_size,
    parse_quota_spec,
    parse_size,
    plan_quota,
    read_object_limits,
    read_quota,
)
from ansible_collections.glusterdock.storage.tests.unit.fixtures import VERSIONS, fixture, manifest

GB = 1024 ** 3
MB = 1024 ** 2
LIST = ['volume', 'quota', 'limited', 'list']
OPTIONS = ('features.default-soft-limit, features.soft-timeout, features.hard-timeout, features.alert-time, '
           'features.quota-deem-statfs, features.quota-timeout')


@pytest.fixture(params=VERSIONS)
def version(request):
    return request.param


def replay(version, *exchanges):
    """A run_command that expects the commands of ``exchanges`` ((gluster arguments, captured reply
    name) pairs), in order, and answers each with its reply and the exit code it was captured with.
    Any other command fails the test."""
    expected = list(exchanges)

    def run(argv):
        assert expected, 'unexpected gluster call: %s' % argv
        args, name = expected.pop(0)
        assert argv == ['gluster', '--mode=script'] + args.split() + ['--xml']
        return manifest(version)[name][1], fixture(version, name), ''
    return run


def captured(version, name):
    """The (gluster arguments, reply name) of a reply, with the command it was captured with."""
    return ' '.join(manifest(version)[name][2].split()[2:-1]), name


def read(version, name):
    cli = GlusterCli(replay(version, (' '.join(LIST), name)))
    return read_quota(cli, 'limited'), cli


def test_every_quota_reply_was_captured_with_the_command_it_answers(version):
    commands = manifest(version)
    assert commands['quota-list-disabled'][2] == 'gluster --mode=script volume quota limited list --xml'
    assert commands['quota-limit-usage-soft'][2] == 'gluster --mode=script volume quota limited limit-usage /app 1GB 50% --xml'
    assert commands['quota-list-objects'][2] == 'gluster --mode=script volume quota limited list-objects --xml'


# Reading the state: one call, whatever the answer.

def test_disabled_quota_is_a_state_not_a_failure(version):
    state, cli = read(version, 'quota-list-disabled')
    assert state == QuotaState(enabled=False, limits={})
    assert cli.calls == ['gluster --mode=script volume quota limited list --xml']


def test_enabled_without_limits_is_a_state_not_a_failure(version):
    for name in ('quota-list-no-limits', 'quota-list-reenabled'):
        assert read(version, name)[0] == QuotaState(enabled=True, limits={})


def test_limits_are_parsed_in_bytes_and_percent(version):
    state = read(version, 'quota-list-limits')[0]
    assert state.enabled and sorted(state.limits) == ['/', '/app', '/data']
    root, app, data = state.limits['/'], state.limits['/app'], state.limits['/data']
    assert (root.hard_limit, root.soft_limit) == (10 * GB, 80)
    assert (app.hard_limit, app.soft_limit) == (GB, 50)
    assert (data.hard_limit, data.soft_limit) == (1536 * MB, 80)
    assert app.used_space >= 3000000 and app.available_space == GB - app.used_space
    assert (app.soft_limit_exceeded, app.hard_limit_exceeded) == (False, False)


def test_a_path_is_taken_as_gluster_writes_it(version):
    # A directory may end in a space: only what gluster wrote names it. The captured list, with its
    # /app renamed "/app " (the lab's capture has no such directory).
    reply = fixture(version, 'quota-list-limits').replace('<path>/app</path>', '<path>/app </path>')
    assert list(gluster_quota.parse_quota_list(ElementTree.fromstring(reply))) == ['/', '/app ', '/data']


def test_object_limits_only_are_not_in_the_usage_list(version):
    # The reviewer's case: limit-objects alone; "list" says "No quota configured".
    assert read(version, 'quota-list-only-objects')[0] == QuotaState(enabled=True, limits={})
    assert manifest(version)['quota-limit-objects'][2] == (
        'gluster --mode=script volume quota limited limit-objects /app 100 --xml')


def test_object_limits_are_read_from_list_objects(version):
    cli = GlusterCli(replay(version, captured(version, 'quota-list-objects')))
    limits = read_object_limits(cli, 'limited')
    assert cli.calls == ['gluster --mode=script volume quota limited list-objects --xml']
    assert list(limits) == ['/app']
    app = limits['/app']
    assert (app.hard_limit, app.soft_limit) == (100, 80)
    assert app.file_count >= 0 and app.dir_count >= 1


@pytest.mark.parametrize('name', ['quota-list-objects-no-limits', 'quota-list-objects-usage-only',
                                  'quota-list-objects-disabled'])
def test_no_object_limits_is_a_state_not_a_failure(version, name):
    assert read_object_limits(GlusterCli(replay(version, ('volume quota limited list-objects', name))), 'limited') == {}


def test_an_unlistable_object_list_means_object_limits(version):
    # The same empty reply as the usage list's (exit code 1, nothing): its last object limit could not be read.
    cli = GlusterCli(replay(version, ('volume quota limited list-objects', 'quota-list-directory-removed')))
    with pytest.raises(GlusterCommandError) as error:
        read_object_limits(cli, 'limited')
    assert 'gluster printed nothing for the object quota list of volume limited' in str(error.value)
    assert 'state=disabled needs allow_disable_with_limits' in str(error.value)


def test_limit_usage_without_soft_limit_keeps_the_soft_limit(version):
    # Behaviour the planner relies on: /app had 50% and was raised to 2GB without a percentage.
    app = read(version, 'quota-list-changed')[0].limits['/app']
    assert (app.hard_limit, app.soft_limit) == (2 * GB, 50)


def test_missing_volume_says_so(version):
    cli = GlusterCli(replay(version, captured(version, 'quota-list-missing')))
    with pytest.raises(GlusterCommandError) as error:
        read_quota(cli, 'no-such-volume')
    assert str(error.value) == ('gluster --mode=script volume quota no-such-volume list --xml failed: '
                                'volume no-such-volume does not exist')
    assert error.value.op_errstr == 'Volume no-such-volume does not exist'


def test_stopped_volume_says_to_start_it(version):
    with pytest.raises(GlusterCommandError) as error:
        read(version, 'quota-list-stopped')
    assert 'volume limited is stopped; gluster reads and sets quota only on a started volume, start it first' \
        in str(error.value)


@pytest.mark.parametrize('name, message', [
    ('quota-limit-usage-missing-directory', 'directory /app does not exist on volume limited: create it through a '
                                            'mount of the volume first (this module does not create directories)'),
    ('quota-remove-missing-directory', 'directory /nonexistent does not exist on volume limited'),
])
def test_a_missing_directory_is_named(version, name, message):
    command = manifest(version)[name][2]
    with pytest.raises(GlusterCommandError) as error:
        GlusterCli(replay(version, captured(version, name))).change(*command.split()[2:-1], retry=False)
    explained = gluster_quota.explain_change_error(error.value, 'limited')
    assert message in str(explained)
    assert explained.op_errstr.startswith('Failed to get trusted.gfid attribute')


@pytest.mark.parametrize('name', ['quota-enable', 'quota-limit-usage', 'quota-limit-usage-soft',
                                  'quota-limit-usage-change', 'quota-remove', 'quota-disable'])
def test_changing_replies_succeed(version, name):
    command = manifest(version)[name][2]
    GlusterCli(replay(version, captured(version, name))).change(*command.split()[2:-1])


@pytest.mark.parametrize('name, message', [
    ('quota-enable-again', 'Quota is already enabled'),
    ('quota-disable-disabled', 'Quota is disabled, please enable quota'),
    ('quota-remove-disabled', 'Quota is disabled, please enable quota'),
])
def test_changes_gluster_refuses_in_that_state(version, name, message):
    command = manifest(version)[name][2]
    with pytest.raises(GlusterCommandError) as error:
        GlusterCli(replay(version, captured(version, name))).change(*command.split()[2:-1])
    assert error.value.op_errstr == message


# Sizes, soft limits, paths.

@pytest.mark.parametrize('value, size', [
    (1, 1), (1073741824, GB), ('1073741824', GB), ('10GB', 10 * GB), ('10gb', 10 * GB), ('10 GB', 10 * GB),
    ('10G', 10 * GB), ('10GiB', 10 * GB), ('512MB', 512 * MB), ('1TB', 1024 * GB), ('1.5GB', 1536 * MB),
    ('4KB', 4096), ('100B', 100), ('1PB', 1024 ** 5), ('0.5KB', 512), ('1.' + '0' * 40 + 'KB', 1024),
])
def test_sizes(value, size):
    assert parse_size(value, 'limits') == size


@pytest.mark.parametrize('value, message', [
    (0, 'out of range'), ('0GB', 'out of range'), (-1, 'out of range'), ('-1GB', 'is not a size'),
    ('10XB', 'is not a size'), ('GB', 'is not a size'), ('', 'is not a size'), ('1.3B', 'not a whole number'),
    (True, 'is not a size'), (1.5, 'is not a size'), ('8EB', 'is not a size'), ('9000PB', 'out of range'),
    ('1GB; rm -rf /', 'is not a size'),
    # Exact arithmetic: 28 decimals of a KB is not rounded to 1024 bytes.
    ('1.0000000000000000000000000001KB', 'not a whole number'), ('1.' + '0' * 60 + '1B', 'not a whole number'),
    ('1' * 5000, 'is not a size'),
])
def test_bad_sizes(value, message):
    with pytest.raises(QuotaRequestError) as error:
        parse_size(value, 'limits')
    assert message in str(error.value)


@pytest.mark.parametrize('size, text', [
    (10 * GB, '10GB'), (1536 * MB, '1536MB'), (1024 ** 4, '1TB'), (4096, '4KB'), (1234567, '1234567'),
])
def test_sizes_are_given_to_gluster_in_its_own_units(size, text):
    assert format_size(size) == text


def spec(**params):
    return parse_quota_spec(dict(dict(volume='limited'), **params))


def test_the_three_limit_styles_mean_the_same():
    as_sizes = spec(limits={'/': '10GB', '/app/': 1073741824})
    as_dicts = spec(limits={'/': {'hard_limit': '10GB'}, '//app': {'hard_limit': '1GB'}})
    as_list = spec(limits=[{'path': '/', 'hard_limit': '10GB'}, {'path': '/app', 'hard_limit': '1GB'}])
    assert as_sizes == as_dicts == as_list
    assert as_sizes.limits == {'/': DesiredLimit('/', 10 * GB), '/app': DesiredLimit('/app', GB)}
    assert spec(limits=[{'path': '/a', 'hard_limit': '1GB', 'soft_limit': '70%'}]).limits['/a'].soft_limit == 70
    assert spec(limits={'/a': {'hard_limit': '1GB', 'soft_limit': 0}}).limits['/a'].soft_limit == 0


BAD_SPECS = [
    (dict(volume='all'), 'volume: \'all\' is a word reserved by the gluster CLI'),
    (dict(volume='v; touch /tmp/p'), 'characters glusterd refuses'),
    (dict(volume='-x'), 'must not start with "-"'),
    (dict(volume=''), 'volume: a volume name is required'),
    (dict(state='absent'), "state: 'absent' is not one of enabled, disabled"),
    (dict(limits={'app': '1GB'}), "limits['app']: 'app' must be absolute, from the root of the volume (such as \"/app\")"),
    (dict(limits={'/a/../b': '1GB'}), 'contains "." or ".."'),
    (dict(limits={'/a\nb': '1GB'}), 'newline'),
    (dict(limits={'/app': '1GB', '/app/': '2GB'}), "limits['/app/']: '/app/' is the directory /app, which has a limit already"),
    (dict(limits=[{'path': '/a', 'hard_limit': 1}, {'path': '//a', 'hard_limit': 2}]), 'which has a limit already'),
    (dict(limits={'/app': 'lots'}), "limits['/app'] hard_limit: 'lots' is not a size"),
    (dict(limits={'/app': {'hard_limit': '1GB', 'soft_limit': 101}}), 'is not a percentage from 0 to 100'),
    (dict(limits={'/app': {'hard_limit': '1GB', 'soft_limit': '-5%'}}), 'is not a percentage from 0 to 100'),
    (dict(limits={'/app': {'hard_limit': '1GB', 'soft_limit': 'half'}}), 'is not a percentage from 0 to 100'),
    (dict(limits={'/app': {'soft_limit': 50}}), "limits['/app']: hard_limit is required"),
    (dict(limits={'/app': {'hard_limit': '1GB', 'soft': 50}}), 'unknown key(s) soft'),
    (dict(limits={'/app': {'path': '/app', 'hard_limit': '1GB'}}), 'the path is the key here'),
    (dict(limits=[{'hard_limit': '1GB'}]), 'limits[0]: path is required'),
    (dict(limits=['/app']), "limits[0]: '/app' is not a dictionary"),
    (dict(limits='/app=1GB'), 'must be a dictionary (path: size) or a list'),
    (dict(state='disabled', limits={}), 'limits and purge need state=enabled'),
    (dict(state='disabled', purge=True), 'limits and purge need state=enabled'),
    (dict(purge=True), 'purge needs limits'),
]


@pytest.mark.parametrize('params, message', BAD_SPECS)
def test_bad_input_is_refused_with_what_to_fix(params, message):
    with pytest.raises(RequestError) as error:
        spec(**params)
    assert message in str(error.value)


@pytest.mark.parametrize('params, argument, message', [
    (dict(volume='-x'), 'volume', "'-x' must not start with \"-\""),
    (dict(state='absent'), 'state', "'absent' is not one of enabled, disabled"),
    (dict(limits='/app=1GB'), 'limits', "'/app=1GB' must be a dictionary (path: size) or a list of {path, hard_limit, "
                                        "soft_limit}"),
    (dict(limits={'/app': 'lots'}), "limits['/app'] hard_limit", "'lots' is not a size; write bytes (1073741824) or a "
                                    "number and a unit (B, KB, MB, GB, TB or PB, powers of 1024: 1GB, 512MB)"),
    (dict(limits=[{'hard_limit': '1GB'}]), 'limits[0]', 'path is required'),
    # About two arguments at once: the message names them.
    (dict(purge=True), None, 'purge needs limits: the limits to keep (limits: {} with purge: true removes every limit)'),
])
def test_a_refusal_carries_the_argument_it_is_about(params, argument, message):
    with pytest.raises(RequestError) as error:
        spec(**params)
    assert (error.value.argument, error.value.message) == (argument, message)


# Plans: the exact commands.

CURRENT = QuotaState(enabled=True, limits={
    '/': QuotaLimit('/', 10 * GB, 80),
    '/app': QuotaLimit('/app', GB, 50),
}, object_limits={})


def commands(plan):
    return [' '.join(step.args) for step in plan.steps]


def test_enable_and_limits_on_a_volume_without_quota():
    plan = plan_quota(spec(limits={'/': '10GB', '/app': {'hard_limit': '1GB', 'soft_limit': 50}}), QuotaState(False))
    assert commands(plan) == ['volume quota limited enable',
                              'volume quota limited limit-usage / 10GB',
                              'volume quota limited limit-usage /app 1GB 50%']
    assert plan.before == {'volume': 'limited', 'enabled': False, 'limits': {}}
    assert plan.after == {'volume': 'limited', 'enabled': True, 'limits': {
        '/': {'hard_limit': '10GB'}, '/app': {'hard_limit': '1GB', 'soft_limit': 50}}}


def test_the_same_limits_again_change_nothing():
    for limits in ({'/': '10GB', '/app': '1GB'}, {'/app': {'hard_limit': 1073741824, 'soft_limit': '50%'}}, {}, None):
        plan = plan_quota(spec(limits=limits), CURRENT)
        assert not plan.changed and plan.before == plan.after


def test_only_the_limits_that_differ_are_set():
    plan = plan_quota(spec(limits={'/': '10GB', '/app': '2GB', '/new': '512MB'}), CURRENT)
    assert commands(plan) == ['volume quota limited limit-usage /app 2GB', 'volume quota limited limit-usage /new 512MB']
    # /app keeps its 50% (gluster keeps it without a percentage); /new gets the volume's default.
    assert plan.after['limits'] == {'/': {'hard_limit': '10GB', 'soft_limit': 80},
                                    '/app': {'hard_limit': '2GB', 'soft_limit': 50}, '/new': {'hard_limit': '512MB'}}


def test_a_different_soft_limit_alone_is_set_with_the_hard_limit():
    plan = plan_quota(spec(limits={'/app': {'hard_limit': '1GB', 'soft_limit': 90}}), CURRENT)
    assert commands(plan) == ['volume quota limited limit-usage /app 1GB 90%']


def test_unlisted_limits_stay_without_purge_and_go_with_it():
    assert not plan_quota(spec(limits={'/': '10GB'}), CURRENT).changed
    plan = plan_quota(spec(limits={'/': '10GB'}, purge=True), CURRENT)
    assert commands(plan) == ['volume quota limited remove /app']
    assert plan.after['limits'] == {'/': {'hard_limit': '10GB', 'soft_limit': 80}}
    assert commands(plan_quota(spec(limits={}, purge=True), CURRENT)) == [
        'volume quota limited remove /', 'volume quota limited remove /app']


def test_disable_with_limits_needs_the_explicit_opt_in():
    with pytest.raises(QuotaStateError) as error:
        plan_quota(spec(state='disabled'), CURRENT)
    assert str(error.value) == (
        'disabling quota on volume limited deletes its 2 usage limit(s) (/ 10GB, /app 1GB) for good, and the quota '
        'options set on it (%s): enabling it again starts with none. Set allow_disable_with_limits: true to disable '
        'it anyway' % OPTIONS)
    plan = plan_quota(spec(state='disabled', allow_disable_with_limits=True), CURRENT)
    assert commands(plan) == ['volume quota limited disable']
    assert plan.after == {'volume': 'limited', 'enabled': False, 'limits': {}}


def test_disable_with_object_limits_only_needs_the_opt_in_too():
    objects_only = QuotaState(True, object_limits={'/app': ObjectLimit('/app', 100, 80)})
    with pytest.raises(QuotaStateError) as error:
        plan_quota(spec(state='disabled'), objects_only)
    assert str(error.value).startswith('disabling quota on volume limited deletes its 1 object limit(s) (/app 100 '
                                       'objects) for good, and the quota options')
    both = QuotaState(True, limits=CURRENT.limits, object_limits=objects_only.object_limits)
    with pytest.raises(QuotaStateError, match=r'2 usage limit\(s\) \(/ 10GB, /app 1GB\) and 1 object limit\(s\)'):
        plan_quota(spec(state='disabled'), both)
    assert commands(plan_quota(spec(state='disabled', allow_disable_with_limits=True), objects_only)) == [
        'volume quota limited disable']


def test_disable_without_object_limits_read_is_refused():
    # Fail closed: a state whose object limits were not read cannot prove there are none.
    with pytest.raises(QuotaStateError, match='needs its object limits read first'):
        plan_quota(spec(state='disabled'), QuotaState(True))


def test_disable_without_limits_and_disabled_again():
    assert commands(plan_quota(spec(state='disabled'), QuotaState(True, object_limits={}))) == [
        'volume quota limited disable']
    assert not plan_quota(spec(state='disabled'), QuotaState(False)).changed


def test_object_limits_are_read_only_to_disable_without_the_opt_in():
    assert gluster_quota.needs_object_limits(spec(state='disabled'), QuotaState(True))
    assert not gluster_quota.needs_object_limits(spec(state='disabled'), QuotaState(False))
    assert not gluster_quota.needs_object_limits(spec(state='disabled', allow_disable_with_limits=True),
                                                 QuotaState(True))
    assert not gluster_quota.needs_object_limits(spec(limits={'/': 1}), QuotaState(True))


def test_steps_know_when_they_are_done():
    plan = plan_quota(spec(limits={'/app': {'hard_limit': '2GB', 'soft_limit': 50}}, purge=True), QuotaState(False))
    enable, limit, = plan.steps
    assert not enable.done(QuotaState(False)) and enable.done(QuotaState(True))
    assert not limit.done(CURRENT)
    assert limit.done(QuotaState(True, {'/app': QuotaLimit('/app', 2 * GB, 50)}))
    remove = plan_quota(spec(limits={}, purge=True), CURRENT).steps[0]
    assert remove.reads == ['/']
    assert not remove.done(CURRENT) and remove.done(QuotaState(True, {'/app': CURRENT.limits['/app']}))


def test_a_remove_is_done_only_when_the_re_read_covered_its_path():
    remove = plan_quota(spec(limits={'/': '10GB'}, purge=True), CURRENT).steps[0]
    assert remove.args[-1] == '/app' and remove.reads == ['/app']
    # gluster listed only the named paths, and /app was not among them: no proof it is gone.
    assert not remove.done(QuotaState(True, {'/': CURRENT.limits['/']}, complete=False, paths_read=['/']))
    assert remove.done(QuotaState(True, {'/': CURRENT.limits['/']}, complete=False, paths_read=['/', '/app']))


# When the last limit glusterd keeps is on a removed directory, gluster lists nothing for the whole volume.

def test_unlistable_quota_reads_the_named_paths_instead(version):
    names = iter(['quota-list-directory-removed', 'quota-list-paths'])
    argvs = []

    def run(argv):
        argvs.append(argv[2:-1])
        name = next(names)
        return manifest(version)[name][1], fixture(version, name), ''
    state = read_quota(GlusterCli(run), 'limited', paths=['/app', '/', '/data', '/nonexistent'])
    assert argvs == [LIST, LIST + ['/', '/app', '/data', '/nonexistent']]
    # /data exists without a limit (N/A), /nonexistent is not listed at all.
    assert state.enabled and not state.complete and sorted(state.limits) == ['/', '/app']
    assert state.paths_read == ['/', '/app', '/data', '/nonexistent']
    assert (state.limits['/app'].hard_limit, state.limits['/app'].soft_limit) == (2 * GB, 50)


def test_unlistable_quota_with_nothing_to_read_makes_one_call(version):
    cli = GlusterCli(replay(version, captured(version, 'quota-list-directory-removed')))
    assert read_quota(cli, 'limited', paths=[]) == QuotaState(enabled=True, limits={}, complete=False, paths_read=[])
    assert len(cli.calls) == 1


def test_unlistable_quota_without_fallback_says_why(version):
    with pytest.raises(GlusterCommandError) as error:
        read(version, 'quota-list-directory-removed')
    assert str(error.value) == (
        'gluster --mode=script volume quota limited list --xml failed: gluster printed nothing for the quota list of '
        'volume limited. GlusterFS does this when the lookup of the last limit it keeps fails: for example when that '
        'limit is on a directory that was removed from the volume (its path is in /var/log/glusterfs/cli.log, "Failed '
        'to get the xattr ... limit-set on"; setting a limit on another directory makes the list answer again), or '
        'when the Quota Daemon is down or unreachable; check the Quota Daemon of this node in gluster volume status '
        'limited. Without the full list, purge cannot be planned, nor state=disabled without '
        'allow_disable_with_limits; limits without purge still work')


def test_paths_read_in_fallback():
    assert gluster_quota.paths_to_read(spec(limits={'/b': 1, '/a': 1})) == ['/a', '/b']
    assert gluster_quota.paths_to_read(spec()) == []
    assert gluster_quota.paths_to_read(spec(limits={'/a': 1}, purge=True)) is None
    assert gluster_quota.paths_to_read(spec(state='disabled')) is None
    assert gluster_quota.paths_to_read(spec(state='disabled', allow_disable_with_limits=True)) == []
    # After planning, reads only check and report: they may fall back to the paths of limits.
    assert plan_quota(spec(limits={'/b': 1, '/a': 1}, purge=True), CURRENT).paths == ['/a', '/b']
    assert plan_quota(spec(state='disabled', allow_disable_with_limits=True), CURRENT).paths == []
