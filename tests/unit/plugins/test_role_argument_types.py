"""The strict type check of role variables (plugins/plugin_utils/role_argument_types.py): a value the
argument spec validation lets through but the role would misread (the string "no" for a bool, a
string for a list) is refused, naming its path and how to write it."""
import pytest

from ansible_collections.glusterdock.storage.plugins.plugin_utils.role_argument_types import argument_type_problems

VOLUMES = {
    'gluster_volumes_list': {
        'type': 'list', 'elements': 'dict', 'options': {
            'name': {'type': 'str', 'required': True},
            'bricks': {'type': 'list', 'elements': 'str'},
            'replica': {'type': 'int'},
            'options': {'type': 'dict'},
            'allow_replica_two': {'type': 'bool', 'default': False},
            'quota': {'type': 'dict', 'options': {
                'state': {'type': 'str'},
                'limits': {'type': 'raw'},
                'purge': {'type': 'bool', 'default': False},
            }},
        }},
    'gluster_volumes_rebalance_after_growth': {'type': 'bool', 'default': True},
    'gluster_volumes_rebalance_timeout': {'type': 'int', 'default': 3600},
    'gluster_volumes_servers': {'type': 'list', 'elements': 'str'},
    'gluster_volumes_brick_root': {'type': 'str'},
    'ratio': {'type': 'float'},
    'environment': {'type': 'dict'},
    'password': {'type': 'int', 'no_log': True},
    'untyped': {},
    'anything': {'type': 'raw'},
}


def test_values_of_their_declared_types_pass():
    values = {
        'gluster_volumes_list': [
            {'name': 'web', 'bricks': ['n1:/b/1', 'n2:/b/1'], 'replica': 2, 'allow_replica_two': True,
             'options': {'performance.x': 'on'}, 'quota': {'state': 'enabled', 'limits': {'/': '1GB'}, 'purge': False}},
            {'name': 'plain'},
        ],
        'gluster_volumes_rebalance_after_growth': False,
        'gluster_volumes_rebalance_timeout': 7200,
        'gluster_volumes_servers': [],
        'gluster_volumes_brick_root': '/bricks',
        'ratio': 3,
        'environment': {},
        'untyped': 1000,
        'anything': 'no',
    }
    assert argument_type_problems(VOLUMES, values) == []


def test_only_the_variables_given_are_checked():
    assert argument_type_problems(VOLUMES, {}) == []
    assert argument_type_problems(VOLUMES, {'not_in_the_spec': 'no'}) == []


def test_a_quoted_no_for_a_nested_bool_names_its_path():
    values = {'gluster_volumes_list': [{'name': 'a'}, {'name': 'b'}, {'name': 'c', 'quota': {'purge': 'no'}}]}
    assert argument_type_problems(VOLUMES, values) == [
        'gluster_volumes_list[2].quota.purge: "no" is a string; write true or false without quotes']


def test_every_problem_is_listed_in_the_order_of_the_spec():
    values = {
        'gluster_volumes_rebalance_timeout': '7200',
        'gluster_volumes_list': [{'name': 'web', 'allow_replica_two': 'yes', 'replica': '3', 'bricks': 'n1:/b'}],
        'gluster_volumes_rebalance_after_growth': 'false',
    }
    assert argument_type_problems(VOLUMES, values) == [
        'gluster_volumes_list[0].bricks: "n1:/b" is a string, not a list; write a YAML list',
        'gluster_volumes_list[0].replica: "3" is a string; write the number without quotes',
        'gluster_volumes_list[0].allow_replica_two: "yes" is a string; write true or false without quotes',
        'gluster_volumes_rebalance_after_growth: "false" is a string; write true or false without quotes'
        ' (with -e, give it as JSON: -e \'{"gluster_volumes_rebalance_after_growth": false}\')',
        'gluster_volumes_rebalance_timeout: "7200" is a string; write the number without quotes'
        ' (with -e, give it as JSON: -e \'{"gluster_volumes_rebalance_timeout": 7200}\')',
    ]


@pytest.mark.parametrize('value', ['no', 'yes', 'true', 'false', 'True', 'off', '', 0, 1, 0.0, None, [], {}])
def test_a_bool_must_be_a_real_boolean(value):
    problems = argument_type_problems(VOLUMES, {'gluster_volumes_rebalance_after_growth': value})
    assert len(problems) == 1 and problems[0].startswith('gluster_volumes_rebalance_after_growth: ')


