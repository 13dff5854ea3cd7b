"""gluster_info's TLS subset: which files are read, and the judgement of their certificates with the
clock injected (valid, under the warning threshold, expired, not yet valid, a chain, a CA), on
certificates made by the cryptography package (tests/unit/fixtures/tls). No TLS, no problem."""
import datetime
import os

import pytest

from ansible_collections.glusterdock.storage.plugins.module_utils.errors import RequestError
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_info import (
    PoolFacts,
    facts_to_dict,
    parse_info_request,
    read_tls,
    tls_directory_from_transport,
    tls_problems,
)
from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_volume_spec import validate_volume_name
from ansible_collections.glusterdock.storage.tests.unit.fixtures import FIXTURES

UTC = datetime.timezone.utc
SECURE_ACCESS = '/var/lib/glusterd/secure-access'
DIRECTORY = '/usr/lib/ssl'
PEM, KEY, CA = DIRECTORY + '/glusterfs.pem', DIRECTORY + '/glusterfs.key', DIRECTORY + '/glusterfs.ca'


def fixture_text(name):
    with open(os.path.join(FIXTURES, 'tls', name), 'rb') as handle:
        return handle.read()


def node(files, directory=DIRECTORY, now=datetime.datetime(2026, 11, 29, 12, 0, tzinfo=UTC)):
    """read_tls on a node whose files are FILES (path -> bytes, or an OSError to raise; None for the
    key, which is only looked for)."""
    read = []

    def read_file(path):
        read.append(path)
        content = files[path]
        if isinstance(content, OSError):
            raise content
        return content
    facts = read_tls('node1', directory, lambda path: path in files, read_file, now)
    assert KEY not in read  # the private key is never read
    return facts


def secure_node(certificate='node1.pem', ca='ca.pem', **kwargs):
    return node({SECURE_ACCESS: b'', PEM: fixture_text(certificate), KEY: None, CA: fixture_text(ca)}, **kwargs)


def at(*moment):
    return datetime.datetime(*moment, tzinfo=UTC)


def test_a_valid_certificate_is_reported_and_no_problem():
    tls = secure_node(now=at(2026, 11, 1, 6, 0))
    assert tls_problems(tls) == []
    result = facts_to_dict(PoolFacts(tls=tls), parse_info_request({'gather_subset': ['tls']}, validate_volume_name))
    assert result['healthy'] and result['gathered'] == ['tls'] and 'volumes' not in result
    assert result['tls'] == {
        'enabled': True, 'node': 'node1', 'directory': DIRECTORY, 'management': True, 'private_key_present': True,
        'certificate': {'path': PEM, 'error': None, 'subject': 'node1', 'issuer': 'glusterdock GlusterFS CA',
                        'not_before': '2026-11-01T00:00:00Z', 'not_after': '2026-12-11T12:00:00Z', 'days_left': 40,
                        'expired': False, 'chain': []},
        'ca': {'path': CA, 'error': None, 'subject': 'glusterdock GlusterFS CA', 'issuer': 'glusterdock GlusterFS CA',
               'not_before': '2026-01-01T00:00:00Z', 'not_after': '2036-01-01T00:00:00Z', 'days_left': 3347,
               'expired': False, 'chain': []},
    }


@pytest.mark.parametrize('now, days_left, problem', [
    (at(2026, 11, 29, 12, 0), 12, 'expires in 12 days (2026-12-11)'),
    (at(2026, 11, 11, 12, 0, 1), 29, 'expires in 29 days (2026-12-11)'),
    (at(2026, 12, 10, 11, 0), 1, 'expires in 1 day (2026-12-11)'),
    (at(2026, 12, 11, 11, 0), 0, 'expires in less than a day (2026-12-11)'),
    (at(2026, 12, 11, 12, 0), 0, 'expired less than a day ago (2026-12-11)'),
    (at(2026, 12, 14, 13, 0), -3, 'expired 3 days ago (2026-12-11)'),
    (at(2026, 10, 31, 23, 0), 40, 'is not valid before 2026-11-01T00:00:00Z (is a clock wrong?)'),
])
def test_a_certificate_under_the_threshold_or_expired_is_a_problem(now, days_left, problem):
    tls = secure_node(now=now)
    assert tls_problems(tls) == ['TLS certificate /usr/lib/ssl/glusterfs.pem of node1 ' + problem]
    result = facts_to_dict(PoolFacts(tls=tls), parse_info_request({'gather_subset': ['tls']}, validate_volume_name))
    assert not result['healthy'] and result['tls']['certificate']['days_left'] == days_left
    assert result['tls']['certificate']['expired'] == ('expired' in problem)


