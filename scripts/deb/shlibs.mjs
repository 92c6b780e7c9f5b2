// Depends for the shipped native code (Node and the addons), read from the ELF files themselves: which shared
// libraries they need (NEEDED) and the newest symbol versions they use. dpkg-shlibdeps cannot do this for a
// foreign architecture here (it needs the target's libc6:ARCH installed, not the -cross packages).
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { sh } from '../arm/sh.mjs';
import { elfInfo } from '../arm/targets.mjs';

/** Debian package of each library soname Node or an addon may need; libc6 covers glibc's split libraries. */
const PACKAGE_OF = {
  'libc.so.6': 'libc6',
  'libm.so.6': 'libc6',
  'libdl.so.2': 'libc6',
  'libpthread.so.0': 'libc6',
  'librt.so.1': 'libc6',
  'ld-linux-aarch64.so.1': 'libc6',
  'ld-linux-armhf.so.3': 'libc6',
  'ld-linux-x86-64.so.2': 'libc6',
  'libstdc++.so.6': 'libstdc++6',
  'libgcc_s.so.1': 'libgcc-s1',
  'libatomic.so.1': 'libatomic1', // armv7's Node: 64-bit atomics in software
};

/** GLIBCXX_3.4.N → the GCC release whose libstdc++6 first provides it (the package's version). */
const GCC_OF_GLIBCXX = { 25: '8', 26: '9', 27: '9', 28: '10', 29: '11', 30: '12', 31: '13' };

/** Every ELF file under `dir` (Node, addons): their architecture and their library needs. */
export function* elfFiles(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* elfFiles(path);
    else if (entry.isFile() && statSync(path).size > 64 && elfInfo(path).bits) yield path;
  }
}

const newer = (a, b) => (!a || b.localeCompare(a, 'en', { numeric: true }) > 0 ? b : a);

/** `libc6 (>= 2.28), libstdc++6 (>= 10), …` for every ELF file under `dir`; throws on an unknown library. */
export function shlibDepends(dir) {
  const packages = new Set();
  let glibc = '';
  let glibcxx = '';
  for (const file of elfFiles(dir)) {
    const dyn = sh('readelf', ['--dynamic', '--version-info', '-W', file]);
    for (const [, soname] of dyn.matchAll(/\(NEEDED\)\s+Shared library: \[([^\]]+)\]/g)) {
      const pkg = PACKAGE_OF[soname];
      if (!pkg)
        throw new Error(`${file} needs ${soname}, which no Depends entry provides (add it to shlibs.mjs)`);
      packages.add(pkg);
    }
    for (const [, v] of dyn.matchAll(/Name: GLIBC_(\d+(?:\.\d+)+)/g)) glibc = newer(glibc, v);
    for (const [, v] of dyn.matchAll(/Name: GLIBCXX_3\.4\.(\d+)/g)) glibcxx = newer(glibcxx, v);
  }
  const version = {
    libc6: glibc && ` (>= ${glibc})`,
    'libstdc++6': glibcxx && ` (>= ${GCC_OF_GLIBCXX[glibcxx] ?? '5'})`,
  };
  return [...packages].sort().map((pkg) => `${pkg}${version[pkg] ?? ''}`);
}
