#!/usr/bin/env node
// The package lane: builds the amd64 package (scripts/deb/build.mjs) and runs test/deb/package.test.ts on it —
// dpkg-deb, lintian, and install / upgrade / remove / reinstall / purge in a throwaway Debian 12 root made by
// mmdebstrap (cached in .deb/cache/). Never installs anything on this machine beyond the tools it needs.
//
//   npm run test:deb
//
// Closes with "N passed, N failed"; exits 1 when anything failed or could not run.
import { closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, say, sh, since, spawnTo } from '../arm/sh.mjs';
import { countTap, summaryLine } from '../tap-count.mjs';

const OUT = join(ROOT, '.deb', 'out');
const t0 = performance.now();
try {
  sh('node', [join(ROOT, 'scripts', 'needs.mjs'), 'deb'], { show: true });
  if (process.getuid?.() !== 0) throw new Error('installing into a Debian root (chroot, mounts) needs root');
  const build = await spawnTo('node', [join(ROOT, 'scripts', 'deb', 'build.mjs'), 'amd64'], {
    stdio: 'inherit',
  });
  if (build !== 0) throw new Error('the amd64 package could not be built (see above)');
  const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const deb = join(OUT, `aimlock_${version}-1_amd64.deb`);
  mkdirSync(join(OUT, 'test'), { recursive: true });
  const tapFile = join(OUT, 'test', 'package.tap');
  const fd = openSync(tapFile, 'w');
  say(`deb lane: testing ${deb}`);
  const code = await spawnTo('npx', ['tap', '--reporter=tap', '--timeout=1800', 'test/deb/package.test.ts'], {
    stdio: ['ignore', fd, 'inherit'],
    env: { AIMLOCK_DEB: deb },
  });
  closeSync(fd);
  const counts = countTap(readFileSync(tapFile, 'utf8'));
  if (code !== 0 && counts.failed === 0) {
    counts.failed = 1;
    counts.failures.push(`test/deb/package.test.ts exited ${code} (see ${tapFile})`);
  }
  for (const name of counts.failures) say(`not ok - ${name}`);
  say(`deb lane: done in ${since(t0)}`);
  say(summaryLine(counts));
  process.exit(counts.failed > 0 || counts.passed === 0 ? 1 : 0);
} catch (err) {
  say(`deb lane: cannot run: ${err.message}`);
  say('0 passed, 1 failed');
  process.exit(1);
}