def test_thirty_days_left_is_not_yet_a_problem_and_the_threshold_is_the_users():
    assert tls_problems(secure_node(now=at(2026, 11, 11, 12, 0))) == []
    assert tls_problems(secure_node(now=at(2026, 11, 29, 12, 0)), 12) == []
    assert tls_problems(secure_node(now=at(2026, 11, 29, 12, 0)), 13) != []
    # 0: only an expired certificate is a problem.
    assert tls_problems(secure_node(now=at(2026, 12, 11, 11, 59)), 0) == []
    assert tls_problems(secure_node(now=at(2026, 12, 11, 12, 0)), 0) != []


def test_the_ca_and_each_certificate_of_a_chain_are_judged_too():
    tls = secure_node(certificate='node1-chain.pem', now=at(2035, 12, 20))
    assert tls_problems(tls) == [
        'TLS certificate /usr/lib/ssl/glusterfs.pem of node1 expired 3295 days ago (2026-12-11)',
        'TLS certificate /usr/lib/ssl/glusterfs.pem of node1 (certificate 2 in it, glusterdock GlusterFS CA) '
        'expires in 12 days (2036-01-01)',
        'TLS CA certificate /usr/lib/ssl/glusterfs.ca of node1 expires in 12 days (2036-01-01)',
    ]
    chain = facts_to_dict(PoolFacts(tls=tls), parse_info_request({}, validate_volume_name))['tls']['certificate']['chain']
    assert [(entry['subject'], entry['days_left']) for entry in chain] == [('glusterdock GlusterFS CA', 12)]


def test_no_tls_is_no_problem():
    tls = node({})
    assert not tls.enabled and tls_problems(tls) == []
    result = facts_to_dict(PoolFacts(tls=tls), parse_info_request({}, validate_volume_name))
    assert result['healthy'] and result['tls'] == {
        'enabled': False, 'node': 'node1', 'directory': DIRECTORY, 'management': False, 'private_key_present': False,
        'certificate': None, 'ca': None}
    # Nor where the directory could not be told and management encryption is off.
    assert tls_problems(node({}, directory=None)) == []


def test_tls_half_set_up_is_a_problem_that_names_what_is_missing():
    assert tls_problems(node({SECURE_ACCESS: b''})) == [
        'TLS certificate /usr/lib/ssl/glusterfs.pem of node1 is missing',
        'TLS CA certificate /usr/lib/ssl/glusterfs.ca of node1 is missing',
        'TLS private key /usr/lib/ssl/glusterfs.key of node1 is missing',
    ]
    # I/O encryption alone needs the files too: one of them there means TLS is meant to be on.
    assert tls_problems(node({CA: fixture_text('ca.pem')})) == [
        'TLS certificate /usr/lib/ssl/glusterfs.pem of node1 is missing',
        'TLS private key /usr/lib/ssl/glusterfs.key of node1 is missing',
    ]
    assert tls_problems(node({SECURE_ACCESS: b''}, directory=None)) == [
        'TLS is in use on node1 (/var/lib/glusterd/secure-access exists) but where its GlusterFS reads glusterfs.pem could not '
        'be told: set tls_directory']


def test_a_file_that_cannot_be_read_is_a_problem_with_the_reason():
    tls = node({SECURE_ACCESS: b'', PEM: PermissionError(13, 'Permission denied'), KEY: None,
                CA: b'-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n'})
    assert tls_problems(tls) == [
        'TLS certificate /usr/lib/ssl/glusterfs.pem of node1 could not be read: Permission denied',
        'TLS CA certificate /usr/lib/ssl/glusterfs.ca of node1 could not be read: PEM certificate 1: certificate: '
        'expected DER tag 0x30, found 0x00',
    ]
    reported = facts_to_dict(PoolFacts(tls=tls), parse_info_request({}, validate_volume_name))['tls']['certificate']
    assert reported == {'path': PEM, 'error': 'Permission denied'}


def test_the_directory_is_the_one_the_socket_transport_names():
    assert tls_directory_from_transport(b'\x7fELF\x00%s/glusterfs.key\x00/etc/ssl/glusterfs.pem\x00' % b'/etc/ssl') == '/etc/ssl'
    assert tls_directory_from_transport(b'\x00/usr/lib/ssl/glusterfs.pem\x00') == '/usr/lib/ssl'
    assert tls_directory_from_transport(b'\x7fELF\x00no path\x00') is None


def test_tls_is_a_subset_of_all_and_its_arguments_are_checked():
    assert 'tls' in parse_info_request({}, validate_volume_name).subsets
    request = parse_info_request({'gather_subset': ['tls'], 'tls_directory': '/tmp/certs/'}, validate_volume_name)
    assert request.subsets == ['tls'] and request.tls_directory == '/tmp/certs'
    with pytest.raises(RequestError) as refused:
        parse_info_request({'tls_directory': 'certs'}, validate_volume_name)
    assert str(refused.value) == "tls_directory: 'certs' is not an absolute path"
    with pytest.raises(RequestError) as refused:
        parse_info_request({'tls_expiry_warning_days': -1}, validate_volume_name)
    assert str(refused.value) == 'tls_expiry_warning_days: -1 is negative; 0 makes only an expired certificate a problem'
