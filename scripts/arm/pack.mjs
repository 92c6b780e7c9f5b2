#!/usr/bin/env node
// A tarball of the built agent for one ARM board type, ready to copy to a board:
//
//   npm run pack:arm64   →  .arm/out/aimlock-VERSION-linux-arm64.tar.gz
//   npm run pack:armv7   →  .arm/out/aimlock-VERSION-linux-armv7.tar.gz
//
// It unpacks to aimlock/ (meant for /opt/aimlock): the tree of stage.mjs (dist, schemas, production
// node_modules with fs-ext cross-built for the board, the very Node binary the ARM lane tests with, bin/
// wrappers, the unit pointing at that Node, examples) plus install.sh. The Debian packages (scripts/deb/) are
// made from the same tree.
import { chmodSync, copyFileSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ARM_DIR } from './prepare.mjs';
import { ROOT, say, sh, since } from './sh.mjs';
import { stageTree } from './stage.mjs';
import { target } from './targets.mjs';

const name = process.argv[2];
if (!name || name.startsWith('-')) {
  say('usage: node scripts/arm/pack.mjs arm64|armv7   (npm run pack:arm64 / pack:armv7)');
  process.exit(name === '--help' || name === '-h' ? 0 : 2);
}

const t0 = performance.now();
try {
  const t = target(name);
  const stage = join(ARM_DIR, 'pack', t.name);
  const dir = join(stage, 'aimlock');
  const { version, arch } = stageTree(t, dir);
  copyFileSync(join(ROOT, 'scripts', 'arm', 'board-install.sh'), join(dir, 'install.sh'));
  chmodSync(join(dir, 'install.sh'), 0o755);

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
