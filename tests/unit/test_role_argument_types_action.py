"""glusterdock.storage.role_argument_types, the first task of every entry point of every role: in a
local play (hosts: localhost, check mode) the roles refuse a quoted "no" for a bool, a string for a
list or a number, before their second task, naming each variable's path; real booleans and lists,
also from templates, pass."""
import json
import os
import subprocess
import sys
import textwrap

import pytest
import yaml

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
ROLES = os.path.join(ROOT, 'roles')
COLLECTIONS = os.path.join(ROOT, '.build', 'collections')
CHECK_TASK = {'name': "Check the types of this role's variables", 'glusterdock.storage.role_argument_types': None,
              'tags': ['always']}


def entry_points():
    for role in sorted(os.listdir(ROLES)):
        with open(os.path.join(ROLES, role, 'meta', 'argument_specs.yml')) as handle:
            for entry in yaml.safe_load(handle)['argument_specs']:
                yield role, entry


@pytest.mark.parametrize('role, entry', list(entry_points()))
def test_every_entry_point_of_every_role_checks_the_types_first(role, entry):
    with open(os.path.join(ROLES, role, 'tasks', entry + '.yml')) as handle:
        assert yaml.safe_load(handle)[0] == CHECK_TASK


def test_the_action_is_not_routed_through_a_module_action():
    with open(os.path.join(ROOT, 'meta', 'runtime.yml')) as handle:
        routing = yaml.safe_load(handle).get('plugin_routing', {}).get('modules', {})
    assert 'role_argument_types' not in routing


def run_play(tmp_path, tasks, *options):
    """Run ``tasks`` on localhost in check mode with the collection of this checkout; return the
    results of the tasks that failed (rescued), as (task name, result), and the play's output."""
    record_failure = {'ansible.builtin.set_fact': {
        'failures': '{{ failures | default([]) + [[ansible_failed_task.name, ansible_failed_result]] }}'}}
    cases = [{'name': 'case %d' % number, 'block': [task], 'rescue': [record_failure]}
             for number, task in enumerate(tasks)]
    write_failures = {'ansible.builtin.copy': {'content': '{{ failures | default([]) | to_json }}',
                                               'dest': str(tmp_path / 'failures.json')}, 'check_mode': False}
    play = [{'hosts': 'localhost', 'gather_facts': False, 'connection': 'local',
             'vars': {'ansible_python_interpreter': sys.executable}, 'tasks': cases + [write_failures]}]
    playbook = tmp_path / 'play.yml'
    playbook.write_text(yaml.safe_dump(play))
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=COLLECTIONS, ANSIBLE_ROLES_PATH=str(tmp_path / 'roles'),
               ANSIBLE_NOCOLOR='1', ANSIBLE_LOCALHOST_WARNING='0', ANSIBLE_INVENTORY_UNPARSED_WARNING='0')
    completed = subprocess.run(['ansible-playbook', '-i', 'localhost,', '--check', str(playbook)] + list(options),
                               capture_output=True, text=True, env=env, cwd=str(tmp_path), check=False, timeout=300)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    return json.loads((tmp_path / 'failures.json').read_text()), completed.stdout


def role(name, tasks_from='main', **variables):
    return {'ansible.builtin.include_role': {'name': 'glusterdock.storage.' + name, 'tasks_from': tasks_from},
            'vars': variables}


def as_json(name, value):
    """The hint of a message for a top-level variable: how to give it with -e."""
    return """ (with -e, give it as JSON: -e '{"%s": %s}')""" % (name, value)


