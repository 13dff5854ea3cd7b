"""TLS on a new cluster: the site playbook's roles with gluster_tls_enabled, from scratch, on three
servers and a Docker host, then what TLS must guarantee: glusterd and the bricks log SSL on, port
24007 talks only to a certificate signed by the CA, a host without a certificate and a certificate
whose common name is not in auth.ssl-allow cannot read the volume, data written through the Docker
volume reads back, and a second run and --check change nothing.

node4 and node5 form a second pool that serves a volume without TLS to a container on docker2: the
roles refuse to turn TLS on there, and playbooks/tls_enable.yml converts it (an outage it plans in
check mode and measures). On the TLS pool, one server's certificate is renewed with the site roles.
"""
import datetime
import json
import os
import re
import shutil
import subprocess
import tempfile

import pytest
import yaml

from . import brick_data
from .safety_matrix import verify_and_record

LAB_NODES = 5
LAB_DOCKER_HOSTS = 2
SERVERS = ['node1', 'node2', 'node3']
ALLOWED = SERVERS + ['docker1']
BUSYBOX = 'glusterdock/busybox'
# Where each Debian release's GlusterFS reads glusterfs.{pem,key,ca} (10.3: OpenSSL's directory;
# 11.1: Debian's patch).
TLS_DIRECTORY = {'bookworm': '/usr/lib/ssl', 'trixie': '/etc/ssl'}
DATA_MOUNT = '/mnt/glusterfs/secure/data'


def site_variables(pki_directory):
    return {
        'gluster_tls_enabled': True,
        'gluster_tls_pki_directory': pki_directory,
        'gluster_server_brick_directories': ['/bricks'],
        'gluster_pool_members': SERVERS,
        'gluster_volumes_servers': SERVERS,
        'gluster_volumes_auth_allow_hosts': ALLOWED,
        'gluster_volumes_tls_allow': ALLOWED,
        'gluster_volumes_list': [{'name': 'secure', 'replica': 3}],
        'docker_gluster_volumes_servers': SERVERS,
        'docker_gluster_volumes_purge_check_hosts': ['docker1'],
        'docker_gluster_volumes_list': [{'name': 'secure-data', 'gluster_volume': 'secure', 'subdirectory': 'data'}],
        # Docker in a lab container cannot change IPv6 settings of its containers' interfaces.
        'docker_host_daemon_environment': {'DOCKER_ALLOW_IPV6_ON_IPV4_INTERFACE': '1'},
    }


def site_plays():
    """playbooks/site.yml's plays (without the containers), on the three pool servers."""
    servers = ':'.join(SERVERS)

    def play(hosts, role):
        return {'name': role, 'hosts': hosts, 'gather_facts': False,
                'roles': [{'role': 'glusterdock.storage.' + role}]}
    return [play(servers, 'gluster_server'), play(servers, 'gluster_pool'), play('docker1', 'docker_host'),
            play(servers, 'gluster_volumes'), play('docker1', 'docker_gluster_volumes')]


def run_playbook(lab, plays, variables, check=False, inventory=None):
    """ansible-playbook with PLAYS (a list of plays, or the path of a playbook) and VARIABLES (as extra
    vars), on INVENTORY (the lab's); returns (rc, output, {host: changed})."""
    with tempfile.TemporaryDirectory() as folder:
        playbook = plays if isinstance(plays, str) else os.path.join(folder, 'site.yml')
        extra = os.path.join(folder, 'vars.json')
        if not isinstance(plays, str):
            with open(playbook, 'w') as handle:
                yaml.safe_dump(plays, handle)
        with open(extra, 'w') as handle:
            json.dump(variables, handle)
        command = (['ansible-playbook', '-i', inventory or lab.inventory, playbook, '-e', '@' + extra]
                   + (['--check'] if check else []))
        completed = subprocess.run(command, capture_output=True, text=True, cwd=lab.root, check=False,
                                   env=dict(os.environ, ANSIBLE_NOCOLOR='1', ANSIBLE_FORCE_COLOR='0',
                                            # One docker exec per task instead of four.
                                            ANSIBLE_PIPELINING='1'))
    changed = {host: int(count) for host, count in re.findall(r'^(\S+)\s+: ok=\d+\s+changed=(\d+)', completed.stdout, re.M)}
    return completed.returncode, completed.stdout + completed.stderr, changed


