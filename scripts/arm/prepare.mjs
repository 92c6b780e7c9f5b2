// An ARM copy of the project under .arm/: the ARM Node from the npm registry, and a copy of the built project
// whose node_modules were installed from the same lockfile with fs-ext cross-compiled for the board. The host's
// own x64 node_modules are never touched.
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, say, sh, since } from './sh.mjs';
import { assertArchOf } from './targets.mjs';

export const ARM_DIR = join(ROOT, '.arm');

/** Debian packages the targets need that are not installed. */
function missingPackages(targets) {
  const wanted = [...new Set(targets.flatMap((t) => t.apt))];
  return wanted.filter((pkg) => {
    try {
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a dpkg-query format, not a JavaScript template
      return !sh('dpkg-query', ['-W', '-f=${Status}', pkg]).includes('install ok installed');
    } catch {
      return true;
    }
  });
}

/** Installs the emulators, cross compilers and ARM runtime libraries, or says how to. */
export function ensureTools(targets) {
  const missing = missingPackages(targets);
  if (missing.length === 0) return;
  const line = `apt-get install -y --no-install-recommends ${missing.join(' ')}`;
  if (process.getuid?.() !== 0)
    throw new Error(`missing Debian packages; run as root:\n  apt-get update && ${line}`);
  const t0 = performance.now();
  say(`arm: installing ${missing.join(' ')}`);
  sh('apt-get', ['update', '-qq']);
  sh('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], {
    env: { DEBIAN_FRONTEND: 'noninteractive' },
  });
  say(`arm: installed in ${since(t0)}`);
}

/** The target's Node (binary and headers), fetched once from the npm registry into .arm/node/. */
export function armNode(t) {
  const home = join(ARM_DIR, 'node', t.name, 'package');
  const bin = join(home, 'bin', 'node');
  if (!existsSync(bin)) {
    const t0 = performance.now();
    const dest = join(ARM_DIR, 'node', t.name);
    rmSync(dest, { recursive: true, force: true });
    mkdirSync(dest, { recursive: true });
    say(`${t.name}: fetching ${t.node}`);
    const tgz = sh('npm', ['pack', t.node, '--pack-destination', dest, '--silent']).trim().split('\n').pop();
    sh('tar', ['xzf', join(dest, tgz), '-C', dest]);
    rmSync(join(dest, tgz));
    say(`${t.name}: ${t.node} ready in ${since(t0)}`);
  }
  assertArchOf(bin, t);
  return { home, bin };
}

/** What the copy is made of, besides compiled tests: the built project as it would be installed. */
const SHIPPED = ['package.json', 'package-lock.json', 'README.md', 'dist', 'schemas', 'systemd', 'examples'];

/**
 * Lays out `dir` as an ARM copy of the (already built) project: SHIPPED, plus compiled tests and their
 * fixtures when `tests`, plus node_modules from `npm ci` cross-compiled for `t` (production only unless
 * `tests`). node_modules is kept between runs while the lockfile and the target are unchanged.
 */
export function prepareCopy(t, { dir, tests }) {
  const t0 = performance.now();
  const node = armNode(t);
  mkdirSync(dir, { recursive: true });
  for (const entry of readdirSync(dir)) {
    if (entry !== 'node_modules' && entry !== '.deps')
      rmSync(join(dir, entry), { recursive: true, force: true });
  }
  for (const entry of SHIPPED) cpSync(join(ROOT, entry), join(dir, entry), { recursive: true });
  if (tests) {
    // The tests run as plain JavaScript: TypeScript's compiler under emulation would cost ~10 s per file.
    sh('npx', ['tsc', '-p', 'test/tsconfig.json', '--noEmit', 'false', '--outDir', dir]);
    cpSync(join(ROOT, 'test', 'fixtures'), join(dir, 'test', 'fixtures'), {
      recursive: true,
      filter: (src) => !src.endsWith('.ts'),
    });
  }
  installModules(t, dir, node.home, tests);
  const addon = join(dir, 'node_modules', 'fs-ext', 'build', 'Release', 'fs_ext.node');
  const arch = assertArchOf(addon, t);
  say(`${t.name}: copy ready in ${since(t0)} (fs_ext.node is ${arch.name}, ${arch.bits}-bit)`);
  return { dir, node, addon };
}

function installModules(t, dir, nodeHome, dev) {
  const lock = readFileSync(join(ROOT, 'package-lock.json'));
  const stamp = createHash('sha256')
    .update(lock)
    .update(`${t.node} ${dev ? 'dev' : 'prod'}`)
    .digest('hex');
  const stampFile = join(dir, '.deps');
  if (existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) return;
  rmSync(join(dir, 'node_modules'), { recursive: true, force: true });
  const t0 = performance.now();
  say(`${t.name}: npm ci with fs-ext built by ${t.triplet}-g++`);
  sh('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error', ...(dev ? [] : ['--omit=dev'])], {
    cwd: dir,
    env: {
      // Without CC/CXX node-gyp silently builds for the host: the .node is then x86-64 (checked after).
      CC: `${t.triplet}-gcc`,
      CXX: `${t.triplet}-g++`,
      npm_config_arch: t.npmArch,
      npm_config_target_arch: t.npmArch,
      npm_config_nodedir: nodeHome,
    },
  });
  writeFileSync(stampFile, stamp);
  say(`${t.name}: node_modules installed in ${since(t0)}`);
}
