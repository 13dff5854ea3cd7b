"""playbooks/shrink.yml stops at the first failed removal: Ansible runs every item of a task's loop
even after one failed, so the changing removal must not be a loop of gluster_brick."""
import os

import yaml

ROOT = os.path.join(os.path.dirname(__file__), '..', '..')


def load(path):
    with open(os.path.join(ROOT, path)) as handle:
        return yaml.safe_load(handle)


def removals_in_loops(tasks):
    """Names of looped gluster_brick state=absent tasks that may change something (not check mode)."""
    return [task.get('name') for task in tasks or []
            if 'loop' in task and task.get('check_mode') is not True
            and (task.get('glusterdock.storage.gluster_brick') or {}).get('state') == 'absent']


def test_the_removals_are_included_one_volume_at_a_time_not_looped():
    tasks = load('playbooks/shrink.yml')[0]['tasks']
    assert removals_in_loops(tasks) == []
    included = [task for task in tasks if 'ansible.builtin.include_tasks' in task]
    assert [task['ansible.builtin.include_tasks'] for task in included] == ['tasks/shrink_volume.yml']
    assert included[0]['loop'] == '{{ shrink__plan.removals }}'
    removal, = load('playbooks/tasks/shrink_volume.yml')
    assert removal['glusterdock.storage.gluster_brick']['state'] == 'absent' and removal['run_once'] is True


def test_the_check_finds_a_looped_removal():
    looped = {'name': 'remove', 'loop': '{{ removals }}',
              'glusterdock.storage.gluster_brick': {'volume': '{{ item.volume }}', 'state': 'absent'}}
    assert removals_in_loops([looped]) == ['remove']
    assert removals_in_loops([dict(looped, check_mode=True)]) == []