def changed_tasks(output):
    """The names of the tasks that reported changed, for a failure message."""
    return re.findall(r'TASK \[([^\]]+)\][^\n]*\n(?:[^\n]*\n)*?changed: \[([^\]]+)\]', output)


@pytest.fixture(scope='module')
def pki(lab):
    """The controller's TLS directory of this lab (the CA and the issued host certificates)."""
    folder = tempfile.mkdtemp(prefix='%s-pki-' % lab.name)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope='module')
def secure_cluster(lab, pki):
    """The site roles with TLS, run once from scratch on node1-3 and docker1."""
    rc, output = run_playbook(lab, site_plays(), site_variables(pki))[:2]
    assert rc == 0, output[-6000:]
    return lab


def tls_directory(lab):
    return TLS_DIRECTORY[lab.suite]


def container_address(lab, host):
    return subprocess.run(['docker', 'inspect', '-f', '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}',
                           lab.container(host)], capture_output=True, text=True, check=True).stdout.strip()


def openssl(*args, stdin=None):
    return subprocess.run(['openssl'] + list(args), input=stdin, capture_output=True, text=True, check=False,
                          timeout=60)


def issue(folder, name, common_name, ca_certificate, ca_key, days=2):
    """A key and a certificate with COMMON_NAME valid DAYS, signed by CA (or self-signed when CA is None)."""
    key, certificate = os.path.join(folder, name + '.key'), os.path.join(folder, name + '.pem')
    request = os.path.join(folder, name + '.csr')
    assert openssl('req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-subj', '/CN=' + common_name,
                   '-out', request).returncode == 0
    signing = (['-CA', ca_certificate, '-CAkey', ca_key, '-CAcreateserial'] if ca_certificate
               else ['-signkey', key])
    result = openssl('x509', '-req', '-in', request, '-days', str(days), '-out', certificate, *signing)
    assert result.returncode == 0, result.stderr
    return key, certificate


# How long s_client keeps the connection open: glusterd refuses a client certificate after the
# handshake, so a client that hung up at once could exit 0 before the refusal arrived.
HANDSHAKE_HOLD_SECONDS = 3


def handshake(lab, pki, key=None, certificate=None):
    """openssl s_client to node1:24007 (TLS 1.2), its stdin held open HANDSHAKE_HOLD_SECONDS so
    that a refusal reaches it (a refused client exits non-zero); returns (rc, output)."""
    arguments = ['openssl', 's_client', '-connect', '%s:24007' % container_address(lab, 'node1'), '-tls1_2',
                 '-CAfile', os.path.join(pki, 'ca.pem'), '-verify_return_error']
    if certificate:
        arguments += ['-cert', certificate, '-key', key]
    client = subprocess.Popen(arguments, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True)
    try:
        client.wait(timeout=HANDSHAKE_HOLD_SECONDS)
    except subprocess.TimeoutExpired:
        pass  # still connected after the hold: communicate() closes stdin, which hangs up
    output, _unused = client.communicate(timeout=60)
    return client.returncode, output


def cannot_read(lab, point, name):
    """Mount the volume at POINT on docker1 and try to read NAME; True when the read failed. The
    mount point is a fresh empty directory, so a failed mount cannot show a file."""
    result = lab.sh('docker1', 'mkdir -p {p} && timeout 90 mount -t glusterfs node1:/secure {p}; '
                               'timeout 60 cat {p}/data/{n} >/dev/null'.format(p=point, n=name), check=False)
    lab.unmount('docker1', point)
    lab.sh('docker1', 'rmdir %s' % point, check=False)
    return result.returncode != 0


def write_through_docker_volume(lab, name, count=20):
    """COUNT files written by a container into the Docker volume secure-data; their checksums as
    read back through docker1's mount ('md5  ./path' lines)."""
    script = ('mkdir -p /data/{n} && for i in $(seq 1 {c}); do head -c $((i * 3001)) /dev/urandom > /data/{n}/f$i; done'
              .format(n=name, c=count))
    lab.sh('docker1', "docker run --rm -v secure-data:/data %s sh -c '%s'" % (BUSYBOX, script))
    return brick_data.checksums(lab, 'docker1', DATA_MOUNT + '/' + name)


