#!/bin/sh
# Runs inside the node image's root filesystem (Dockerfile RUN or chroot after debootstrap).
# Turns a minimal Debian into a host that boots systemd as PID 1 in a container, the way a
# fresh cloud VM looks to Ansible: python3 and systemd, and nothing of GlusterFS.
set -eu
suite="$1"

cat > /etc/apt/sources.list <<SOURCES
deb http://deb.debian.org/debian ${suite} main
deb http://deb.debian.org/debian ${suite}-updates main
deb http://deb.debian.org/debian-security ${suite}-security main
SOURCES
rm -f /etc/apt/sources.list.d/debian.sources

# Units that make no sense in a container and would keep systemd from reaching "running".
for unit in getty.target console-getty.service systemd-firstboot.service \
            systemd-remount-fs.service sys-kernel-config.mount sys-kernel-debug.mount \
            systemd-udevd.service systemd-udev-trigger.service systemd-modules-load.service; do
  ln -sf /dev/null "/etc/systemd/system/${unit}"
done
# An empty machine-id makes systemd create a fresh one in every container.
: > /etc/machine-id
rm -f /var/lib/dbus/machine-id
apt-get clean
rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin
