#!/usr/bin/env node
// A tarball of the built agent for one ARM board type, ready to copy to a board:
//
//   npm run pack:arm64   →  .arm/out/aimlock-VERSION-linux-arm64.tar.gz
//   npm run pack:armv7   →  .arm/out/aimlock-VERSION-linux-armv7.tar.gz
//
// It unpacks to aimlock/ (meant for /opt/aimlock): dist, schemas, production node_modules with fs-ext
// cross-built for the board, the very Node binary the ARM lane tests with (stripped), bin/ wrappers, the
// systemd unit pointing at that Node, examples, and install.sh.
import { chmodSync, copyFileSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ARM_DIR, ensureTools, prepareCopy } from './prepare.mjs';
import { ROOT, say, sh, since } from './sh.mjs';
import { assertArchOf, target } from './targets.mjs';

const INSTALL_DIR = '/opt/aimlock';

const wrapper = (script) => `#!/bin/sh
# Runs aimlock's ${script} with the Node shipped beside it, wherever this package was unpacked.
here=$(dirname "$(readlink -f "$0")")/..
exec "$here/node/bin/node" "$here/dist/${script}" "$@"
`;

const name = process.argv[2];
if (!name || name.startsWith('-')) {
  say('usage: node scripts/arm/pack.mjs arm64|armv7   (npm run pack:arm64 / pack:armv7)');
  process.exit(name === '--help' || name === '-h' ? 0 : 2);
}

const t0 = performance.now();
try {
  const t = target(name);
  ensureTools([t]);
  say(`${t.name}: building the project (host)`);
  sh('npm', ['run', '-s', 'build']);
  const stage = join(ARM_DIR, 'pack', t.name);
  const dir = join(stage, 'aimlock');
  const { node } = prepareCopy(t, { dir, tests: false });

  mkdirSync(join(dir, 'node', 'bin'), { recursive: true });
  copyFileSync(node.bin, join(dir, 'node', 'bin', 'node'));
  copyFileSync(join(node.home, 'LICENSE'), join(dir, 'node', 'LICENSE'));
  sh(`${t.triplet}-strip`, [join(dir, 'node', 'bin', 'node')]);
  assertArchOf(join(dir, 'node', 'bin', 'node'), t);

  mkdirSync(join(dir, 'bin'), { recursive: true });
  for (const [bin, script] of [
    ['aimlock', 'cli/main.js'],
    ['aimlockd', 'agent/main.js'],
  ]) {
    writeFileSync(join(dir, 'bin', bin), wrapper(script));
    chmodSync(join(dir, 'bin', bin), 0o755);
  }
  const unit = join(dir, 'systemd', 'aimlockd.service');
  writeFileSync(
    unit,
    readFileSync(unit, 'utf8').replace(
      /^ExecStart=\S+ \S+\/dist\/agent\/main\.js/m,
      `ExecStart=${INSTALL_DIR}/node/bin/node ${INSTALL_DIR}/dist/agent/main.js`,
    ),
  );
  if (!readFileSync(unit, 'utf8').includes(`ExecStart=${INSTALL_DIR}/node/bin/node`)) {
    throw new Error(`${unit}: ExecStart was not rewritten to the shipped Node`);
  }
  copyFileSync(join(ROOT, 'scripts', 'arm', 'board-install.sh'), join(dir, 'install.sh'));
  chmodSync(join(dir, 'install.sh'), 0o755);
  rmSync(join(dir, 'examples', 'demo-board'), { recursive: true, force: true });
  rmSync(join(dir, 'package-lock.json'));

  // Prove the package starts on its target before calling it ready: its own Node, its own fs-ext.
  const qemu = (args) =>
    sh(t.qemu, ['-L', t.sysroot, join(dir, 'node', 'bin', 'node'), ...args], { cwd: dir });
  const version = qemu([join(dir, 'dist', 'cli', 'main.js'), '--version']).trim();
  const arch = qemu(['-e', "require('fs-ext'); process.stdout.write(process.arch)"]);
  if (arch !== t.npmArch) throw new Error(`the packed Node reports ${arch}, expected ${t.npmArch}`);

  const { version: pkgVersion } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  mkdirSync(join(ARM_DIR, 'out'), { recursive: true });
  const tarball = join(ARM_DIR, 'out', `aimlock-${pkgVersion}-linux-${t.name}.tar.gz`);
  sh('tar', ['czf', tarball, '--owner=0', '--group=0', '--exclude=.deps', '-C', stage, 'aimlock']);
  const sha = sh('sha256sum', [tarball]).split(' ')[0];
  const mib = (statSync(tarball).size / 2 ** 20).toFixed(1);
  say(`${t.name}: packed ${version} (${arch}) in ${since(t0)}`);
  say(`${tarball}  ${mib} MiB  sha256 ${sha}`);
  say(`on the board: sudo tar xzf ${tarball.split('/').pop()} -C /opt && sudo /opt/aimlock/install.sh`);
} catch (err) {
  say(`pack: ${err.message}`);
  process.exit(1);
}
