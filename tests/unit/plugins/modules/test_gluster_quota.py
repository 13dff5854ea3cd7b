"""The gluster_quota module's flow, with replies captured from real GlusterFS 10 and 11 servers."""
import pytest

from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_cli import GlusterCli
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_quota import parse_quota_spec
from ansible_collections.glusterdock.storage.plugins.modules import gluster_quota
from ansible_collections.glusterdock.storage.tests.unit.fixtures import VERSIONS, fixture, manifest

LIST = 'gluster --mode=script volume quota limited list --xml'
LIST_OBJECTS = 'gluster --mode=script volume quota limited list-objects --xml'
GB = 1024 ** 3


class Finished(Exception):
    def __init__(self, result):
        super(Finished, self).__init__(result.get('msg'))
        self.result = result


class FakeModule(object):
    """Just what QuotaManager uses of AnsibleModule."""

    def __init__(self, check_mode=False):
        self.check_mode = check_mode
        self._diff = True
        self.warnings = []

    def warn(self, warning):
        self.warnings.append(warning)

    def exit_json(self, **result):
        raise Finished(dict(result, failed=False, warnings=self.warnings))

    def fail_json(self, **result):
        raise Finished(dict(result, failed=True, warnings=self.warnings))


@pytest.fixture(params=VERSIONS)
def version(request):
    return request.param


def run(version, replies, check_mode=False, **params):
    """Run the module; ``replies`` maps a gluster subcommand to fixture names, used in turn
    (the last one repeats), answered with the exit code they were captured with."""
    queues = {command: list(names) for command, names in replies.items()}
    captured = manifest(version)

    def run_command(argv):
        names = queues[' '.join(argv[2:-1])]
        name = names.pop(0) if len(names) > 1 else names[0]
        return captured[name][1], fixture(version, name), ''

    cli = GlusterCli(run_command, check_mode=check_mode, sleep=lambda seconds: None)
    module = FakeModule(check_mode=check_mode)
    with pytest.raises(Finished) as finished:
        gluster_quota.QuotaManager(module, cli, parse_quota_spec(dict(params, volume='limited'))).run()
    return finished.value.result, cli.calls


LIMITS = {'/': '10GB', '/app': {'hard_limit': '1GB', 'soft_limit': 50}, '/data': '1536MB'}


def test_no_op_is_one_call(version):
    result, calls = run(version, {'volume quota limited list': ['quota-list-limits']}, limits=LIMITS)
    assert not result['failed'] and not result['changed'] and result['commands'] == []
    assert calls == [LIST]
    assert result['diff']['before'] == result['diff']['after']
    assert result['quota']['enabled'] and result['quota']['limits']['/app']['hard_limit'] == GB


def test_check_mode_on_a_volume_without_quota_only_reads(version):
    result, calls = run(version, {'volume quota limited list': ['quota-list-disabled']}, check_mode=True, limits=LIMITS)
    assert result['changed'] and calls == [LIST]
    assert result['commands'] == [
        'gluster --mode=script volume quota limited enable --xml',
        'gluster --mode=script volume quota limited limit-usage / 10GB --xml',
        'gluster --mode=script volume quota limited limit-usage /app 1GB 50% --xml',
        'gluster --mode=script volume quota limited limit-usage /data 1536MB --xml',
    ]
    assert result['quota'] == {'enabled': False, 'limits': {}}


def test_enable_and_set_then_read_back(version):
    result, calls = run(version, {'volume quota limited list': ['quota-list-disabled', 'quota-list-limits'],
                                  'volume quota limited enable': ['quota-enable'],
                                  'volume quota limited limit-usage / 10GB': ['quota-limit-usage'],
                                  'volume quota limited limit-usage /app 1GB 50%': ['quota-limit-usage-soft'],
                                  'volume quota limited limit-usage /data 1536MB': ['quota-limit-usage']},
                        limits=LIMITS)
    assert not result['failed'] and result['changed']
    assert calls == [LIST] + result['commands'] + [LIST]
    assert sorted(result['quota']['limits']) == ['/', '/app', '/data']


def test_a_missing_directory_fails_naming_it_and_what_ran_before(version):
    result, calls = run(version, {'volume quota limited list': ['quota-list-no-limits'],
                                  'volume quota limited limit-usage / 10GB': ['quota-limit-usage'],
                                  'volume quota limited limit-usage /app 1GB': ['quota-limit-usage-missing-directory']},
                        limits={'/': '10GB', '/app': '1GB'})
    assert result['failed'] and result['changed']
    assert result['msg'] == (
        'gluster --mode=script volume quota limited limit-usage /app 1GB --xml failed: directory /app does not exist '
        'on volume limited: create it through a mount of the volume first (this module does not create directories). '
        'Commands completed before: gluster --mode=script volume quota limited limit-usage / 10GB --xml')
    assert len(calls) == 3


def test_missing_volume_fails_clearly_after_one_call(version):
    captured = manifest(version)

    def run_command(argv):
        return captured['quota-list-missing'][1], fixture(version, 'quota-list-missing'), ''

    cli = GlusterCli(run_command)
    with pytest.raises(Finished) as finished:
        gluster_quota.QuotaManager(FakeModule(), cli, parse_quota_spec(dict(volume='no-such-volume'))).run()
    result = finished.value.result
    assert result['failed'] and result['commands'] == [] and len(cli.calls) == 1
    assert result['msg'].endswith('failed: volume no-such-volume does not exist')


def test_disable_with_limits_is_refused_without_a_change(version):
    result, calls = run(version, {'volume quota limited list': ['quota-list-limits'],
                                  'volume quota limited list-objects': ['quota-list-objects-usage-only']},
                        state='disabled')
    assert result['failed'] and result['commands'] == [] and calls == [LIST, LIST_OBJECTS]
    assert 'Set allow_disable_with_limits: true' in result['msg']
    assert sorted(result['quota']['limits']) == ['/', '/app', '/data']