def test_site_from_scratch_encrypts_management_and_io(secure_cluster):
    lab = secure_cluster
    directory = tls_directory(lab)
    for host in SERVERS + ['docker1']:
        assert lab.sh(host, 'test -e /var/lib/glusterd/secure-access', check=False).returncode == 0, host
        modes = lab.sh(host, 'stat -c "%%n %%a" %s/glusterfs.ca %s/glusterfs.pem %s/glusterfs.key'
                       % (directory, directory, directory)).stdout.split()
        assert modes == ['%s/glusterfs.ca' % directory, '644', '%s/glusterfs.pem' % directory, '644',
                         '%s/glusterfs.key' % directory, '600'], host
        subject = lab.sh(host, 'python3 -c "import ssl,sys; print(ssl._ssl._test_decode_cert(sys.argv[1])[\'subject\'])" '
                               '%s/glusterfs.pem' % directory).stdout
        assert "('commonName', '%s')" % host in subject, subject
    # glusterd's own listener and the bricks' both log it when they start.
    glusterd_log = lab.sh('node1', 'cat /var/log/glusterfs/glusterd.log').stdout
    assert 'SSL support for MGMT is ENABLED' in glusterd_log, glusterd_log[-3000:]
    brick_log = lab.sh('node1', 'cat /var/log/glusterfs/bricks/bricks-secure-brick1.log').stdout
    assert 'SSL support for MGMT is ENABLED IO path is ENABLED' in brick_log, brick_log[-3000:]
    options = lab.gluster('node1', 'volume', 'info', 'secure')
    assert 'client.ssl: on' in options and 'server.ssl: on' in options, options
    assert 'auth.ssl-allow: %s' % ','.join(ALLOWED) in options, options
    assert lab.gluster('node1', 'pool', 'list').count('Connected') == 3
    assert ' /mnt/glusterfs/secure fuse.glusterfs ' in lab.sh('docker1', 'cat /proc/mounts').stdout


def test_port_24007_talks_only_to_a_certificate_signed_by_the_ca(secure_cluster, pki):
    lab = secure_cluster
    with tempfile.TemporaryDirectory() as folder:
        signed = issue(folder, 'signed', 'docker1', os.path.join(pki, 'ca.pem'), os.path.join(pki, 'ca.key'))
        stranger = issue(folder, 'stranger', 'docker1', None, None)
        without = handshake(lab, pki)
        with_signed = handshake(lab, pki, *signed)
        with_stranger = handshake(lab, pki, *stranger)
    assert with_signed[0] == 0 and 'Verify return code: 0 (ok)' in with_signed[1], with_signed[1][-2000:]
    assert without[0] != 0, without[1][-2000:]
    assert with_stranger[0] != 0, with_stranger[1][-2000:]


def test_a_host_without_a_certificate_cannot_read_the_volume(secure_cluster):
    lab = secure_cluster
    directory = tls_directory(lab)
    write_through_docker_volume(lab, 'nocert', count=1)
    files = '/var/lib/glusterd/secure-access %s/glusterfs.pem %s/glusterfs.key' % (directory, directory)
    try:
        # Without its certificate, with management encryption still on, and then as a plain client.
        lab.sh('docker1', 'for f in %s; do cp -p $f $f.saved; done; rm %s/glusterfs.pem %s/glusterfs.key'
               % (files, directory, directory))
        assert cannot_read(lab, '/mnt/nocert', 'nocert/f1')
        lab.sh('docker1', 'rm /var/lib/glusterd/secure-access')
        assert cannot_read(lab, '/mnt/plain', 'nocert/f1')
    finally:
        lab.sh('docker1', 'for f in %s; do mv -f $f.saved $f; done' % files)
    # The same host with its certificate back reads it.
    assert not cannot_read(lab, '/mnt/withcert', 'nocert/f1')


