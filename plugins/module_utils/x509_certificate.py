# -*- coding: utf-8 -*-
# Copyright: glusterdock developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The few fields of an X.509 certificate a health check needs: subject and issuer common names
and the validity period, read from PEM text.

Pure and dependency-free: Python's ssl module has no public way to decode a certificate file, and a
node must not need the cryptography package or an openssl binary for a read-only check. Only the
DER structure up to the subject is walked (RFC 5280 4.1); the signature is not verified (GlusterFS
does that when it connects: this only says when a certificate stops being valid).
"""

from __future__ import annotations

import base64
import binascii
import datetime
import re
from dataclasses import dataclass
from typing import List, Optional

PEM_CERTIFICATE = re.compile(r'-----BEGIN CERTIFICATE-----(.*?)-----END CERTIFICATE-----', re.S)
SEQUENCE, SET, OBJECT_IDENTIFIER, UTC_TIME, GENERALIZED_TIME = 0x30, 0x31, 0x06, 0x17, 0x18
EXPLICIT_VERSION = 0xa0
COMMON_NAME = b'\x55\x04\x03'  # 2.5.4.3
# The string types a directory name may use, and how each is encoded.
STRING_ENCODINGS = {0x0c: 'utf-8', 0x13: 'ascii', 0x16: 'ascii', 0x14: 'latin-1', 0x1e: 'utf-16-be',
                    0x1c: 'utf-32-be'}


class CertificateError(ValueError):
    """The text holds no certificate, or one that is not well-formed DER."""


@dataclass(frozen=True)
class Certificate:
    """A certificate's names (the common names; None when the name has none) and validity (UTC)."""
    subject: Optional[str]
    issuer: Optional[str]
    not_before: datetime.datetime
    not_after: datetime.datetime


def _element(data, offset, end):
    """(tag, start of the content, end of the content) of the DER element at ``offset``."""
    if offset + 2 > end:
        raise CertificateError('truncated DER element at byte %d' % offset)
    tag, length = data[offset], data[offset + 1]
    offset += 2
    if tag & 0x1f == 0x1f:
        raise CertificateError('unexpected multi-byte tag at byte %d' % (offset - 2))
    if length & 0x80:
        count = length & 0x7f
        # DER has no indefinite length (0x80); a certificate needs no more than 4 length bytes.
        if not 1 <= count <= 4 or offset + count > end:
            raise CertificateError('bad DER length at byte %d' % (offset - 1))
        length = int.from_bytes(data[offset:offset + count], 'big')
        offset += count
    if offset + length > end:
        raise CertificateError('truncated DER element at byte %d' % offset)
    return tag, offset, offset + length


def _children(data, start, end):
    """The elements inside a constructed element's content, as (tag, start, end)."""
    children = []
    while start < end:
        child = _element(data, start, end)
        children.append(child)
        start = child[2]
    return children


def _expect(element, tag, what):
    if element[0] != tag:
        raise CertificateError('%s: expected DER tag 0x%02x, found 0x%02x' % (what, tag, element[0]))
    return element


def _common_name(data, name):
    """The last common name (the most specific) of a Name, or None."""
    found = None
    for relative in _children(data, name[1], name[2]):
        _expect(relative, SET, 'name')
        for attribute in _children(data, relative[1], relative[2]):
            parts = _children(data, attribute[1], attribute[2])
            if len(parts) != 2:
                raise CertificateError('name: an attribute is not a type and a value')
            kind, value = parts
            if kind[0] == OBJECT_IDENTIFIER and data[kind[1]:kind[2]] == COMMON_NAME:
                encoding = STRING_ENCODINGS.get(value[0], 'latin-1')
                found = data[value[1]:value[2]].decode(encoding, errors='replace')
    return found


def _time(data, element):
    formats = {UTC_TIME: '%y%m%d%H%M%SZ', GENERALIZED_TIME: '%Y%m%d%H%M%SZ'}
    if element[0] not in formats:
        raise CertificateError('validity: unexpected DER tag 0x%02x' % element[0])
    text = data[element[1]:element[2]].decode('ascii', errors='replace')
    try:
        moment = datetime.datetime.strptime(text, formats[element[0]])
    except ValueError:
        raise CertificateError('validity: %r is not a DER time' % text) from None
    # RFC 5280 4.1.2.5.1: a UTCTime YY of 50 and over is 19YY (strptime makes 00-68 20YY).
    if element[0] == UTC_TIME and moment.year >= 2050:
        moment = moment.replace(year=moment.year - 100)
    return moment.replace(tzinfo=datetime.timezone.utc)


def parse_certificate(der):
    """Certificate from one certificate's DER bytes; CertificateError when they are not one."""
    certificate = _expect(_element(der, 0, len(der)), SEQUENCE, 'certificate')
    fields = _children(der, certificate[1], certificate[2])
    if not fields:
        raise CertificateError('certificate: empty')
    to_be_signed = _children(der, *_expect(fields[0], SEQUENCE, 'certificate body')[1:])
    if to_be_signed and to_be_signed[0][0] == EXPLICIT_VERSION:
        to_be_signed = to_be_signed[1:]
    # serialNumber, signature, issuer, validity, subject, ...
    if len(to_be_signed) < 5:
        raise CertificateError('certificate body: too few fields')
    issuer = _expect(to_be_signed[2], SEQUENCE, 'issuer')
    validity = _children(der, *_expect(to_be_signed[3], SEQUENCE, 'validity')[1:])
    subject = _expect(to_be_signed[4], SEQUENCE, 'subject')
    if len(validity) != 2:
        raise CertificateError('validity: not a start and an end')
    return Certificate(subject=_common_name(der, subject), issuer=_common_name(der, issuer),
                       not_before=_time(der, validity[0]), not_after=_time(der, validity[1]))


def parse_pem_certificates(text):
    """Every certificate of a PEM text, in order (a certificate file may carry its chain, a CA file
    several CAs); CertificateError when there is none or one is damaged."""
    if isinstance(text, bytes):
        text = text.decode('ascii', errors='replace')
    blocks = PEM_CERTIFICATE.findall(text)
    if not blocks:
        raise CertificateError('no PEM certificate (-----BEGIN CERTIFICATE-----) in it')
    certificates = []
    for number, block in enumerate(blocks, 1):
        try:
            der = base64.b64decode(''.join(block.split()), validate=True)
        except (binascii.Error, ValueError):
            raise CertificateError('PEM certificate %d is not base64' % number) from None
        try:
            certificates.append(parse_certificate(der))
        except CertificateError as error:
            raise CertificateError('PEM certificate %d: %s' % (number, error)) from None
    return certificates


def certificates_or_error(text) -> 'tuple[List[Certificate], Optional[str]]':
    """(certificates, None), or ([], why not) for a text that holds none or a damaged one."""
    try:
        return parse_pem_certificates(text), None
    except CertificateError as error:
        return [], str(error)
