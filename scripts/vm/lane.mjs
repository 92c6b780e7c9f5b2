#!/usr/bin/env node
// The VM lane: the aimlock package on an emulated arm64 board with systemd as PID 1 (README "The VM lane").
//
//   npm run test:vm                       every scenario, one boot (plus the reboot scenario f's)
//   npm run test:vm -- --only b,d         chosen scenarios (a, the install, always runs)
//   npm run test:vm -- --deb FILE         install this package instead of building one
//   npm run test:vm -- --rebuild          rebuild the cached guest image
//
// Builds (or reuses) the Debian 12 arm64 image in .vm/image/, the package, then runs test/vm/board.test.ts on
// the host: it boots the board under qemu-system-aarch64 and drives the scenarios. Closes with
// "N passed, N failed"; exits 1 when anything failed or could not run. Logs: .vm/out/.
import { spawn } from 'node:child_process';
import {
  appendFileSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { ROOT, say, sh, since } from '../arm/sh.mjs';
import { countTap, summaryLine } from '../tap-count.mjs';
import { copyRootfs, ensureImage, VM_DIR } from './image.mjs';
import { findDeb } from './package.mjs';

const USAGE = 'usage: npm run test:vm [-- --only a,b,...] [--deb FILE] [--rebuild]';
const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h')) {
  say(USAGE);
  process.exit(0);
}
const option = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};

const t0 = performance.now();
const runDir = join(VM_DIR, 'run', String(process.pid));
const outDir = join(VM_DIR, 'out');
let child = null;
let interrupted = false;

/** Kills what the run started, by the pids it recorded (QEMU's pidfile, the broker's), and removes the run. */
function cleanup() {
  for (const file of ['qemu.pid', 'mosquitto.pid']) {
    const path = join(runDir, file);
    if (!existsSync(path)) continue;
    const pid = Number(readFileSync(path, 'utf8').trim());
    try {
      if (pid > 0) process.kill(pid, 'SIGKILL');
    } catch {} // already gone: the test's own teardown ended it
  }
  for (const f of ['console.log', 'qemu.stderr']) {
    if (existsSync(join(runDir, f))) copyFileSync(join(runDir, f), join(outDir, f));
  }
  rmSync(runDir, { recursive: true, force: true });
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    // The test process (and its QEMU) got the same Ctrl-C; a SIGTERM is passed on. Cleanup follows its exit.
    interrupted = true;
    if (child && child.exitCode === null) child.kill('SIGTERM');
    else {
      cleanup();
      say('vm lane: interrupted');
      say('0 passed, 1 failed');
      process.exit(130);
    }
  });
}

try {
  const deb = option('--deb');
  const only = option('--only');
  // The host's tools (QEMU, mmdebstrap, Mosquitto…) from the project's one list, installed when missing.
  sh(process.execPath, [join(ROOT, 'scripts', 'needs.mjs'), 'vm'], { show: true });
  const t1 = performance.now();
  const image = await ensureImage({ rebuild: args.includes('--rebuild') });
  say(`vm: image ${image.key} ${image.built ? `built in ${since(t1)}` : 'cached'}`);
  const pkg = findDeb(deb);

  mkdirSync(join(runDir, 'share'), { recursive: true });
  mkdirSync(outDir, { recursive: true });
  const rootfs = copyRootfs(image, join(runDir, 'rootfs.img'));
  const tapFile = join(outDir, 'board.tap');
  say(`vm: booting the board and running the scenarios${only ? ` (${only})` : ''}; TAP in ${tapFile}`);
  const text = await runBoardTest({ image: { ...image, rootfs }, pkg, only, tapFile });
  const counts = countTap(text);
  for (const m of text.matchAll(/# measure: (.*)/g)) say(`vm: ${m[1]}`);
  for (const name of counts.failures) say(`vm: not ok - ${name}`);
  if (counts.passed + counts.failed === 0) counts.failed = 1;
  cleanup();
  say(`vm lane: ${since(t0)}${interrupted ? ' (interrupted)' : ''}`);
  say(summaryLine(counts));
  process.exit(counts.failed > 0 || interrupted ? 1 : 0);
} catch (err) {
  cleanup();
  say(`vm lane: cannot run: ${err.message}`);
  say('0 passed, 1 failed');
  process.exit(1);
}

/** Runs the scenarios (TypeScript, through tap's loader) and returns their TAP; prints progress lines live. */
function runBoardTest({ image, pkg, only, tapFile }) {
  return new Promise((resolve) => {
    let text = '';
    child = spawn(
      process.execPath,
      ['--import', '@tapjs/typescript/import', join('test', 'vm', 'board.test.ts')],
      {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'inherit'],
        env: {
          ...process.env,
          AIMLOCK_VM_RUN: runDir,
          AIMLOCK_VM_IMAGE: JSON.stringify(image),
          AIMLOCK_VM_DEB: pkg,
          AIMLOCK_VM_ONLY: only ?? '',
          // tap's own per-file timeout: a ceiling against a hung board, not the lane's budget (~12–15 min idle on
          // 2 cores): under load 13–36 a run whose every scenario passed reached 30 minutes in its last one.
          TAP_TIMEOUT: '2400',
        },
      },
    );
    let partial = '';
    writeFileSync(tapFile, '');
    child.stdout.on('data', (d) => {
      text += d;
      appendFileSync(tapFile, d); // written as it comes: a long run can be followed, an interrupted one read
      partial += d;
      const lines = partial.split('\n');
      partial = lines.pop() ?? '';
      // Live view: scenario results and figures (the full TAP goes to the file).
      for (const line of lines) if (/^(not )?ok |^# measure:|^ {4}not ok /.test(line)) say(line);
    });
    child.on('exit', () => resolve(text));
  });
}