def test_a_certificate_whose_common_name_is_not_allowed_cannot_read_the_volume(secure_cluster, pki):
    lab = secure_cluster
    directory = tls_directory(lab)
    write_through_docker_volume(lab, 'intruder', count=1)
    with tempfile.TemporaryDirectory() as folder:
        key, certificate = issue(folder, 'intruder', 'intruder', os.path.join(pki, 'ca.pem'), os.path.join(pki, 'ca.key'))
        try:
            lab.sh('docker1', 'cp -p {d}/glusterfs.pem {d}/glusterfs.pem.saved && cp -p {d}/glusterfs.key {d}/glusterfs.key.saved'
                   .format(d=directory))
            subprocess.run(['docker', 'cp', certificate, '%s:%s/glusterfs.pem' % (lab.container('docker1'), directory)], check=True)
            subprocess.run(['docker', 'cp', key, '%s:%s/glusterfs.key' % (lab.container('docker1'), directory)], check=True)
            assert cannot_read(lab, '/mnt/intruder', 'intruder/f1')
        finally:
            lab.sh('docker1', 'mv -f {d}/glusterfs.pem.saved {d}/glusterfs.pem && mv -f {d}/glusterfs.key.saved {d}/glusterfs.key'
                   .format(d=directory))
    # auth.ssl-allow turned it away at the bricks: management (any certificate of the CA) let it in.
    client_log = lab.sh('docker1', 'cat /var/log/glusterfs/mnt-intruder.log').stdout
    assert 'SETVOLUME on remote-host failed' in client_log and 'Authentication failed' in client_log, client_log[-3000:]


def not_after(pem):
    """notAfter of a PEM certificate, as openssl reads it (an aware UTC datetime)."""
    result = openssl('x509', '-noout', '-enddate', stdin=pem)
    assert result.returncode == 0, result.stderr
    text = result.stdout.strip().split('=', 1)[1]
    return datetime.datetime.strptime(text, '%b %d %H:%M:%S %Y %Z').replace(tzinfo=datetime.timezone.utc)


def test_gluster_info_reports_the_certificates_expiry_and_a_problem_when_it_is_near(secure_cluster, pki):
    lab = secure_cluster
    directory = tls_directory(lab)
    lab.reset_call_log()
    # The peers and the TLS files: what other tests of this lab leave behind in volumes is not this test's.
    result = lab.run_module('node1', 'glusterdock.storage.gluster_info', {'gather_subset': ['pool', 'tls']})
    assert not result.get('failed'), result.get('msg')
    assert result['healthy'] and result['problems'] == [], result['problems']
    # Reading the certificates adds no gluster call: pool list and volume get all all.
    assert result['gathered'] == ['pool', 'tls'] and len(lab.call_log('node1')) == result['calls'] == 2
    tls = result['tls']
    assert (tls['enabled'], tls['management'], tls['node'], tls['directory'], tls['private_key_present']) == (
        True, True, 'node1', directory, True)
    for key, name, subject in (('certificate', 'glusterfs.pem', 'node1'), ('ca', 'glusterfs.ca', 'glusterdock GlusterFS CA')):
        issued = not_after(lab.sh('node1', 'cat %s/%s' % (directory, name)).stdout)
        days = (issued - datetime.datetime.now(datetime.timezone.utc)).days
        entry = tls[key]
        assert (entry['path'], entry['subject'], entry['issuer'], entry['not_after'], entry['expired']) == (
            '%s/%s' % (directory, name), subject, 'glusterdock GlusterFS CA', issued.strftime('%Y-%m-%dT%H:%M:%SZ'),
            False), entry
        assert days <= entry['days_left'] <= days + 1 and entry['days_left'] > 3000, (entry, days)

    # A certificate of the lab's CA valid 5 days, in a directory of its own (glusterd keeps its own).
    with tempfile.TemporaryDirectory() as folder:
        key, certificate = issue(folder, 'expiring', 'node1', os.path.join(pki, 'ca.pem'), os.path.join(pki, 'ca.key'),
                                 days=5)
        with open(certificate) as handle:
            ends = not_after(handle.read())
        lab.sh('node1', 'rm -rf /tmp/tls-expiring && mkdir /tmp/tls-expiring && cp %s/glusterfs.ca /tmp/tls-expiring/'
               % directory)
        # Through the container's shell: on Debian 13 its /tmp is a tmpfs that docker cp does not see.
        for source, name in ((certificate, 'glusterfs.pem'), (key, 'glusterfs.key')):
            with open(source) as handle:
                lab.sh('node1', 'cat > /tmp/tls-expiring/%s' % name, stdin=handle.read())
    result = lab.run_module('node1', 'glusterdock.storage.gluster_info',
                            {'gather_subset': ['tls'], 'tls_directory': '/tmp/tls-expiring'})
    assert not result.get('failed'), result.get('msg')
    assert result['calls'] == 0 and result['tls']['certificate']['days_left'] == 4
    assert not result['healthy']
    assert result['problems'] == ['TLS certificate /tmp/tls-expiring/glusterfs.pem of node1 expires in 4 days (%s)'
                                  % ends.date().isoformat()]
    # The warning threshold is the user's: under 4 days nothing is due yet.
    result = lab.run_module('node1', 'glusterdock.storage.gluster_info',
                            {'gather_subset': ['tls'], 'tls_directory': '/tmp/tls-expiring', 'tls_expiry_warning_days': 4})
    assert result['healthy'], result['problems']
    lab.sh('node1', 'rm -rf /tmp/tls-expiring')


