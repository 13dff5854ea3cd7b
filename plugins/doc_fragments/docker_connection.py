# -*- coding: utf-8 -*-
# Copyright: glusterdock developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment(object):
    """The Docker connection options; matches DOCKER_CONNECTION_ARGUMENT_SPEC in module_utils/docker_client.py."""

    DOCUMENTATION = r'''
options:
  docker_host:
    description:
      - The URL or Unix socket path of the Docker API, for example V(tcp://192.0.2.23:2376).
        With TLS, C(tcp://) is replaced by C(https://).
      - If not given in the task, the environment variable E(DOCKER_HOST) is used, then the default.
    type: str
    default: unix:///var/run/docker.sock
    aliases: [docker_url]
  api_version:
    description:
      - The Docker API version to use; V(auto) negotiates it with the daemon.
      - If not given in the task, the environment variable E(DOCKER_API_VERSION) is used, then the default.
    type: str
    default: auto
    aliases: [docker_api_version]
  timeout:
    description:
      - Seconds to wait for an answer from the Docker API.
      - If not given in the task, the environment variable E(DOCKER_TIMEOUT) is used, then the default.
    type: int
    default: 60
  ca_path:
    description:
      - The CA certificate that verifies the Docker daemon's certificate (with O(validate_certs=true)).
      - If not given and E(DOCKER_CERT_PATH) is set, C(ca.pem) in that directory.
    type: path
    aliases: [ca_cert, tls_ca_cert, cacert_path]
  client_cert:
    description:
      - The client's TLS certificate.
      - If not given and E(DOCKER_CERT_PATH) is set, C(cert.pem) in that directory.
    type: path
    aliases: [tls_client_cert, cert_path]
  client_key:
    description:
      - The client's TLS key.
      - If not given and E(DOCKER_CERT_PATH) is set, C(key.pem) in that directory.
    type: path
    aliases: [tls_client_key, key_path]
  tls:
    description:
      - Talk TLS to the Docker API without verifying the daemon's certificate. O(validate_certs=true) takes precedence.
      - If not given in the task, the environment variable E(DOCKER_TLS) is used, then the default.
    type: bool
    default: false
  validate_certs:
    description:
      - Talk TLS to the Docker API and verify the daemon's certificate.
      - If not given in the task, the environment variable E(DOCKER_TLS_VERIFY) is used, then the default.
    type: bool
    default: false
    aliases: [tls_verify]
requirements:
  - Docker SDK for Python (the C(docker) package, for example Debian's C(python3-docker)) on the Docker host.
notes:
  - The connection options and environment variables are those of community.docker, so the same
    E(DOCKER_HOST), E(DOCKER_TLS), E(DOCKER_TLS_VERIFY) and E(DOCKER_CERT_PATH) settings work for both.
'''
