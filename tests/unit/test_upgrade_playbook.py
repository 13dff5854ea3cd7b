"""Decisions of playbooks/upgrade.yml, rendered from the playbook itself with faked task results (the
lab cannot run apt: it changes the software by replacing containers)."""
import os

import pytest
import yaml
from ansible.parsing.dataloader import DataLoader
from ansible.template import Templar, trust_as_template

PLAYBOOK = os.path.join(os.path.dirname(__file__), '..', '..', 'playbooks', 'upgrade.yml')

# What `apt-get --simulate install --only-upgrade glusterfs-server` prints on a Debian 12 server with
# GlusterFS 10.3 when 11.1 is offered (the apt module's stdout in check mode).
APT_SIMULATE_UPGRADE = '''NOTE: This is only a simulation!
      apt-get needs root privileges for real execution.
Reading package lists...
Building dependency tree...
Reading state information...
The following packages will be upgraded:
  glusterfs-common glusterfs-server
2 upgraded, 0 newly installed, 0 to remove and 7 not upgraded.
Inst glusterfs-common [10.3-5] (11.1-4 Debian:13.0/stable [amd64]) []
Inst glusterfs-server [10.3-5] (11.1-4 Debian:13.0/stable [amd64])
Conf glusterfs-common (11.1-4 Debian:13.0/stable [amd64])
Conf glusterfs-server (11.1-4 Debian:13.0/stable [amd64])
'''
APT_SIMULATE_CURRENT = '''Reading package lists...
Building dependency tree...
Reading state information...
glusterfs-server is already the newest version (11.1-4).
0 upgraded, 0 newly installed, 0 to remove and 7 not upgraded.
'''


def play_task(play_name, task_name):
    with open(PLAYBOOK) as handle:
        plays = yaml.safe_load(handle)
    play = next(play for play in plays if play['name'] == play_name)
    return play, next(task for task in play['tasks'] if task['name'] == task_name)


def render(expression, variables):
    return Templar(loader=DataLoader(), variables=variables).template(trust_as_template(expression))


def needs_upgrade(apt_plan, version_now='10.3', **request):
    """upgrade__needed as the playbook computes it, from the registered apt simulation."""
    play, task = play_task('Check the request and the pool before the upgrade', 'Note whether this server needs the upgrade')
    variables = dict(request, upgrade__apt_plan=apt_plan,
                     upgrade__read={'stdout': '{"checksums": {}, "version": "%s"}' % version_now})
    variables['upgrade__version_pattern'] = render(play['vars']['upgrade__version_pattern'], variables)
    return render(task['ansible.builtin.set_fact']['upgrade__needed'], variables)


# The simulation task has changed_when: false (a plan changes nothing), which also sets the registered
# .changed to false: the decision must come from what apt said it would install.
@pytest.mark.parametrize('apt_plan, needed', [
    ({'changed': False, 'stdout': APT_SIMULATE_UPGRADE}, True),
    ({'changed': False, 'stdout': APT_SIMULATE_CURRENT}, False),
    # The apt module returns no stdout when every package is already at the version asked for.
    ({'changed': False}, False),
])
def test_the_apt_path_upgrades_a_server_when_apt_would_install_something(apt_plan, needed):
    assert needs_upgrade(apt_plan) is needed


def test_the_simulation_reports_no_change_and_the_decision_reads_its_output():
    _play, task = play_task('Check the request and the pool before the upgrade',
                            "Ask apt whether this server's packages would change")
    assert task['check_mode'] is True and task['changed_when'] is False


def test_the_hook_path_decides_by_the_version_installed():
    skipped = {'skipped': True, 'changed': False}
    assert needs_upgrade(skipped, '10.3', upgrade_packages=False, upgrade_version='11.1') is True
    assert needs_upgrade(skipped, '11.1', upgrade_packages=False, upgrade_version='11.1') is False
    assert needs_upgrade(skipped, '11.10', upgrade_packages=False, upgrade_version='11.1') is True


def request_is_clear(**request):
    """Whether the playbook's first check accepts the request (its assert conditions, rendered)."""
    _play, task = play_task('Check the request and the pool before the upgrade', 'Refuse a request that is not clear')
    return all(render('{{ %s }}' % condition, request) for condition in task['ansible.builtin.assert']['that'])


def test_a_hook_tasks_file_must_be_given_by_its_absolute_path(tmp_path, monkeypatch):
    (tmp_path / 'hook.yml').write_text('---\n- name: Swap the machine\n  ansible.builtin.debug:\n')
    monkeypatch.chdir(tmp_path)
    hook_path = {'upgrade_packages': False, 'upgrade_version': '11.1'}
    assert request_is_clear(upgrade_hook_tasks=str(tmp_path / 'hook.yml'), **hook_path)
    # A relative path is a file from the controller's working directory, but include_tasks would look for it
    # under playbooks/ only once glusterd is stopped: refused before anything is touched.
    assert not request_is_clear(upgrade_hook_tasks='hook.yml', **hook_path)
    assert not request_is_clear(upgrade_hook_tasks=str(tmp_path / 'missing.yml'), **hook_path)


def test_the_version_asked_for_is_the_upstream_one_that_glusterfsd_prints():
    assert request_is_clear(upgrade_version='11.1') and request_is_clear(upgrade_version='11')
    # A Debian revision or an epoch is never in what glusterfsd --version prints: such a target is never reached.
    assert not request_is_clear(upgrade_version='11.1-4')
    assert not request_is_clear(upgrade_version='1:11.1')


def test_apt_never_removes_a_package_on_a_server_or_a_client():
    with open(PLAYBOOK) as handle:
        plays = yaml.safe_load(handle)
    apt_tasks = [(play['name'], task['name'], task['ansible.builtin.apt']) for play in plays
                 for block in play['tasks'] for task in block.get('block', [block]) if 'ansible.builtin.apt' in task]
    installing = [(play, name) for play, name, arguments in apt_tasks if 'name' in arguments]
    assert installing == [
        ('Check the request and the pool before the upgrade', "Ask apt whether this server's packages would change"),
        ('Upgrade the servers one at a time', 'Upgrade the GlusterFS packages'),
        ('Upgrade the clients', 'Upgrade the GlusterFS client packages')]
    assert all(arguments.get('fail_on_autoremove') is True for _play, _name, arguments in apt_tasks if 'name' in arguments)