def test_data_written_through_the_docker_volume_reads_back_over_tls(secure_cluster):
    lab = secure_cluster
    sums = write_through_docker_volume(lab, 'checked', count=40)
    assert len(sums) == 40
    verify_and_record(lab, 'secure', sums, 'TLS on a new cluster (site roles), files written by a container',
                      'replica 3', 'none', 'done, read back over TLS', subdirectory='data/checked')


def test_a_second_run_and_check_mode_change_nothing(secure_cluster, pki):
    lab = secure_cluster
    rc, output, changed = run_playbook(lab, site_plays(), site_variables(pki))
    assert rc == 0, output[-6000:]
    assert changed and set(changed.values()) == {0}, (changed, changed_tasks(output))
    before = lab.gluster('node1', 'volume', 'info', '--xml')
    started = {host: lab.sh(host, 'systemctl show --property=ExecMainStartTimestamp --value glusterd').stdout
               for host in SERVERS}
    rc, output, changed = run_playbook(lab, site_plays(), site_variables(pki), check=True)
    assert rc == 0, output[-6000:]
    assert changed and set(changed.values()) == {0}, (changed, changed_tasks(output))
    assert lab.gluster('node1', 'volume', 'info', '--xml') == before
    assert {host: lab.sh(host, 'systemctl show --property=ExecMainStartTimestamp --value glusterd').stdout
            for host in SERVERS} == started


def test_a_started_volume_is_not_switched_to_tls(secure_cluster, pki):
    lab = secure_cluster
    # Made by hand in the TLS pool, started without TLS: the role must not switch it while started.
    if 'plainvol' not in lab.gluster('node1', 'volume', 'list'):
        lab.sh('node1', 'mkdir -p /bricks/plainvol')
        lab.gluster('node1', 'volume', 'create', 'plainvol', 'node1:/bricks/plainvol/brick1')
        lab.gluster('node1', 'volume', 'start', 'plainvol')
    before = lab.gluster('node1', 'volume', 'info', '--xml')
    lab.reset_call_log()
    variables = dict(site_variables(pki), gluster_volumes_list=[{'name': 'secure', 'replica': 3},
                                                                {'name': 'plainvol', 'bricks': ['node1:/bricks/plainvol/brick1']}])
    play = {'hosts': ':'.join(SERVERS), 'gather_facts': False, 'roles': [{'role': 'glusterdock.storage.gluster_volumes'}]}
    rc, output = run_playbook(lab, [play], variables)[:2]
    assert rc != 0
    assert ('gluster_tls_enabled: plainvol (client.ssl, server.ssl) would be switched to TLS while started.'
            in output), output[-4000:]
    assert lab.gluster('node1', 'volume', 'info', '--xml') == before
    assert [call for node in SERVERS for call in lab.call_log(node)] == ['--mode=script volume info --xml']


