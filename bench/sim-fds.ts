// How many descriptors a burst of landings holds in one simulator (src/fleet/sim-limits.ts budgets them): N
// drones in this process, then `aimlock rollout --all` with one 100% wave lands all of them at once, while
// /proc/self/fd is counted every 2 ms. Prints figures, asserts nothing.
//
//   npm run build && node --import @tapjs/typescript/import bench/sim-fds.ts [N]
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFleet } from '../src/fleet/sim.js';
import { generateKeyPair } from '../src/sign/index.js';
import { CLI, configWith, plainNode } from '../test/helpers/board.js';
import { startMosquitto } from '../test/helpers/mosquitto.js';

const N = Number(process.argv[2] ?? 300);
const cleanups: (() => unknown)[] = [];
const dir = mkdtempSync(join(tmpdir(), 'fdpeak-'));
const broker = await startMosquitto({ teardown: (f: () => unknown) => cleanups.push(f) } as never);
const pair = generateKeyPair();
writeFileSync(join(dir, 'k.key'), pair.privatePem);
const fleet = await startFleet({
  drones: N,
  brokerUrl: broker.url,
  fleet: 'fd',
  dir: join(dir, 'b'),
  keys: [{ id: 'k', publicPem: pair.publicPem }],
  logLevel: 'error',
  startConcurrency: 20,
});
const count = () => readdirSync('/proc/self/fd').length;
const idle = count();
let peak = idle;
const timer = setInterval(() => {
  peak = Math.max(peak, count());
}, 2);
writeFileSync(join(dir, 'c.json'), JSON.stringify(configWith((c) => (c.aim.sensitivity = 0.55))));
const child = spawn(
  ...plainNode([
    CLI,
    'rollout',
    join(dir, 'c.json'),
    '--fleet',
    'fd',
    '--all',
    '--canary',
    '1',
    '--waves',
    '100%',
    '--broker',
    broker.url,
    '--key',
    join(dir, 'k.key'),
    '--timeout',
    '300s',
    '--state-dir',
    join(dir, 'r'),
    '--yes',
    '--json',
  ]),
  { stdio: ['ignore', 'pipe', 'inherit'] },
);
let out = '';
child.stdout!.on('data', (d) => (out += d));
await new Promise((r) => child.once('exit', r));
clearInterval(timer);
const sum = JSON.parse(out) as { outcome: string; devices: Array<{ status: string }> };
console.log(
  `N ${N}: idle ${idle} fds, peak ${peak} during the rollout; (peak-idle)/N = ${((peak - idle) / N).toFixed(2)}; outcome ${sum.outcome}, ${sum.devices.filter((d) => d.status === 'applied').length} applied`,
);
await fleet.stop();
for (const c of cleanups.reverse()) await c();
rmSync(dir, { recursive: true, force: true });
