// The emulated board's disk: a Debian 12 arm64 root file system built from Debian's packages only (mmdebstrap,
// foreign arch through qemu-user + binfmt_misc), packed into a raw ext4 image, with its kernel and initrd beside
// it. Cached under .vm/image/KEY/, KEY being a hash of everything that shapes the image (this recipe, the
// package list, the guest files, the mirror), so a changed recipe rebuilds and an unchanged one costs nothing.
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { withBinfmt } from '../arm/binfmt.mjs';
import { ROOT, say, sh, since } from '../arm/sh.mjs';
import { target } from '../arm/targets.mjs';

export const VM_DIR = join(ROOT, '.vm');
const GUEST_FILES = join(ROOT, 'scripts', 'vm', 'guest');

/**
 * What the board has before the package arrives. The guest has no network, so `apt install ./aimlock.deb`
 * must resolve every Depends of the package from what is here: keep this list a superset of them (the lane
 * checks with `apt-get install --simulate --no-download` before it relies on it).
 */
export const PACKAGES = [
  // a board: systemd as PID 1 with journald and udev, networkd for the one static address
  'systemd',
  'systemd-sysv',
  'udev',
  'kmod',
  'iproute2',
  'linux-image-arm64',
  // what the scenarios use in the guest: flock(1), ps/pgrep, Python (foreign lock holders, the lab driver)
  'util-linux',
  'procps',
  'python3-minimal',
  // the lab driver's json module (python3-minimal has none); lab machinery, not something the package needs
  'libpython3.11-stdlib',
  // the later power-cut harness (dm-log-writes, dm-flakey, e2fsck on replays)
  'dmsetup',
  'e2fsprogs',
  // what the aimlock package Depends on (its own Node needs the C++ runtime; the user comes from adduser)
  'adduser',
  'init-system-helpers',
  'libstdc++6',
  'libgcc-s1',
];

const SUITE = 'bookworm';
const IMAGE_SIZE = '2G';

/** Debian's mirror as this machine's apt knows it (deb822 or one-line sources), unless AIMLOCK_VM_MIRROR. */
export function mirror() {
  if (process.env.AIMLOCK_VM_MIRROR) return process.env.AIMLOCK_VM_MIRROR.replace(/\/$/, '');
  const dirs = ['/etc/apt/sources.list', '/etc/apt/sources.list.d'];
  const files = dirs.flatMap((p) =>
    !existsSync(p) ? [] : statSync(p).isDirectory() ? readdirSync(p).map((f) => join(p, f)) : [p],
  );
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    const m =
      /^URIs:\s*(\S+\/debian)\/?\s*$/m.exec(text) ??
      /^deb\s+(?:\[[^\]]*\]\s+)?(\S+\/debian)\/?\s+/m.exec(text);
    if (m) return m[1];
  }
  return 'http://deb.debian.org/debian';
}

/**
 * Shell run by mmdebstrap inside its tree ($1) after the essential packages, before the kernel is configured:
 * a small initramfs (only what mounting /dev/vda needs) makes the kernel install ~6x faster and the initrd
 * 6 MB instead of 35 MB.
 */
const ESSENTIAL_HOOK = `
set -e
mkdir -p "$1/etc/initramfs-tools/conf.d" "$1/etc/initramfs-tools/hooks"
echo MODULES=list > "$1/etc/initramfs-tools/conf.d/aimlock-lab"
cat > "$1/etc/initramfs-tools/hooks/aimlock-lab" <<'HOOK'
#!/bin/sh
[ "$1" = prereqs ] && exit 0
. /usr/share/initramfs-tools/hook-functions
for m in virtio_pci virtio_mmio virtio_blk ext4 crc32c_generic; do manual_add_modules "$m"; done
HOOK
chmod 755 "$1/etc/initramfs-tools/hooks/aimlock-lab"
`;

/** Shell run after every package is in: the board's small configuration (files from scripts/vm/guest/). */
const CUSTOMIZE_HOOK = `
set -e
r="$1"
g="${GUEST_FILES}"
echo lab > "$r/etc/hostname"
printf '127.0.1.1 lab\\n' >> "$r/etc/hosts"
printf '/dev/vda / ext4 rw 0 0\\n' > "$r/etc/fstab"
chroot "$r" passwd -d root
# A persistent journal: scenarios read the journal of the boot before a reboot.
mkdir -p "$r/var/log/journal"
install -D -m 644 "$g/10-lab.network" "$r/etc/systemd/network/10-lab.network"
install -D -m 644 "$g/lab-driver.service" "$r/etc/systemd/system/lab-driver.service"
install -D -m 644 "$g/autologin.conf" "$r/etc/systemd/system/serial-getty@ttyAMA0.service.d/autologin.conf"
mkdir -p "$r/mnt/lab"
chroot "$r" systemctl enable systemd-networkd.service lab-driver.service
# Nothing scheduled may run in the middle of a scenario (apt has no network anyway).
chroot "$r" systemctl mask apt-daily.timer apt-daily-upgrade.timer e2scrub_all.timer e2scrub_reap.service \\
  fstrim.timer dpkg-db-backup.timer systemd-timesyncd.service
# A fixed machine id (one per image): an empty one would make every run's first boot a systemd "first boot"
# (presets applied, units enabled behind the recipe's back). Each boot still gets its own boot id.
rm -f "$r/etc/machine-id" "$r/var/lib/dbus/machine-id"
chroot "$r" systemd-machine-id-setup
`;

