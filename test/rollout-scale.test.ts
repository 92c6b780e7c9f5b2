// 200 simulated drones (real agents, one process) against one Mosquitto: a full `aimlock rollout` completes.
// Wall time and memory are reported as comments, never asserted (the test machine is small and shared).
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import type { RolloutSummary } from '../src/fleet/rollout/types.js';
import { startFleet } from '../src/fleet/sim.js';
import { generateKeyPair } from '../src/sign/index.js';
import { CLI, configWith, plainNode } from './helpers/board.js';
import { startMosquitto } from './helpers/mosquitto.js';

const DRONES = 200;
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** Peak resident set of a live process (VmHWM), in bytes; 0 once it is gone. */
function peakRss(pid: number): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

t.test(`${DRONES} drones, one broker: a full rollout completes`, async (t) => {
  const broker = await startMosquitto(t);
  const dir = t.testdir();
  const pair = generateKeyPair();
  const keyFile = join(dir, 'ops-scale.key');
  writeFileSync(keyFile, pair.privatePem);
  const configFile = join(dir, 'next.json');
  writeFileSync(configFile, JSON.stringify(configWith((c) => (c.aim.sensitivity = 0.55))));

  const started = Date.now();
  const fleet = await startFleet({
    drones: DRONES,
    brokerUrl: broker.url,
    fleet: 'scale',
    keys: [{ id: 'ops-scale', publicPem: pair.publicPem }],
    logLevel: 'silent',
    startConcurrency: 20,
  });
  t.teardown(() => fleet.stop());
  t.comment(`simulator: ${DRONES} drones started in ${((Date.now() - started) / 1000).toFixed(1)} s`);

  const args = [
    'rollout',
    configFile,
    '--fleet',
    'scale',
    '--broker',
    broker.url,
    '--key',
    keyFile,
    '--state-dir',
    join(dir, 'rollouts'),
    '--all',
    '--canary',
    '5',
    '--waves',
    '10%,50%,100%',
    '--timeout',
    '300s',
    '--id',
    'r-scale',
    '--json',
  ];
  const t0 = Date.now();
  const child = spawn(...plainNode([CLI, ...args]), { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => {
    stdout += d;
  });
  child.stderr!.on('data', (d) => {
    stderr += d;
  });
  let operatorPeak = 0;
  let simPeak = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    operatorPeak = Math.max(operatorPeak, peakRss(child.pid!));
    simPeak = Math.max(simPeak, process.memoryUsage().rss);
  }, 100);
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  clearInterval(sampler);
  const wall = Date.now() - t0;

  t.equal(code, 0, stderr);
  const sum = JSON.parse(stdout) as RolloutSummary;
  t.equal(sum.outcome, 'done');
  t.equal(sum.devices.length, DRONES);
  t.ok(
    sum.devices.every((d) => d.status === 'applied' && d.version === 1),
    'every drone applied version 1',
  );
  t.same(
    sum.waves.map((w) => w.devices.length),
    [5, 15, 80, 100],
  );
  t.comment(`rollout of ${DRONES} drones (4 waves): wall ${(wall / 1000).toFixed(1)} s`);
  t.comment(`operator (aimlock rollout) peak RSS ${mb(operatorPeak)}`);
  t.comment(`simulator (${DRONES} agents + the test harness, one process) peak RSS ${mb(simPeak)}`);
});