def test_the_roles_refuse_values_the_spec_validation_lets_through(tmp_path):
    failures, _output = run_play(tmp_path, [
        role('gluster_volumes', gluster_volumes_list=[{'name': 'a'}, {'name': 'b'}, {'name': 'web', 'quota': {
            'purge': 'no'}}], gluster_volumes_rebalance_after_growth='false'),
        role('docker_gluster_volumes', docker_gluster_volumes_list=[{'name': 'site', 'gluster_volume': 'web',
                                                                     'state': 'absent', 'purge': 'no'}]),
        role('docker_swarm', docker_swarm_managers='node1,node2'),
        role('gluster_backup', tasks_from='restore', gluster_backup_restore_overwrite='true'),
        role('gluster_tls', tasks_from='preflight', gluster_tls_enabled='yes'),
        role('gluster_pool', gluster_pool_wait_timeout='120'),
    ])
    assert [name for name, _result in failures] == [CHECK_TASK['name']] * 6
    assert [(result['role'][len('glusterdock.storage.'):], result['entry_point'], result['problems'])
            for _name, result in failures] == [
        ('gluster_volumes', 'main', [
            'gluster_volumes_list[2].quota.purge: "no" is a string; write true or false without quotes',
            'gluster_volumes_rebalance_after_growth: "false" is a string; write true or false without quotes'
            + as_json('gluster_volumes_rebalance_after_growth', 'false')]),
        ('docker_gluster_volumes', 'main', [
            'docker_gluster_volumes_list[0].purge: "no" is a string; write true or false without quotes']),
        ('docker_swarm', 'main', ['docker_swarm_managers: "node1,node2" is a string, not a list; write a YAML list'
                                  + as_json('docker_swarm_managers', '["node1", "node2"]')]),
        ('gluster_backup', 'restore', [
            'gluster_backup_restore_overwrite: "true" is a string; write true or false without quotes'
            + as_json('gluster_backup_restore_overwrite', 'true')]),
        ('gluster_tls', 'preflight', ['gluster_tls_enabled: "yes" is a string; write true or false without quotes'
                                      + as_json('gluster_tls_enabled', 'true')]),
        ('gluster_pool', 'main', ['gluster_pool_wait_timeout: "120" is a string; write the number without quotes'
                                  + as_json('gluster_pool_wait_timeout', '120')]),
    ]
    assert failures[0][1]['msg'] == (
        'The variables of role glusterdock.storage.gluster_volumes (entry point main of its meta/argument_specs.yml) must have the types '
        'it declares; nothing was changed. ' + '; '.join(failures[0][1]['problems']))
    assert all(result['changed'] is False for _name, result in failures)


def test_an_extra_var_given_as_key_value_is_refused_and_as_json_passes(tmp_path):
    failures, _output = run_play(tmp_path, [role('docker_swarm')], '-e', 'docker_swarm_managers=node1')
    assert failures[0][1]['problems'] == ['docker_swarm_managers: "node1" is a string, not a list; write a YAML list'
                                          + as_json('docker_swarm_managers', '["node1"]')]


SCRATCH_SPEC = {'argument_specs': {'main': {'options': {
    'scratch_purge': {'type': 'bool', 'default': False},
    'scratch_hosts': {'type': 'list', 'elements': 'str', 'default': []},
    'scratch_items': {'type': 'list', 'elements': 'dict', 'default': [], 'options': {
        'name': {'type': 'str', 'required': True}, 'purge': {'type': 'bool', 'default': False}}},
}}, 'other': {'options': {'scratch_purge': {'type': 'bool', 'default': False}}}}}


def scratch_role(tmp_path):
    """A role of its own (no host is touched): the check, then a task that records what it saw."""
    base = tmp_path / 'roles' / 'scratch'
    for folder in ('meta', 'tasks', 'defaults'):
        (base / folder).mkdir(parents=True)
    (base / 'meta' / 'argument_specs.yml').write_text(yaml.safe_dump(SCRATCH_SPEC))
    (base / 'defaults' / 'main.yml').write_text('scratch_purge: false\nscratch_hosts: []\nscratch_items: []\n')
    tasks = textwrap.dedent('''\
        - name: Check the types of this role's variables
          glusterdock.storage.role_argument_types:
        - name: Record what the role saw
          ansible.builtin.set_fact:
            scratch_seen: "{{ (scratch_seen | default([])) + [[scratch_purge, scratch_hosts, scratch_items]] }}"
        ''')
    (base / 'tasks' / 'main.yml').write_text(tasks)
    (base / 'tasks' / 'other.yml').write_text(tasks)


