# -*- coding: utf-8 -*-
# Copyright: glusterdock developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters that turn gluster_info's result (and the health playbook's mount checks) into what a
person reads in five seconds, a table, and what a monitoring system reads, Prometheus metrics in
node_exporter's textfile format."""

from __future__ import annotations

import datetime

from ansible.errors import AnsibleFilterError

TABLE_COLUMNS = ('volume', 'type', 'status', 'bricks', 'heal', 'split-brain', 'fullest brick', 'clients',
                 'live mounts')


def _volumes(info):
    if not isinstance(info, dict) or 'healthy' not in info:
        raise AnsibleFilterError('expected the registered result of glusterdock.storage.gluster_info, got %r'
                                 % (str(info)[:200],))
    return info.get('volumes') or []


def _hosts(mounts):
    """[(host, [mount] or None)] from the mount checks: a list of {host, mounts}, or a mapping of
    host -> mounts as the health playbook builds it. None: the host was not checked (unreachable,
    or its check failed)."""
    if isinstance(mounts, dict):
        items = sorted(mounts.items())
    else:
        items = [(host['host'], host.get('mounts')) for host in mounts or ()]
    return [(host, checked if isinstance(checked, list) else None) for host, checked in items]


def _mounts_by_volume(mounts):
    """volume -> (live, total) over every Docker host's mount checks."""
    counted = {}
    for _host, checked in _hosts(mounts):
        for mount in checked or ():
            live, total = counted.get(mount['volume'], (0, 0))
            counted[mount['volume']] = (live + (1 if mount.get('live') else 0), total + 1)
    return counted


def mount_checks(results):
    """[{volume, point, live, hung, error}] from the health playbook's loop of ``timeout
    --kill-after=5 20 stat`` over ``findmnt --raw --output TARGET,SOURCE`` lines (SOURCE is
    server:/volume[/subdirectory]). hung: the stat did not answer in time (timeout's 124, or 137
    when it had to be killed)."""
    checks = []
    for result in results or ():
        point, _space, source = str(result['item']).partition(' ')
        volume = source.partition(':')[2].lstrip('/').split('/')[0]
        error = (result.get('stderr') or '').strip().rpartition(': ')[2]
        hung = result.get('rc') in (124, 137)
        if hung:
            error = 'no answer within 20 s (hung FUSE client)'
        checks.append({'volume': volume, 'point': point, 'live': result.get('rc') == 0, 'hung': hung,
                       'error': '' if result.get('rc') == 0 else error or 'exit code %s' % result.get('rc')})
    return checks


def mount_problems(mounts):
    """One sentence per dead or hung GlusterFS mount on a Docker host, and per host not checked."""
    problems = []
    for host, checked in _hosts(mounts):
        if checked is None:
            problems.append('%s: its mounts could not be checked (host unreachable or the check failed)' % host)
        for mount in checked or ():
            if mount.get('hung'):
                problems.append('%s: mount %s of volume %s does not answer within 20 s (hung FUSE client)'
                                % (host, mount['point'], mount['volume']))
            elif not mount.get('live'):
                problems.append('%s: mount %s of volume %s is dead (%s)'
                                % (host, mount['point'], mount['volume'], mount.get('error') or 'no answer'))
    return problems


def _fullest(volume):
    bricks = [brick for brick in volume.get('bricks', ()) if brick.get('used_percent') is not None]
    if not bricks:
        return '-'
    brick = max(bricks, key=lambda brick: brick['used_percent'])
    return '%d%% %s' % (brick['used_percent'], brick['name'])


def gluster_health_table(info, mounts=None):
    """Lines of a fixed-width table, one row per volume, then the verdict and every problem."""
    counted = _mounts_by_volume(mounts)
    rows = []
    for volume in _volumes(info):
        heal = volume.get('heal')
        online = volume.get('bricks_online')
        live, total = counted.get(volume['name'], (0, 0))
        rows.append((
            volume['name'], volume['type'], volume['status'],
            '%s/%d' % ('-' if online is None else online, len(volume['bricks'])),
            '-' if heal is None else str(heal['pending']),
            '-' if heal is None else str(heal['split_brain']),
            _fullest(volume),
            '-' if 'clients' not in volume else str(len(volume['clients'])),
            '%d/%d' % (live, total) if total else '-',
        ))
    widths = [max([len(column)] + [len(row[index]) for row in rows]) for index, column in enumerate(TABLE_COLUMNS)]
    lines = ['  '.join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip()
             for row in [TABLE_COLUMNS] + rows]
    problems = list(info['problems']) + mount_problems(mounts)
    plural = '' if len(problems) == 1 else 's'
    lines.append('NOT HEALTHY: %d problem%s' % (len(problems), plural) if problems else 'healthy')
    lines.extend('- %s' % problem for problem in problems)
    return lines


def _label_value(value):
    return str(value).replace('\\', '\\\\').replace('\n', '\\n').replace('"', '\\"')