def test_renewing_one_servers_certificate_restarts_nothing_and_glusterd_serves_it(secure_cluster, pki):
    lab = secure_cluster
    directory = tls_directory(lab)
    sums = [line.replace('  ./', '  ./renewal/') for line in write_through_docker_volume(lab, 'renewal', count=30)]
    started = {host: lab.sh(host, 'systemctl show --property=MainPID --value glusterd').stdout.strip() for host in SERVERS}
    # Same key, same CA, another lifetime: the new notAfter tells the new certificate apart.
    variables = dict(site_variables(pki), gluster_tls_renew=['node2'], gluster_tls_certificate_days=400)
    renewed_at = datetime.datetime.now(datetime.timezone.utc)
    # The servers' role of the site playbook (the one that installs their certificates).
    rc, output = run_playbook(lab, site_plays()[:1], variables)[:2]
    assert rc == 0, output[-6000:]
    # glusterd and the bricks read the certificate files for every new connection: nothing restarts.
    after = {host: lab.sh(host, 'systemctl show --property=MainPID --value glusterd').stdout.strip() for host in SERVERS}
    assert after == started
    result = lab.run_module('node2', 'glusterdock.storage.gluster_info', {'gather_subset': ['tls']})
    certificate = result['tls']['certificate']
    assert certificate['days_left'] in (399, 400), certificate
    assert certificate['not_after'] == not_after(lab.sh('node2', 'cat %s/glusterfs.pem' % directory).stdout).strftime(
        '%Y-%m-%dT%H:%M:%SZ')
    assert not_after(lab.sh('node2', 'cat %s/glusterfs.pem' % directory).stdout) > renewed_at + datetime.timedelta(days=399)
    # glusterd of node2 serves the new certificate to a new connection.
    served = subprocess.run(['openssl', 's_client', '-connect', '%s:24007' % container_address(lab, 'node2'), '-tls1_2',
                             '-cert', os.path.join(pki, 'hosts', 'docker1.pem'),
                             '-key', os.path.join(pki, 'hosts', 'docker1.key')],
                            input='', capture_output=True, text=True, timeout=60, check=False).stdout
    assert not_after(served) == not_after(lab.sh('node2', 'cat %s/glusterfs.pem' % directory).stdout)
    # The Docker host's mount kept serving: a container writes through it after the renewal.
    sums += [line.replace('  ./', '  ./renewal-after/') for line in write_through_docker_volume(lab, 'renewal-after', count=5)]
    assert lab.gluster('node1', 'pool', 'list').count('Connected') == 3
    verify_and_record(lab, 'secure', sorted(sums), "renew one server's certificate (site roles, gluster_tls_renew)",
                      'replica 3', 'none', 'done, nothing restarted, new certificate served', subdirectory='data')


# The second pool, without TLS: node4 and node5 (a replica 2 volume), and a container on docker2.
PLAIN_SERVERS = ['node4', 'node5']
PLAIN_MOUNT = '/mnt/glusterfs/plain'


def plain_inventory(lab, folder, unreachable=False):
    """An inventory of the second pool: gluster_servers node4, node5; docker_hosts docker2 (and node9,
    a container that does not exist, when UNREACHABLE)."""
    def hosts(names):
        return {name: {'ansible_host': lab.container(name)} for name in names}
    servers = hosts(PLAIN_SERVERS + (['node9'] if unreachable else []))
    inventory = {'all': {'vars': {'ansible_connection': 'community.docker.docker',
                                  'ansible_python_interpreter': '/usr/bin/python3', 'ansible_become': False},
                         'children': {'gluster_servers': {'hosts': servers},
                                      'docker_hosts': {'hosts': hosts(['docker2'])}}}}
    path = os.path.join(folder, 'plain-inventory%s.yml' % ('-unreachable' if unreachable else ''))
    with open(path, 'w') as handle:
        yaml.safe_dump(inventory, handle)
    return path