def test_real_values_and_templates_that_render_them_pass_and_the_role_goes_on(tmp_path):
    scratch_role(tmp_path)
    failures, _output = run_play(tmp_path, [
        {'ansible.builtin.include_role': {'name': 'scratch'}, 'vars': {
            'flag': False, 'scratch_purge': '{{ flag }}', 'scratch_hosts': "{{ ['n1'] + ['n2'] }}",
            'scratch_items': [{'name': 'a', 'purge': '{{ not flag }}'}, {'name': 'b'}]}},
        {'ansible.builtin.include_role': {'name': 'scratch', 'tasks_from': 'other.yml'},
         'vars': {'scratch_purge': True}},
        {'ansible.builtin.assert': {'that': [
            "scratch_seen == [[false, ['n1', 'n2'], [{'name': 'a', 'purge': true}, {'name': 'b'}]],"
            " [true, [], []]]"]}},
    ])
    assert failures == []


def test_a_tasks_from_entry_point_is_checked_against_its_own_spec(tmp_path):
    scratch_role(tmp_path)
    failures, _output = run_play(tmp_path, [
        # Ansible's own validation finds no entry point "other.yml" and checks nothing.
        {'ansible.builtin.include_role': {'name': 'scratch', 'tasks_from': 'other.yml'},
         'vars': {'scratch_purge': 'no'}},
    ])
    assert [(result['entry_point'], result['problems']) for _name, result in failures] == [
        ('other', ['scratch_purge: "no" is a string; write true or false without quotes'
                   + as_json('scratch_purge', 'false')])]


def test_outside_a_role_it_says_where_it_belongs(tmp_path):
    failures, _output = run_play(tmp_path, [{'name': 'loose', 'glusterdock.storage.role_argument_types': None}])
    assert failures[0][0] == 'loose'
    assert 'run it as a task of a role' in failures[0][1]['msg']


def failed_task_of_playbook(tmp_path, playbook, *extra_vars):
    """Run a playbook of the collection on localhost in check mode; the name of the task that failed."""
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=COLLECTIONS, ANSIBLE_NOCOLOR='1', ANSIBLE_LOCALHOST_WARNING='0')
    command = ['ansible-playbook', '-i', 'localhost,', '-c', 'local', '--check', os.path.join(ROOT, 'playbooks', playbook),
               '-e', 'ansible_python_interpreter=' + sys.executable]
    for extra in extra_vars:
        command += ['-e', extra]
    completed = subprocess.run(command, capture_output=True, text=True, env=env, cwd=str(tmp_path), check=False,
                               timeout=300)
    output = completed.stdout
    assert completed.returncode != 0 and 'fatal:' in output, output
    task = output[:output.index('fatal:')].rsplit('TASK [', 1)[1].split(']', 1)[0]
    return task, output[output.index('fatal:'):]


@pytest.mark.parametrize('switch', ['restore_overwrite=true', '{"restore_overwrite": false}', None])
def test_restore_takes_its_overwrite_switch_as_key_value_on_the_command_line(tmp_path, switch):
    # It gets past the type check to the role's own assert, which wants a source and a target; without
    # the switch too (a restore into a new volume gives none).
    switches = ['backup_hosts=localhost'] + ([switch] if switch else [])
    task, output = failed_task_of_playbook(tmp_path, 'restore.yml', *switches)
    assert task == 'glusterdock.storage.gluster_backup : Check the restore settings before changing anything', output


def test_restore_refuses_an_overwrite_switch_that_is_neither_true_nor_false(tmp_path):
    task, output = failed_task_of_playbook(tmp_path, 'restore.yml', 'backup_hosts=localhost', 'restore_overwrite=yes')
    assert task == 'Check restore_overwrite'
    assert 'restore_overwrite is true or false (-e restore_overwrite=true), not \\"yes\\". Nothing was changed.' in output
