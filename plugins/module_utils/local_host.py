# -*- coding: utf-8 -*-
# Copyright: glusterdock developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The names of the node a module runs on: a brick's path can only be checked on its own node,
and ``pool list`` names the node itself only "localhost"."""

from __future__ import annotations

import functools
import socket


@functools.lru_cache(maxsize=None)
def local_host_names():
    """Names and addresses of this node, each once, the host name first (as the system spells it:
    compare them case-insensitively): the host name, short and fully qualified, and the addresses
    the host name resolves to. Looked up once per run."""
    hostname = socket.gethostname()
    fqdn = socket.getfqdn()
    names = [hostname, hostname.split('.')[0], fqdn, fqdn.split('.')[0]]
    try:
        names.extend(socket.gethostbyname_ex(hostname)[2])
    except OSError:
        pass
    return tuple(dict.fromkeys(names))
