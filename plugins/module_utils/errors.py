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


def entry_label(entry, index, name_keys=('name',)):
    """How a list form's messages name an entry of ``volumes``: ``volumes[3] (name web)``, by its
    index (from 0) and its name (the first of ``name_keys`` the entry has). See named_entry_label."""
    name = next((entry[key] for key in name_keys if key in entry), None) if isinstance(entry, dict) else None
    return named_entry_label(index, name)


def named_entry_label(index, name):
    """``volumes[INDEX] (name NAME)``, or ``volumes[INDEX]`` when NAME is no printable string. The
    index finds the entry whatever its name (a name can be a number, be listed twice or be the
    invalid value the message is about); the name is what the operator recognises."""
    if isinstance(name, str) and name and len(name) <= 255 and name.isprintable():
        return 'volumes[%d] (name %s)' % (index, name)
    return 'volumes[%d]' % index


def entry_argument_problem(label, validation, what, entry_spec):
    """What is wrong with one entry of a module's list form, as the single form's argument spec
    found it (``validation``: what ArgumentSpecValidator.validate returned), or None. ``label``
    names the entry, ``what`` is what one entry describes ('one volume')."""
    if validation.unsupported_parameters:
        return '%s: unsupported parameters: %s (an entry takes the options of %s: %s)' % (
            label, ', '.join(sorted(validation.unsupported_parameters)), what, ', '.join(sorted(entry_spec)))
    if validation.error_messages:
        return '%s: %s' % (label, '; '.join(validation.error_messages))
    return None


def entry_validations(entries, validate, label_of, what, entry_spec):
    """(label, validation, problem) of each entry of a module's list form, in order: ``validate``
    is the single form's ArgumentSpecValidator.validate, ``label_of(entry, index)`` names an entry,
    and problem is entry_argument_problem's (None for an entry the spec accepts)."""
    for index, entry in enumerate(entries):
        label = label_of(entry, index)
        validation = validate(entry)
        yield label, validation, entry_argument_problem(label, validation, what, entry_spec)
