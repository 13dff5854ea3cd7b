# -*- coding: utf-8 -*-
# Copyright: glusterdock developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""gluster_quota runs like ansible.builtin.normal, on a frozen heap (plugin_utils/frozen_heap.py says why)."""

from __future__ import annotations

from ansible_collections.glusterdock.storage.plugins.plugin_utils.frozen_heap import FrozenHeapAction as ActionModule

__all__ = ['ActionModule']
