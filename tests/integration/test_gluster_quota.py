"""gluster_quota on a real pool: enable and limits, one call when nothing changes, check mode that
only reads, purge, refusals (disabling with usage or object limits, a missing directory, a missing
volume), bad input without any gluster call, GlusterFS's empty list once a limited directory is
gone, and the gluster_volumes role's quota (check mode on a stopped volume, bad quota refused
before any volume changes). Each test first sets the quota it starts from with the plain CLI
(quota_from), so the tests run in any order."""
import re

import pytest

LAB_NODES = 2
MODULE = 'glusterdock.storage.gluster_quota'
VOLUME = 'qv'
GB = 1024 ** 3


def run(lab, args, check=False, diff=False):
    """Run the module once on node1; returns (result, gluster calls made on node1)."""
    lab.reset_call_log()
    result = lab.run_module('node1', MODULE, args, check=check, diff=diff)
    return result, lab.call_log('node1')


def list_call(volume=VOLUME):
    return '--mode=script volume quota %s list --xml' % volume


def list_objects_call(volume=VOLUME):
    return '--mode=script volume quota %s list-objects --xml' % volume


def command(*args):
    return 'gluster --mode=script volume quota %s %s --xml' % (VOLUME, ' '.join(args))


def limits(lab, volume=VOLUME):
    """path -> (hard limit, soft limit %) as gluster lists them now; None when quota is disabled."""
    xml = lab.gluster('node1', 'volume', 'quota', volume, 'list', '--xml')
    if 'Quota is disabled' in xml:
        return None
    return {path: (int(hard), int(soft)) for path, hard, soft in re.findall(
        r'<path>(.*?)</path>\s*<hard_limit>(\d+)</hard_limit>\s*<soft_limit_percent>(\d+)%', xml)}


def quota_from(lab, wanted=None):
    """Quota of qv as a test starts from, set with the plain CLI: disabled when WANTED is None, else
    enabled with exactly the usage limits WANTED (path -> (size, soft limit % or None)) and no object
    limit; the directories /app, /data and /logs exist on the volume."""
    lab.sh('node2', 'mkdir -p /mnt/{0}/app /mnt/{0}/data /mnt/{0}/logs && echo data > /mnt/{0}/app/file'.format(VOLUME))
    current = limits(lab)
    info = lab.gluster('node1', 'volume', 'info', VOLUME, '--xml')
    objects = lab.gluster('node1', 'volume', 'quota', VOLUME, 'list-objects', '--xml') if current is not None else ''
    # Object limits and a default soft limit go only with quota itself.
    if current is not None and (wanted is None or '<path>' in objects or 'features.default-soft-limit' in info):
        lab.gluster('node1', 'volume', 'quota', VOLUME, 'disable')
        current = None
    if wanted is None:
        assert limits(lab) is None
        return
    if current is None:
        lab.gluster('node1', 'volume', 'quota', VOLUME, 'enable')
        current = {}
    for path in current:
        if path not in wanted:
            lab.gluster('node1', 'volume', 'quota', VOLUME, 'remove', path)
    for path, (size, soft) in wanted.items():
        lab.gluster('node1', 'volume', 'quota', VOLUME, 'limit-usage', path, size, *(['%d%%' % soft] if soft else []))
    assert set(limits(lab)) == set(wanted)


# Where test_enable_and_limits_then_a_second_run_is_one_call leaves the quota, and the limits
# test_unlisted_limits_stay_unless_purge leaves.
ENABLED_WITH_APP = {'/': ('10GB', None), '/app': ('1GB', 50)}
ENABLED_WITH_LOGS = {'/': ('10GB', None), '/logs': ('100MB', None)}


@pytest.fixture(scope='module')
def volume(pool):
    """A started distribute volume with the directories /app, /data and /logs, mounted on node2."""
    for node in pool.nodes:
        pool.sh(node, 'mkdir -p /bricks/%s' % VOLUME)
    pool.gluster('node1', 'volume', 'create', VOLUME, 'node1:/bricks/%s/b' % VOLUME, 'node2:/bricks/%s/b' % VOLUME)
    pool.gluster('node1', 'volume', 'start', VOLUME)
    pool.sh('node2', 'mkdir -p /mnt/{0} && mount -t glusterfs node1:/{0} /mnt/{0} && mkdir -p /mnt/{0}/app /mnt/{0}/data '
                     '/mnt/{0}/logs && echo data > /mnt/{0}/app/file'.format(VOLUME))
    yield pool
    pool.unmount('node2', '/mnt/%s' % VOLUME)


