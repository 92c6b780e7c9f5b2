// The fleet at scale through Mosquitto bridges: N simulated drones (real agents, `aimlock sim` processes) split
// over E edge brokers, each bridged to one core (examples/mosquitto-bridge.conf, via test/helpers/bridge.ts);
// from the core, a canary + waves `aimlock rollout --all`, then a hold point over H drones spread over the fleet
// (`aimlock hold --fleet`, when this build has it). Prints figures; asserts nothing.
//
//   npm run bench:scale          (builds first; 10,000 drones, 2 edges, 4 simulators each, hold over 1,000)
//   node --import @tapjs/typescript/import bench/scale.ts [DRONES] [EDGES] [SIMS_PER_EDGE] [HOLD]
//   (SCALE_BUCKET_S=5 for a finer timeline of the rollout; SCALE_SIM_NODE_FLAGS="--cpu-prof --cpu-prof-dir=D"
//   to profile the simulators)
//
// Figures: wall time of each phase; the operator's peak RSS (VmHWM of `aimlock rollout` / `aimlock hold`);
// messages per second through the core (everything under the fleet's topics an observer on the core saw,
// pushes, results, statuses, commands); time from the command's start to the last acknowledgement the
// observer saw (the last `applied` result; the last `done` command result).
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { generateKeyPair } from '../src/sign/index.js';
import { CLI, configWith, plainNode } from '../test/helpers/board.js';
import { startBridged } from '../test/helpers/bridge.js';
import { exited, waitForLine } from '../test/helpers/procs.js';

const [DRONES, EDGES, SIMS_PER_EDGE, HOLD] = [10_000, 2, 4, 1000].map((d, i) =>
  Number(process.argv[2 + i] ?? d),
);
const FLEET = 'scale';
const SIMS = EDGES! * SIMS_PER_EDGE!;
if (
  ![DRONES, EDGES, SIMS_PER_EDGE, HOLD].every((n) => Number.isInteger(n) && n! >= 0) ||
  DRONES! % SIMS !== 0
) {
  console.error(
    'usage: scale.ts [DRONES] [EDGES] [SIMS_PER_EDGE] [HOLD]   (DRONES a multiple of EDGES × SIMS_PER_EDGE)',
  );
  process.exit(2);
}

const cleanups: Array<() => void | Promise<void>> = [];
const shim = { teardown: (fn: () => void | Promise<void>) => cleanups.push(fn) };
const cleanup = async () => {
  for (const fn of cleanups.reverse()) await Promise.resolve(fn()).catch(() => {});
  cleanups.length = 0;
};
process.once('SIGINT', () => void cleanup().then(() => process.exit(130)));

const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const mib = (kib: number) => `${(kib / 1024).toFixed(0)} MiB`;
const digits = String(DRONES).length;
const name = (i: number) => `drone-${String(i).padStart(digits, '0')}`;

