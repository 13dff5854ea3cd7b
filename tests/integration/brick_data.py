"""Checksummed data on a FUSE mount of a lab volume, for the gluster_brick data-safety tests.

Files are written and verified through a client mount on one node (never by reading bricks):
after every brick operation each file must be present with the same checksum.
"""

# Runs on the node (python3 is in the image): COUNT files of 1-64 KiB in 20 folders, sizes from a
# fixed seed, content random; prints nothing.
WRITE_SCRIPT = r'''
import os, random, sys
root, count, seed, prefix = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
largest = int(sys.argv[5]) if len(sys.argv) > 5 else 64 * 1024
sizes = random.Random(seed)
for number in range(count):
    folder = os.path.join(root, 'd%02d' % (number % 20))
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, '%s%05d' % (prefix, number)), 'wb') as handle:
        handle.write(os.urandom(sizes.randint(1024, largest)))
'''


def mount(lab, node, volume, server='node1'):
    """FUSE-mount VOLUME at /mnt/VOLUME on NODE (backup volfile servers: every lab node)."""
    backups = ':'.join(name for name in lab.nodes if name != server)
    lab.sh(node, 'mkdir -p /mnt/%s && (mountpoint -q /mnt/%s || mount -t glusterfs -o backup-volfile-servers=%s '
                 '%s:/%s /mnt/%s)' % (volume, volume, backups, server, volume, volume))
    return '/mnt/%s' % volume


def unmount(lab, node, volume):
    lab.unmount(node, '/mnt/%s' % volume)


def write_files(lab, node, path, count=2000, seed=1, prefix='f', largest=64 * 1024):
    """Write COUNT files of 1 KiB to LARGEST bytes (64 KiB) under PATH on NODE."""
    lab.sh(node, 'python3 - %s %d %d %s %d' % (path, count, seed, prefix, largest), stdin=WRITE_SCRIPT)


def checksums(lab, node, path):
    """'md5  ./relative/path' lines, sorted, of every file under PATH, read through the mount."""
    text = lab.sh(node, 'cd %s && find . -type f -print0 | xargs -0 -r md5sum | sort -k2' % path).stdout
    return text.splitlines()


def brick_files(lab, node, brick_path):
    """How many data files a brick holds (its .glusterfs folder and DHT link files left out) - only
    to prove placement, never as the source of truth."""
    out = lab.sh(node, 'find %s -path %s/.glusterfs -prune -o -type f ! -perm -1000 -print 2>/dev/null | wc -l'
                 % (brick_path, brick_path), check=False).stdout.strip()
    return int(out or 0)