def test_enable_and_limits_then_a_second_run_is_one_call(volume):
    quota_from(volume)
    args = dict(volume=VOLUME, limits={'/': '10GB', '/app': {'hard_limit': '1GB', 'soft_limit': 50}})
    result, calls = run(volume, args, diff=True)
    assert not result.get('failed'), result['msg']
    assert result['changed']
    assert result['commands'] == [command('enable'), command('limit-usage', '/', '10GB'),
                                  command('limit-usage', '/app', '1GB', '50%')]
    assert calls == [list_call()] + [c[len('gluster '):] for c in result['commands']] + [list_call()]
    assert result['diff']['before'] == {'volume': VOLUME, 'enabled': False, 'limits': {}}
    assert limits(volume) == {'/': (10 * GB, 80), '/app': (GB, 50)}
    assert result['quota']['limits']['/app']['hard_limit'] == GB

    again, calls = run(volume, args, diff=True)
    assert (again['changed'], again['commands']) == (False, [])
    assert calls == [list_call()]
    assert again['diff']['before'] == again['diff']['after']


def test_check_mode_only_reads_and_reports_the_exact_commands(volume):
    quota_from(volume, ENABLED_WITH_APP)
    before = limits(volume)
    args = dict(volume=VOLUME, limits={'/': '10GB', '/app': '2GB', '/data': '512MB'})
    result, calls = run(volume, args, check=True, diff=True)
    assert result['changed'] and calls == [list_call()]
    assert result['commands'] == [command('limit-usage', '/app', '2GB'), command('limit-usage', '/data', '512MB')]
    assert result['diff']['after']['limits'] == {'/': {'hard_limit': '10GB', 'soft_limit': 80},
                                                 '/app': {'hard_limit': '2GB', 'soft_limit': 50},
                                                 '/data': {'hard_limit': '512MB'}}
    assert limits(volume) == before


def test_unlisted_limits_stay_unless_purge(volume):
    quota_from(volume, ENABLED_WITH_APP)
    volume_limits = {'/': '10GB', '/logs': '100MB'}
    result = run(volume, dict(volume=VOLUME, limits=volume_limits))[0]
    assert result['commands'] == [command('limit-usage', '/logs', '100MB')]
    assert 'diff' not in result  # only in diff mode
    assert set(limits(volume)) == {'/', '/app', '/logs'}

    result, calls = run(volume, dict(volume=VOLUME, limits=volume_limits, purge=True), check=True)
    assert result['commands'] == [command('remove', '/app')] and calls == [list_call()]
    assert set(limits(volume)) == {'/', '/app', '/logs'}
    result = run(volume, dict(volume=VOLUME, limits=volume_limits, purge=True))[0]
    assert result['commands'] == [command('remove', '/app')]
    assert limits(volume) == {'/': (10 * GB, 80), '/logs': (100 * 1024 ** 2, 80)}
    assert run(volume, dict(volume=VOLUME, limits=volume_limits, purge=True))[0]['changed'] is False


def test_a_directory_missing_on_the_volume_fails_naming_it(volume):
    quota_from(volume, ENABLED_WITH_LOGS)
    before = limits(volume)
    result, calls = run(volume, dict(volume=VOLUME, limits={'/': '10GB', '/nowhere': '1GB'}))
    assert result['failed'] and not result['changed']
    assert 'directory /nowhere does not exist on volume qv: create it through a mount of the volume first' in result['msg']
    assert calls == [list_call(), '--mode=script volume quota qv limit-usage /nowhere 1GB --xml']
    assert limits(volume) == before
    assert volume.sh('node2', 'test -e /mnt/qv/nowhere', check=False).returncode != 0


def test_a_missing_volume_fails_clearly_after_one_read(volume):
    result, calls = run(volume, dict(volume='nosuch', limits={'/': '1GB'}))
    assert result['failed'] and result['commands'] == []
    assert result['msg'] == 'gluster --mode=script volume quota nosuch list --xml failed: volume nosuch does not exist'
    assert calls == [list_call('nosuch')]


