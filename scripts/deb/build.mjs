#!/usr/bin/env node
// One Debian package of aimlock for a board architecture, built with dpkg-deb from the same staged tree as the
// board tarball (scripts/arm/stage.mjs), then checked by lintian:
//
//   npm run deb:arm64 | deb:armhf | deb:amd64   →  .deb/out/aimlock_VERSION_ARCH.deb
//
// Exits 1 with the reason when the package cannot be made or lintian reports an error.
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, say, sh, since } from '../arm/sh.mjs';
import { checkTree, stageTree } from '../arm/stage.mjs';
import { assertArchOf } from '../arm/targets.mjs';
import { DEB_ARCHES, debTarget } from './arches.mjs';
import { changelogText } from './changelog.mjs';
import { writeDebian } from './control.mjs';
import { layoutRoot } from './layout.mjs';
import { runLintian } from './lintian.mjs';
import { elfFiles, shlibDepends } from './shlibs.mjs';

const DEB_DIR = join(ROOT, '.deb');

const arch = process.argv[2];
if (!arch || arch.startsWith('-')) {
  say(`usage: node scripts/deb/build.mjs ${DEB_ARCHES.join('|')}   (npm run deb:ARCH)`);
  process.exit(arch === '--help' || arch === '-h' ? 0 : 2);
}

const t0 = performance.now();
try {
  const t = debTarget(arch);
  // The staged tree is kept between builds: its node_modules are reinstalled only when the lockfile changes.
  const tree = join(DEB_DIR, 'stage', arch, 'aimlock');
  const checked = stageTree(t, tree);
  say(`${arch}: staged ${checked.version}, its Node runs as ${checked.arch}${t.qemu ? ' under QEMU' : ''}`);

  const { version: upstream } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const version = `${upstream}-1`;
  // Reproducible: every date in the package is the last commit's (dpkg-deb clamps file times to it too).
  const epoch = sh('git', ['log', '-1', '--format=%ct']).trim();
  const commit = sh('git', ['rev-parse', '--short', 'HEAD']).trim();
  const root = join(DEB_DIR, 'root', arch);
  layoutRoot({ t, tree, root, changelog: changelogText({ version, upstream, commit, epoch }) });
  const opt = join(root, 'opt', 'aimlock');
  for (const file of elfFiles(opt)) assertArchOf(file, t);
  checkTree(t, opt); // still starts after node_modules was pruned
  const shlibs = shlibDepends(opt);
  writeDebian({ root, arch, version, shlibs });

  const out = join(DEB_DIR, 'out');
  mkdirSync(out, { recursive: true });
  const deb = join(out, `aimlock_${version}_${arch}.deb`);
  sh('dpkg-deb', ['--root-owner-group', '-Zxz', '--build', root, deb], { env: { SOURCE_DATE_EPOCH: epoch } });
  const mib = (statSync(deb).size / 2 ** 20).toFixed(1);
  say(`${arch}: built ${deb} (${mib} MiB, Depends: ${shlibs.join(', ')}) in ${since(t0)}`);

  const t1 = performance.now();
  const lint = runLintian(deb);
  for (const line of lint.lines) say(`  ${line}`);
  say(`${arch}: lintian: ${lint.errors} errors, ${lint.warnings} warnings (${since(t1)})`);
  if (lint.errors > 0) throw new Error(`lintian reports ${lint.errors} errors on ${deb}`);
  say(`${arch}: ready: ${deb}`);
} catch (err) {
  say(`deb: ${err.message}`);
  process.exit(1);
}
