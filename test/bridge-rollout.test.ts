// A rollout and a hold point through a Mosquitto bridge, CI-sized: 200 simulated drones (real agents, one
// process) on an edge broker; `aimlock rollout` (canary + waves), `aimlock fleet` and `aimlock hold --fleet` run
// against the core. Correctness only; the
// figures at scale come from bench/scale.ts.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import type { RolloutSummary } from '../src/fleet/rollout/types.js';
import { startFleet } from '../src/fleet/sim.js';
import { generateKeyPair } from '../src/sign/index.js';
import { aimlock, CLI, configWith, plainNode } from './helpers/board.js';
import { startBridged } from './helpers/bridge.js';

const DRONES = Number(process.env.AIMLOCK_BRIDGE_DRONES ?? 200);

t.test(`${DRONES} drones behind an edge broker: a rollout and a hold point from the core`, async (t) => {
  const net = await startBridged(t);
  const dir = t.testdir();
  const pair = generateKeyPair();
  const keyFile = join(dir, 'ops-bridge.key');
  writeFileSync(keyFile, pair.privatePem);
  const configFile = join(dir, 'next.json');
  writeFileSync(configFile, JSON.stringify(configWith((c) => (c.aim.sensitivity = 0.55))));

  const fleet = await startFleet({
    drones: DRONES,
    brokerUrl: net.edge.url,
    fleet: 'bridged',
    keys: [{ id: 'ops-bridge', publicPem: pair.publicPem }],
    logLevel: 'silent',
    startConcurrency: 20,
    // Nothing here waits for the collector; a slow one spares the 2 shared cores.
    gcIntervalMs: 60000,
  });
  t.teardown(() => fleet.stop());

  const desk = ['--fleet', 'bridged', '--broker', net.core.url];
  type Row = { state: string; applied: { version: number } | null };
  /** Polls the fleet view on the core (as an operator would) until `enough` of its rows say yes. */
  const untilFleet = async (ok: (r: Row) => boolean, what: string) => {
    const deadline = Date.now() + 120000;
    for (;;) {
      const r = await aimlock(null, ['fleet', ...desk, '--json']);
      const rows = r.code === 0 ? (JSON.parse(r.stdout) as { devices: Row[] }).devices : [];
      const n = rows.filter(ok).length;
      if (n === DRONES) return n;
      if (Date.now() > deadline) throw new Error(`only ${n} of ${DRONES} drones ${what} on the core`);
      await new Promise((r) => setTimeout(r, 500));
    }
  };
  // Every drone's retained status must have crossed before `--all` can name it.
  await untilFleet(() => true, 'have a status');

  const args = ['rollout', configFile, ...desk, '--key', keyFile, '--state-dir', join(dir, 'rollouts')];
  args.push(
    '--all',
    '--canary',
    '5',
    '--waves',
    '10%,50%,100%',
    '--timeout',
    '300s',
    '--id',
    'r-br',
    '--json',
  );
  const child = spawn(...plainNode([CLI, ...args]), { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => {
    stdout += d;
  });
  child.stderr!.on('data', (d) => {
    stderr += d;
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
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
    [5, Math.ceil(DRONES * 0.1) - 5, Math.ceil(DRONES * 0.5) - Math.ceil(DRONES * 0.1), DRONES / 2],
  );

  // The fleet view on the core: every drone online at version 1.
  t.equal(await untilFleet((r) => r.state === 'online' && r.applied?.version === 1, 'online at v1'), DRONES);

  // A hold point from the core over the first 20 drones: the commands cross in, the acknowledgements out.
  const few = fleet.devices.slice(0, 20);
  const hold = await aimlock(null, [
    'hold',
    ...desk,
    '--devices',
    few.map((d) => d.device).join(','),
    '--reason',
    'bridge hold point',
    '--for',
    '10m',
    '--timeout',
    '120s',
    '--key',
    keyFile,
    '--record',
    join(dir, 'commands.jsonl'),
  ]);
  t.equal(hold.code, 0, `every drone acknowledged the hold: ${hold.stdout}${hold.stderr}`);
  for (const d of [few[0]!, few[19]!]) {
    const st = await aimlock(null, ['status', '--settings', d.settingsFile]);
    t.match(st.stdout, /hold\s+ON: bridge hold point/, `${d.device} is on hold on its board`);
  }
});