@pytest.mark.parametrize('value, problem', [
    ('yes', '"yes" is a string; write true or false without quotes'
            ' (with -e, give it as JSON: -e \'{"gluster_volumes_rebalance_after_growth": true}\')'),
    ('maybe', '"maybe" is a string; write true or false without quotes'
              ' (with -e, give it as JSON: -e \'{"gluster_volumes_rebalance_after_growth": false}\')'),
    (1, '1 is a number; write true or false'),
    (None, 'is null (empty); give true or false, or leave it out for the default'),
    (['no'], 'the value is a list, not true or false'),
])
def test_a_bool_problem_says_how_to_write_it(value, problem):
    assert argument_type_problems(VOLUMES, {'gluster_volumes_rebalance_after_growth': value}) == [
        'gluster_volumes_rebalance_after_growth: ' + problem]


@pytest.mark.parametrize('value, problem', [
    ('a,b', '"a,b" is a string, not a list; write a YAML list'
            ' (with -e, give it as JSON: -e \'{"gluster_volumes_servers": ["a", "b"]}\')'),
    ({'a': 1}, 'the value is a dictionary, not a list'),
    (None, 'is null (empty); give a list, or leave it out for the default'),
    (['n1', True], None),
])
def test_a_list_must_be_a_real_list_of_its_elements(value, problem):
    problems = argument_type_problems(VOLUMES, {'gluster_volumes_servers': value})
    if problem is None:
        assert problems == ['gluster_volumes_servers[1]: true is a boolean, not a string; quote it (YAML reads '
                            'unquoted yes, no, on, off, true and false as booleans)']
    else:
        assert problems == ['gluster_volumes_servers: ' + problem]


@pytest.mark.parametrize('element, problem', [
    ('name=web', '"name=web" is a string, not a dictionary'),
    (['web'], 'the value is a list, not a dictionary'),
    (None, 'is null (empty); give a dictionary, or leave it out for the default'),
])
def test_every_element_of_a_list_of_dictionaries_is_a_dictionary(element, problem):
    values = {'gluster_volumes_list': [{'name': 'ok'}, element]}
    assert argument_type_problems(VOLUMES, values) == ['gluster_volumes_list[1]: ' + problem]


@pytest.mark.parametrize('name, value, problem', [
    ('environment', 'A=1', '"A=1" is a string, not a dictionary'),
    ('environment', [], 'the value is a list, not a dictionary'),
    ('gluster_volumes_rebalance_timeout', 2.5, '2.5 is not a whole number'),
    ('gluster_volumes_rebalance_timeout', True, 'true is a boolean, not a whole number'),
    ('gluster_volumes_rebalance_timeout', 'an hour', '"an hour" is a string; write the number without quotes'),
    ('ratio', '0.5', '"0.5" is a string; write the number without quotes'
                     ' (with -e, give it as JSON: -e \'{"ratio": 0.5}\')'),
    ('ratio', False, 'false is a boolean, not a number'),
    ('gluster_volumes_brick_root', ['/bricks'], 'the value is a list, not a string'),
    ('gluster_volumes_brick_root', False, 'false is a boolean, not a string; quote it (YAML reads unquoted yes, no, '
                                          'on, off, true and false as booleans)'),
    ('untyped', {'a': 1}, 'the value is a dictionary, not a string'),
    ('password', 'hunter2', 'the value is a string; write the number without quotes'),
])
def test_each_type_refuses_the_values_the_role_would_misread(name, value, problem):
    assert argument_type_problems(VOLUMES, {name: value}) == ['%s: %s' % (name, problem)]


def test_an_int_is_a_float_and_a_number_is_a_string():
    assert argument_type_problems(VOLUMES, {'ratio': 2, 'gluster_volumes_brick_root': 1000, 'untyped': 0.5}) == []


def test_a_long_string_is_cut_in_the_message():
    problems = argument_type_problems(VOLUMES, {'gluster_volumes_servers': 'n' * 200})
    assert problems[0].startswith('gluster_volumes_servers: "nnnn') and '..." is a string, not a list' in problems[0]
    assert len(problems[0].split(' is a string')[0]) < 90


def test_keys_and_elements_the_spec_does_not_declare_are_left_to_the_spec_validation():
    values = {'gluster_volumes_list': [{'name': 'web', 'replicas': 'three', 'options': {'x': True}}],
              'anything': {'deep': ['no']}}
    assert argument_type_problems(VOLUMES, values) == []
