"""Every role documents exactly the variables its defaults set, with the same defaults."""
import os
import re

import pytest
import yaml
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.glusterdock.storage.plugins.plugin_utils.role_argument_types import argument_type_problems

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


# --- the examples pass the roles' argument validation -------------------------------------------
# Ansible validates a role's variables against meta/argument_specs.yml when the role starts, and
# refuses keys its nested options do not list: every variable set the collection ships or shows (the
# molecule scenarios and the lab's group_vars, the playbooks, the inventories, the example repository,
# the READMEs) must pass.

EXAMPLE_TREES = ('molecule', 'playbooks', 'inventories', 'lab', os.path.join('examples', 'infra-repo'))
READMES = ['README.md', os.path.join('examples', 'infra-repo', 'README.md')] + [
    os.path.join('roles', name, 'README.md') for name in role_names()]
CHECKOUT = os.path.join(ROLES, '..')


def role_options():
    """Every role variable's name -> (role, entry point, its spec), from every entry point."""
    options = {}
    for role in role_names():
        for entry, spec in load(role, 'meta', 'argument_specs.yml')['argument_specs'].items():
            for name, option in spec.get('options', {}).items():
                options.setdefault(name, (role, entry, option))
    return options


def yaml_documents():
    """(where, document) of every YAML file of the example trees and every ```yaml block of the READMEs."""
    for tree in EXAMPLE_TREES:
        for directory, _directories, files in os.walk(os.path.join(CHECKOUT, tree)):
            for name in sorted(files):
                if name.endswith(('.yml', '.yaml')):
                    path = os.path.join(directory, name)
                    with open(path) as handle:
                        for document in yaml.safe_load_all(handle):
                            yield os.path.relpath(path, CHECKOUT), document
    for readme in READMES:
        with open(os.path.join(CHECKOUT, readme)) as handle:
            blocks = re.findall(r'^```ya?ml\n(.*?)^```', handle.read(), re.MULTILINE | re.DOTALL)
        for number, block in enumerate(blocks, 1):
            yield '%s (yaml block %d)' % (readme, number), yaml.safe_load(block)


def role_variables(node, options):
    """(name, value) of every role variable set anywhere in a YAML document, its value not a template."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in options and not (isinstance(value, str) and '{{' in value):
                yield key, value
            else:
                yield from role_variables(value, options)
    elif isinstance(node, list):
        for item in node:
            yield from role_variables(item, options)


def example_variables():
    options = role_options()
    return [(where, name, value) for where, document in yaml_documents()
            for name, value in role_variables(document, options)]


def validation_errors(name, value):
    role, entry, option = role_options()[name]
    result = ArgumentSpecValidator({name: option}).validate({name: value})
    return ['%s (%s, %s): %s' % (name, role, entry, message) for message in result.error_messages]


def test_the_examples_set_the_list_variables():
    names = {name for _where, name, _value in example_variables()}
    for name in ('gluster_volumes_list', 'docker_gluster_volumes_list', 'docker_containers_list',
                 'docker_containers_image_archives', 'gluster_server_brick_directories'):
        assert name in names


@pytest.mark.parametrize('where, name, value', example_variables(),
                         ids=lambda value: value if isinstance(value, str) and len(value) < 60 else '')
def test_every_example_passes_the_role_argument_validation(where, name, value):
    assert validation_errors(name, value) == [], where


# Dictionaries whose keys are the user's own (volume options, labels, environment variables).
FREE_FORM = {'options', 'labels', 'env', 'limits', 'docker_host_daemon_environment', 'gluster_backup_environment',
             'publish'}


def dictionaries_without_options(options, where=''):
    for name, option in options.items():
        holds_dictionaries = option.get('type') == 'dict' or option.get('elements') == 'dict'
        if holds_dictionaries and 'options' not in option and name not in FREE_FORM:
            yield where + name
        yield from dictionaries_without_options(option.get('options') or {}, where + name + '.')


@pytest.mark.parametrize('role', role_names())
def test_every_dictionary_a_role_takes_declares_its_keys(role):
    for spec in load(role, 'meta', 'argument_specs.yml')['argument_specs'].values():
        assert list(dictionaries_without_options(spec.get('options') or {})) == []


@pytest.mark.parametrize('name, value, error', [
    ('gluster_volumes_list', [{'name': 'web', 'replicas': 3}], 'gluster_volumes_list.replicas. Supported parameters'),
    ('gluster_volumes_list', [{'replica': 3}], 'missing required arguments: name'),
    ('gluster_volumes_list', [{'name': 'web', 'quota': {'limit': {'/': '1GB'}}}], 'gluster_volumes_list.quota.limit.'),
    ('gluster_volumes_list', [{'name': 'web', 'state': 'running'}], 'state must be one of: present, started'),
    ('docker_gluster_volumes_list', [{'name': 'site'}], 'missing required arguments: gluster_volume'),
    ('docker_gluster_volumes_list', [{'name': 'site', 'gluster_volume': 'web', 'sub_directory': 'a'}],
     'docker_gluster_volumes_list.sub_directory.'),
    ('docker_containers_list', [{'name': 'web', 'image': 'nginx', 'volume': ['site:/www']}],
     'docker_containers_list.volume.'),
    ('docker_containers_image_archives', [{'name': 'nginx:stable'}], 'missing required arguments: archive'),
    ('docker_services_list', [{'name': 'web'}], 'missing required arguments: image'),
    ('docker_services_list', [{'name': 'web', 'image': 'nginx', 'mounts': []}], 'docker_services_list.mounts.'),
    ('gluster_server_brick_devices', [{'device': '/dev/sdb'}], 'missing required arguments: path'),
    ('gluster_backup_restore_target', {'docker_volume': 'site', 'subdir': 'a'}, 'gluster_backup_restore_target.subdir.'),
])
def test_a_misspelled_or_missing_key_is_refused_when_the_role_starts(name, value, error):
    errors = validation_errors(name, value)
    assert any(error in message for message in errors), errors


# --- the examples have the types the roles use ---------------------------------------------------
# The argument validation takes the string "no" for a bool and a string for a list without converting
# the variable; the roles' first task (glusterdock.storage.role_argument_types) refuses them, so no
# example may use them.

def type_problems(name, value):
    _role, _entry, option = role_options()[name]
    return argument_type_problems({name: option}, {name: value})


@pytest.mark.parametrize('where, name, value', example_variables(),
                         ids=lambda value: value if isinstance(value, str) and len(value) < 60 else '')
def test_every_example_has_the_types_the_role_uses(where, name, value):
    assert type_problems(name, value) == [], where
