"""Every role documents exactly the variables its defaults set, with the same defaults."""
import os

import pytest
import yaml

ROLES = os.path.join(os.path.dirname(__file__), '..', '..', 'roles')


def role_names():
    return sorted(name for name in os.listdir(ROLES) if os.path.isdir(os.path.join(ROLES, name, 'tasks')))


def load(role, *path):
    with open(os.path.join(ROLES, role, *path)) as handle:
        return yaml.safe_load(handle) or {}


@pytest.mark.parametrize('role', role_names())
def test_argument_specs_match_defaults(role):
    defaults = load(role, 'defaults', 'main.yml')
    options = load(role, 'meta', 'argument_specs.yml')['argument_specs']['main']['options']
    assert sorted(options) == sorted(defaults)
    for name, value in defaults.items():
        assert options[name].get('default') == value, name
        assert name.startswith(role + '_'), 'role variables carry the role prefix: ' + name
