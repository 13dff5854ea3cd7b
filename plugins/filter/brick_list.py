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


class FilterModule(object):
    """Filters of glusterdock.storage."""

    def filters(self):
        return {'brick_list': brick_list}
