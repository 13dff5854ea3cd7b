# -*- coding: utf-8 -*-
# Copyright: glusterdock developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The attributes every module of the collection shares: each module gives its own support and
details, these give the descriptions (and, for the gluster modules, the platform and the group)."""

from __future__ import annotations


class ModuleDocFragment(object):

    DOCUMENTATION = r'''
options: {}
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
'''

    # The gluster modules: they run the gluster CLI on the node, in the module group.
    GLUSTER = r'''
options: {}
requirements:
  - GlusterFS 10 or newer, with glusterd running on the node the task runs on.
attributes:
  platform:
    description: Target OS/families that can be operated against.
    support: N/A
    platforms: posix
  action_group:
    description: Use C(group/glusterdock.storage.gluster) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - glusterdock.storage.gluster
'''
