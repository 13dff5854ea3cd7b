"""The gluster_quota module through the real AnsibleModule (argument spec, aliases, types, choices,
check and diff mode), with gluster replies captured from real GlusterFS 10 and 11 servers."""
import contextlib
import json

import pytest

from ansible.module_utils import basic

from ansible_collections.glusterdock.storage.plugins.modules import gluster_quota
from ansible_collections.glusterdock.storage.tests.unit.fixtures import VERSIONS, fixture, manifest
from ansible_collections.glusterdock.storage.tests.unit.plugins.modules.ansible_module_runner import route_gluster_calls

try:
    from ansible.module_utils.testing import patch_module_args
except ImportError:  # ansible-core before 2.19 reads the arguments from basic._ANSIBLE_ARGS
    @contextlib.contextmanager
    def patch_module_args(args):
        saved = basic._ANSIBLE_ARGS
        basic._ANSIBLE_ARGS = json.dumps({'ANSIBLE_MODULE_ARGS': args}).encode()
        try:
            yield
        finally:
            basic._ANSIBLE_ARGS = saved

GLUSTER = '/usr/sbin/gluster'
LIST = 'volume quota limited list'
LIST_OBJECTS = 'volume quota limited list-objects'
GB = 1024 ** 3
LIMITS = {'/': '10GB', '/app': {'hard_limit': '1GB', 'soft_limit': 50}, '/data': '1536MB'}


class AnsibleExitJson(Exception):
    """exit_json was called: the module's result."""


class AnsibleFailJson(Exception):
    """fail_json was called: the module's result."""


class Gluster:
    """The gluster CLI of the node, as AnsibleModule.run_command: it expects the commands of
    ``exchanges`` in order ((arguments after ``--mode=script``, reply) pairs; a reply is the name of
    a captured one, answered with the exit code it was captured with, or (rc, stdout, stderr)) and
    fails the test on any other command."""

    def __init__(self, version, exchanges):
        self.version = version
        self.expected = list(exchanges)
        self.calls = []

    def run_command(self, argv, **options):
        self.calls.append(' '.join(['gluster'] + argv[1:]))
        assert self.expected, 'unexpected gluster call: %s' % ' '.join(argv)
        args, reply = self.expected.pop(0)
        assert argv == [GLUSTER, '--mode=script'] + args.split() + ['--xml']
        # The C locale: the messages parsed are gluster's English ones; no expansion of ~ or $.
        assert options == {'environ_update': {'LC_ALL': 'C'}, 'expand_user_and_vars': False}
        if isinstance(reply, tuple):
            return reply
        return manifest(self.version)[reply][1], fixture(self.version, reply), ''


@pytest.fixture(params=VERSIONS)
def version(request):
    return request.param


@pytest.fixture
def warnings(monkeypatch):
    """The module's warnings, and AnsibleModule's exits made exceptions the tests catch."""
    recorded = []

    def exit_json(module, **result):
        raise AnsibleExitJson(dict(result, failed=False, warnings=recorded))

    def fail_json(module, **result):
        raise AnsibleFailJson(dict(result, failed=True, warnings=recorded))

    monkeypatch.setattr(basic.AnsibleModule, 'exit_json', exit_json)
    monkeypatch.setattr(basic.AnsibleModule, 'fail_json', fail_json)
    monkeypatch.setattr(basic.AnsibleModule, 'warn', lambda module, warning: recorded.append(warning))
    monkeypatch.setattr(basic.AnsibleModule, 'get_bin_path', lambda module, name, required=False: GLUSTER)
    # A retry waits half a second and more in a real run; not here.
    cli_for_module = gluster_quota.cli_for_module

    def cli_without_waits(module):
        cli = cli_for_module(module)
        cli._sleep = lambda seconds: None
        return cli
    monkeypatch.setattr(gluster_quota, 'cli_for_module', cli_without_waits)
    return recorded


