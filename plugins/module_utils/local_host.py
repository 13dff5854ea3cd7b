# -*- coding: utf-8 -*-
# Copyright: glusterdock developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The names of the node a module runs on, for deciding whether a brick is on this node (its
path can only be checked here)."""

from __future__ import annotations

import socket


def local_host_names():
    """Names and addresses of this node, lower case: host name, short and fully qualified, and the
    addresses the host name resolves to."""
    names = set([socket.gethostname(), socket.getfqdn()])
    names.update(name.split('.')[0] for name in list(names))
    try:
        names.update(socket.gethostbyname_ex(socket.gethostname())[2])
    except OSError:
        pass
    return set(name.lower() for name in names)