def _sample(name, labels, value):
    text = ','.join('%s="%s"' % (key, _label_value(labels[key])) for key in sorted(labels))
    return '%s{%s} %s' % (name, text, value) if text else '%s %s' % (name, value)


METRICS = (
    ('gluster_healthy', 'gauge', '1 when gluster_info and every Docker host mount found no problem.'),
    ('gluster_problems', 'gauge', 'Problems found (peers, bricks, heal, space, quota, mounts, failed reads).'),
    ('gluster_peer_connected', 'gauge', '1 when the peer is connected to the pool.'),
    ('gluster_volume_started', 'gauge', '1 when the volume is started.'),
    ('gluster_brick_online', 'gauge', '1 when the brick process is online.'),
    ('gluster_brick_size_bytes', 'gauge', 'Size of the brick file system.'),
    ('gluster_brick_free_bytes', 'gauge', 'Free space of the brick file system.'),
    ('gluster_brick_inodes_free', 'gauge', 'Free inodes of the brick file system.'),
    ('gluster_heal_pending_entries', 'gauge', 'Entries waiting for heal on the brick.'),
    ('gluster_split_brain_entries', 'gauge', 'Entries in split-brain in the volume.'),
    ('gluster_volume_clients', 'gauge', 'Client processes connected to the volume.'),
    ('gluster_mount_live', 'gauge', '1 when the GlusterFS mount on the Docker host answers.'),
    ('gluster_tls_certificate_expiry_timestamp_seconds', 'gauge',
     'When a TLS certificate of the node gluster_info ran on expires (notAfter, Unix time).'),
)


def _tls_certificates(tls):
    """(labels, notAfter as Unix time) of each certificate in gluster_info's ``tls`` (a file's chain too)."""
    for key in ('certificate', 'ca'):
        entry = (tls or {}).get(key) or {}
        for certificate in ([entry] if entry.get('not_after') else []) + list(entry.get('chain') or ()):
            moment = datetime.datetime.strptime(certificate['not_after'], '%Y-%m-%dT%H:%M:%SZ')
            yield ({'node': tls['node'], 'path': entry['path'], 'subject': certificate['subject'] or ''},
                   int(moment.replace(tzinfo=datetime.timezone.utc).timestamp()))


def gluster_health_metrics(info, mounts=None):
    """Prometheus text exposition format (node_exporter textfile collector)."""
    volumes = _volumes(info)
    samples = dict((name, []) for name, _kind, _help in METRICS)
    problems = list(info['problems']) + mount_problems(mounts)
    samples['gluster_healthy'].append(({}, 0 if problems else 1))
    samples['gluster_problems'].append(({}, len(problems)))
    for peer in (info.get('pool') or {}).get('peers', ()):
        samples['gluster_peer_connected'].append(({'peer': peer['hostname']}, 1 if peer['connected'] else 0))
    for volume in volumes:
        name = volume['name']
        samples['gluster_volume_started'].append(({'volume': name}, 1 if volume['status'] == 'started' else 0))
        for brick in volume['bricks']:
            labels = {'volume': name, 'brick': brick['name']}
            if 'online' in brick:
                samples['gluster_brick_online'].append((labels, 1 if brick['online'] else 0))
            for key, metric in (('size_total', 'gluster_brick_size_bytes'), ('size_free', 'gluster_brick_free_bytes'),
                                ('inodes_free', 'gluster_brick_inodes_free')):
                if brick.get(key) is not None:
                    samples[metric].append((labels, brick[key]))
            if (brick.get('heal') or {}).get('pending') is not None:
                samples['gluster_heal_pending_entries'].append((labels, brick['heal']['pending']))
        if volume.get('heal') is not None:
            samples['gluster_split_brain_entries'].append(({'volume': name}, volume['heal']['split_brain']))
        if 'clients' in volume:
            samples['gluster_volume_clients'].append(({'volume': name}, len(volume['clients'])))
    for labels, not_after in _tls_certificates(info.get('tls')):
        samples['gluster_tls_certificate_expiry_timestamp_seconds'].append((labels, not_after))
    for host, checked in _hosts(mounts):
        for mount in checked or ():
            samples['gluster_mount_live'].append(({'host': host, 'volume': mount['volume'],
                                                   'mountpoint': mount['point']}, 1 if mount.get('live') else 0))
    lines = []
    for name, kind, text in METRICS:
        if samples[name]:
            lines += ['# HELP %s %s' % (name, text), '# TYPE %s %s' % (name, kind)]
            lines += [_sample(name, labels, value) for labels, value in samples[name]]
    return '\n'.join(lines) + '\n'


class FilterModule:
    """gluster_health_table, gluster_health_metrics, gluster_mount_problems, gluster_mount_checks."""

    def filters(self):
        return {
            'gluster_health_table': gluster_health_table,
            'gluster_health_metrics': gluster_health_metrics,
            'gluster_mount_problems': mount_problems,
            'gluster_mount_checks': mount_checks,
        }
