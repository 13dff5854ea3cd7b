# -*- coding: utf-8 -*-
# Copyright: glusterdock developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The list form of docker_gluster_volume: many Docker volumes of one Docker host in one task.

``check_entries(settings_by_label)`` checks what no single entry can: a Docker volume listed twice,
entries on one GlusterFS volume that disagree on its mount (they share it), two GlusterFS volumes
at one mount point, and a purge that would delete the directory of another entry's Docker volume.
``ListedVolumes`` is the Docker client the entries share: one volume listing for the whole task.
``SharedMount`` is the outcome of the one mount check of a GlusterFS volume, reused by every entry
on it. The per-entry work is the single form's own manager, so the two forms cannot drift apart.
"""

from __future__ import annotations

from ansible_collections.glusterdock.storage.plugins.module_utils.docker_volume_safety import relation
from ansible_collections.glusterdock.storage.plugins.module_utils.errors import RequestError
from ansible_collections.glusterdock.storage.plugins.module_utils.errors import entry_label as shared_entry_label

# The options that describe a GlusterFS volume's mount on the host: entries on one GlusterFS volume
# share its mount, so they must give the same values (restart_containers too: the containers left on
# a dead mount are the mount's, not one entry's; stat_timeout bounds the one check of the mount).
MOUNT_OPTIONS = ('mount_point', 'servers', 'mount_options', 'mount', 'stat_timeout', 'restart_containers')


def entry_label(entry, index):
    """How messages name an entry: ``volumes[3] (name web-data)`` (errors.entry_label, shared with
    gluster_volume's list form)."""
    return shared_entry_label(entry, index, ('name', 'volume_name'))


def uses_mount(entry):
    """Whether the entry needs its GlusterFS volume mounted: state present, or a purge."""
    return entry['state'] == 'present' or bool(entry['purge'])


def check_entries(entries):
    """Refuse what two entries together would get wrong. ``entries``: (label, settings, params) in
    list order, each settings from the single form's validate() and params its converted arguments.
    Raises RequestError (argument: the later entry's label) naming both entries; returns None."""
    first_by_name = {}
    mount_owner = {}
    point_owner = {}
    for label, settings, params in entries:
        if settings['name'] in first_by_name:
            raise RequestError('the Docker volume %s is listed twice (also %s); list each once'
                               % (settings['name'], first_by_name[settings['name']]), label)
        first_by_name[settings['name']] = label
        if not uses_mount(params):
            continue
        gluster_volume = settings['gluster_volume']
        if gluster_volume in mount_owner:
            other_label, other = mount_owner[gluster_volume]
            for option in MOUNT_OPTIONS:
                mine, theirs = mount_value(option, settings, params), mount_value(option, *other)
                if mine != theirs:
                    raise RequestError(
                        '%s is %r here but %r in %s: entries on the GlusterFS volume %s share its mount, so give them '
                        'the same %s' % (option, mine, theirs, other_label, gluster_volume, option), label)
        else:
            mount_owner[gluster_volume] = (label, (settings, params))
            point = settings['mount_point']
            if point in point_owner:
                raise RequestError('mount_point %s is also the mount point of the GlusterFS volume %s (%s): one mount '
                                   'point holds one volume' % (point, point_owner[point][1], point_owner[point][0]),
                                   label)
            point_owner[point] = (label, gluster_volume)
    refuse_purge_of_listed_directories(entries)


def mount_value(option, settings, params):
    """An option of the mount as the entry gives it (normalised where the single form normalises it)."""
    return settings[option] if option in settings else params[option]


def refuse_purge_of_listed_directories(entries):
    """A purge must not delete the directory another entry keeps on the same GlusterFS volume,
    whatever the order: one with state present (the run would create it only to delete it, or delete
    it only to create it empty), and one removed without purge, whose data the task was told to keep
    (once its Docker volume is gone, nothing on the host would hold the purge back)."""
    kept = [(label, settings) for label, settings, params in entries if not params['purge']]
    for label, settings, params in entries:
        if not params['purge']:
            continue
        for other_label, other in kept:
            if other['gluster_volume'] != settings['gluster_volume']:
                continue
            how = relation('/' + settings['subdirectory'], '/' + other['subdirectory'])
            if how:
                raise RequestError(
                    'purge: the subdirectory %s %s the subdirectory %s that %s keeps on the GlusterFS volume %s; '
                    'a purge never deletes the data of a Docker volume the same task keeps'
                    % (settings['subdirectory'], how, other['subdirectory'], other_label, settings['gluster_volume']),
                    label)


class ListedVolumes:
    """The Docker client of the list form: every Docker volume of the host from one listing (instead
    of one inspect per entry), kept up to date with the volumes the task creates and removes.

    ``fresh=True`` reads the host again: a purge judges the host as it is right before it deletes.
    The container list is read at most once unless asked fresh (the stale-container check of every
    GlusterFS mount shares it). Other calls go to the client."""

    def __init__(self, client):
        self.client = client
        self.volumes = {}
        self.containers = None
        self.read_volumes()

    def read_volumes(self):
        self.volumes = dict((volume.get('Name'), volume) for volume in self.client.list_volumes())

    def inspect_volume(self, name):
        """The volume as listed (the listing reports what inspect does), or None."""
        return self.volumes.get(name)

    def list_volumes(self, fresh=False):
        if fresh:
            self.read_volumes()
        return list(self.volumes.values())

    def list_containers(self, fresh=False):
        if fresh or self.containers is None:
            self.containers = self.client.list_containers()
        return self.containers

    def create_volume(self, name, driver, driver_options, labels):
        volume = self.client.create_volume(name, driver, driver_options, labels)
        self.volumes[name] = volume
        return volume

    def remove_volume(self, name):
        self.client.remove_volume(name)
        self.volumes.pop(name, None)

    def containers_using(self, name):
        return self.client.containers_using(name)

    def container_pid(self, container_id):
        return self.client.container_pid(container_id)

    def stop_container(self, container_id):
        self.client.stop_container(container_id)

    def start_container(self, container_id):
        self.client.start_container(container_id)


class SharedMount:
    """The one check (and, when needed, mount) of a GlusterFS volume's mount in a run, shared by every
    entry on it: the first entry that needs the mount checks it, the others take its outcome."""

    def __init__(self, gluster_volume):
        self.gluster_volume = gluster_volume
        self.checked = False
        self.live = False
        self.report = None
        self.mounted_before = None
        self.mounted_after = None
        self.entries = []

    def save(self, live, report, mounted_before, mounted_after):
        self.checked = True
        self.live = live
        self.report = report
        self.mounted_before = mounted_before
        self.mounted_after = mounted_after


def sentence(message):
    """``message`` ending with a full stop, so that more sentences can follow it."""
    return message if message.endswith('.') else message + '.'


def failure_message(label, message, done, not_attempted):
    """The task's message when the entry ``label`` failed: its message, what the entries before it
    did ((label, changed) pairs) and which were not attempted (labels)."""
    text = '%s: %s' % (label, sentence(message))
    if done:
        text += ' Entries done before it: %s.' % ', '.join(
            '%s %s' % (done_label, 'changed' if changed else 'unchanged') for done_label, changed in done)
    else:
        text += ' No entry was done before it.'
    if not_attempted:
        text += ' Not attempted (the run stops at the first failure): %s.' % ', '.join(not_attempted)
    return text
