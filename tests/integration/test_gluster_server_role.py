"""gluster_server role options that the Molecule scenarios do not cover: ufw rules, and brick
devices that already hold a file system (never reformatted).

Block devices cannot be attached to lab containers and loop mounts are not permitted there, so
the brick device is a file-backed image: enough to prove the role refuses to format over an
existing file system; mounting a new XFS brick is left to real hosts.
"""
import re

LAB_NODES = 1


def role_play(**variables):
    return {'hosts': 'node1', 'gather_facts': True,
            'roles': [{'role': 'glusterdock.storage.gluster_server', 'vars': variables}]}


def recap_changed(output):
    return int(re.search(r'node1\s+: ok=\d+\s+changed=(\d+)', output).group(1))


def test_ufw_opens_glusterd_and_brick_ports_once(lab):
    first = lab.run_play(role_play(gluster_server_firewall='ufw'))
    assert first.returncode == 0, first.stdout[-3000:]
    rules = lab.sh('node1', 'cat /etc/ufw/user.rules').stdout
    assert '--dports 24007:24008 -j ACCEPT' in rules
    assert '--dports 49152:60999 -j ACCEPT' in rules
    second = lab.run_play(role_play(gluster_server_firewall='ufw'))
    assert second.returncode == 0 and recap_changed(second.stdout) == 0, second.stdout[-3000:]


def test_a_device_with_a_file_system_is_never_reformatted(lab):
    lab.sh('node1', 'truncate -s 64M /bricks/used.img && mkfs.ext4 -q -F /bricks/used.img')
    uuid_before = lab.sh('node1', 'blkid -o value -s UUID /bricks/used.img').stdout.strip()
    result = lab.run_play(role_play(gluster_server_brick_devices=[{'device': '/bricks/used.img', 'path': '/bricks/xfs'}]))
    assert result.returncode != 0
    assert "'/bricks/used.img' is already used as ext4, use force=true to overwrite" in result.stdout
    assert lab.sh('node1', 'blkid -o value -s TYPE /bricks/used.img').stdout.strip() == 'ext4'
    assert lab.sh('node1', 'blkid -o value -s UUID /bricks/used.img').stdout.strip() == uuid_before


def test_bad_brick_device_input_fails_before_any_change(lab):
    result = lab.run_play(role_play(gluster_server_brick_devices=[{'device': '/bricks/x.img', 'path': 'relative'}]))
    assert result.returncode != 0
    assert 'brick devices need a device and an' in result.stdout
    assert lab.sh('node1', 'test -e /bricks/x.img', check=False).returncode != 0
