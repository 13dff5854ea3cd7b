"""The brick_list filter keeps the copies of one set on different servers."""
import pytest

from ansible.errors import AnsibleFilterError
from ansible_collections.glusterdock.storage.plugins.filter.brick_list import brick_list, brick_parent_directories


def test_one_brick_per_server():
    assert brick_list(['node1', 'node2', 'node3'], '/bricks/', 'web') == [
        'node1:/bricks/web/brick1', 'node2:/bricks/web/brick1', 'node3:/bricks/web/brick1']


def test_two_bricks_per_server_are_server_minor():
    bricks = brick_list(['a', 'b', 'c'], '/bricks', 'v', per_server=2)
    assert bricks == ['a:/bricks/v/brick1', 'b:/bricks/v/brick1', 'c:/bricks/v/brick1',
                      'a:/bricks/v/brick2', 'b:/bricks/v/brick2', 'c:/bricks/v/brick2']
    # Every replica 3 set (three consecutive bricks) spans three servers.
    assert all(len({brick.split(':')[0] for brick in bricks[i:i + 3]}) == 3 for i in (0, 3))


@pytest.mark.parametrize('servers, root, per_server, message', [
    ([], '/bricks', 1, 'non-empty list of servers'),
    (['a'], 'bricks', 1, 'absolute brick root'),
    (['a'], '/bricks', 0, 'at least 1'),
    (['a'], '/bricks', 'x', 'whole number'),
])
def test_bad_input(servers, root, per_server, message):
    with pytest.raises(AnsibleFilterError, match=message):
        brick_list(servers, root, 'v', per_server)


def test_brick_parent_directories_of_one_server():
    volumes = [
        {'name': 'web', 'replica': 3},
        {'name': 'old', 'state': 'absent'},
        {'name': 'explicit', 'bricks': ['node2:/data/x/b', 'node1:/srv/e/b1', 'node1:/srv/e/b2']},
    ]
    servers = ['node1', 'node2', 'node3']
    assert brick_parent_directories(volumes, 'node1', servers, '/bricks') == ['/bricks/web', '/srv/e']
    assert brick_parent_directories(volumes, 'node2', servers, '/bricks') == ['/bricks/web', '/data/x']
    assert brick_parent_directories(volumes, 'elsewhere', servers, '/bricks') == []
