# -*- coding: utf-8 -*-
# Copyright: glusterdock developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The strict type check of a role's variables against its meta/argument_specs.yml.

Ansible validates a role's variables against its argument spec when the role starts, but converts
only its own copy: the role goes on with the value as given. A ``type: bool`` option set to the
string "no" passes, and Jinja then takes the non-empty string for true (a purge or an allow flag
would act as yes); a ``type: list`` option set to "a,b" passes (split on commas), and the role then
iterates over the letters. Here every value must already be of its declared type, as the role uses
it; each problem names the variable's path and how to write it.
"""

from __future__ import annotations

import json

# Ansible's default type when a spec gives none.
DEFAULT_TYPE = 'str'

# How a value of each type is named in a message, and what the option wants instead.
WANTED = {
    'bool': 'true or false',
    'int': 'a whole number',
    'float': 'a number',
    'list': 'a list',
    'dict': 'a dictionary',
    'str': 'a string',
    'path': 'a path (a string)',
}

# Strings that read as a boolean (Ansible's own spellings), for the hint of what was meant.
TRUE_STRINGS = ('yes', 'on', 'true', 'y', 't', '1')
FALSE_STRINGS = ('no', 'off', 'false', 'n', 'f', '0')

# A value shown in a message is cut to this many characters.
SHOWN_LENGTH = 60


def argument_type_problems(options, values):
    """Every problem of ``values`` (variable name -> its templated value; only the variables that are
    defined) against ``options`` (the ``options`` of one entry point of meta/argument_specs.yml), in
    the order of the spec: a list of messages, empty when every value has its declared type.

    A bool must be a real boolean, an int a real integer (not a string of digits), a float a number,
    a list a real list, a dict a real dictionary, a str or path a string or a number; a raw option
    takes anything. The elements of a list and the keys of a dictionary that the spec declares
    (``elements``, nested ``options``) are checked the same way, down to any depth.
    """
    problems = []
    for name, option in options.items():
        if name in values:
            _check(name, values[name], option or {}, problems, variable=name)
    return problems


def _check(path, value, option, problems, variable=None):
    """Append the problems of ``value`` at ``path``; ``variable`` is set for a top-level variable,
    the one kind that can come from an extra var (``-e name=value``, always a string)."""
    kind = option.get('type') or DEFAULT_TYPE
    problem = _type_problem(kind, value)
    if problem:
        problems.append(_message(path, value, kind, problem, variable, option.get('no_log', False)))
        return
    nested = option.get('options') or {}
    if kind == 'list' and option.get('elements'):
        element = {'type': option['elements'], 'options': nested, 'no_log': option.get('no_log', False)}
        for index, item in enumerate(value):
            _check('%s[%d]' % (path, index), item, element, problems)
    elif kind == 'dict' and nested:
        for key, key_option in nested.items():
            if key in value:
                _check('%s.%s' % (path, key), value[key], key_option or {}, problems)


def _type_problem(kind, value):
    """Why ``value`` is not of type ``kind``, or None when it is (or the type is one not checked)."""
    if kind not in WANTED:
        # raw takes anything; Ansible's rarer types (bytes, bits, json, jsonarg, sid) are not used here.
        return None
    if value is None:
        if kind in ('str', 'path'):
            return None
        return 'null'
    if kind == 'bool':
        return None if isinstance(value, bool) else 'wrong type'
    if isinstance(value, bool):
        # A bool is an int to Python, and YAML reads unquoted yes, no, on and off as booleans.
        return 'wrong type'
    if kind == 'int':
        return None if isinstance(value, int) else 'wrong type'
    if kind == 'float':
        return None if isinstance(value, (int, float)) else 'wrong type'
    if kind == 'list':
        return None if isinstance(value, list) else 'wrong type'
    if kind == 'dict':
        return None if isinstance(value, dict) else 'wrong type'
    # str and path: a number is taken (an owner 1000, a port 8080), a list or dictionary is not.
    return None if isinstance(value, (str, int, float)) else 'wrong type'


def _message(path, value, kind, problem, variable, secret):
    if problem == 'null':
        return '%s: is null (empty); give %s, or leave it out for the default' % (path, WANTED[kind])
    described = _describe(value, secret)
    if kind == 'bool' and isinstance(value, str):
        text = '%s: %s is a string; write true or false without quotes' % (path, described)
        meant = _boolean_meant(value)
        return text + _extra_var_hint(variable, False if meant is None else meant)
    if kind == 'bool' and isinstance(value, (int, float)):
        return '%s: %s is a number; write true or false' % (path, described)
    if kind in ('int', 'float') and isinstance(value, str):
        text = '%s: %s is a string; write the number without quotes' % (path, described)
        return text + _extra_var_hint(variable, _number_meant(value, kind))
    if kind == 'int' and isinstance(value, float):
        return '%s: %s is not a whole number' % (path, described)
    if kind == 'list' and isinstance(value, str):
        text = '%s: %s is a string, not a list; write a YAML list' % (path, described)
        items = [item.strip() for item in value.split(',') if item.strip()]
        return text + _extra_var_hint(variable, items)
    if kind in ('str', 'path') and isinstance(value, bool):
        return ('%s: %s is a boolean, not a string; quote it (YAML reads unquoted yes, no, on, off, true and false '
                'as booleans)' % (path, described))
    return '%s: %s is %s, not %s' % (path, described, _kind_of(value), WANTED[kind])


def _describe(value, secret):
    """The value as a message shows it: a string quoted, a number or boolean as YAML writes it, a
    container by its kind only (it may be long, or hold secrets); nothing of a no_log option."""
    if secret or isinstance(value, (list, dict)):
        return 'the value'
    if isinstance(value, bool):
        return 'true' if value else 'false'
    if isinstance(value, str):
        shown = json.dumps(value)
        return shown if len(shown) <= SHOWN_LENGTH else shown[:SHOWN_LENGTH - 4] + '..."'
    return str(value)


def _kind_of(value):
    if isinstance(value, bool):
        return 'a boolean'
    if isinstance(value, (int, float)):
        return 'a number'
    if isinstance(value, str):
        return 'a string'
    if isinstance(value, list):
        return 'a list'
    if isinstance(value, dict):
        return 'a dictionary'
    return 'a %s' % type(value).__name__


def _boolean_meant(text):
    word = text.strip().lower()
    if word in TRUE_STRINGS:
        return True
    if word in FALSE_STRINGS:
        return False
    return None


def _number_meant(text, kind):
    try:
        return int(text.strip()) if kind == 'int' else float(text.strip())
    except ValueError:
        return None


def _extra_var_hint(variable, example):
    """How to give a top-level variable with -e: key=value makes a string, JSON keeps the type."""
    if variable is None or example is None:
        return ''
    return " (with -e, give it as JSON: -e '%s')" % json.dumps({variable: example})