def plain_pool(lab):
    """node4 + node5 serving the replica 2 volume 'plain' without TLS, mounted on docker2 with the
    Docker volume plain-data used by the running container plainapp; returns checksums of files it wrote."""
    lab.gluster('node4', 'peer', 'probe', 'node5')
    lab.sh('node4', 'for i in $(seq 1 60); do gluster.real peer status | grep -q "Peer in Cluster (Connected)" && exit 0; '
                    'sleep 1; done; exit 1')
    lab.sh('node4', 'mkdir -p /bricks/plain')
    lab.sh('node5', 'mkdir -p /bricks/plain')
    # replica 2: this test's own setup; the modules would ask for an arbiter.
    lab.gluster('node4', 'volume', 'create', 'plain', 'replica', '2', 'node4:/bricks/plain/b', 'node5:/bricks/plain/b')
    lab.gluster('node4', 'volume', 'start', 'plain')
    result = lab.run_module('docker2', 'glusterdock.storage.docker_gluster_volume', {
        'name': 'plain-data', 'gluster_volume': 'plain', 'servers': PLAIN_SERVERS, 'mount_point': PLAIN_MOUNT,
        'subdirectory': 'data'})
    assert not result.get('failed'), result.get('msg')
    # No network: Docker in a Debian 13 lab container cannot set up its IPv6 (docker_host sets what it
    # needs on docker1; docker2 is set up by hand).
    lab.sh('docker2', 'docker run -d --network none --name plainapp -v plain-data:/data %s sleep 100000' % BUSYBOX)
    lab.sh('docker2', "docker exec plainapp sh -c 'mkdir -p /data/before && for i in $(seq 1 30); do "
                      "head -c $((i * 2003)) /dev/urandom > /data/before/f$i; done'")
    return brick_data.checksums(lab, 'docker2', PLAIN_MOUNT + '/data')


def plain_state(lab):
    """What must not change when tls_enable refuses or runs in check mode."""
    return {'info': lab.gluster('node4', 'volume', 'info', '--xml'),
            'files': [lab.sh(host, 'ls /var/lib/glusterd/secure-access %s/glusterfs.pem 2>/dev/null; true'
                             % tls_directory(lab)).stdout for host in PLAIN_SERVERS + ['docker2']],
            'glusterd': [lab.sh(host, 'systemctl show --property=MainPID --value glusterd').stdout for host in PLAIN_SERVERS],
            'container': lab.sh('docker2', 'docker inspect -f "{{.State.Pid}}" plainapp').stdout,
            'mount': ' %s fuse.glusterfs ' % PLAIN_MOUNT in lab.sh('docker2', 'cat /proc/mounts').stdout}


