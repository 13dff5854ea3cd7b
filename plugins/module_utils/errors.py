# -*- coding: utf-8 -*-
# Copyright: glusterdock developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The errors a module reports with fail_json, in one family.

Each error carries the module argument it is about (None when it is about the current state,
not one argument), so a module formats the message once and can name another argument (a
brick list checked under ``brick_paths_checked`` rather than ``bricks``) without editing text.
"""

from __future__ import annotations


class GlusterdockError(Exception):
    """A request refused or a task that failed, said for the operator."""

    def __init__(self, message, argument=None):
        super().__init__(message)
        self.message = message
        self.argument = argument

    def __str__(self):
        return '%s: %s' % (self.argument, self.message) if self.argument else self.message

    def about(self, argument):
        """The same error, about another argument (the same check applied to another option)."""
        return type(self)(self.message, argument)


class RequestError(GlusterdockError):
    """Bad input: raised before any gluster or Docker call."""


class StateError(GlusterdockError):
    """The request cannot be met safely from the current state: raised before any change."""