def run(monkeypatch, version, exchanges, check_mode=False, diff=True, **params):
    """Run the module with ``params`` against a gluster that expects ``exchanges``, every one of
    them. Returns the result and the gluster calls made."""
    gluster = Gluster(version, exchanges)
    route_gluster_calls(monkeypatch, gluster.run_command)
    with patch_module_args(dict(params, _ansible_check_mode=check_mode, _ansible_diff=diff)):
        with pytest.raises((AnsibleExitJson, AnsibleFailJson)) as finished:
            gluster_quota.main()
    assert gluster.expected == [], 'gluster calls not made: %s' % gluster.expected
    return finished.value.args[0], gluster.calls


def quota(monkeypatch, version, exchanges, check_mode=False, **params):
    """run() on the volume ``limited``."""
    return run(monkeypatch, version, exchanges, check_mode=check_mode, volume='limited', **params)


def command(args):
    return 'gluster --mode=script %s --xml' % args


# Arguments: AnsibleModule and the module's own checks refuse bad input before any gluster call.

@pytest.mark.parametrize('params, message', [
    (dict(), 'missing required arguments: volume'),
    (dict(volume='limited', state='absent'), 'value of state must be one of: enabled, disabled, got: absent'),
    (dict(volume='limited', limits={'app': '1GB'}),
     "limits['app']: 'app' must be absolute, from the root of the volume (such as \"/app\")"),
    (dict(volume='limited', limits={'/app': {'hard_limit': '1GB', 'soft_limit': 120}}),
     "limits['/app'] soft_limit: 120 is not a percentage from 0 to 100 (such as 80 or \"80%\")"),
    (dict(volume='v; touch /tmp/p'),
     "volume: 'v; touch /tmp/p' has characters glusterd refuses; use only letters, digits, \"_\" and \"-\""),
    (dict(volume='limited', state='disabled', limits={}),
     'limits and purge need state=enabled: disabling quota removes every limit'),
    (dict(volume='limited', purge=True),
     'purge needs limits: the limits to keep (limits: {} with purge: true removes every limit)'),
])
def test_bad_input_is_refused_before_any_gluster_call(monkeypatch, warnings, version, params, message):
    result, calls = run(monkeypatch, version, [], **params)
    assert result['failed'] and result['msg'] == message
    assert calls == []


def test_a_word_that_is_not_a_boolean_is_refused_before_any_gluster_call(monkeypatch, warnings, version):
    result, calls = run(monkeypatch, version, [], volume='limited', purge='maybe', limits={})
    assert result['failed'] and calls == []
    # The valid words follow, in the order of a set.
    assert result['msg'].startswith("argument 'purge' is of type str and we were unable to convert to bool: "
                                    "The value 'maybe' is not a valid boolean. Valid booleans include: ")


def test_unknown_options_are_refused_before_any_gluster_call(monkeypatch, warnings, version):
    result, calls = run(monkeypatch, version, [], volume='limited', size='1GB')
    assert result['failed'] and calls == []
    # AnsibleModule names the module after the file it runs from: basic.py under test.
    assert result['msg'].startswith('Unsupported parameters for (') and result['msg'].endswith(
        ' module: size. Supported parameters include: allow_disable_with_limits, limits, purge, state, volume (name).')


def test_name_is_an_alias_of_volume_and_purge_takes_yes(monkeypatch, warnings, version):
    result, calls = run(monkeypatch, version, [(LIST, 'quota-list-limits')], check_mode=True,
                        name='limited', limits={}, purge='yes')
    assert result['changed'] and result['commands'] == [
        command('volume quota limited remove /'), command('volume quota limited remove /app'),
        command('volume quota limited remove /data')]


def test_diff_only_in_diff_mode(monkeypatch, warnings, version):
    result, calls = run(monkeypatch, version, [(LIST, 'quota-list-limits')], diff=False, volume='limited')
    assert not result['changed'] and 'diff' not in result


# The flow.

