"""Integration tests: real glusterd in lab containers, modules run by ansible-playbook.

Each test module gets its own lab (containers gd-it<pid>-<module>-nodeK), started fresh and removed at
the end unless GLUSTERDOCK_KEEP_LAB=1, so modules can run side by side and a test that breaks
the pool cannot disturb another module's. Every gluster CLI call on a node is logged by a
wrapper, so tests can prove how many calls a run made, or that bad input made none.
"""
import os

import pytest

from . import safety_matrix
from .lab import Lab

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))


def pytest_addoption(parser):
    parser.addoption('--suite', default=os.environ.get('GLUSTERDOCK_SUITE', 'bookworm'),
                     help='Debian suite of the lab nodes: bookworm (GlusterFS 10) or trixie (GlusterFS 11)')


def pytest_sessionstart(session):
    safety_matrix.reset()


def pytest_collection_modifyitems(config, items):
    """GLUSTERDOCK_TEST_ORDER=reverse runs each module's tests last to first: every test sets up
    the state it needs (a test may share its module's lab, never depend on an earlier test)."""
    if os.environ.get('GLUSTERDOCK_TEST_ORDER') != 'reverse':
        return
    modules = {}
    for item in items:
        modules.setdefault(item.module.__name__, []).append(item)
    items[:] = [item for tests in modules.values() for item in reversed(tests)]


def _lab_name(request):
    # The process id keeps two runs at once (a developer's and CI's) off each other's labs.
    module = request.module.__name__.rsplit('.', 1)[-1]
    return 'gd-it%d-%s' % (os.getpid(), module.replace('test_', '').replace('_', '-'))


@pytest.fixture(scope='module')
def lab(request):
    """A lab of 3 nodes (or the module's LAB_NODES) with glusterd running and no pool formed,
    and the module's LAB_DOCKER_HOSTS Docker hosts (none by default)."""
    nodes = getattr(request.module, 'LAB_NODES', 3)
    docker_hosts = getattr(request.module, 'LAB_DOCKER_HOSTS', 0)
    lab = Lab(ROOT, name=_lab_name(request), nodes=nodes, suite=request.config.getoption('--suite'),
              docker_hosts=docker_hosts)
    lab.up()
    yield lab
    if os.environ.get('GLUSTERDOCK_KEEP_LAB') != '1':
        lab.down()


@pytest.fixture(scope='module')
def pool(lab):
    """The lab with every node in one trusted pool (formed with the plain CLI from node1)."""
    lab.form_pool()
    return lab