function statusKiB(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** Runs `aimlock ARGS`, following its peak RSS; resolves with exit code, stdout, wall time and peak. */
async function operatorRun(args: string[]) {
  const t0 = performance.now();
  const child = spawn(...plainNode([CLI, ...args]), { stdio: ['ignore', 'pipe', 'pipe'] });
  // Interrupted (Ctrl-C), the operator goes too.
  cleanups.push(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => {
    stdout += d;
  });
  child.stderr!.on('data', (d) => {
    stderr += d;
  });
  let peak = 0;
  const sampler = setInterval(() => {
    peak = Math.max(peak, statusKiB(child.pid!, 'VmHWM'));
  }, 100);
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  clearInterval(sampler);
  return { code, stdout, stderr, ms: performance.now() - t0, t0, peakKiB: peak };
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'aimlock-scale-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const t00 = performance.now();
  const net = await startBridged(shim, { edges: EDGES });
  const pair = generateKeyPair();
  writeFileSync(join(dir, 'ops-scale.key'), pair.privatePem, { mode: 0o600 });
  writeFileSync(join(dir, 'ops-scale.pub'), pair.publicPem);

  // The observer on the core: every status (to know all are up), and a count of every message.
  /** First and last instant each kind of command traffic was seen where, with how many. */
  const passing = new Map<string, { first: number; last: number; n: number }>();
  const seenAt = (where: string, at: number) => {
    const p = passing.get(where);
    if (p) {
      p.last = at;
      p.n++;
    } else passing.set(where, { first: at, last: at, n: 1 });
  };
  const obs = await mqtt.connectAsync(net.core.url, { clientId: `bench-${randomUUID()}`, clean: true });
  cleanups.push(() => obs.endAsync(true));
  const online = new Set<string>();
  let messages = 0;
  let lastApplied = 0;
  let lastHoldAck = 0;
  // The rollout's timeline on the core: pushes out and `applied` results back, counted in 30 s buckets from the
  // rollout's start (where a wave's time goes: publishing, the bridge, or the drones' landings).
  const BUCKET_MS = Number(process.env.SCALE_BUCKET_S ?? 30) * 1000;
  let timelineFrom = Number.POSITIVE_INFINITY;
  let timelineTo = Number.POSITIVE_INFINITY;
  const timeline = new Map<number, { pushes: number; applied: number }>();
  const tick = (kind: 'pushes' | 'applied') => {
    const at = performance.now();
    if (at < timelineFrom || at > timelineTo) return;
    const b = Math.floor((at - timelineFrom) / BUCKET_MS);
    const row = timeline.get(b) ?? { pushes: 0, applied: 0 };
    row[kind]++;
    timeline.set(b, row);
  };
  obs.on('message', (topic, payload) => {
    messages++;
    if (payload.length === 0) return;
    if (topic.endsWith('/status')) {
      const doc = JSON.parse(payload.toString()) as { device: string; state: string };
      if (doc.state === 'offline') online.delete(doc.device);
      else online.add(doc.device);
    } else if (topic.endsWith('/config/push')) {
      tick('pushes');
    } else if (topic.endsWith('/config/result') && payload.includes('"applied"')) {
      lastApplied = performance.now();
      tick('applied');
    } else if (topic.endsWith('/command/result') && payload.includes('"done"')) {
      lastHoldAck = performance.now();
      seenAt('core: results', lastHoldAck);
    } else if (topic.endsWith('/command')) {
      seenAt('core: commands', performance.now());
    }
  });
  await obs.subscribeAsync(`aimlock/v1/${FLEET}/#`, { qos: 1 });
  // Where a hold point's time goes: when its commands and results pass the core and the edges (observers on
  // each edge too, subscribed to the command topics only), first and last, from the operator's start.
  for (const [i, edge] of net.edges.entries()) {
    const o = await mqtt.connectAsync(edge.broker.url, {
      clientId: `bench-edge-${randomUUID()}`,
      clean: true,
    });
    cleanups.push(() => o.endAsync(true));
    o.on('message', (topic) => {
      seenAt(`edge ${i + 1}: ${topic.endsWith('/result') ? 'results' : 'commands'}`, performance.now());
    });
    await o.subscribeAsync([`aimlock/v1/${FLEET}/+/command`, `aimlock/v1/${FLEET}/+/command/result`], {
      qos: 1,
    });
  }

  // The simulators: SIMS_PER_EDGE per edge, each its own range of drone numbers.
  const per = DRONES! / SIMS;
  const sims: ChildProcess[] = [];
  const simStderr: string[][] = [];
  const tSims = performance.now();
  for (let i = 0; i < SIMS; i++) {
    const edge = net.edges[Math.floor(i / SIMS_PER_EDGE!)]!;
    const simFlags = process.env.SCALE_SIM_NODE_FLAGS?.split(' ').filter(Boolean) ?? [];
    const [node, args] = plainNode([
      ...simFlags,
      CLI,
      'sim',
      '--drones',
      String(per),
      '--first',
      String(i * per + 1),
    ]);
    args.push('--digits', String(digits), '--fleet', FLEET, '--broker', edge.broker.url);
    args.push('--pub', join(dir, 'ops-scale.pub'), '--log-level', 'error', '-q');
    const child = spawn(node, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    // What a simulator said on stderr (its agents' errors), the last lines kept for the end of the run.
    const said: string[] = [];
    simStderr.push(said);
    child.stderr!.on('data', (d: Buffer) => {
      said.push(...d.toString().split('\n').filter(Boolean));
      said.splice(0, Math.max(0, said.length - 20));
    });
    cleanups.push(async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
      await exited(child);
      clearTimeout(timer);
    });
    sims.push(child);
  }
  const limits = await Promise.all(sims.map((c) => waitForLine(c, /^limits: /, 1_800_000)));
  const simsUp = performance.now() - tSims;
  while (online.size < DRONES!) await new Promise((r) => setTimeout(r, 200));
  const allOnCore = performance.now() - tSims;
  const simRss = sims.reduce((sum, c) => sum + statusKiB(c.pid!, 'VmRSS'), 0);

  // The rollout from the core.
  const config = join(dir, 'next.json');
  writeFileSync(config, JSON.stringify(configWith((c) => (c.aim.sensitivity = 0.55))));
  const desk = ['--fleet', FLEET, '--broker', net.core.url, '--key', join(dir, 'ops-scale.key')];
  const m0 = messages;
  timelineFrom = performance.now();
  const ro = await operatorRun([
    'rollout',
    config,
    ...desk,
    '--all',
    '--canary',
    '10',
    '--waves',
    '10%,50%,100%',
    '--timeout',
    '900s',
    '--state-dir',
    join(dir, 'rollouts'),
    '--json',
  ]);
  const roMessages = messages - m0;
  let applied = 0;
  let outcome = `exit ${ro.code}`;
  // Why a rollout did not finish: its reason, each wave's verdict, and how the devices' answers split.
  const why: string[] = [];
  try {
    const sum = JSON.parse(ro.stdout) as {
      outcome: string;
      reason: string | null;
      waves: Array<{ label: string; status: string; reason: string | null; devices: string[] }>;
      devices: Array<{ device: string; status: string; code: string | null; detail: string | null }>;
    };
    applied = sum.devices.filter((d) => d.status === 'applied').length;
    outcome = sum.outcome;
    if (sum.outcome !== 'done') {
      why.push(`  reason: ${sum.reason}`);
      for (const w of sum.waves)
        why.push(
          `  ${w.label} (${w.devices.length}): ${w.status}${w.reason ? ` — ${w.reason.slice(0, 300)}` : ''}`,
        );
      const split = new Map<string, number>();
      for (const d of sum.devices) {
        const k = `${d.status}${d.code ? `/${d.code}` : ''}`;
        split.set(k, (split.get(k) ?? 0) + 1);
      }
      why.push(`  answers: ${[...split].map(([k, n]) => `${k} ${n}`).join(', ')}`);
      // A few of the failures in the devices' own words (one per distinct detail, device names taken out).
      const seen = new Set<string>();
      for (const d of sum.devices) {
        if (d.status !== 'rejected' || !d.detail) continue;
        const shape = d.detail.replaceAll(d.device, 'DEVICE').replace(/\d+/g, 'N');
        if (seen.has(shape) || seen.size >= 3) continue;
        seen.add(shape);
        why.push(`  ${d.device}: ${d.detail.slice(0, 400)}`);
      }
    }
  } catch {
    outcome += `: ${ro.stderr.slice(0, 300)}`;
  }

  // The hold point, when this build's CLI can put a fleet on hold.
  const holdHelp = await operatorRun(['hold', '--help']);
  let holdLines = [
    HOLD === 0
      ? 'hold point: not asked for (HOLD 0)'
      : 'hold point: not available yet (this build has no aimlock hold --fleet)',
  ];
  if (/--fleet/.test(holdHelp.stdout) && HOLD! > 0) {
    // Spread over the fleet (every DRONES/HOLD-th drone), so each simulator answers its share: 1,000 real
    // drones each answer on a CPU of their own, and 1,000 held drones in one simulator process measured that
    // process's share of a loaded machine (20–28 s), not the hold point.
    const stride = Math.max(1, Math.floor(DRONES! / HOLD!));
    const devices = Array.from({ length: HOLD! }, (_, i) => name(i * stride + 1)).join(',');
    timelineTo = performance.now();
    const h0 = messages;
    const hold = await operatorRun([
      'hold',
      ...desk,
      '--devices',
      devices,
      '--reason',
      'bench',
      '--for',
      '120s',
      '--timeout',
      '120s',
      '--record',
      join(dir, 'commands.jsonl'),
      '--json',
    ]);
    const toLast = lastHoldAck > hold.t0 ? lastHoldAck - hold.t0 : Number.NaN;
    // The operator's own figure: its first command published → the last final answer it got (what the fleet
    // took, without Node's start, the connection and the fleet's retained statuses before the first publish).
    let own = 'no summary';
    try {
      const sum = JSON.parse(hold.stdout) as {
        acknowledged: number;
        devices: number;
        elapsed_ms: number | null;
      };
      own =
        `${sum.acknowledged}/${sum.devices} acknowledged, first publish → last answer ` +
        (sum.elapsed_ms === null ? 'none' : s(sum.elapsed_ms));
    } catch {}
    holdLines = [
      `hold point over ${HOLD} drones: exit ${hold.code}, wall ${s(hold.ms)}, last acknowledgement after ${s(toLast)}` +
        ` (goal: within 5 s); ${own}`,
      `  operator peak RSS ${mib(hold.peakKiB)}; ${messages - h0} messages through the core, ${((messages - h0) / (hold.ms / 1000)).toFixed(0)}/s`,
    ];
    if (hold.code !== 0) holdLines.push(`  stderr: ${hold.stderr.slice(0, 300)}`);
    for (const where of [...passing.keys()].sort()) {
      const p = passing.get(where)!;
      holdLines.push(
        `  ${where}: ${p.n}, first after ${s(p.first - hold.t0)}, last after ${s(p.last - hold.t0)}`,
      );
    }
  }

  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  console.log(
    `machine: ${cpus().length} cores (${cpu}), Node ${process.version}, load ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  console.log(
    `fleet: ${DRONES} drones, ${EDGES} edge brokers bridged to one core, ${SIMS} simulator processes (${per} each)`,
  );
  console.log(
    `  simulators up in ${s(simsUp)}; every status on the core after ${s(allOnCore)}; simulators' RSS ${mib(simRss)} (${(simRss / DRONES!).toFixed(0)} KiB a drone)`,
  );
  console.log(`  ${limits[0]}`);
  console.log(
    `rollout (canary 10, waves 10%,50%,100%) from the core: ${outcome}, ${applied}/${DRONES} applied`,
  );
  console.log(
    `  wall ${s(ro.ms)}; last applied after ${s(lastApplied - ro.t0)}; operator peak RSS ${mib(ro.peakKiB)}`,
  );
  console.log(`  ${roMessages} messages through the core, ${(roMessages / (ro.ms / 1000)).toFixed(0)}/s`);
  for (const line of why) console.log(line);
  // Late answers count too: the timeline runs until the hold point starts.
  const rows = [...timeline].sort(([a], [b]) => a - b);
  if (rows.length > 0) {
    console.log(
      `  timeline on the core (per ${BUCKET_MS / 1000} s from the rollout's start: pushes out / applied back):`,
    );
    const cells = rows.map(([b, r]) => `${(b * BUCKET_MS) / 1000}s ${r.pushes}/${r.applied}`);
    for (let i = 0; i < cells.length; i += 8) console.log(`    ${cells.slice(i, i + 8).join(', ')}`);
  }
  for (const line of holdLines) console.log(line);
  console.log(`total wall ${s(performance.now() - t00)} (stopping the fleet is not counted)`);
  for (const [i, said] of simStderr.entries()) {
    if (said.length === 0) continue;
    console.log(`simulator ${i + 1}, its last stderr lines:`);
    for (const l of said.slice(-5)) console.log(`  ${l.slice(0, 400)}`);
  }
}

main()
  .catch((err) => {
    console.error(err);
    process.exitCode = 1;
  })
  .finally(cleanup);