def test_no_op_is_one_call(monkeypatch, warnings, version):
    result, calls = quota(monkeypatch, version, [(LIST, 'quota-list-limits')], limits=LIMITS)
    assert not result['failed'] and not result['changed'] and result['commands'] == []
    assert calls == [command(LIST)]
    assert result['diff']['before'] == result['diff']['after']
    assert result['quota']['enabled'] and result['quota']['limits']['/app']['hard_limit'] == GB


def test_check_mode_on_a_volume_without_quota_only_reads(monkeypatch, warnings, version):
    result, calls = quota(monkeypatch, version, [(LIST, 'quota-list-disabled')], check_mode=True, limits=LIMITS)
    assert result['changed'] and calls == [command(LIST)]
    assert result['commands'] == [
        'gluster --mode=script volume quota limited enable --xml',
        'gluster --mode=script volume quota limited limit-usage / 10GB --xml',
        'gluster --mode=script volume quota limited limit-usage /app 1GB 50% --xml',
        'gluster --mode=script volume quota limited limit-usage /data 1536MB --xml',
    ]
    assert result['quota'] == {'enabled': False, 'limits': {}}
    assert result['diff']['after']['limits'] == {'/': {'hard_limit': '10GB'}, '/app': {'hard_limit': '1GB', 'soft_limit': 50},
                                                 '/data': {'hard_limit': '1536MB'}}


def test_enable_and_set_then_read_back(monkeypatch, warnings, version):
    result, calls = quota(monkeypatch, version, [
        (LIST, 'quota-list-disabled'),
        ('volume quota limited enable', 'quota-enable'),
        ('volume quota limited limit-usage / 10GB', 'quota-limit-usage'),
        ('volume quota limited limit-usage /app 1GB 50%', 'quota-limit-usage-soft'),
        ('volume quota limited limit-usage /data 1536MB', 'quota-limit-usage'),
        (LIST, 'quota-list-limits'),
    ], limits=LIMITS)
    assert not result['failed'] and result['changed']
    assert calls == [command(LIST)] + result['commands'] + [command(LIST)]
    assert sorted(result['quota']['limits']) == ['/', '/app', '/data']


def test_a_missing_directory_fails_naming_it_and_what_ran_before(monkeypatch, warnings, version):
    result, calls = quota(monkeypatch, version, [
        (LIST, 'quota-list-no-limits'),
        ('volume quota limited limit-usage / 10GB', 'quota-limit-usage'),
        ('volume quota limited limit-usage /app 1GB', 'quota-limit-usage-missing-directory'),
    ], limits={'/': '10GB', '/app': '1GB'})
    assert result['failed'] and result['changed']
    assert result['msg'] == (
        'gluster --mode=script volume quota limited limit-usage /app 1GB --xml failed: directory /app does not exist '
        'on volume limited: create it through a mount of the volume first (this module does not create directories). '
        'Commands completed before: gluster --mode=script volume quota limited limit-usage / 10GB --xml')


def test_a_first_command_that_fails_says_nothing_ran_before(monkeypatch, warnings, version):
    result, calls = quota(monkeypatch, version, [
        (LIST, 'quota-list-no-limits'),
        ('volume quota limited limit-usage /app 1GB', 'quota-limit-usage-missing-directory'),
    ], limits={'/app': '1GB'})
    assert result['failed'] and not result['changed']
    assert result['msg'].endswith('(this module does not create directories). No earlier command of this run had run')


def test_a_read_that_fails_after_the_changes_says_they_were_made(monkeypatch, warnings, version):
    result, calls = quota(monkeypatch, version, [
        (LIST, 'quota-list-no-limits'),
        ('volume quota limited limit-usage / 10GB', 'quota-limit-usage'),
        (LIST, 'quota-list-stopped'),
    ], limits={'/': '10GB'})
    assert result['failed'] and result['changed']
    assert result['commands'] == [command('volume quota limited limit-usage / 10GB')]
    assert result['msg'] == (
        'gluster --mode=script volume quota limited list --xml failed: volume limited is stopped; gluster reads and '
        'sets quota only on a started volume, start it first. The changes were made; reading the quota afterwards '
        'failed')


