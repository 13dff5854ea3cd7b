"""The reachability crawl, the repair loop and the messages of gluster_layout, without a mount."""
import errno
import os

import pytest

from ansible_collections.glusterdock.storage.plugins.module_utils.gluster_layout import (
    LayoutCheckError,
    LayoutNotWhole,
    Reachability,
    crawl,
    describe_reachability,
    is_glusterfs_mount,
    layout_not_repaired,
    private_mount,
    repair_layout,
)


class FakeVolume:
    """A tree as a DHT client sees it: every name listed; ``missing`` names miss a lookup."""

    def __init__(self, tree, missing=(), down=()):
        self.tree = tree
        self.missing = set(missing)
        self.down = set(down)

    def listdir(self, path):
        return list(self.tree[path.rstrip('/') or '/'])

    def lstat(self, path):
        if path in self.missing:
            raise FileNotFoundError(errno.ENOENT, 'No such file or directory', path)
        if path in self.down:
            raise OSError(errno.ENOTCONN, 'Transport endpoint is not connected', path)
        return os.stat_result((0o40755 if path in self.tree else 0o100644,) + (0,) * 9)


TREE = {'/m': ['d1', 'd2', 'top'], '/m/d1': ['a', 'b'], '/m/d2': ['c', 'sub'], '/m/d2/sub': ['e']}


def test_crawl_counts_files_and_directories_when_every_lookup_finds_its_entry():
    fake = FakeVolume(TREE)
    found = crawl('/m', listdir=fake.listdir, lstat=fake.lstat, clock=lambda: 0.0)
    assert (found.files, found.directories, found.unreachable, found.whole) == (5, 4, 0, True)
    assert describe_reachability(found) == 'all 5 files in 4 directories are reachable by name'


def test_crawl_counts_entries_listed_but_missed_by_a_lookup_by_name():
    fake = FakeVolume(TREE, missing=['/m/d1/b', '/m/d2/sub/e'], down=['/m/top'])
    found = crawl('/m', listdir=fake.listdir, lstat=fake.lstat, clock=lambda: 0.0)
    assert (found.files, found.unreachable, found.whole) == (2, 3, False)
    assert sorted(found.examples) == ['/d1/b', '/d2/sub/e', '/top']
    assert describe_reachability(found).startswith('3 of 5 entries do not answer a lookup by name')


def test_is_glusterfs_mount_reads_the_mount_point_and_type_of_mountinfo():
    text = ('36 25 0:32 / /tmp/check-x rw,relatime shared:1 - fuse.glusterfs localhost:/x rw\n'
            '37 25 0:33 / /tmp/other rw - tmpfs tmpfs rw\n')
    assert is_glusterfs_mount('/tmp/check-x', text)
    assert not is_glusterfs_mount('/tmp/other', text) and not is_glusterfs_mount('/tmp/none', text)


def test_private_mount_refuses_a_bare_directory_and_removes_it():
    calls = []

    def run_command(argv):
        calls.append(argv)
        return 0, '', ''
    with pytest.raises(LayoutCheckError, match='could not mount volume vol'):
        with private_mount(run_command, 'vol', read_mountinfo=lambda: ''):
            pass
    point = calls[0][-1]
    assert calls == [['mount', '-t', 'glusterfs', '-o', 'use-readdirp=no', 'localhost:/vol', point]]
    assert not os.path.exists(point)


def test_private_mount_always_unmounts():
    mounted = []

    def run_command(argv):
        if argv[0] == 'mount':
            mounted.append(argv[-1])
        elif argv[0] == 'umount':
            mounted.remove(argv[-1])
        return 0, '', ''

    def mountinfo():
        return ''.join('1 2 0:1 / %s rw - fuse.glusterfs localhost:/vol rw\n' % point for point in mounted)
    with pytest.raises(RuntimeError):
        with private_mount(run_command, 'vol', read_mountinfo=mountinfo) as point:
            assert mounted == [point]
            raise RuntimeError('crawl failed')
    assert mounted == [] and not os.path.exists(point)


def whole():
    return Reachability(files=10, directories=2)


def broken():
    return Reachability(files=7, directories=2, unreachable=3, examples=['/d/a'])


def test_repair_layout_rebalances_until_every_file_is_reachable():
    checks, rebalances = [broken(), broken(), whole()], []
    found, runs = repair_layout(lambda: checks.pop(0), lambda: rebalances.append(1), lambda: [])
    assert (found.whole, runs, len(rebalances)) == (True, 2, 2)


def test_repair_layout_runs_nothing_when_the_volume_is_whole():
    found, runs = repair_layout(whole, lambda: pytest.fail('no rebalance'), lambda: pytest.fail('no read'))
    assert (found.whole, runs) == (True, 0)


def test_repair_layout_does_not_rebalance_while_a_node_is_missing():
    with pytest.raises(LayoutNotWhole) as error:
        repair_layout(broken, lambda: pytest.fail('no rebalance'), lambda: ['peer node3 is disconnected'])
    assert error.value.reason == 'cannot run now (peer node3 is disconnected)'
    assert error.value.check.unreachable == 3


def test_repair_layout_gives_up_after_its_rounds():
    rebalances = []
    with pytest.raises(LayoutNotWhole, match='after 3 full rebalances'):
        repair_layout(broken, lambda: rebalances.append(1), lambda: [])
    assert len(rebalances) == 3


def test_repair_layout_in_check_mode_records_one_rebalance():
    rebalances = []
    found, runs = repair_layout(broken, lambda: rebalances.append(1), lambda: [], check_mode=True)
    assert (found.whole, runs, len(rebalances)) == (False, 1, 1)


def test_layout_not_repaired_says_the_state_and_what_to_run():
    text = layout_not_repaired('vol', 'cannot run now (peer node3 is disconnected)', broken())
    assert 'The volume is NOT whole' in text and '"No such file or directory"' in text
    assert 'which cannot run now (peer node3 is disconnected).' in text
    assert '3 of 10 entries do not answer a lookup by name' in text
    assert 'run this task again: it rebalances volume vol first (gluster volume rebalance vol start)' in text


def test_layout_not_repaired_after_a_commit_names_the_rebalance_to_run():
    text = layout_not_repaired('vol', 'cannot run now (peer node3 is disconnected)', rerun=False)
    assert 'run "gluster volume rebalance vol start" and wait until every node reports it completed' in text
    assert 'run this task again' not in text


def test_crawl_counts_a_name_listed_twice_once():
    fake = FakeVolume(dict(TREE, **{'/m/d1': ['a', 'b', 'a']}))
    found = crawl('/m', listdir=fake.listdir, lstat=fake.lstat, clock=lambda: 0.0)
    assert (found.files, found.duplicates, found.unreachable) == (5, 1, 0)
