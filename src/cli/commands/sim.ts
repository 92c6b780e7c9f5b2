// `aimlock sim`: a fleet of real agents in this one process, run until SIGINT/SIGTERM. This file holds the
// command's options and help and the run's lifetime; keys, the watcher and the summary are in src/cli/sim/.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { MqttClient } from 'mqtt';
import { CliError, EXIT } from '../../errors.js';
import { MAX_DRONES, SIM_DEFAULTS, type SimFleet, startFleet } from '../../fleet/sim.js';
import { openFilesLimit } from '../../fleet/sim-limits.js';
import { deviceNames, planKinds } from '../../fleet/sim-plan.js';
import { termSafeLines } from '../../term-safe.js';
import type { Command } from '../command.js';
import { GENERATED_KEY_ID, trustedKeys } from '../sim/keys.js';
import { integer, list, usageOnPlanError } from '../sim/options.js';
import { summary } from '../sim/summary.js';
import { connectWatcher, eventLine } from '../sim/watch.js';

const DEFAULT_BROKER = 'mqtt://127.0.0.1:1883';

export const sim: Command = {
  name: 'sim',
  summary: 'run a simulated fleet of real agents (ghost, hot and flaky drones on demand)',
  usage:
    'aimlock sim --drones N [--broker URL] [--fleet F] [--ghosts K] [--hot K] [--flaky K] [--key-dir DIR | --pub FILE…] [--dir DIR] [--json]',
  options: {
    drones: { type: 'string' },
    broker: { type: 'string' },
    fleet: { type: 'string' },
    ghosts: { type: 'string' },
    hot: { type: 'string' },
    flaky: { type: 'string' },
    'ghost-devices': { type: 'string' },
    'hot-devices': { type: 'string' },
    'flaky-devices': { type: 'string' },
    'key-dir': { type: 'string' },
    pub: { type: 'string', multiple: true },
    dir: { type: 'string' },
    prefix: { type: 'string' },
    first: { type: 'string' },
    digits: { type: 'string' },
    'gc-interval': { type: 'string' },
    'log-level': { type: 'string' },
    quiet: { type: 'boolean', short: 'q' },
    landing: { type: 'string' },
    commands: { type: 'string' },
    'landing-ms': { type: 'string' },
  },
  help: `
Starts N drones in this one process, each the real agent (aimlockd's code) with its own board directory,
its own MQTT connection (client id = device id) and its own control socket, and keeps them running until
Ctrl-C (SIGINT) or SIGTERM: then every drone stops, its retained status says offline, and it exits 0.
Use it to try push, rollout and fleet against a fleet without hardware.

  --drones N          how many drones (1–${MAX_DRONES}); named drone-01, drone-02, … (--prefix changes "drone-").
                      Refused up front when this process lacks the descriptors (3 a drone; Node already raised
                      its soft limit to the hard one); the summary prints what bounds the run
  --first N           number the drones from N (default 1); --digits D pads every number to D digits. Several
                      simulators side by side, each its own range: --drones 2500 --first 2501 --digits 5
  --broker URL        the MQTT broker (default ${DEFAULT_BROKER})
  --fleet F           fleet name, the {fleet} of every topic (default sim)
  --ghosts K          K drones start with a ghost: lock bit set, owner a provably dead process; each agent
                      reclaims it at boot and publishes lock_reclaimed telemetry
  --hot K             K drones have a live foreign flock(1) holder on their lock file: every push there is
                      answered rejected / lock_mismatch (verdict UNOWNED) until the holder goes (kill its pid,
                      printed below: the desired push then lands by itself)
  --flaky K           K drones have an apply hook that fails: every push there is answered rejected / rolled_back
  --ghost-devices D1,D2…  exactly these drones get a ghost (likewise --hot-devices, --flaky-devices)
  --key-dir DIR       trust every DIR/*.pub (key id = file name); --pub FILE (repeatable) trusts one key.
                      Without either, a fresh key pair ${GENERATED_KEY_ID}.key/.pub is made in DIR/operator/
                      and its path printed: sign with it (aimlock push … --key THAT)
  --dir DIR           keep the boards (and a generated key) in DIR, reused on the next run; default a temp dir,
                      removed on exit
  --gc-interval MS    how often each drone's collector looks at its lock and retries a desired push
                      (lock.gc_interval_ms; default ${SIM_DEFAULTS.gcIntervalMs}, or drones × 5 ms past 1,000 drones:
                      each look costs CPU, and a large fleet's looks would fill the machine)
  --log-level LEVEL   the agents' log level (default ${SIM_DEFAULTS.logLevel}; silent, error, info, debug); their logs
                      are JSON lines on stderr: 2> >(aimlock logs) pretty-prints them
  --commands WHO      who answers operator commands: responder (default: the simulator, for every drone),
                      agent (the agents themselves, when they carry the device side), none
  --landing K         K drones are "landing" when a hold command comes: they answer accepted
                      (landing_in_progress) at once and done after --landing-ms (default 1500)
  -q, --quiet         no line per result and telemetry event

Operator commands (aimlock hold/resume --fleet …, locks/reclaim/release --device …) are answered by the
simulator's responder on the drones' behalf: screened like a board does (size, JSON, schema, device, expiry,
signature against the trusted keys, id), then carried out on the drone's board with the same operations as the
local commands (its hold file, lock, audit log). It trusts its keys for every capability.

Which drones get trouble is deterministic: the troubled ones are spread evenly over the fleet, counted back
from the last drone, so drone-01 (a rollout's natural canary) stays normal unless every drone is troubled;
the kinds take turns (ghost, hot, flaky). Every board says it is grounded (DIR/DRONE/run/vehicle_state), has
an empty limits.json ({}: no narrowing), and its own settings file: aimlock locks --settings DIR/DRONE/agent.json (or status,
release --force, hold …) works on a running simulated drone.

Prints a summary (--json: one object), then one line per result and telemetry message the fleet publishes
(--json: the message itself, one per line).
Exit: 0 after SIGINT/SIGTERM; 1 unusable key; 2 usage; 5 no broker answers within 5 s.
Example: aimlock sim --drones 20 --ghosts 2 --hot 1 --flaky 1 --broker mqtt://127.0.0.1:1883`,
  async run(ctx) {
    const drones = integer(ctx, 'drones', 1, MAX_DRONES);
    if (drones === undefined) {
      throw new CliError(
        'usage',
        '--drones N is required: how many drones to simulate; see aimlock sim --help',
      );
    }
    const brokerUrl = ctx.string('broker') ?? DEFAULT_BROKER;
    if (!/^mqtts?:\/\//.test(brokerUrl)) {
      throw new CliError('usage', `--broker "${brokerUrl}" is not an mqtt:// or mqtts:// URL`);
    }
    const fleet = ctx.string('fleet') ?? 'sim';
    if (!/^[A-Za-z0-9._-]{1,64}$/.test(fleet)) {
      throw new CliError('usage', `--fleet "${fleet}" must be 1–64 of A-Z a-z 0-9 . _ -`);
    }
    const gcIntervalMs = integer(ctx, 'gc-interval', 100, 86_400_000); // the settings schema's bounds
    const logLevel = ctx.string('log-level') ?? SIM_DEFAULTS.logLevel;
    if (!['silent', 'fatal', 'error', 'warn', 'info', 'debug', 'trace'].includes(logLevel)) {
      throw new CliError('usage', `--log-level "${logLevel}" is not one of silent, error, warn, info, debug`);
    }

    const plan = {
      ghosts: integer(ctx, 'ghosts', 0, MAX_DRONES),
      hot: integer(ctx, 'hot', 0, MAX_DRONES),
      flaky: integer(ctx, 'flaky', 0, MAX_DRONES),
      landing: integer(ctx, 'landing', 0, MAX_DRONES),
      landingMs: integer(ctx, 'landing-ms', 0, 600_000),
      ghostDevices: list(ctx, 'ghost-devices'),
      hotDevices: list(ctx, 'hot-devices'),
      flakyDevices: list(ctx, 'flaky-devices'),
    };
    const namePrefix = ctx.string('prefix') ?? 'drone-';
    const first = integer(ctx, 'first', 0, 1_000_000_000) ?? 1;
    const nameWidth = integer(ctx, 'digits', 1, 12);
    const commands = ctx.string('commands') ?? 'responder';
    if (commands !== 'responder' && commands !== 'agent' && commands !== 'none') {
      throw new CliError('usage', `--commands "${commands}" is not one of responder, agent, none`);
    }
    // Refuse an impossible plan before asking the broker or writing anything.
    usageOnPlanError(() =>
      planKinds(
        deviceNames(drones, namePrefix, first, nameWidth),
        { ghost: plan.ghosts, hot: plan.hot, flaky: plan.flaky },
        { ghost: plan.ghostDevices, hot: plan.hotDevices, flaky: plan.flakyDevices },
      ),
    );

    const ownDir = ctx.string('dir') === undefined;
    const dir = ownDir ? mkdtempSync(join(tmpdir(), 'aimlock-sim-')) : resolve(ctx.string('dir')!);
    let fleetHandle: SimFleet | null = null;
    let watcher: MqttClient | null = null;
    const signals = untilSignal();
    try {
      mkdirSync(dir, { recursive: true });
      const { keys, signWith } = trustedKeys(ctx, dir);
      watcher = await connectWatcher(brokerUrl);
      const watch = watcher;
      // Subscribed before the drones start, so that boot reclaims are seen too.
      // Events seen while the drones start wait until the summary is out.
      let early: string[] | null = [];
      watch.on('message', (topic, payload) => {
        if (ctx.values.quiet) return;
        // Whatever is published under the fleet's topics reaches the terminal escaped (term-safe.ts).
        const line = termSafeLines(eventLine(ctx, topic, payload));
        if (early) early.push(line);
        else ctx.io.stdout.write(line);
      });
      await watch.subscribeAsync([`aimlock/v1/${fleet}/+/config/result`, `aimlock/v1/${fleet}/+/telemetry`], {
        qos: 1,
      });
      const started = Date.now();
      fleetHandle = await usageOnPlanError(() =>
        startFleet({
          drones,
          brokerUrl,
          fleet,
          dir,
          ...plan,
          keys,
          logLevel,
          namePrefix,
          first,
          ...(nameWidth !== undefined ? { nameWidth } : {}),
          ...(gcIntervalMs !== undefined ? { gcIntervalMs } : {}),
          commands,
        }),
      );
      ctx.emit(
        {
          fleet,
          broker: brokerUrl,
          dir,
          started_ms: Date.now() - started,
          gc_interval_ms: fleetHandle.gcIntervalMs,
          open_files: openFilesLimit(),
          keys: keys.map((k) => k.id),
          sign_with: signWith,
          devices: fleetHandle.devices.map((d) => ({
            device: d.device,
            kind: d.kind,
            landing: d.landing,
            settings: d.settingsFile,
            ...(d.holderPid !== undefined ? { holder_pid: d.holderPid } : {}),
            ...(d.ghostOwnerPid !== undefined ? { ghost_owner_pid: d.ghostOwnerPid } : {}),
          })),
        },
        summary(fleetHandle, { brokerUrl, keys, signWith, ownDir, ms: Date.now() - started }),
      );
      for (const line of early) ctx.io.stdout.write(line);
      early = null;
      const signal = await signals.signal;
      ctx.note(`${signal}: stopping ${fleetHandle.devices.length} drones…`);
      return EXIT.ok;
    } finally {
      await fleetHandle?.stop();
      await watcher?.endAsync(true).catch(() => {});
      if (ownDir) rmSync(dir, { recursive: true, force: true });
      signals.done();
    }
  },
};

/** Resolves on the first SIGINT/SIGTERM; a second one while stopping exits at once (1). */
function untilSignal(): { signal: Promise<string>; done(): void } {
  const hard = () => process.exit(1);
  let on: (signal: string) => void = () => {};
  const signal = new Promise<string>((res) => {
    on = (name: string) => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      process.once('SIGINT', hard);
      process.once('SIGTERM', hard);
      res(name);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
  return {
    signal,
    done() {
      for (const name of ['SIGINT', 'SIGTERM'] as const) {
        process.off(name, on);
        process.off(name, hard);
      }
    },
  };
}
