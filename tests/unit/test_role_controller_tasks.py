"""Role tasks that run on the controller do so without become: real inventories run the plays with
become (sudo on the hosts), and the controller's user is not root and may have no sudo at all."""
import os

import pytest
import yaml

ROLES = os.path.join(os.path.dirname(__file__), '..', '..', 'roles')
CONTROLLER_NAMES = ('localhost', '127.0.0.1', '::1')
BLOCK_KEYS = ('block', 'rescue', 'always')


def task_files():
    for role in sorted(os.listdir(ROLES)):
        for folder in ('tasks', 'handlers'):
            directory = os.path.join(ROLES, role, folder)
            if os.path.isdir(directory):
                for name in sorted(os.listdir(directory)):
                    if name.endswith('.yml'):
                        yield os.path.join(role, folder, name)


def tasks_with_inherited(tasks, inherited=None):
    """Each task with the delegate_to, connection and become it gets from itself or its blocks."""
    for task in tasks or []:
        keywords = dict(inherited or {})
        keywords.update({key: task[key] for key in ('delegate_to', 'connection', 'become') if key in task})
        if any(key in task for key in BLOCK_KEYS):
            for key in BLOCK_KEYS:
                yield from tasks_with_inherited(task.get(key), keywords)
        else:
            yield task, keywords


def runs_on_controller(task, keywords):
    return (str(keywords.get('delegate_to', '')).strip() in CONTROLLER_NAMES
            or keywords.get('connection') == 'local' or 'local_action' in task)


@pytest.mark.parametrize('path', list(task_files()))
def test_controller_tasks_do_not_become(path):
    with open(os.path.join(ROLES, path)) as handle:
        tasks = yaml.safe_load(handle)
    for task, keywords in tasks_with_inherited(tasks):
        if runs_on_controller(task, keywords):
            assert keywords.get('become') is False, '%s: "%s" runs on the controller without become: false' % (
                path, task.get('name'))


@pytest.mark.parametrize('path', list(task_files()))
def test_role_tasks_leave_the_connection_to_the_inventory(path):
    with open(os.path.join(ROLES, path)) as handle:
        tasks = yaml.safe_load(handle)
    for task, _keywords in tasks_with_inherited(tasks):
        for keyword in ('remote_user', 'become_user', 'ansible_connection', 'ansible_user'):
            assert keyword not in task and keyword not in (task.get('vars') or {}), '%s: "%s" sets %s' % (
                path, task.get('name'), keyword)


def test_the_check_finds_a_controller_task_with_become():
    tasks = [{'name': 'outer', 'delegate_to': 'localhost', 'block': [{'name': 'inner', 'command': 'true'}]}]
    [(task, keywords)] = tasks_with_inherited(tasks)
    assert runs_on_controller(task, keywords) and keywords.get('become') is not False
