// DEBIAN/: control (with Installed-Size as dpkg-gencontrol counts it), conffiles, md5sums (conffiles excluded,
// as dh_md5sums does: dpkg tracks their sums itself), and the maintainer scripts.
import { createHash } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { join, relative } from 'node:path';
import { CONFFILES, FILES } from './layout.mjs';

const MAINTAINER = 'aimlock maintainers <aimlock@example.org>';

/** Besides the shared libraries of the shipped Node: what the maintainer scripts and the agent call. */
const RUNTIME_DEPENDS = [
  'adduser', // postinst: adduser/addgroup --system
  'init-system-helpers (>= 1.54~)', // postinst/postrm: deb-systemd-helper, deb-systemd-invoke
  'systemd', // the unit, systemd-tmpfiles, systemd-notify (readiness and watchdog)
  // flock(1)/lslocks for technicians (the agent's lock evidence matches lslocks). Essential, so lintian
  // wants a version: lslocks as shipped since bullseye.
  'util-linux (>= 2.36)',
];

function* walk(dir) {
  for (const entry of readdirSync(dir).sort()) {
    const path = join(dir, entry);
    yield path;
    if (lstatSync(path).isDirectory()) yield* walk(path);
  }
}

/** dpkg-gencontrol's count: KiB per file rounded up, 1 per directory and symlink. */
function installedSizeKiB(root) {
  let kib = 0;
  for (const path of walk(root)) {
    if (relative(root, path).startsWith('DEBIAN')) continue;
    const st = lstatSync(path);
    kib += st.isFile() ? Math.ceil(st.size / 1024) : 1;
  }
  return kib;
}

export function writeDebian({ root, arch, version, shlibs }) {
  const debian = join(root, 'DEBIAN');
  mkdirSync(debian, { recursive: true });

  const sums = [];
  for (const path of walk(root)) {
    const rel = relative(root, path);
    if (!lstatSync(path).isFile() || CONFFILES.includes(`/${rel}`)) continue;
    sums.push(`${createHash('md5').update(readFileSync(path)).digest('hex')}  ${rel}\n`);
  }
  writeFileSync(join(debian, 'md5sums'), sums.join(''));
  writeFileSync(join(debian, 'conffiles'), CONFFILES.map((f) => `${f}\n`).join(''));

  const depends = [...shlibs, ...RUNTIME_DEPENDS].join(', ');
  writeFileSync(
    join(debian, 'control'),
    `Package: aimlock
Version: ${version}
Architecture: ${arch}
Maintainer: ${MAINTAINER}
Installed-Size: ${installedSizeKiB(root)}
Depends: ${depends}
Section: admin
Priority: optional
Homepage: https://github.com/aimlock/aimlock
Description: lock-aware configuration agent for drone and edge boards
 aimlockd decides whether an aim-controller config pushed over MQTT may land
 in aim_lock_config.conf: signed pushes, local hard limits, and a lock made
 of kernel locks plus a persistent lock bit whose ghosts (owners proven dead)
 are reclaimed. aimlock is the command line for technicians and operators.
 .
 The agent runs on its own Node.js under /opt/aimlock as the system user
 aimlock. It starts once /etc/aimlock/agent.json names the board.
`,
  );
  for (const script of ['postinst', 'prerm', 'postrm']) {
    copyFileSync(join(FILES, script), join(debian, script));
    chmodSync(join(debian, script), 0o755);
  }
  for (const file of ['control', 'md5sums', 'conffiles']) chmodSync(join(debian, file), 0o644);
}