def test_missing_volume_fails_clearly_after_one_call(monkeypatch, warnings, version):
    result, calls = run(monkeypatch, version, [('volume quota no-such-volume list', 'quota-list-missing')],
                        volume='no-such-volume')
    assert result['failed'] and result['commands'] == []
    assert result['msg'] == ('gluster --mode=script volume quota no-such-volume list --xml failed: volume '
                             'no-such-volume does not exist')


def test_disable_with_limits_is_refused_without_a_change(monkeypatch, warnings, version):
    result, calls = quota(monkeypatch, version, [(LIST, 'quota-list-limits'),
                                                 (LIST_OBJECTS, 'quota-list-objects-usage-only')], state='disabled')
    assert result['failed'] and result['commands'] == []
    assert result['msg'] == (
        'disabling quota on volume limited deletes its 3 usage limit(s) (/ 10GB, /app 1GB, /data 1536MB) for good, '
        'and the quota options set on it (features.default-soft-limit, features.soft-timeout, features.hard-timeout, '
        'features.alert-time, features.quota-deem-statfs, features.quota-timeout): enabling it again starts with '
        'none. Set allow_disable_with_limits: true to disable it anyway')
    assert sorted(result['quota']['limits']) == ['/', '/app', '/data']


def test_disable_with_object_limits_only_is_refused_without_a_change(monkeypatch, warnings, version):
    # "list" says "No quota configured": only list-objects shows the limit that disabling would delete.
    result, calls = quota(monkeypatch, version, [(LIST, 'quota-list-only-objects'), (LIST_OBJECTS, 'quota-list-objects')],
                          state='disabled')
    assert result['failed'] and result['commands'] == []
    assert result['msg'].startswith('disabling quota on volume limited deletes its 1 object limit(s) (/app 100 '
                                    'objects) for good, and the quota options set on it (features.default-soft-limit')


def test_disable_without_any_limit_reads_both_lists_then_disables(monkeypatch, warnings, version):
    result, calls = quota(monkeypatch, version, [(LIST, 'quota-list-no-limits'),
                                                 (LIST_OBJECTS, 'quota-list-objects-no-limits')],
                          check_mode=True, state='disabled')
    assert not result['failed'] and result['changed']
    assert result['commands'] == ['gluster --mode=script volume quota limited disable --xml']


def test_disable_with_the_opt_in_or_already_disabled_is_one_call(monkeypatch, warnings, version):
    result, calls = quota(monkeypatch, version, [(LIST, 'quota-list-only-objects')], check_mode=True,
                          state='disabled', allow_disable_with_limits=True)
    assert result['commands'] == ['gluster --mode=script volume quota limited disable --xml']
    result, calls = quota(monkeypatch, version, [(LIST, 'quota-list-disabled')], state='disabled')
    assert (result['changed'], result['commands']) == (False, [])


def test_disable_runs_and_reads_back(monkeypatch, warnings, version):
    result, calls = quota(monkeypatch, version, [(LIST, 'quota-list-limits'),
                                                 ('volume quota limited disable', 'quota-disable'),
                                                 (LIST, 'quota-list-disabled')],
                          state='disabled', allow_disable_with_limits='true')
    assert result['changed'] and result['quota'] == {'enabled': False, 'limits': {}}
    assert result['diff']['after'] == {'volume': 'limited', 'enabled': False, 'limits': {}}


def test_an_unlistable_object_list_refuses_to_disable(monkeypatch, warnings, version):
    result, calls = quota(monkeypatch, version, [(LIST, 'quota-list-no-limits'),
                                                 (LIST_OBJECTS, 'quota-list-directory-removed')], state='disabled')
    assert result['failed'] and result['commands'] == []
    assert 'gluster printed nothing for the object quota list of volume limited' in result['msg']


