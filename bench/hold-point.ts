// A hold point over a simulated fleet: N drones (the real agent, one process, `startFleet`) answer operator
// commands through the simulator's responder; `aimlock hold --fleet F --all` runs as the operator types it.
// Prints figures, asserts nothing (bench/README.md).
//
//   npm run build && node --import @tapjs/typescript/import bench/hold-point.ts [N] [LANDING]
//
// N drones in one simulator process (this one); LANDING drones are mid-landing (accepted first, done 1.5 s
// later). OPERATOR_NODE_FLAGS="--cpu-prof --cpu-prof-dir=DIR" profiles the operator CLI as it runs; run this
// script itself with --cpu-prof for the simulator.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { startFleet } from '../src/fleet/sim.js';
import { generateKeyPair } from '../src/sign/index.js';
import { CLI, plainNode } from '../test/helpers/board.js';
import { startMosquitto } from '../test/helpers/mosquitto.js';

const N = Number(process.argv[2] ?? 300);
const LANDING = Number(process.argv[3] ?? 0);

/** CPU time (utime + stime) of a live process so far, in ms (10 ms ticks); 0 once it is gone. */
function cpuMs(pid: number): number {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(f[11]) + Number(f[12])) * 10;
  } catch {
    return 0;
  }
}

/** Peak resident set of a live process (VmHWM), in KiB; 0 once it is gone. */
function peakKiB(pid: number): number {
  try {
    return Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

const cleanups: (() => Promise<unknown> | unknown)[] = [];
const teardown = { teardown: (fn: () => unknown) => cleanups.push(fn) };
const { mkdtempSync, rmSync } = await import('node:fs');
const { tmpdir } = await import('node:os');
const dir = mkdtempSync(join(tmpdir(), 'aimlock-bench-hold-'));
cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
try {
  const broker = await startMosquitto(teardown as never);
  const pair = generateKeyPair();
  const keyFile = join(dir, 'ops-bench.key');
  writeFileSync(keyFile, pair.privatePem);
  const t0 = Date.now();
  const fleet = await startFleet({
    drones: N,
    brokerUrl: broker.url,
    fleet: 'bench',
    dir: join(dir, 'boards'),
    keys: [{ id: 'ops-bench', publicPem: pair.publicPem }],
    landing: LANDING,
    logLevel: 'silent',
    startConcurrency: 20,
  });
  cleanups.unshift(() => fleet.stop());
  console.log(`simulator: ${N} drones started in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

  const run = async (action: 'hold' | 'resume') => {
    const args = [action, '--fleet', 'bench', '--all', '--broker', broker.url, '--key', keyFile, '--json'];
    if (action === 'hold') args.push('--reason', 'bench hold point', '--for', '5m');
    args.push('--record', join(dir, 'commands.jsonl'), '--timeout', '120s');
    const started = Date.now();
    // OPERATOR_NODE_FLAGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") profiles the operator as it runs.
    const flags = (process.env.OPERATOR_NODE_FLAGS ?? '').split(' ').filter(Boolean);
    const child = spawn(...plainNode([...flags, CLI, ...args]), { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
    });
    let peak = 0;
    let opCpu = 0;
    const simCpu0 = process.cpuUsage();
    const sampler = setInterval(() => {
      peak = Math.max(peak, peakKiB(child.pid!));
      opCpu = Math.max(opCpu, cpuMs(child.pid!));
    }, 50);
    const code = await new Promise<number | null>((r) => child.once('exit', r));
    clearInterval(sampler);
    const simCpu = process.cpuUsage(simCpu0);
    const s = JSON.parse(out) as { acknowledged: number; devices: number; elapsed_ms: number };
    console.log(
      `${action}: exit ${code}, ${s.acknowledged}/${s.devices} acknowledged; first publish → last answer ` +
        `${(s.elapsed_ms / 1000).toFixed(2)} s; whole command ${((Date.now() - started) / 1000).toFixed(2)} s; ` +
        `operator peak RSS ${(peak / 1024).toFixed(1)} MiB`,
    );
    // CPU time is what a loaded machine stretches: at a load of 13 on 2 cores a process gets about a sixth of
    // a core, so the simulator's CPU per command, not the wall time on a quiet machine, says what scales.
    console.log(
      `  CPU: simulator ${((simCpu.user + simCpu.system) / 1000).toFixed(0)} ms (` +
        `${((simCpu.user + simCpu.system) / 1000 / N).toFixed(2)} ms a drone, all its agents included), ` +
        `operator ≈ ${opCpu} ms (sampled every 50 ms, Node start included)`,
    );
  };
  await run('hold');
  await run('resume');
  console.log(
    `machine: ${cpus().length} cores (${cpus()[0]?.model.trim()}), Node ${process.version}, load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}; simulator peak RSS ${(peakKiB(process.pid) / 1024).toFixed(0)} MiB`,
  );
} finally {
  for (const c of cleanups) await c();
}