BAD_INPUT = [
    (dict(volume='all'), 'reserved by the gluster CLI'),
    (dict(volume='v; touch /tmp/p'), 'characters glusterd refuses'),
    (dict(volume=VOLUME, limits={'app': '1GB'}), 'must be absolute'),
    (dict(volume=VOLUME, limits={'/app': '1GB', '/app/': '2GB'}), 'is the directory /app, which has a limit already'),
    (dict(volume=VOLUME, limits={'/app': '10 parsecs'}), 'is not a size'),
    (dict(volume=VOLUME, limits={'/app': '$(id)'}), 'is not a size'),
    (dict(volume=VOLUME, limits={'/app': 0}), 'out of range'),
    (dict(volume=VOLUME, limits=[{'path': '/app', 'hard_limit': '1GB', 'soft_limit': 120}]), 'percentage from 0 to 100'),
    (dict(volume=VOLUME, limits={'/../etc': '1GB'}), '"." or ".."'),
    (dict(volume=VOLUME, state='disabled', limits={}), 'limits and purge need state=enabled'),
    (dict(volume=VOLUME, purge=True), 'purge needs limits'),
]


@pytest.mark.parametrize('args, message', BAD_INPUT)
def test_bad_input_fails_without_any_gluster_call(volume, args, message):
    result, calls = run(volume, args)
    assert result['failed'] and message in result['msg']
    assert calls == []


def test_disabling_with_limits_needs_the_opt_in(volume):
    quota_from(volume, ENABLED_WITH_LOGS)
    before = limits(volume)
    result, calls = run(volume, dict(volume=VOLUME, state='disabled'))
    assert result['failed'] and result['commands'] == [] and calls == [list_call(), list_objects_call()]
    assert 'deletes its 2 usage limit(s) (/ 10GB, /logs 100MB) for good, and the quota options' in result['msg']
    assert limits(volume) == before

    result = run(volume, dict(volume=VOLUME, state='disabled', allow_disable_with_limits=True), diff=True)[0]
    assert result['commands'] == [command('disable')]
    assert result['diff']['after'] == {'volume': VOLUME, 'enabled': False, 'limits': {}}
    assert limits(volume) is None and result['quota'] == {'enabled': False, 'limits': {}}
    again, calls = run(volume, dict(volume=VOLUME, state='disabled'))
    assert (again['changed'], calls) == (False, [list_call()])


def test_disabling_with_object_limits_only_needs_the_opt_in(volume):
    quota_from(volume)
    # "volume quota list" shows usage limits only: with an object limit alone it says "No quota configured".
    assert run(volume, dict(volume=VOLUME))[0]['commands'] == [command('enable')]
    volume.gluster('node1', 'volume', 'quota', VOLUME, 'limit-objects', '/app', '100')
    volume.gluster('node1', 'volume', 'quota', VOLUME, 'default-soft-limit', '70')
    assert 'features.default-soft-limit' in volume.gluster('node1', 'volume', 'info', VOLUME, '--xml')
    assert limits(volume) == {}
    objects = volume.gluster('node1', 'volume', 'quota', VOLUME, 'list-objects', '--xml')
    assert '<path>/app</path>' in objects

    result, calls = run(volume, dict(volume=VOLUME, state='disabled'), check=True)
    assert result['failed'] and result['commands'] == [] and calls == [list_call(), list_objects_call()]
    assert 'deletes its 1 object limit(s) (/app 100 objects) for good, and the quota options' in result['msg']
    assert volume.gluster('node1', 'volume', 'quota', VOLUME, 'list-objects', '--xml') == objects

    result, calls = run(volume, dict(volume=VOLUME, state='disabled', allow_disable_with_limits=True))
    assert result['commands'] == [command('disable')] and calls[0] == list_call()
    assert limits(volume) is None
    # As documented: the quota options went with it (enabling quota had set features.quota-deem-statfs).
    info = volume.gluster('node1', 'volume', 'info', VOLUME, '--xml')
    assert 'features.default-soft-limit' not in info and 'features.quota-deem-statfs' not in info


