#!/usr/bin/env node
// The ARM lane: the lock suite, an agent subset and the cross-architecture tests, run by ARM Node under
// user-mode QEMU against the host's Mosquitto and util-linux. README: "The ARM lane".
//
//   npm run test:arm                 arm64 and armv7
//   npm run test:arm -- arm64        one target
//   npm run test:arm -- arm64 --only lock-ghosts,arm/cross-arch
//
// Closes with "N passed, N failed"; exits 1 when anything failed or could not run (no QEMU, no binfmt_misc).
import { closeSync, mkdirSync, openSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { countTap, summaryLine } from '../tap-count.mjs';
import { withBinfmt } from './binfmt.mjs';
import { ARM_DIR, ensureTools, prepareCopy } from './prepare.mjs';
import { ROOT, say, sh, since, spawnTo, succeeds } from './sh.mjs';
import { targetsFrom } from './targets.mjs';

/** Test files run on ARM, longest first (they share the cores). */
const SUITE = [
  'lock-contention',
  'lock-ghosts',
  'arm/cross-arch',
  'agent-ghosts',
  'agent-codes',
  'cli-release',
  'lock-proc',
  'lock-verdict',
];

/** Host programs the tests use as peers: the broker and the foreign lock holders. */
const HOST_TOOLS = ['mosquitto', 'flock', 'lslocks', 'python3'];

if (process.argv.includes('--help') || process.argv.includes('-h')) {
  say(`usage: npm run test:arm [-- arm64|armv7 ...] [--only FILE,...]

Runs ${SUITE.join(', ')} under ARM Node in user-mode QEMU
(apt packages, ARM Node from the npm registry and cross-built fs-ext are set up on first use, in .arm/).`);
  process.exit(0);
}

const t0 = performance.now();
try {
  const args = process.argv.slice(2);
  const only = args.indexOf('--only');
  const files = only >= 0 ? (args.splice(only, 2)[1] ?? '').split(',') : SUITE;
  const unknown = files.filter((f) => !SUITE.includes(f));
  if (unknown.length)
    throw new Error(`--only: ${unknown.join(', ')} not in the ARM suite (${SUITE.join(', ')})`);
  const targets = targetsFrom(args);
  const missing = HOST_TOOLS.filter((tool) => !succeeds('sh', ['-c', `command -v ${tool}`]));
  if (missing.length) {
    throw new Error(
      `missing on this machine: ${missing.join(', ')} (apt-get install mosquitto util-linux python3)`,
    );
  }
  ensureTools(targets);
  say('arm: building the project (host)');
  sh('npm', ['run', '-s', 'build']);
  const copies = targets.map((t) => ({ t, ...prepareCopy(t, { dir: join(ARM_DIR, t.name), tests: true }) }));
  const totals = await withBinfmt(targets, async () => {
    for (const c of copies) checkRuns(c);
    return runSuite(copies, files);
  });
  say(`arm lane: ${targets.map((t) => t.name).join(' + ')} in ${since(t0)}`);
  say(summaryLine(totals));
  process.exit(totals.failed > 0 || totals.passed === 0 ? 1 : 0);
} catch (err) {
  say(`arm lane: cannot run: ${err.message}`);
  say('0 passed, 1 failed');
  process.exit(1);
}

/** The ARM Node starts through binfmt (no explicit qemu) and loads the copy's fs-ext. */
function checkRuns({ t, dir, node }) {
  const t1 = performance.now();
  const out = sh(node.bin, ['-e', "require('fs-ext'); process.stdout.write(process.arch)"], {
    cwd: dir,
    env: { QEMU_LD_PREFIX: t.sysroot },
  });
  const want = t.npmArch;
  if (out !== want) throw new Error(`${t.name}: the ARM Node reports "${out}", expected "${want}"`);
  say(`${t.name}: Node ${want} starts through binfmt and loads fs-ext (${since(t1)})`);
}

async function runSuite(copies, files) {
  const jobs = copies.flatMap((c) => files.map((file) => ({ ...c, file })));
  const totals = { passed: 0, failed: 0, skipped: 0 };
  const measures = [];
  const worker = async () => {
    for (let job = jobs.shift(); job; job = jobs.shift()) {
      const r = await runFile(job);
      totals.passed += r.passed;
      totals.failed += r.failed;
      totals.skipped += r.skipped;
      measures.push(...r.measures);
    }
  };
  await Promise.all(Array.from({ length: availableParallelism() }, worker));
  for (const m of measures) say(m);
  return totals;
}

async function runFile({ t, dir, node, file }) {
  const out = join(ARM_DIR, 'out', t.name);
  mkdirSync(join(out, 'arm'), { recursive: true });
  const tapFile = join(out, `${file}.tap`);
  const errFile = join(out, `${file}.err`);
  rmSync(tapFile, { force: true });
  const t1 = performance.now();
  say(`${t.name}: running ${file}`);
  const tapFd = openSync(tapFile, 'w');
  const errFd = openSync(errFile, 'w');
  const code = await spawnTo(node.bin, [join('test', `${file}.test.js`)], {
    cwd: dir,
    stdio: ['ignore', tapFd, errFd],
    env: {
      PATH: `${node.home}/bin:${process.env.PATH}`,
      QEMU_LD_PREFIX: t.sysroot,
      NODE_OPTIONS: '',
      TAP_TIMEOUT: '1800',
      AIMLOCK_KILL_ROUNDS: '20',
      AIMLOCK_HOST_NODE: process.execPath,
      AIMLOCK_HOST_ROOT: ROOT,
    },
  });
  closeSync(tapFd);
  closeSync(errFd);
  const text = readFileSync(tapFile, 'utf8');
  const counts = countTap(text);
  if (code !== 0 && counts.failed === 0) {
    counts.failed = 1;
    counts.failures.push(`${file} exited ${code} (see ${errFile})`);
  }
  for (const name of counts.failures) say(`${t.name}: not ok - ${file}: ${name}`);
  say(`${t.name}: ${file}: ${summaryLine(counts)} (${since(t1)})`);
  const measures = [...text.matchAll(/# measure: (.*)/g)].map((m) => `${t.name}: ${m[1]}`);
  return { ...counts, measures };
}