/**
 * The recipe's identity: everything that shapes the image (packages, suite, size, mirror, both hooks, the guest
 * files), not this file's formatting. Bump RECIPE when the build steps below change in another way.
 */
const RECIPE = 1;
export function recipeKey(mirrorUrl = mirror()) {
  const h = createHash('sha256');
  h.update(
    JSON.stringify({ RECIPE, PACKAGES, SUITE, IMAGE_SIZE, mirrorUrl, ESSENTIAL_HOOK, CUSTOMIZE_HOOK }),
  );
  for (const f of readdirSync(GUEST_FILES).sort())
    h.update(`${f}\n`).update(readFileSync(join(GUEST_FILES, f)));
  return h.digest('hex').slice(0, 16);
}

/**
 * The cached image for the current recipe, built when missing: { dir, rootfs, kernel, initrd, key, built }.
 * Every run boots a copy of rootfs (see copyRootfs), never the cached file itself.
 */
export async function ensureImage({ rebuild = false } = {}) {
  const mirrorUrl = mirror();
  const key = recipeKey(mirrorUrl);
  const dir = join(VM_DIR, 'image', key);
  const files = {
    rootfs: join(dir, 'rootfs.img'),
    kernel: join(dir, 'vmlinuz'),
    initrd: join(dir, 'initrd.img'),
  };
  if (rebuild) rmSync(dir, { recursive: true, force: true });
  if (existsSync(join(dir, 'ready'))) return { dir, key, built: false, ...files };

  const t0 = performance.now();
  const work = join(VM_DIR, 'build', key);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const tree = join(work, 'rootfs');
  say(`vm: building the arm64 guest image ${key} from ${mirrorUrl} (${SUITE}; a few minutes, cached after)`);
  const sources = [
    `deb ${mirrorUrl} ${SUITE} main`,
    `deb ${mirrorUrl} ${SUITE}-updates main`,
    `deb ${mirrorUrl}-security ${SUITE}-security main`,
  ];
  await withBinfmt([target('arm64')], async () => {
    sh(
      'mmdebstrap',
      [
        '--arch=arm64',
        '--variant=minbase',
        `--include=${PACKAGES.join(',')}`,
        '--aptopt=Acquire::Retries "3"',
        `--essential-hook=${ESSENTIAL_HOOK}`,
        `--customize-hook=${CUSTOMIZE_HOOK}`,
        // The lab's apt never downloads: keep the lists (apt must resolve the package's Depends offline)
        // but drop the downloaded .debs.
        '--skip=cleanup/apt/lists',
        SUITE,
        tree,
        ...sources,
      ],
      { show: process.env.AIMLOCK_VM_VERBOSE === '1' },
    );
  });
  const t1 = performance.now();
  // Kernel and initrd are links into /boot in the tree: QEMU loads them directly (-kernel/-initrd).
  copyFileSync(join(tree, 'vmlinuz'), join(work, 'vmlinuz'));
  copyFileSync(join(tree, 'initrd.img'), join(work, 'initrd.img'));
  sh('mkfs.ext4', ['-q', '-F', '-L', 'root', '-d', tree, join(work, 'rootfs.img'), IMAGE_SIZE]);
  rmSync(tree, { recursive: true, force: true });
  writeFileSync(join(work, 'ready'), `${new Date().toISOString()}\n${PACKAGES.join(' ')}\n`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(VM_DIR, 'image'), { recursive: true });
  renameSync(work, dir);
  const mib = (statSync(files.initrd).size / 2 ** 20).toFixed(1);
  say(
    `vm: image ${key} built in ${since(t0)} (mmdebstrap ${((t1 - t0) / 1000).toFixed(1)} s, initrd ${mib} MiB)`,
  );
  return { dir, key, built: true, ...files };
}

/** A private, sparse copy of the cached rootfs for one run: a run never changes the cache. */
export function copyRootfs(image, dest) {
  sh('cp', ['--sparse=always', image.rootfs, dest]);
  return dest;
}
