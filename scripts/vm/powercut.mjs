#!/usr/bin/env node
// The power-cut harness (README "Power cuts"): test/vm/powercut.test.ts on the VM lane's emulated board.
//
//   npm run test:powercut                   full: 200 recorded applies, 50 hard power cuts
//   npm run test:powercut -- --ci           CI: 30 applies, 3 power cuts (the counts are printed)
//   npm run test:powercut -- --applies N --cuts N --sample N   (0 applies or 0 cuts: that half is skipped)
//   npm run test:powercut -- --break fsync  the agent with every fsync a no-op: the run must find lost answers
//   npm run test:powercut -- --deb FILE     a given package instead of building one
//
// Uses the VM lane's cached image as it is (never builds it: `npm run test:vm` does). Closes with
// "N passed, N failed"; figures as `powercut:` lines; failing images and the ledger in .vm/out/powercut/.
import { spawn } from 'node:child_process';
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { ROOT, say, since } from '../arm/sh.mjs';
import { countTap, summaryLine } from '../tap-count.mjs';
import { copyRootfs, ensureImage, VM_DIR } from './image.mjs';
import { findDeb } from './package.mjs';

const args = process.argv.slice(2);
const option = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
if (args.includes('--help')) {
  say(
    'usage: npm run test:powercut [-- --ci] [--applies N] [--cuts N] [--sample N] [--break fsync] [--deb FILE]',
  );
  process.exit(0);
}
const ci = args.includes('--ci') || process.env.CI === 'true';
const counts = {
  AIMLOCK_POWERCUT_APPLIES: option('--applies') ?? (ci ? '30' : '200'),
  AIMLOCK_POWERCUT_CUTS: option('--cuts') ?? (ci ? '3' : '50'),
  AIMLOCK_POWERCUT_SAMPLE: option('--sample') ?? (ci ? '6' : '20'),
  AIMLOCK_POWERCUT_BREAK: option('--break') ?? '',
};

const t0 = performance.now();
const runDir = join(VM_DIR, 'run', `powercut-${process.pid}`);
const outDir = join(VM_DIR, 'out', 'powercut');
let child = null;
let interrupted = false;

function cleanup() {
  for (const file of ['qemu.pid', 'mosquitto.pid']) {
    const path = join(runDir, file);
    if (!existsSync(path)) continue;
    try {
      process.kill(Number(readFileSync(path, 'utf8').trim()), 'SIGKILL');
    } catch {} // already gone
  }
  rmSync(runDir, { recursive: true, force: true });
}
for (const signal of ['SIGINT', 'SIGTERM'])
  process.on(signal, () => {
    interrupted = true;
    if (child && child.exitCode === null) child.kill('SIGTERM');
    else {
      cleanup();
      say('0 passed, 1 failed');
      process.exit(130);
    }
  });

/**
 * The lane's image: any ready one (the recipe key may differ between branches; AIMLOCK_VM_IMAGE_DIR picks).
 * Only in CI, where nothing else builds it, is a missing image built (as `npm run test:vm` would).
 */
async function readyImage() {
  const root = join(VM_DIR, 'image');
  const dirs = process.env.AIMLOCK_VM_IMAGE_DIR
    ? [process.env.AIMLOCK_VM_IMAGE_DIR]
    : existsSync(root)
      ? readdirSync(root).map((k) => join(root, k))
      : [];
  const dir = dirs.find((d) => existsSync(join(d, 'ready')));
  if (!dir && ci) return ensureImage();
  if (!dir) throw new Error(`no ready VM image under ${root}: build it once with npm run test:vm`);
  return { rootfs: join(dir, 'rootfs.img'), kernel: join(dir, 'vmlinuz'), initrd: join(dir, 'initrd.img') };
}

try {
  const image = await readyImage();
  const deb = findDeb(option('--deb'));
  mkdirSync(join(runDir, 'share'), { recursive: true });
  mkdirSync(outDir, { recursive: true });
  const rootfs = copyRootfs(image, join(runDir, 'rootfs.img'));
  say(
    `powercut: ${counts.AIMLOCK_POWERCUT_APPLIES} applies, ${counts.AIMLOCK_POWERCUT_CUTS} power cuts${ci ? ' (CI counts)' : ''}${counts.AIMLOCK_POWERCUT_BREAK ? `, broken build: ${counts.AIMLOCK_POWERCUT_BREAK}` : ''}`,
  );
  const tapFile = join(
    outDir,
    counts.AIMLOCK_POWERCUT_BREAK ? `powercut-break-${counts.AIMLOCK_POWERCUT_BREAK}.tap` : 'powercut.tap',
  );
  const text = await new Promise((resolve) => {
    let all = '';
    let partial = '';
    writeFileSync(tapFile, '');
    child = spawn(
      process.execPath,
      ['--import', '@tapjs/typescript/import', join('test', 'vm', 'powercut.test.ts')],
      {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'inherit'],
        env: {
          ...process.env,
          ...counts,
          AIMLOCK_VM_RUN: runDir,
          AIMLOCK_VM_IMAGE: JSON.stringify({ ...image, rootfs }),
          AIMLOCK_VM_DEB: deb,
          // A full run is hours on 2 cores; the CI counts must end well inside CI's own budget.
          TAP_TIMEOUT: ci ? '2400' : '14400',
        },
      },
    );
    child.stdout.on('data', (d) => {
      all += d;
      appendFileSync(tapFile, d);
      partial += d;
      const lines = partial.split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines)
        if (/^\s*(not )?ok |# measure:|# FAIL|# recorded|# BROKEN/.test(line))
          say(line.trim().replace(/^# measure: /, 'powercut: '));
    });
    child.on('exit', () => resolve(all));
  });
  const c = countTap(text);
  // An interrupted run proved nothing about what it did not reach.
  if (c.passed + c.failed === 0 || interrupted) c.failed += 1;
  cleanup();
  say(`powercut: ${since(t0)}${interrupted ? ' (interrupted)' : ''}; TAP in ${tapFile}`);
  say(summaryLine(c));
  process.exit(c.failed > 0 ? 1 : 0);
} catch (err) {
  cleanup();
  say(`powercut: cannot run: ${err.message}`);
  say('0 passed, 1 failed');
  process.exit(1);
}
