"""The health table and the Prometheus metrics, from gluster_info's result on replies captured from
a real pool with a killed brick; the metrics are read back with prometheus_client's own parser."""
import pytest
from ansible.errors import AnsibleFilterError
from prometheus_client.parser import text_string_to_metric_families

from ansible_collections.glusterdock.storage.plugins.filter.gluster_report import (
    gluster_health_metrics,
    gluster_health_table,
    mount_problems,
)
from ansible_collections.glusterdock.storage.tests.unit.plugins.module_utils.test_gluster_info import (
    BRICK_DOWN,
    HEALTHY,
    report,
)

MOUNTS = [
    {'host': 'docker1', 'mounts': [{'volume': 'rep', 'point': '/mnt/glusterfs/rep', 'live': True, 'error': ''}]},
    {'host': 'docker2', 'mounts': [{'volume': 'rep', 'point': '/mnt/glusterfs/rep', 'live': False,
                                    'error': 'Transport endpoint is not connected'}]},
]


def samples(text):
    """(name, labels) -> value, through prometheus_client's parser (which rejects bad syntax)."""
    return {(sample.name, tuple(sorted(sample.labels.items()))): sample.value
            for family in text_string_to_metric_families(text) for sample in family.samples}


def test_the_table_shows_each_volume_then_the_verdict_and_problems():
    info = report('10.3', BRICK_DOWN)[0]
    lines = gluster_health_table(info, MOUNTS)
    assert lines[0].split() == ['volume', 'type', 'status', 'bricks', 'heal', 'split-brain', 'fullest', 'brick',
                                'clients', 'live', 'mounts']
    rep = next(line for line in lines if line.startswith('rep '))
    assert rep.split()[:6] == ['rep', 'Replicate', 'started', '2/3', '24', '0'] and rep.split()[-1] == '1/2'
    assert lines[3] == 'NOT HEALTHY: 4 problems'
    assert lines[-1] == '- docker2: mount /mnt/glusterfs/rep of volume rep is dead (Transport endpoint is not connected)'


def test_a_healthy_pool_says_so_in_one_line():
    lines = gluster_health_table(report('11.1', HEALTHY)[0])
    assert lines[-1] == 'healthy' and len(lines) == 4


def test_metrics_parse_and_say_what_the_table_says():
    info = report('10.3', BRICK_DOWN)[0]
    parsed = samples(gluster_health_metrics(info, MOUNTS))
    assert parsed[('gluster_healthy', ())] == 0 and parsed[('gluster_problems', ())] == 4
    down = (('brick', 'node2:/bricks/rep/b'), ('volume', 'rep'))
    assert parsed[('gluster_brick_online', down)] == 0
    assert parsed[('gluster_heal_pending_entries', (('brick', 'node1:/bricks/rep/b'), ('volume', 'rep')))] == 12
    assert ('gluster_heal_pending_entries', down) not in parsed  # unknown is not zero
    assert parsed[('gluster_split_brain_entries', (('volume', 'rep'),))] == 0
    assert parsed[('gluster_brick_free_bytes', down)] > 0
    assert parsed[('gluster_peer_connected', (('peer', 'node2'),))] == 1
    assert parsed[('gluster_mount_live', (('host', 'docker2'), ('mountpoint', '/mnt/glusterfs/rep'),
                                          ('volume', 'rep')))] == 0


