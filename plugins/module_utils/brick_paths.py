# -*- coding: utf-8 -*-
# Copyright: glusterdock developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""May a local path become a brick: not a brick (or inside one) already, not on the root file
system, empty. The os calls are passed in, so the rules are unit-tested without a file system."""

from __future__ import annotations

import errno
import os

VOLUME_ID_XATTR = 'trusted.glusterfs.volume-id'
# getxattr errors that mean "no such xattr here" (ENOATTR is ENODATA on Linux).
NO_XATTR_ERRNOS = frozenset((errno.ENODATA, getattr(errno, 'ENOATTR', errno.ENODATA), errno.ENOTSUP,
                             errno.EOPNOTSUPP))


def _path_and_parents(path):
    chain = [path]
    while chain[-1] != '/':
        chain.append(os.path.dirname(chain[-1].rstrip('/')) or '/')
    return chain


def brick_path_problem(path, listdir, getxattr, stat):
    """Why ``path`` cannot become a brick through ``replace-brick``/``reset-brick ... commit
    force`` (which skip glusterd's own brick checks), or None. ``listdir``/``getxattr``/``stat``
    are os.listdir, os.getxattr and os.stat (passed in, so tests need no file system).

    Refused: the path or any parent carrying a ``trusted.glusterfs.volume-id`` xattr (it is, was,
    or lies inside a brick); the path (or, when missing, its nearest existing parent) on the root
    file system (same device as ``/``); a path that is not a directory, holds ``.glusterfs`` or is
    not empty. A missing path is fine otherwise (glusterd creates it).
    """
    nearest = None
    for candidate in _path_and_parents(path):
        try:
            info = stat(candidate)
        except FileNotFoundError:
            continue
        except NotADirectoryError:
            return '%s: a parent of it is not a directory' % path
        if nearest is None:
            nearest = (candidate, info)
        try:
            getxattr(candidate, VOLUME_ID_XATTR)
        except OSError as error:
            if error.errno in NO_XATTR_ERRNOS:
                continue
            return 'cannot read the %s xattr of %s (%s); refusing as it cannot be checked' % (
                VOLUME_ID_XATTR, candidate, error)
        if candidate == path:
            return '%s carries a %s xattr (it is or was a brick); wipe it deliberately first' % (path, VOLUME_ID_XATTR)
        return ('%s is inside %s, which carries a %s xattr (it is or was a brick); a brick inside a brick is '
                'refused' % (path, candidate, VOLUME_ID_XATTR))
    if nearest is not None and nearest[1].st_dev == stat('/').st_dev:
        return ('%s is on the root file system (%s is on the same device as /): glusterd refuses such a brick '
                'unless forced, and replace-brick/reset-brick "commit force" would skip that check; mount a '
                'file system of its own there (this module has no option to accept the root file system)'
                % (path, nearest[0]))
    try:
        entries = listdir(path)
    except FileNotFoundError:
        return None
    except NotADirectoryError:
        return '%s is not a directory' % path
    if '.glusterfs' in entries:
        return '%s holds a .glusterfs folder (it was a brick); wipe it deliberately first' % path
    if entries:
        return '%s is not empty (%s)' % (path, ', '.join(sorted(entries)[:5]))
    return None
