"""The X.509 reader on certificates made by the cryptography package (tests/unit/fixtures/tls): the
names and validity openssl shows for them, chains, time encodings, and damaged input refused."""
import datetime
import os

import pytest

from ansible_collections.glusterdock.storage.plugins.module_utils.x509_certificate import (
    Certificate,
    CertificateError,
    certificates_or_error,
    parse_pem_certificates,
)
from ansible_collections.glusterdock.storage.tests.unit.fixtures import FIXTURES

UTC = datetime.timezone.utc


def pem(name):
    with open(os.path.join(FIXTURES, 'tls', name)) as handle:
        return handle.read()


CA = Certificate('glusterdock GlusterFS CA', 'glusterdock GlusterFS CA', datetime.datetime(2026, 1, 1, tzinfo=UTC),
                 datetime.datetime(2036, 1, 1, tzinfo=UTC))
NODE1 = Certificate('node1', 'glusterdock GlusterFS CA', datetime.datetime(2026, 11, 1, tzinfo=UTC),
                    datetime.datetime(2026, 12, 11, 12, 0, tzinfo=UTC))


def test_a_host_certificate_and_its_ca_read_as_openssl_shows_them():
    assert parse_pem_certificates(pem('node1.pem')) == [NODE1]
    assert parse_pem_certificates(pem('ca.pem')) == [CA]
    # bytes, as the module reads the file.
    assert parse_pem_certificates(pem('node1.pem').encode()) == [NODE1]


def test_a_file_with_a_chain_gives_every_certificate_in_order():
    assert parse_pem_certificates(pem('node1-chain.pem')) == [NODE1, CA]


def test_a_date_after_2049_is_a_generalized_time_and_names_may_be_utf8():
    certificate, = parse_pem_certificates(pem('far-future.pem'))
    assert certificate.not_after == datetime.datetime(2051, 6, 1, tzinfo=UTC)
    assert certificate.subject == 'n\u0153ud-1'


def test_a_subject_without_a_common_name_is_none():
    certificate, = parse_pem_certificates(pem('no-common-name.pem'))
    assert certificate.subject is None and certificate.issuer == 'glusterdock GlusterFS CA'


def damaged(text):
    lines = text.splitlines()
    # Keep the PEM armour, drop most of the body: valid base64 of a truncated DER.
    return '\n'.join(lines[:3] + lines[-1:]) + '\n'


@pytest.mark.parametrize('text, message', [
    ('', 'no PEM certificate'),
    ('-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n', 'no PEM certificate'),
    ('-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n', 'PEM certificate 1 is not base64'),
    ('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n', 'PEM certificate 1: certificate: expected DER tag 0x30'),
    (pem('ca.pem') + damaged(pem('node1.pem')), 'PEM certificate 2: truncated DER element'),
])
def test_damaged_text_is_refused_with_the_reason(text, message):
    with pytest.raises(CertificateError) as refused:
        parse_pem_certificates(text)
    assert str(refused.value).startswith(message), str(refused.value)
    assert certificates_or_error(text) == ([], str(refused.value))
