# -*- coding: utf-8 -*-
# Copyright: glusterdock developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The volume option keys GlusterFS 10 and 11 know, for a volume that does not exist yet.

glusterd lists a volume's options only through ``volume get NAME all`` (``volume get all all``
lists just the cluster-wide ones), so before ``volume create`` there is no live catalog. This
list is the union of ``volume get V all`` captured from GlusterFS 10.3 and 11.1
(tests/unit/fixtures); a unit test keeps it in step with the fixtures. Existing volumes are
always checked against the live list instead.
"""

from __future__ import annotations

KNOWN_OPTION_KEYS = frozenset("""
    auth.allow auth.reject auth.ssl-allow changelog.capture-del-path changelog.changelog
    changelog.changelog-barrier-timeout changelog.changelog-dir changelog.encoding
    changelog.fsync-interval changelog.rollover-time client.bind-insecure client.event-threads
    client.keepalive-count client.keepalive-interval client.keepalive-time client.send-gids
    client.ssl client.strict-locks client.tcp-user-timeout cluster.background-self-heal-count
    cluster.brick-graceful-cleanup cluster.brick-multiplex cluster.choose-local
    cluster.consistent-metadata cluster.daemon-log-level cluster.data-change-log
    cluster.data-self-heal cluster.data-self-heal-algorithm cluster.dht-xattr-name
    cluster.disperse-self-heal-daemon cluster.eager-lock cluster.enable-shared-storage
    cluster.ensure-durability cluster.entry-change-log cluster.entry-self-heal
    cluster.extra-hash-regex cluster.favorite-child-policy cluster.force-migration cluster.full-lock
    cluster.granular-entry-heal cluster.halo-enabled cluster.halo-max-latency
    cluster.halo-max-replicas cluster.halo-min-replicas cluster.halo-nfsd-max-latency
    cluster.halo-shd-max-latency cluster.heal-timeout cluster.heal-wait-queue-length
    cluster.local-volume-name cluster.lock-migration cluster.locking-scheme cluster.lookup-optimize
    cluster.lookup-unhashed cluster.max-bricks-per-process cluster.metadata-change-log
    cluster.metadata-self-heal cluster.min-free-disk cluster.min-free-inodes
    cluster.optimistic-change-log cluster.post-op-delay-secs cluster.quorum-count
    cluster.quorum-reads cluster.quorum-type cluster.randomize-hash-range-by-gfid
    cluster.read-hash-mode cluster.read-subvolume cluster.read-subvolume-index
    cluster.readdir-optimize cluster.rebal-throttle cluster.rebalance-stats cluster.rmdir-optimize
    cluster.rsync-hash-regex cluster.self-heal-daemon cluster.self-heal-readdir-size
    cluster.self-heal-window-size cluster.server-quorum-ratio cluster.server-quorum-type
    cluster.shd-max-threads cluster.shd-wait-qlength cluster.subvols-per-directory
    cluster.switch-pattern cluster.use-anonymous-inode cluster.use-compound-fops
    cluster.weighted-rebalance config.brick-threads config.client-threads config.gfproxyd
    config.global-threading ctime.noatime debug.delay-gen debug.error-failure debug.error-fops
    debug.error-gen debug.error-number debug.exclude-ops debug.include-ops debug.log-file
    debug.log-history debug.random-failure debug.trace delay-gen.delay-duration
    delay-gen.delay-percentage delay-gen.enable dht.force-readdirp diagnostics.brick-log-buf-size
    diagnostics.brick-log-flush-timeout diagnostics.brick-log-format diagnostics.brick-log-level
    diagnostics.brick-logger diagnostics.brick-sys-log-level diagnostics.client-log-buf-size
    diagnostics.client-log-flush-timeout diagnostics.client-log-format diagnostics.client-log-level
    diagnostics.client-logger diagnostics.client-sys-log-level diagnostics.count-fop-hits
    diagnostics.dump-fd-stats diagnostics.fop-sample-buf-size diagnostics.fop-sample-interval
    diagnostics.latency-measurement diagnostics.stats-dnscache-ttl-sec diagnostics.stats-dump-format
    diagnostics.stats-dump-interval disperse.background-heals disperse.cpu-extensions
    disperse.eager-lock disperse.eager-lock-timeout disperse.heal-wait-qlength
    disperse.optimistic-change-log disperse.other-eager-lock disperse.other-eager-lock-timeout
    disperse.parallel-writes disperse.quorum-count disperse.read-policy
    disperse.self-heal-window-size disperse.shd-max-threads disperse.shd-wait-qlength
    disperse.stripe-cache feature.simple-quota-pass-through feature.simple-quota.use-backend
    features.acl features.alert-time features.auto-commit-period features.barrier
    features.barrier-timeout features.bitrot features.cache-invalidation
    features.cache-invalidation-timeout features.cloudsync features.cloudsync-product-id
    features.cloudsync-remote-read features.cloudsync-store-id features.cloudsync-storetype
    features.ctime features.default-retention-period features.default-soft-limit
    features.enforce-mandatory-lock features.expiry-time features.failover-hosts
    features.hard-timeout features.inode-quota features.lease-lock-recall-timeout features.leases
    features.locks-monkey-unlocking features.locks-notify-contention
    features.locks-notify-contention-delay features.locks-revocation-clear-all
    features.locks-revocation-max-blocked features.locks-revocation-secs features.quota
    features.quota-deem-statfs features.read-only features.retention-mode features.scrub
    features.scrub-freq features.scrub-throttle features.sdfs features.selinux features.shard
    features.shard-block-size features.shard-deletion-rate features.shard-lru-limit
    features.show-snapshot-directory features.signer-threads features.snapshot-directory
    features.soft-timeout features.tag-namespaces features.timeout features.trash features.trash-dir
    features.trash-eliminate-path features.trash-internal-op features.trash-max-filesize
    features.uss features.worm features.worm-file-level features.worm-files-deletable ganesha.enable
    geo-replication.ignore-pid-check geo-replication.indexing glusterd.vol_count_per_thread
    locks.mandatory-locking locks.trace network.compression network.compression.compression-level
    network.compression.debug network.compression.mem-level network.compression.min-size
    network.compression.window-size network.frame-timeout network.inode-lru-limit
    network.ping-timeout network.remote-dio network.tcp-window-size nfs.disable
    performance.aggregate-size performance.cache-capability-xattrs performance.cache-ima-xattrs
    performance.cache-invalidation performance.cache-max-file-size performance.cache-min-file-size
    performance.cache-priority performance.cache-refresh-timeout performance.cache-samba-metadata
    performance.cache-size performance.cache-swift-metadata performance.client-io-threads
    performance.ctime-invalidation performance.enable-least-priority performance.flush-behind
    performance.force-readdirp performance.global-cache-invalidation performance.high-prio-threads
    performance.io-cache performance.io-cache-pass-through performance.io-cache-size
    performance.io-thread-count performance.iot-cleanup-disconnected-reqs
    performance.iot-pass-through performance.iot-watchdog-secs performance.lazy-open
    performance.least-prio-threads performance.low-prio-threads performance.md-cache-pass-through
    performance.md-cache-statfs performance.md-cache-timeout performance.nfs.flush-behind
    performance.nfs.io-cache performance.nfs.io-threads performance.nfs.quick-read
    performance.nfs.read-ahead performance.nfs.stat-prefetch performance.nfs.strict-o-direct
    performance.nfs.strict-write-ordering performance.nfs.write-behind
    performance.nfs.write-behind-trickling-writes performance.nfs.write-behind-window-size
    performance.nl-cache performance.nl-cache-limit performance.nl-cache-pass-through
    performance.nl-cache-positive-entry performance.nl-cache-timeout performance.normal-prio-threads
    performance.open-behind performance.open-behind-pass-through performance.parallel-readdir
    performance.qr-cache-timeout performance.quick-read performance.quick-read-cache-invalidation
    performance.quick-read-cache-size performance.quick-read-cache-timeout
    performance.rda-cache-limit performance.rda-high-wmark performance.rda-low-wmark
    performance.rda-request-size performance.read-after-open performance.read-ahead
    performance.read-ahead-page-count performance.read-ahead-pass-through performance.readdir-ahead
    performance.readdir-ahead-pass-through performance.resync-failed-syncs-after-fsync
    performance.stat-prefetch performance.strict-o-direct performance.strict-write-ordering
    performance.write-behind performance.write-behind-pass-through
    performance.write-behind-trickling-writes performance.write-behind-window-size
    performance.xattr-cache-list rebalance.ensure-durability server.all-squash server.allow-insecure
    server.anongid server.anonuid server.dynamic-auth server.event-threads server.gid-timeout
    server.keepalive-count server.keepalive-interval server.keepalive-time server.manage-gids
    server.outstanding-rpc-limit server.own-thread server.root-squash server.ssl
    server.statedump-path server.tcp-user-timeout ssl.ca-list ssl.certificate-depth ssl.cipher-list
    ssl.crl-path ssl.dh-param ssl.ec-curve ssl.own-cert ssl.private-key
    storage.batch-fsync-delay-usec storage.batch-fsync-mode storage.build-pgfid
    storage.create-directory-mask storage.create-mask storage.fips-mode-rchecksum
    storage.force-create-mode storage.force-directory-mode storage.gfid2path
    storage.gfid2path-separator storage.health-check-interval storage.health-check-timeout
    storage.linux-aio storage.linux-io_uring storage.max-hardlinks storage.node-uuid-pathinfo
    storage.owner-gid storage.owner-uid storage.reserve transport.address-family transport.keepalive
    transport.listen-backlog
""".split())

# Cluster-wide options: glusterd only accepts them as ``volume set all KEY VALUE``.
GLOBAL_OPTION_KEYS = frozenset((
    'cluster.server-quorum-ratio', 'cluster.enable-shared-storage', 'cluster.op-version',
    'cluster.max-op-version', 'cluster.brick-multiplex', 'cluster.max-bricks-per-process',
    'glusterd.vol_count_per_thread', 'cluster.localtime-logging', 'cluster.daemon-log-level',
    'cluster.brick-graceful-cleanup',
))

# Options the bricks read when they start (TLS, transport): set before ``volume start``;
# on a started volume they take effect only after the volume is restarted.
BEFORE_START_OPTION_PREFIXES = ('ssl.',)
BEFORE_START_OPTION_KEYS = frozenset((
    'server.ssl', 'client.ssl', 'auth.ssl-allow', 'transport.address-family',
))

# glusterd refuses to change these while the volume is started.
STOPPED_ONLY_OPTION_KEYS = frozenset(('storage.linux-aio', 'storage.linux-io_uring'))

# Free-form keys glusterd accepts on any volume (used by Samba, NFS-Ganesha, ...).
FREE_FORM_PREFIX = 'user.'
