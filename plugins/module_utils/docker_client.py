# -*- coding: utf-8 -*-
# Copyright: glusterdock developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A small Docker volume client on the Docker SDK for Python, connected the way community.docker
connects: module options first, then DOCKER_HOST, DOCKER_TLS, DOCKER_TLS_VERIFY, DOCKER_CERT_PATH,
DOCKER_API_VERSION and DOCKER_TIMEOUT, then the defaults.

The SDK is imported lazily so that a missing library is reported as a clear module failure.
"""

from __future__ import annotations

import os
import traceback

from ansible.module_utils.basic import env_fallback

from ansible_collections.glusterdock.storage.plugins.module_utils.errors import GlusterdockError

DEFAULT_DOCKER_HOST = 'unix:///var/run/docker.sock'
DEFAULT_TIMEOUT_SECONDS = 60

# Matches plugins/doc_fragments/docker_connection.py option by option.
DOCKER_CONNECTION_ARGUMENT_SPEC = dict(
    docker_host=dict(type='str', default=DEFAULT_DOCKER_HOST, fallback=(env_fallback, ['DOCKER_HOST']),
                     aliases=['docker_url']),
    api_version=dict(type='str', default='auto', fallback=(env_fallback, ['DOCKER_API_VERSION']),
                     aliases=['docker_api_version']),
    timeout=dict(type='int', default=DEFAULT_TIMEOUT_SECONDS, fallback=(env_fallback, ['DOCKER_TIMEOUT'])),
    ca_path=dict(type='path', aliases=['ca_cert', 'tls_ca_cert', 'cacert_path']),
    client_cert=dict(type='path', aliases=['tls_client_cert', 'cert_path']),
    client_key=dict(type='path', aliases=['tls_client_key', 'key_path']),
    tls=dict(type='bool', default=False, fallback=(env_fallback, ['DOCKER_TLS'])),
    validate_certs=dict(type='bool', default=False, fallback=(env_fallback, ['DOCKER_TLS_VERIFY']),
                        aliases=['tls_verify']),
)
DOCKER_CONNECTION_REQUIRED_TOGETHER = [['client_cert', 'client_key']]


class DockerClientError(GlusterdockError):
    """A Docker API call failed; the message names the call."""


def connection_settings(params, environ=None):
    """How to reach the Docker API: base_url, version, timeout and the TLS settings.

    Certificate paths not given fall back to ca.pem, cert.pem and key.pem in DOCKER_CERT_PATH,
    as with the docker CLI and community.docker. With TLS, tcp:// becomes https://."""
    environ = os.environ if environ is None else environ
    cert_dir = environ.get('DOCKER_CERT_PATH')

    def from_cert_dir(value, file_name):
        if value is None and cert_dir:
            return os.path.join(cert_dir, file_name)
        return value

    ca_path = from_cert_dir(params.get('ca_path'), 'ca.pem')
    client_cert = from_cert_dir(params.get('client_cert'), 'cert.pem')
    client_key = from_cert_dir(params.get('client_key'), 'key.pem')
    verify = bool(params.get('validate_certs'))
    use_tls = verify or bool(params.get('tls'))
    base_url = params.get('docker_host') or DEFAULT_DOCKER_HOST
    if use_tls and base_url.startswith('tcp://'):
        base_url = 'https://' + base_url[len('tcp://'):]
    settings = {
        'base_url': base_url,
        'version': params.get('api_version') or 'auto',
        'timeout': params.get('timeout') if params.get('timeout') is not None else DEFAULT_TIMEOUT_SECONDS,
        'tls': None,
    }
    if use_tls:
        settings['tls'] = {
            'verify': verify,
            # The CA matters only when verifying the server, as in community.docker.
            'ca_cert': ca_path if verify else None,
            'client_cert': (client_cert, client_key) if client_cert and client_key else None,
        }
    return settings


class DockerVolumeClient:
    """The few Docker API calls the Docker volume modules need (and the restarts of containers left
    holding a dead GlusterFS mount)."""

    def __init__(self, settings):
        # Imported here, not at module load, so that a missing SDK becomes a clear failure message.
        import docker  # pylint: disable=import-outside-toplevel
        from docker.errors import NotFound  # pylint: disable=import-outside-toplevel

        self._not_found = NotFound
        tls = None
        if settings['tls'] is not None:
            tls_settings = dict((key, value) for key, value in settings['tls'].items() if value is not None)
            tls = docker.tls.TLSConfig(**tls_settings)
        try:
            self.api = docker.APIClient(base_url=settings['base_url'], version=settings['version'],
                                        timeout=settings['timeout'], tls=tls if tls is not None else False)
        except Exception as error:  # the SDK raises several types while connecting
            raise DockerClientError('Cannot connect to the Docker API at %s: %s' % (settings['base_url'], error)) from error

    def _call(self, description, function, *args, **kwargs):
        try:
            return function(*args, **kwargs)
        except self._not_found:
            raise
        except Exception as error:  # DockerException, requests errors: report them all the same way
            raise DockerClientError('%s failed: %s' % (description, error)) from error

    def inspect_volume(self, name):
        """The volume's inspect result, or None when there is no such volume."""
        try:
            return self._call('docker volume inspect %s' % name, self.api.inspect_volume, name)
        except self._not_found:
            return None

    def containers_using(self, name):
        """Names of the containers, running or stopped, that mount the volume."""
        containers = self._call('docker ps --all --filter volume=%s' % name, self.api.containers,
                                all=True, filters={'volume': name})
        names = []
        for container in containers or []:
            container_names = container.get('Names') or [container.get('Id', '')[:12]]
            names.append(container_names[0].lstrip('/'))
        return sorted(names)

    def list_volumes(self, fresh=True):
        """Every volume on the host, as the volume list reports it (name, driver, options, labels, mountpoint).
        Every call reads Docker (``fresh`` is for the list form's ListedVolumes, which may answer from its listing)."""
        return (self._call('docker volume ls', self.api.volumes) or {}).get('Volumes') or []

    def list_containers(self, fresh=True):
        """Every container on the host, running or stopped, with its mounts (every call reads Docker)."""
        return self._call('docker ps --all', self.api.containers, all=True) or []

    def container_pid(self, container_id):
        """The host process id of the container's main process; 0 when it is not running (or is gone)."""
        try:
            inspected = self._call('docker inspect %s' % container_id, self.api.inspect_container, container_id)
        except self._not_found:
            return 0
        return int(((inspected or {}).get('State') or {}).get('Pid') or 0)

    def stop_container(self, container_id):
        """Stop the container (Docker's default grace period, then SIGKILL)."""
        self._call('docker stop %s' % container_id, self.api.stop, container_id)

    def start_container(self, container_id):
        """Start the container."""
        self._call('docker start %s' % container_id, self.api.start, container_id)

    def create_volume(self, name, driver, driver_options, labels):
        """Create the volume; returns its inspect result."""
        self._call('docker volume create %s' % name, self.api.create_volume, name, driver=driver,
                   driver_opts=driver_options, labels=labels)
        return self.inspect_volume(name)

    def remove_volume(self, name):
        """Remove the volume."""
        try:
            self._call('docker volume rm %s' % name, self.api.remove_volume, name)
        except self._not_found:
            pass


def missing_sdk():
    """The traceback of importing the Docker SDK, or None when it imports."""
    try:
        import docker  # noqa: F401 pylint: disable=import-outside-toplevel,unused-import
    except ImportError:
        return traceback.format_exc()
    return None