def test_each_tls_certificate_has_its_expiry_as_a_timestamp():
    info = dict(report('10.3', HEALTHY)[0], tls={
        'enabled': True, 'node': 'node1', 'directory': '/etc/ssl', 'management': True, 'private_key_present': True,
        'certificate': {'path': '/etc/ssl/glusterfs.pem', 'error': None, 'subject': 'node1', 'issuer': 'CA',
                        'not_before': '2026-11-01T00:00:00Z', 'not_after': '2026-12-11T12:00:00Z', 'days_left': 12,
                        'expired': False, 'chain': [{'subject': 'CA', 'issuer': 'CA', 'not_before': '2026-01-01T00:00:00Z',
                                                     'not_after': '2036-01-01T00:00:00Z', 'days_left': 3320,
                                                     'expired': False}]},
        'ca': {'path': '/etc/ssl/glusterfs.ca', 'error': 'no PEM certificate (-----BEGIN CERTIFICATE-----) in it'}})
    parsed = samples(gluster_health_metrics(info))
    expiry = dict((labels, value) for (name, labels), value in parsed.items()
                  if name == 'gluster_tls_certificate_expiry_timestamp_seconds')
    assert expiry == {(('node', 'node1'), ('path', '/etc/ssl/glusterfs.pem'), ('subject', 'node1')): 1796990400,
                      (('node', 'node1'), ('path', '/etc/ssl/glusterfs.pem'), ('subject', 'CA')): 2082758400}
    # No TLS read or none in use: no such metric.
    assert 'gluster_tls' not in gluster_health_metrics(dict(info, tls={'enabled': False, 'node': 'node1',
                                                                       'certificate': None, 'ca': None}))


def test_label_values_are_escaped():
    info = {'healthy': True, 'problems': [], 'volumes': [{'name': 'v', 'type': 'Distribute', 'status': 'started',
                                                          'bricks': [{'name': 'n:/a"b\\c', 'online': True}]}]}
    parsed = samples(gluster_health_metrics(info))
    assert parsed[('gluster_brick_online', (('brick', 'n:/a"b\\c'), ('volume', 'v')))] == 1


def test_anything_but_a_gluster_info_result_is_an_error():
    with pytest.raises(AnsibleFilterError, match='gluster_info'):
        gluster_health_table({'stdout': ''})
    assert mount_problems([]) == []


def test_mounts_by_host_as_the_playbook_builds_them_and_a_host_not_checked():
    by_host = {'docker1': MOUNTS[0]['mounts'], 'docker2': MOUNTS[1]['mounts'], 'docker3': 'unchecked'}
    assert mount_problems(by_host) == [
        'docker2: mount /mnt/glusterfs/rep of volume rep is dead (Transport endpoint is not connected)',
        'docker3: its mounts could not be checked (host unreachable or the check failed)']


def test_mount_checks_from_the_playbooks_stat_loop():
    from ansible_collections.glusterdock.storage.plugins.filter.gluster_report import mount_checks
    results = [
        {'item': '/mnt/glusterfs/web node1:/web', 'rc': 0, 'stderr': ''},
        {'item': '/mnt/glusterfs/db node2:/db/sub', 'rc': 1,
         'stderr': "stat: cannot statx '/mnt/glusterfs/db': Transport endpoint is not connected"},
        {'item': '/mnt/glusterfs/slow node1:/slow', 'rc': 124, 'stderr': ''},
        {'item': '/mnt/glusterfs/stuck node1:/stuck', 'rc': 137, 'stderr': ''},
    ]
    checks = mount_checks(results)
    hung = 'no answer within 20 s (hung FUSE client)'
    assert checks == [
        {'volume': 'web', 'point': '/mnt/glusterfs/web', 'live': True, 'hung': False, 'error': ''},
        {'volume': 'db', 'point': '/mnt/glusterfs/db', 'live': False, 'hung': False,
         'error': 'Transport endpoint is not connected'},
        {'volume': 'slow', 'point': '/mnt/glusterfs/slow', 'live': False, 'hung': True, 'error': hung},
        {'volume': 'stuck', 'point': '/mnt/glusterfs/stuck', 'live': False, 'hung': True, 'error': hung},
    ]
    assert mount_problems({'docker1': checks}) == [
        'docker1: mount /mnt/glusterfs/db of volume db is dead (Transport endpoint is not connected)',
        'docker1: mount /mnt/glusterfs/slow of volume slow does not answer within 20 s (hung FUSE client)',
        'docker1: mount /mnt/glusterfs/stuck of volume stuck does not answer within 20 s (hung FUSE client)',
    ]
