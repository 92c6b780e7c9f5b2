// `aimlock demo`: the story of DESIGN.md played end to end on one machine, with nothing to install.
//
// An MQTT broker (aedes) in this process, 12 simulated drones (the real agent, via startFleet) in a temp dir —
// drone-02, in the canary, with a ghost lock from a dead writer; drone-05, in the first wave after it, with a
// live foreign flock(1) holder — and a canary rollout run through the real `aimlock rollout` command, as a
// child process exactly as an operator types it. The demo watches everything through the broker and checks
// its own story: the ghost is reclaimed at boot and its drone applies in the canary, the canary passes, the
// rollout stops (exit 6) at drone-05 with lock_mismatch, and no device after that wave is pushed. Then it plays
// the technician (kills the holder) and shows drone-05's push landing by itself, with no new push.
//
// Everything it starts (agents, holder children, the rollout child, the broker, the temp dir) is stopped and
// removed again, on failure and on abort too. The story's cast and facts are in demo-story.ts, its acts in
// demo-acts.ts.
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateKeyPair } from '../sign/index.js';
import { meetTheFleet, rollOut, type Scene } from './demo-acts.js';
import { type DemoBroker, startBroker } from './demo-broker.js';
import { deskBypass, deskLooks, holdPoint, resumeAndLand, rollOutAgain } from './demo-desk.js';
import { isAlive } from './demo-procs.js';
import {
  DEMO_CANARY,
  DEMO_DRONES,
  DEMO_FLEET,
  DEMO_GHOST,
  DEMO_HOT,
  DEMO_KEY_ID,
  DEMO_LANDING,
  DEMO_LANDING_MS,
  DEMO_WAVES,
  DemoAborted,
  type DemoFacts,
  type DemoOptions,
  demoWaves,
  GC_INTERVAL_MS,
} from './demo-story.js';
import { Watch } from './demo-watch.js';
import { type SimFleet, startFleet } from './sim.js';

/** Plays the demo; resolves with its facts (ok or not), rejects only with DemoAborted or an unexpected error. */
export async function runDemo(opts: DemoOptions): Promise<DemoFacts> {
  const started = Date.now();
  const { io, signal } = opts;
  const cli = opts.cli ?? fileURLToPath(new URL('../cli/main.js', import.meta.url));
  const shown = opts.shown ?? 'aimlock';
  const differences: string[] = [];
  const differ = (text: string) => {
    differences.push(text);
    io.say(`    ✗ ${text}`);
  };
  const check = () => {
    if (signal?.aborted) throw new DemoAborted('interrupted');
  };

  const dir = mkdtempSync(join(tmpdir(), 'aimlock-demo-'));
  let broker: DemoBroker | null = null;
  let fleet: SimFleet | null = null;
  let child: ChildProcess | null = null;
  const track = (c: ChildProcess | null) => {
    child = c;
  };
  const onAbort = () => {
    const c = child as ChildProcess | null;
    c?.kill('SIGTERM');
  };
  signal?.addEventListener('abort', onAbort, { once: true });

  const devices = Array.from({ length: DEMO_DRONES }, (_, i) => `drone-${String(i + 1).padStart(2, '0')}`);
  const waves = demoWaves(devices, DEMO_CANARY, DEMO_WAVES);
  const hotWave = waves.find((w) => w.devices.includes(DEMO_HOT))!;
  const afterHot = waves.filter((w) => w.index > hotWave.index).flatMap((w) => w.devices);
  const canary = waves[0]!.devices;
  const rolloutId = `demo-${new Date()
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')}`;
  const keyFile = join(dir, 'operator', `${DEMO_KEY_ID}.key`);
  const configFile = join(dir, 'aim-sensitivity-0.55.json');
  const recordFile = join(dir, 'operator', 'commands.jsonl');
  const watch = new Watch(DEMO_FLEET);

  const facts: DemoFacts = {
    ok: false,
    differences,
    duration_ms: 0,
    broker: '',
    fleet: DEMO_FLEET,
    dir,
    kept: opts.keep === true,
    devices,
    waves,
    ghost: { device: DEMO_GHOST, dead_pid: null, reclaimed: false, telemetry: null, answer: null },
    canary: { devices: canary, applied: [], answers: {} },
    hot: {
      device: DEMO_HOT,
      wave: hotWave.index,
      holder_pid: null,
      holder_command: null,
      settings: '',
      answer: null,
      locks: { exit_code: null, verdict: null },
      landed_after_release: null,
    },
    rollout: { id: rolloutId, command: [], exit_code: null, outcome: null, reason: null, summary: null },
    pushed: [],
    untouched: afterHot,
    answers: {},
    technician: [],
    desk: {
      hold: { exit_code: null, acknowledged: 0 },
      release_refused: null,
      release: null,
      resume: null,
      rollout_again: null,
      record: recordFile,
    },
    leftover_pids: [],
  };

  const holderPids: number[] = [];
  const scene: Scene = {
    opts,
    cli,
    shown,
    dir,
    facts,
    watch,
    devices,
    waves,
    hotWave,
    afterHot,
    canary,
    rolloutId,
    keyFile,
    configFile,
    recordFile,
    differ,
    check,
    track,
  };
  try {
    // 1. The broker.
    io.say('1/8 starting an MQTT broker…');
    broker = await startBroker();
    facts.broker = broker.url;
    broker.onPublish((m) => watch.take(m));
    io.say(`    aedes, inside this process, on ${broker.url}: nothing to install`);
    check();

    // 2. The fleet, with its trouble planted before the agents start.
    io.say(
      `2/8 starting ${DEMO_DRONES} simulated drones: the real agent, ${DEMO_DRONES} times in this process…`,
    );
    const pair = generateKeyPair();
    mkdirSync(join(dir, 'operator'), { recursive: true, mode: 0o700 });
    writeFileSync(keyFile, pair.privatePem, { mode: 0o600 });
    writeFileSync(join(dir, 'operator', `${DEMO_KEY_ID}.pub`), pair.publicPem);
    fleet = await startFleet({
      drones: DEMO_DRONES,
      brokerUrl: broker.url,
      fleet: DEMO_FLEET,
      dir: join(dir, 'boards'),
      ghostDevices: [DEMO_GHOST],
      hotDevices: [DEMO_HOT],
      keys: [{ id: DEMO_KEY_ID, publicPem: pair.publicPem }],
      logLevel: 'silent',
      gcIntervalMs: GC_INTERVAL_MS,
      landingDevices: [DEMO_LANDING],
      landingMs: DEMO_LANDING_MS,
    });
    check();
    const hot = await meetTheFleet(scene, fleet, holderPids);
    await rollOut(scene, broker.url);
    await holdPoint(scene, broker.url);
    await deskLooks(scene, broker.url);
    await deskBypass(scene, broker.url, fleet, hot);
    await resumeAndLand(scene, broker.url);
    await rollOutAgain(scene, broker.url);
  } finally {
    signal?.removeEventListener('abort', onAbort);
    const c = child as ChildProcess | null;
    if (c && c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await fleet?.stop().catch(() => {});
    await broker?.close().catch(() => {});
    if (!opts.keep) rmSync(dir, { recursive: true, force: true });
  }
  facts.leftover_pids = holderPids.filter(isAlive);
  if (facts.leftover_pids.length > 0)
    differ(`children still alive after cleanup: ${facts.leftover_pids.join(', ')}`);
  facts.duration_ms = Date.now() - started;
  facts.ok = differences.length === 0;
  return facts;
}
