"""Variables of the docker_swarm and docker_services roles that only the role's own YAML decides."""
import os
import re


ROLES = os.path.join(os.path.dirname(__file__), '..', '..', 'roles')


def test_the_shared_prepare_tasks_read_no_public_role_variable():
    # Extra vars beat the vars each role passes in: `-e docker_containers_list=...` must not make
    # docker_services' nodes check the containers instead of the services.
    with open(os.path.join(ROLES, 'docker_containers', 'tasks', 'prepare.yml')) as handle:
        text = handle.read()
    assert re.findall(r'\bdocker_(?:containers|services)_[a-z]\w*', text) == []
    assert 'docker_containers__prepare_definitions' in text
