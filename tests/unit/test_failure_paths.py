"""Failures in the middle of playbooks/shrink.yml and the gluster_volumes role stop what must stop
and finish what must not be lost. Ansible runs every item of a task's loop even after one failed, so
shrink.yml's changing removal must not be a loop of gluster_brick."""
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


def test_the_role_rebalances_volumes_grown_before_a_failed_apply():
    # grown_volumes reads only this run's add-brick commands: a volume grown before a failure would
    # never be rebalanced by a later run, so the rescue of the apply rebalances it, then fails.
    tasks = load('roles/gluster_volumes/tasks/main.yml')
    block, = [task for task in tasks if 'block' in task and any(
        'glusterdock.storage.gluster_volume' in inner for inner in task['block'])]
    modules = [next(key for key in inner if key.startswith('glusterdock.') or key.startswith('ansible.'))
               for inner in block['block']]
    assert modules == ['glusterdock.storage.gluster_volume', 'glusterdock.storage.gluster_brick']
    rescue = block['rescue']
    assert 'grown_volumes' in rescue[0]['ansible.builtin.set_fact']['gluster_volumes__grown']
    assert rescue[1]['glusterdock.storage.gluster_brick']['state'] == 'rebalanced'
    assert rescue[1]['loop'] == '{{ gluster_volumes__grown }}'
    assert 'ansible.builtin.fail' in rescue[-1]