def test_disable_with_object_limits_only_is_refused_without_a_change(version):
    # "list" says "No quota configured": only list-objects shows the limit that disabling would delete.
    result, calls = run(version, {'volume quota limited list': ['quota-list-only-objects'],
                                  'volume quota limited list-objects': ['quota-list-objects']},
                        state='disabled')
    assert result['failed'] and result['commands'] == [] and calls == [LIST, LIST_OBJECTS]
    assert result['msg'].startswith('disabling quota on volume limited deletes its 1 object limit(s) (/app 100 '
                                    'objects) for good, and the quota options set on it (features.default-soft-limit')
    assert 'features.quota-deem-statfs' in result['msg']


def test_disable_without_any_limit_reads_both_lists_then_disables(version):
    result, calls = run(version, {'volume quota limited list': ['quota-list-no-limits'],
                                  'volume quota limited list-objects': ['quota-list-objects-no-limits']},
                        check_mode=True, state='disabled')
    assert not result['failed'] and result['changed']
    assert calls == [LIST, LIST_OBJECTS]
    assert result['commands'] == ['gluster --mode=script volume quota limited disable --xml']


def test_disable_with_the_opt_in_or_already_disabled_is_one_call(version):
    result, calls = run(version, {'volume quota limited list': ['quota-list-only-objects']}, check_mode=True,
                        state='disabled', allow_disable_with_limits=True)
    assert result['commands'] == ['gluster --mode=script volume quota limited disable --xml'] and calls == [LIST]
    result, calls = run(version, {'volume quota limited list': ['quota-list-disabled']}, state='disabled')
    assert (result['changed'], result['commands'], calls) == (False, [], [LIST])


def test_an_unlistable_object_list_refuses_to_disable(version):
    result, calls = run(version, {'volume quota limited list': ['quota-list-no-limits'],
                                  'volume quota limited list-objects': ['quota-list-directory-removed']},
                        state='disabled')
    assert result['failed'] and result['commands'] == [] and calls == [LIST, LIST_OBJECTS]
    assert 'gluster printed nothing for the object quota list of volume limited' in result['msg']


def test_a_remove_that_met_a_busy_glusterd_is_judged_by_a_re_read_naming_its_path(version):
    # remove /data meets "Another transaction is in progress"; the re-read finds the list unprintable
    # and falls back to named paths: it names /data, which gluster lists without a limit, so the
    # remove took effect and is not run again.
    captured = manifest(version)
    replies = {LIST: ['quota-list-limits', 'quota-list-directory-removed', 'quota-list-directory-removed'],
               'gluster --mode=script volume quota limited list / /app /data --xml': ['quota-list-paths'],
               'gluster --mode=script volume quota limited list / /app --xml': ['quota-list-paths']}
    busy = ('<?xml version="1.0"?><cliOutput><opRet>-1</opRet><opErrno>30802</opErrno><opErrstr>Another transaction '
            'is in progress for limited. Please try again after some time.</opErrstr></cliOutput>')

    def run_command(argv):
        command = ' '.join(argv)
        if command.endswith('remove /data --xml'):
            return 1, busy, ''
        name = replies[command].pop(0)
        return captured[name][1], fixture(version, name), ''

    cli = GlusterCli(run_command, sleep=lambda seconds: None)
    spec = parse_quota_spec(dict(volume='limited', limits={'/': '10GB', '/app': {'hard_limit': '1GB', 'soft_limit': 50}},
                                 purge=True))
    with pytest.raises(Finished) as finished:
        gluster_quota.QuotaManager(FakeModule(), cli, spec).run()
    result = finished.value.result
    assert not result['failed'] and result['changed'], result.get('msg')
    assert cli.calls == [LIST, 'gluster --mode=script volume quota limited remove /data --xml', LIST,
                         'gluster --mode=script volume quota limited list / /app /data --xml', LIST,
                         'gluster --mode=script volume quota limited list / /app --xml']


def test_unlistable_quota_falls_back_to_the_listed_paths(version):
    # The reply when the last limit glusterd keeps is on a removed directory: nothing, exit code 1.
    result, calls = run(version, {'volume quota limited list': ['quota-list-directory-removed'],
                                  'volume quota limited list / /app /data': ['quota-list-paths']},
                        check_mode=True, limits={'/': '10GB', '/app': '2GB', '/data': '1GB'})
    assert not result['failed'], result['msg']
    assert calls == [LIST, 'gluster --mode=script volume quota limited list / /app /data --xml']
    assert result['commands'] == ['gluster --mode=script volume quota limited limit-usage /data 1GB --xml']
    assert 'could not list every quota limit of volume limited' in result['warnings'][0]


@pytest.mark.parametrize('params', [dict(limits={}, purge=True), dict(state='disabled')])
def test_unlistable_quota_refuses_what_needs_every_limit(version, params):
    result, calls = run(version, {'volume quota limited list': ['quota-list-directory-removed']}, **params)
    assert result['failed'] and result['commands'] == [] and calls == [LIST]
    assert 'the lookup of the last limit it keeps fails: for example when that limit is on a directory that was ' \
        'removed' in result['msg']
    assert 'check the Quota Daemon of this node in gluster volume status limited' in result['msg']


def test_unlistable_quota_can_be_disabled_with_the_opt_in(version):
    result, calls = run(version, {'volume quota limited list': ['quota-list-directory-removed']}, check_mode=True,
                        state='disabled', allow_disable_with_limits=True)
    assert result['commands'] == ['gluster --mode=script volume quota limited disable --xml'] and calls == [LIST]