def test_limits_still_apply_when_gluster_cannot_list_them(volume):
    quota_from(volume)
    # When the last limit glusterd keeps is on a removed directory, GlusterFS prints nothing for the
    # whole list (exit code 1): only named paths can be read.
    assert run(volume, dict(volume=VOLUME, limits={'/': '10GB', '/data': '1GB'}))[0]['changed']
    volume.sh('node2', 'rmdir /mnt/qv/data')
    assert volume.gluster('node1', 'volume', 'quota', VOLUME, 'list', '--xml') == ''

    result, calls = run(volume, dict(volume=VOLUME, limits={'/': '10GB', '/app': '3GB'}))
    assert not result.get('failed'), result['msg']
    assert result['commands'] == [command('limit-usage', '/app', '3GB')]
    assert 'could not list every quota limit of volume qv' in result['warnings'][0]
    assert calls[:2] == [list_call(), '--mode=script volume quota qv list / /app --xml']
    # A limit set after the stale one makes the list answer again, without /data.
    assert limits(volume) == {'/': (10 * GB, 80), '/app': (3 * GB, 80)}

    # Purge plans from the full list; removing /app leaves the stale limit last again.
    result, calls = run(volume, dict(volume=VOLUME, limits={'/': '10GB'}, purge=True))
    assert not result.get('failed'), result['msg']
    assert result['commands'] == [command('remove', '/app')]
    assert calls == [list_call(), command('remove', '/app')[len('gluster '):], list_call(),
                     '--mode=script volume quota qv list / --xml']
    assert result['quota']['limits'] == {'/': result['quota']['limits']['/']}

    result, calls = run(volume, dict(volume=VOLUME, limits={'/': '10GB'}, purge=True))
    assert result['failed'] and 'the lookup of the last limit it keeps fails: for example when that limit is on a ' \
        'directory that was removed from the volume' in result['msg']
    assert 'check the Quota Daemon of this node in gluster volume status qv' in result['msg']
    assert calls == [list_call()]


def role_play(volumes):
    return {'hosts': 'gluster_servers', 'gather_facts': False,
            'roles': [{'role': 'glusterdock.storage.gluster_volumes', 'vars': {'gluster_volumes_list': volumes}}]}


def recap_changed(output, node='node1'):
    return int(re.search(r'%s\s+: ok=\d+\s+changed=(\d+)' % node, output).group(1))


def test_role_applies_quota_once_and_leaves_volumes_without_it_alone(volume):
    volumes = [{'name': 'rq', 'quota': {'limits': {'/': '5GB'}}}, {'name': 'rnq'}]
    # Check mode before the volumes exist: their quota cannot be read yet, and is skipped.
    check = volume.run_play(role_play(volumes), check=True)
    assert check.returncode == 0, check.stdout[-3000:]
    first = volume.run_play(role_play(volumes))
    assert first.returncode == 0, first.stdout[-3000:]
    assert limits(volume, 'rq') == {'/': (5 * GB, 80)}
    assert limits(volume, 'rnq') is None
    second = volume.run_play(role_play(volumes))
    assert second.returncode == 0 and recap_changed(second.stdout) == 0, second.stdout[-3000:]

    bad = volume.run_play(role_play([{'name': 'rq', 'state': 'stopped', 'quota': {'limits': {'/': '5GB'}}}]))
    assert bad.returncode != 0 and 'gluster manages quota only on a started volume' in bad.stdout
    assert limits(volume, 'rq') == {'/': (5 * GB, 80)}


def test_role_check_mode_skips_the_quota_of_a_volume_it_would_start(volume):
    # An existing volume, created and never started: in check mode gluster_volume reports it as it is.
    for node in volume.nodes:
        volume.sh(node, 'mkdir -p /bricks/rc')
    volume.gluster('node1', 'volume', 'create', 'rc', 'node1:/bricks/rc/b', 'node2:/bricks/rc/b')
    before = volume.gluster('node1', 'volume', 'info', 'rc', '--xml')
    check = volume.run_play(role_play([{'name': 'rc', 'bricks': ['node1:/bricks/rc/b', 'node2:/bricks/rc/b'],
                                        'quota': {'limits': {'/': '1GB'}}}]), check=True)
    assert check.returncode == 0, check.stdout[-3000:]
    assert volume.gluster('node1', 'volume', 'info', 'rc', '--xml') == before


def test_role_refuses_a_bad_quota_before_any_volume_changes(volume):
    volume.reset_call_log()
    bad = volume.run_play(role_play([{'name': 'rfirst', 'quota': {'limits': {'/': '1GB'}}},
                                     {'name': 'rsecond', 'quota': {'limits': {'app': '1GB'}}}]))
    assert bad.returncode != 0
    assert "volume rsecond: limits['app']: 'app' must be absolute, from the root of the volume" in bad.stdout
    assert volume.call_log('node1') == [] and volume.call_log('node2') == []
