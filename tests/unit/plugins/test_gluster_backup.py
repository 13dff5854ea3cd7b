"""The gluster_backup role's filters: what a backup reads, which snapshot a restore means and where it writes;
every refusal as a sentence, all at once."""
import json
import os
import subprocess

import pytest

from ansible_collections.glusterdock.storage.plugins.filter.gluster_backup import (
    gluster_backup_backup_outcome, gluster_backup_environment_file, gluster_backup_forget_arguments,
    gluster_backup_inspected, gluster_backup_offline_bricks, gluster_backup_restore_target, gluster_backup_snapshot,
    gluster_backup_sources,
)

KNOWN = {'web': 'started', 'data': 'started', 'old': 'stopped'}
OURS = {'Name': 'site', 'Labels': {'org.glusterdock.gluster-volume': 'web', 'org.glusterdock.subdirectory': 'site'}}
PLAIN = {'Name': 'mine', 'Labels': None}


def snapshot(short_id, time, *tags):
    return {'id': short_id + '0' * 56, 'short_id': short_id, 'time': time, 'tags': ['glusterdock'] + list(tags)}


SNAPSHOTS = [
    snapshot('aaaa1111', '2026-11-29T10:00:00Z', 'gluster-volume=web', 'subdirectory=site', 'docker-volume=site'),
    snapshot('bbbb2222', '2026-11-29T11:00:00Z', 'gluster-volume=web', 'subdirectory=site', 'docker-volume=site'),
    snapshot('cccc3333', '2026-11-29T12:00:00Z', 'gluster-volume=web', 'subdirectory=/'),
    # Not made by this role: never picked.
    {'id': 'dddd4444' + '0' * 56, 'short_id': 'dddd4444', 'time': '2026-11-29T13:00:00Z',
     'tags': ['gluster-volume=web', 'subdirectory=site', 'docker-volume=site']},
]


def test_sources_of_whole_volumes_and_docker_volumes_with_their_tags():
    plan = gluster_backup_sources(['data'], ['site', {'name': 'pg', 'gluster_volume': 'data', 'subdirectory': 'pg//main/'}],
                                  {'site': OURS}, KNOWN)
    assert plan['problems'] == []
    assert [(source['gluster_volume'], source['subdirectory'], source['tags']) for source in plan['sources']] == [
        ('data', '', ['glusterdock', 'gluster-volume=data', 'subdirectory=/']),
        ('web', 'site', ['glusterdock', 'gluster-volume=web', 'subdirectory=site', 'docker-volume=site']),
        ('data', 'pg/main', ['glusterdock', 'gluster-volume=data', 'subdirectory=pg/main', 'docker-volume=pg'])]


def test_every_bad_source_is_refused_at_once():
    plan = gluster_backup_sources(['nosuch', 'old', '$(id)', 'web', 'web'],
                                  ['gone', 'mine', {'name': 'x1', 'gluster_volume': 'web', 'subdirectory': '../etc'},
                                   {'name': 'x2', 'gluster_volume': 'web', 'subdirectory': 'a,b'}],
                                  {'gone': None, 'mine': PLAIN}, KNOWN)
    assert plan['problems'] == [
        'GlusterFS volume nosuch does not exist (the pool has: data, old, web)',
        'GlusterFS volume old is not started (stopped)',
        'GlusterFS volume \'$(id)\': \'$(id)\' has characters glusterd refuses; use only letters, digits, "_" and "-"',
        'Docker volume gone does not exist on this host',
        'Docker volume mine is not one of this collection (no org.glusterdock.gluster-volume and '
        'org.glusterdock.subdirectory labels): its data is not on GlusterFS; give gluster_volume and subdirectory to '
        'back up a directory of a GlusterFS volume',
        'Docker volume x1: subdirectory: \'../etc\' must not contain ".." (it would leave the GlusterFS mount)',
        'Docker volume x2: subdirectory \'a,b\' contains ","',
        'web:/ is listed twice']


def test_a_misspelled_key_of_a_docker_volume_entry_is_refused():
    # Else the subdirectory would default to the name, and another directory would be backed up.
    plan = gluster_backup_sources([], [{'name': 'pg', 'gluster_volume': 'data', 'subdir': 'pg/main'}], {}, KNOWN)
    assert plan['problems'] == ["Docker volume entry {'name': 'pg', 'gluster_volume': 'data', 'subdir': 'pg/main'}: "
                                "unknown key(s) subdir; it takes name, gluster_volume, subdirectory"]