def busy(version):
    """glusterd's reply while another transaction holds the volume lock (EG_ANOTRANS): the captured
    reply of a refused remove, with that errno and message (a lab cannot time a lock reliably)."""
    reply = fixture(version, 'quota-remove-disabled')
    reply = reply.replace('<opErrno>30800</opErrno>', '<opErrno>30802</opErrno>').replace(
        'Quota is disabled, please enable quota', 'Another transaction is in progress for limited. Please try again '
                                                  'after some time.')
    assert '30802' in reply and 'Another transaction' in reply
    return manifest(version)['quota-remove-disabled'][1], reply, ''


def test_a_remove_that_met_a_busy_glusterd_is_judged_by_a_re_read_naming_its_path(monkeypatch, warnings, version):
    # remove /data meets "Another transaction is in progress"; the re-read finds the list unprintable
    # and falls back to named paths: it names /data, which gluster lists without a limit, so the
    # remove took effect and is not run again.
    result, calls = quota(monkeypatch, version, [
        (LIST, 'quota-list-limits'),
        ('volume quota limited remove /data', busy(version)),
        (LIST, 'quota-list-directory-removed'),
        ('volume quota limited list / /app /data', 'quota-list-paths'),
        (LIST, 'quota-list-directory-removed'),
        ('volume quota limited list / /app', 'quota-list-paths'),
    ], limits={'/': '10GB', '/app': {'hard_limit': '1GB', 'soft_limit': 50}}, purge=True)
    assert not result['failed'] and result['changed'], result.get('msg')
    assert result['commands'] == [command('volume quota limited remove /data')]
    assert 'could not list every quota limit of volume limited' in warnings[0]


def test_a_change_still_busy_after_every_attempt_fails_saying_what_ran(monkeypatch, warnings, version):
    re_read = [(LIST, 'quota-list-limits')]
    result, calls = quota(monkeypatch, version, [(LIST, 'quota-list-no-limits')]
                          + [('volume quota limited limit-usage / 20GB', busy(version))] + 3 * (re_read + [
                              ('volume quota limited limit-usage / 20GB', busy(version))]),
                          limits={'/': '20GB'})
    assert result['failed'] and not result['changed']
    assert result['msg'] == ('gluster --mode=script volume quota limited limit-usage / 20GB --xml failed: Another '
                             'transaction is in progress for limited. Please try again after some time.. No earlier '
                             'command of this run had run')


def test_unlistable_quota_falls_back_to_the_listed_paths(monkeypatch, warnings, version):
    # The reply when the last limit glusterd keeps is on a removed directory: nothing, exit code 1.
    result, calls = quota(monkeypatch, version, [(LIST, 'quota-list-directory-removed'),
                                                 ('volume quota limited list / /app /data', 'quota-list-paths')],
                          check_mode=True, limits={'/': '10GB', '/app': '2GB', '/data': '1GB'})
    assert not result['failed'], result['msg']
    assert result['commands'] == ['gluster --mode=script volume quota limited limit-usage /data 1GB --xml']
    assert warnings == [
        'gluster could not list every quota limit of volume limited (for example, its last limit is on a directory '
        'removed from the volume, or the Quota Daemon of this node is down: see gluster volume status limited); only '
        'the paths in limits were read']


@pytest.mark.parametrize('params', [dict(limits={}, purge=True), dict(state='disabled')])
def test_unlistable_quota_refuses_what_needs_every_limit(monkeypatch, warnings, version, params):
    result, calls = quota(monkeypatch, version, [(LIST, 'quota-list-directory-removed')], **params)
    assert result['failed'] and result['commands'] == []
    assert 'the lookup of the last limit it keeps fails: for example when that limit is on a directory that was ' \
        'removed' in result['msg']
    assert 'check the Quota Daemon of this node in gluster volume status limited' in result['msg']


def test_unlistable_quota_can_be_disabled_with_the_opt_in(monkeypatch, warnings, version):
    result, calls = quota(monkeypatch, version, [(LIST, 'quota-list-directory-removed')], check_mode=True,
                          state='disabled', allow_disable_with_limits=True)
    assert result['commands'] == ['gluster --mode=script volume quota limited disable --xml']
