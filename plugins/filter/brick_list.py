# -*- coding: utf-8 -*-
# Copyright: glusterdock developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The brick_list filter: bricks of a volume spread over servers, in gluster's set order."""

from __future__ import annotations

from ansible.errors import AnsibleFilterError


def brick_list(servers, brick_root, volume, per_server=1):
    """``server:brick_root/volume/brickN`` for N in 1..per_server, server-minor order.

    gluster groups consecutive bricks into replica/disperse sets, so listing every server
    once before any server twice puts the copies of one set on different servers.
    """
    if not servers or not isinstance(servers, (list, tuple)):
        raise AnsibleFilterError('brick_list needs a non-empty list of servers, got %r' % (servers,))
    if not isinstance(brick_root, str) or not brick_root.startswith('/'):
        raise AnsibleFilterError('brick_list needs an absolute brick root, got %r' % (brick_root,))
    try:
        per_server = int(per_server)
    except (TypeError, ValueError):
        raise AnsibleFilterError('brick_list: per_server must be a whole number, got %r' % (per_server,))
    if per_server < 1:
        raise AnsibleFilterError('brick_list: per_server must be at least 1, got %d' % per_server)
    root = brick_root.rstrip('/')
    return ['%s:%s/%s/brick%d' % (server, root, volume, number)
            for number in range(1, per_server + 1) for server in servers]


def brick_parent_directories(volumes, host, servers, brick_root):
    """Parent directories of the bricks that ``host`` holds, for volumes defined as the
    gluster_volumes role takes them (explicit ``bricks`` or ``bricks_per_server``).

    glusterd creates a brick's own directory but not its parents.
    """
    directories = []
    for volume in volumes or []:
        if volume.get('state', 'present') == 'absent':
            continue
        bricks = volume.get('bricks') or brick_list(servers, brick_root, volume['name'], volume.get('bricks_per_server', 1))
        for brick in bricks:
            brick_host, separator, path = brick.rpartition(':')
            parent = path.rstrip('/').rpartition('/')[0]
            if separator and brick_host == host and parent and parent not in directories:
                directories.append(parent)
    return directories


class FilterModule(object):
    """Filters of glusterdock.storage."""

    def filters(self):
        return {'brick_list': brick_list, 'brick_parent_directories': brick_parent_directories}
