"""The action group glusterdock.storage.gluster (meta/runtime.yml) holds exactly the modules whose
documentation says they belong to it: the gluster modules, which run the gluster CLI on a server.
docker_gluster_volume runs on a Docker host and takes Docker's connection options, so it stays out."""
import os

import yaml

ROOT = os.path.join(os.path.dirname(__file__), '..', '..')
GLUSTER_FRAGMENT = 'glusterdock.storage.attributes.gluster'


def documented_members():
    modules = os.path.join(ROOT, 'plugins', 'modules')
    members = []
    for name in sorted(os.listdir(modules)):
        if name.endswith('.py') and not name.startswith('_'):
            with open(os.path.join(modules, name)) as handle:
                if '  - %s\n' % GLUSTER_FRAGMENT in handle.read():
                    members.append(name[:-3])
    return members


def test_the_gluster_group_holds_the_modules_documented_in_it():
    with open(os.path.join(ROOT, 'meta', 'runtime.yml')) as handle:
        group = yaml.safe_load(handle)['action_groups']['gluster']
    assert sorted(group) == documented_members()
    assert 'gluster_volume' in group and 'docker_gluster_volume' not in group
