#!/bin/sh
# The SSH variant of a lab image (scripts/build-images --ssh): sshd and the user "deploy" with
# passwordless sudo, as real inventories reach their hosts. No key is built in: each lab run
# generates one on the controller and installs its public half.
set -eu
apt-get update -q >/dev/null
DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends openssh-server sudo >/dev/null
apt-get clean
rm -rf /var/lib/apt/lists/*

# "deploy", not "operator": Debian already has a group of that name.
useradd --create-home --shell /bin/bash deploy
# "*": no password to log in with, yet not a locked account (sshd refuses locked ones even with a key).
usermod -p '*' deploy
install -d -m 0700 -o deploy -g deploy /home/deploy/.ssh
echo 'deploy ALL=(ALL:ALL) NOPASSWD: ALL' > /etc/sudoers.d/deploy
chmod 0440 /etc/sudoers.d/deploy

cat > /etc/ssh/sshd_config.d/glusterdock-lab.conf <<'CONF'
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin no
CONF

# Every container makes its own host keys when it boots: the ones the package made here would be
# shared by every container of the image. sshd -t (Debian's check) needs them, so they come first.
rm -f /etc/ssh/ssh_host_*
mkdir -p /etc/systemd/system/ssh.service.d
cat > /etc/systemd/system/ssh.service.d/glusterdock-host-keys.conf <<'CONF'
[Service]
ExecStartPre=
ExecStartPre=/usr/bin/ssh-keygen -A
ExecStartPre=/usr/sbin/sshd -t
CONF
systemctl enable ssh.service >/dev/null 2>&1