def test_nothing_to_back_up_is_refused():
    assert gluster_backup_sources([], [], {}, KNOWN)['problems'][0].startswith('nothing to back up')


def test_latest_of_a_docker_volume_and_of_a_whole_volume():
    chosen = gluster_backup_snapshot(SNAPSHOTS, 'latest', {'docker_volume': 'site'})
    assert chosen['problem'] is None and chosen['snapshot']['short_id'] == 'bbbb2222'
    assert chosen['snapshot']['source'] == {'gluster_volume': 'web', 'subdirectory': 'site', 'docker_volume': 'site'}
    assert gluster_backup_snapshot(SNAPSHOTS, 'latest', {'gluster_volume': 'web'})['snapshot']['short_id'] == 'cccc3333'
    by_directory = gluster_backup_snapshot(SNAPSHOTS, 'latest', {'gluster_volume': 'web', 'subdirectory': 'site/'})
    assert by_directory['snapshot']['short_id'] == 'bbbb2222'


def test_an_id_with_or_without_a_source():
    assert gluster_backup_snapshot(SNAPSHOTS, 'aaaa11', {})['snapshot']['short_id'] == 'aaaa1111'
    assert gluster_backup_snapshot(SNAPSHOTS, 'AAAA1111', {'docker_volume': 'site'})['snapshot']['short_id'] == 'aaaa1111'
    assert gluster_backup_snapshot(SNAPSHOTS, 'cccc3333', {'docker_volume': 'site'})['problem'] == (
        'snapshot cccc3333 is of the whole GlusterFS volume web, not of the Docker volume site')


def test_missing_snapshots_are_refused():
    assert gluster_backup_snapshot(SNAPSHOTS, 'latest', {'docker_volume': 'nosuch'})['problem'] == (
        'the repository has no snapshot of the Docker volume nosuch')
    assert gluster_backup_snapshot(SNAPSHOTS, 'dddd4444', {})['problem'] == (
        'the repository has no snapshot of this collection with the id dddd4444')
    assert gluster_backup_snapshot([], 'latest', {'gluster_volume': 'web', 'subdirectory': 'x'})['problem'] == (
        'the repository has no snapshot of subdirectory x of the GlusterFS volume web')
    assert gluster_backup_snapshot(SNAPSHOTS, 'latest', {})['problem'].startswith(
        'gluster_backup_restore_source must name docker_volume or gluster_volume')


def test_targets():
    chosen = gluster_backup_snapshot(SNAPSHOTS, 'latest', {'docker_volume': 'site'})['snapshot']
    new = gluster_backup_restore_target({'docker_volume': 'site-restored'}, chosen, None, KNOWN)
    assert new == {'gluster_volume': 'web', 'subdirectory': 'site-restored', 'docker_volume': 'site-restored',
                   'create_docker_volume': True, 'problems': []}
    live = gluster_backup_restore_target({'docker_volume': 'site'}, chosen, OURS, KNOWN)
    assert (live['gluster_volume'], live['subdirectory'], live['create_docker_volume'], live['problems']) == (
        'web', 'site', False, [])
    directory = gluster_backup_restore_target({'gluster_volume': 'data', 'subdirectory': 'restored/site'}, chosen, None,
                                              KNOWN)
    assert (directory['gluster_volume'], directory['subdirectory'], directory['docker_volume']) == (
        'data', 'restored/site', '')


def test_bad_targets_are_refused():
    chosen = gluster_backup_snapshot(SNAPSHOTS, 'latest', {'docker_volume': 'site'})['snapshot']
    assert gluster_backup_restore_target({'docker_volume': 'mine'}, chosen, PLAIN, KNOWN)['problems'][0].startswith(
        'the Docker volume mine exists and is not one of this collection')
    assert gluster_backup_restore_target({'docker_volume': 'site', 'subdirectory': 'other'}, chosen, OURS,
                                         KNOWN)['problems'] == [
        'the Docker volume site exists on the GlusterFS volume web, subdirectory site, not where '
        'gluster_backup_restore_target says']
    assert gluster_backup_restore_target({'docker_volume': 'new', 'gluster_volume': 'nosuch'}, chosen, None,
                                         KNOWN)['problems'] == [
        'GlusterFS volume nosuch does not exist (the pool has: data, old, web)']
    assert gluster_backup_restore_target({'gluster_volume': 'web', 'subdirectory': '/abs'}, chosen, None,
                                         KNOWN)['problems'] == [
        "gluster_backup_restore_target: subdirectory: '/abs' must be relative to the mount point"]
    assert gluster_backup_restore_target({'gluster_volume': 'web'}, chosen, None, KNOWN)['problems'][0].startswith(
        'gluster_backup_restore_target needs docker_volume, or subdirectory')


def test_inspected_and_forget_arguments():
    assert gluster_backup_inspected({'rc': 0, 'stdout': '[{"Name": "site"}]'}) == {'Name': 'site'}
    assert gluster_backup_inspected({'rc': 1, 'stdout': '[]'}) is None
    assert gluster_backup_forget_arguments({'last': '0', 'daily': 7, 'weekly': '4', 'monthly': 0, 'yearly': 2}) == [
        '--keep-daily', '7', '--keep-weekly', '4', '--keep-yearly', '2']
    assert gluster_backup_forget_arguments({'daily': 0}) == []


def test_a_volume_with_a_brick_offline_is_refused_naming_the_bricks():
    web_bricks = [{'name': 'node1:/b/web', 'online': True}, {'name': 'node2:/b/web', 'online': False},
                  {'name': 'node3:/b/web'}]
    gathered = [{'name': 'web', 'status': 'Started', 'bricks': web_bricks},
                {'name': 'data', 'status': 'Started', 'bricks': [{'name': 'node1:/b/data', 'online': True}]},
                {'name': 'old', 'status': 'Stopped', 'bricks': [{'name': 'node1:/b/old'}]}]
    offline = gluster_backup_offline_bricks(gathered)
    assert offline == {'web': ['node2:/b/web', 'node3:/b/web'], 'data': []}
    plan = gluster_backup_sources(['web', 'data'], ['site'], {'site': OURS}, KNOWN, offline)
    assert plan['problems'] == [
        'GlusterFS volume web has bricks offline (node2:/b/web, node3:/b/web): a snapshot now could miss the files on '
        'them; bring them back online, then run again']
    assert gluster_backup_sources(['data'], [], {}, KNOWN, offline)['problems'] == []


def test_the_environment_file_quotes_every_value_for_the_shell(tmp_path):
    environment = {'AWS_SECRET_ACCESS_KEY': "it's $(touch pwned) `id` \\ \"x\"\nline2", 'RETRIES': 3, 'FLAG': True}
    text = gluster_backup_environment_file(environment)
    assert text.splitlines()[0] == "export AWS_SECRET_ACCESS_KEY='it'\"'\"'s $(touch pwned) `id` \\ \"x\""
    path = tmp_path / 'environment'
    path.write_text(text)
    read = subprocess.run(['sh', '-c', '. "$1"; exec python3 -c "import json, os; print(json.dumps(dict(os.environ)))"',
                           'test', str(path)], capture_output=True, text=True, check=True, cwd=str(tmp_path),
                          env={'PATH': os.environ['PATH']})
    exported = json.loads(read.stdout)
    assert (exported['AWS_SECRET_ACCESS_KEY'], exported['RETRIES'], exported['FLAG']) == (
        environment['AWS_SECRET_ACCESS_KEY'], '3', 'true')
    assert not (tmp_path / 'pwned').exists()
    assert gluster_backup_environment_file({}) == ''
    for name in ('1X', 'A-B', 'X; touch /tmp/p', ''):
        with pytest.raises(ValueError, match='is not a variable name'):
            gluster_backup_environment_file({name: 'v'})


def test_a_backup_that_could_not_read_some_files_names_its_snapshot_to_forget():
    summary = json.dumps({'message_type': 'summary', 'snapshot_id': 'abcdef12' + '0' * 56})
    results = [{'item': {'label': 'web:/'}, 'rc': 0, 'stdout_lines': [summary]},
               {'item': {'label': 'web:/site (Docker volume site)'}, 'rc': 3,
                'stdout_lines': ['{"message_type": "status"}', summary],
                'stderr': 'error: open /x: permission denied\nWarning: at least one source file could not be read'},
               {'item': {'label': 'data:/'}, 'rc': 1, 'stdout_lines': [], 'stderr': 'Fatal: unable to save snapshot'},
               {'item': {'label': 'skipped'}, 'skipped': True}]
    assert gluster_backup_backup_outcome(results) == {
        'incomplete': ['abcdef12' + '0' * 56],
        'problems': ['web:/site (Docker volume site): restic could not read some files (Warning: at least one source '
                     'file could not be read); its snapshot abcdef12 is forgotten',
                     'data:/: restic backup failed (rc 1: Fatal: unable to save snapshot)']}
    assert gluster_backup_backup_outcome(results[:1]) == {'incomplete': [], 'problems': []}