def test_a_running_cluster_is_switched_to_tls_by_the_playbook_with_a_planned_outage(lab, pki):
    sums = plain_pool(lab)
    playbook = os.path.join(lab.root, 'playbooks', 'tls_enable.yml')
    variables = {'gluster_tls_pki_directory': pki}
    directory = tls_directory(lab)
    before = plain_state(lab)
    assert before['mount'] and before['files'] == ['', '', '']
    lab.reset_call_log()

    # The site roles refuse, before any change, and point to the playbook.
    play = {'hosts': 'node4', 'gather_facts': False, 'roles': [{'role': 'glusterdock.storage.gluster_server'}]}
    rc, output = run_playbook(lab, [play], site_variables(pki))[:2]
    assert rc != 0
    assert 'node4 already runs GlusterFS without TLS (peers/' in output, output[-4000:]
    assert 'To convert a running cluster, run playbooks/tls_enable.yml' in output
    assert not os.path.exists(os.path.join(pki, 'hosts', 'node4.key'))

    with tempfile.TemporaryDirectory() as folder:
        # A host that does not answer: refused before anything is read or changed.
        rc, output = run_playbook(lab, playbook, variables, inventory=plain_inventory(lab, folder, unreachable=True))[:2]
        assert rc != 0
        assert 'tls_enable: node9 did not answer.' in output and 'Nothing was changed.' in output, output[-4000:]
        assert plain_state(lab) == before
        assert [call for host in PLAIN_SERVERS for call in lab.call_log(host)] == []

        inventory = plain_inventory(lab, folder)
        # A brick down: refused (every brick stops; one that missed writes would lose them).
        lab.sh('node5', 'kill $(cat /var/run/gluster/vols/plain/node5-bricks-plain-b.pid)')
        lab.sh('node4', 'for i in $(seq 1 60); do gluster.real volume status plain node5:/bricks/plain/b | grep -q " N " '
                        '&& exit 0; sleep 1; done; exit 1')
        rc, output = run_playbook(lab, playbook, variables, inventory=inventory)[:2]
        assert rc != 0
        assert 'tls_enable: the pool is not whole (brick node5:/bricks/plain/b of volume plain offline' in output, output[-4000:]
        assert [call for call in lab.call_log('node4') + lab.call_log('node5')
                if not re.search(r' (info|status|list|get|heal \S+ info)\b', call)] == []
        # Back as it was (this test's own repair of the brick it killed).
        lab.gluster('node4', 'volume', 'start', 'plain', 'force')
        lab.sh('node4', 'for i in $(seq 1 60); do gluster.real volume status plain node5:/bricks/plain/b | grep -q " Y " '
                        '&& exit 0; sleep 1; done; exit 1')
        before = plain_state(lab)

        # A started distribute volume nothing mounts: once every mount is gone glusterd cannot list
        # its clients, so stopping it needs the opt-in; refused before the outage, not in it.
        lab.sh('node4', 'mkdir -p /bricks/idle')
        lab.gluster('node4', 'volume', 'create', 'idle', 'node4:/bricks/idle/b')
        lab.gluster('node4', 'volume', 'start', 'idle')
        lab.reset_call_log()
        rc, output = run_playbook(lab, playbook, variables, inventory=inventory)[:2]
        assert rc != 0
        assert ('tls_enable: glusterd cannot list the clients of idle once this run has unmounted them' in output
                and 'set tls_enable_allow_stop_with_clients: true' in output), output[-4000:]
        assert [call for call in lab.call_log('node4') + lab.call_log('node5')
                if not re.search(r' (info|status|list|get|heal \S+ info)\b', call)] == []
        assert {key: value for key, value in plain_state(lab).items() if key != 'info'} == {
            key: value for key, value in before.items() if key != 'info'}
        lab.gluster('node4', 'volume', 'stop', 'idle')
        lab.gluster('node4', 'volume', 'delete', 'idle')

        # Check mode: the plan, and nothing changed.
        rc, output, changed = run_playbook(lab, playbook, variables, check=True, inventory=inventory)
        assert rc == 0, output[-6000:]
        assert re.search(r'Containers to stop and start again: [^\n]*docker2[^\n]*plainapp', output), output[-6000:]
        assert "Volumes to stop, switch to TLS and start: ['plain']" in output, output[-6000:]
        assert '/mnt/glusterfs/plain' in output and 'glusterd restarted at once on: node4, node5' in output
        assert plain_state(lab) == before

        # The run: measured from the first container stopped to the last one started.
        rc, output, changed = run_playbook(lab, playbook, variables, inventory=inventory)
        assert rc == 0, output[-8000:]
        outage = re.search(r'Outage: ([0-9.]+) s from the first container stopped', output)
        assert outage, output[-6000:]
        print('tls_enable outage: %s s' % outage.group(1))
        for host in PLAIN_SERVERS + ['docker2']:
            assert lab.sh(host, 'test -e /var/lib/glusterd/secure-access && test -e %s/glusterfs.key && '
                                'test ! -e /var/lib/glusterdock/tls-enable.json' % directory, check=False).returncode == 0, host
        options = lab.gluster('node4', 'volume', 'info', 'plain')
        assert 'client.ssl: on' in options and 'server.ssl: on' in options and 'Started' in options, options
        assert 'auth.ssl-allow: node4,node5,docker2' in options, options
        brick_log = lab.sh('node5', 'cat /var/log/glusterfs/bricks/bricks-plain-b.log').stdout
        assert 'SSL support for MGMT is ENABLED IO path is ENABLED' in brick_log, brick_log[-3000:]
        assert lab.sh('docker2', 'docker inspect -f "{{.State.Running}}" plainapp').stdout.strip() == 'true'
        # The container writes through its volume again, over TLS.
        lab.sh('docker2', "docker exec plainapp sh -c 'mkdir -p /data/after && echo after > /data/after/f'")

        # A second run finds nothing to do.
        rc, output, changed = run_playbook(lab, playbook, variables, inventory=inventory)
        assert rc == 0, output[-6000:]
        assert changed and set(changed.values()) == {0}, (changed, changed_tasks(output))
        assert 'nothing to do, TLS is on' in output
    verify_and_record(lab, 'plain', sums, 'turn TLS on for a running cluster (playbooks/tls_enable.yml)',
                      'replica 2, a container on a Docker host', 'none', 'done, outage %s s, read back over TLS'
                      % round(float(outage.group(1))), node='node4', subdirectory='data', server='node4')
