"""Variables of the docker_swarm and docker_services roles that only the role's own YAML decides."""
import os
import re

import jinja2
import pytest
import yaml

ROLES = os.path.join(os.path.dirname(__file__), '..', '..', 'roles')


def test_the_shared_prepare_tasks_read_no_public_role_variable():
    # Extra vars beat the vars each role passes in: `-e docker_containers_list=...` must not make
    # docker_services' nodes check the containers instead of the services.
    with open(os.path.join(ROLES, 'docker_containers', 'tasks', 'prepare.yml')) as handle:
        text = handle.read()
    assert re.findall(r'\bdocker_(?:containers|services)_[a-z]\w*', text) == []
    assert 'docker_containers__prepare_definitions' in text


def join_endpoint(address):
    with open(os.path.join(ROLES, 'docker_swarm', 'vars', 'main.yml')) as handle:
        expression = yaml.safe_load(handle)['docker_swarm__join_endpoint']
    return jinja2.Environment().from_string(expression).render(docker_swarm__join_address=address)


@pytest.mark.parametrize('address, endpoint', [
    ('docker1', 'docker1:2377'),
    ('192.0.2.10', '192.0.2.10:2377'),
    ('fd00::10', '[fd00::10]:2377'),
    ('[fd00::10]', '[fd00::10]:2377'),
])
def test_the_join_address_gets_the_port_and_ipv6_its_brackets(address, endpoint):
    assert join_endpoint(address) == endpoint
