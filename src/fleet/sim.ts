// A simulated fleet: N real agents (the very Agent class aimlockd runs) in this one process, each with its own
// board directory, its own MQTT connection (client id = device) and its own control socket, optionally with
// trouble planted before it starts: a ghost lock, a live foreign lock holder, or an apply hook that fails.
//
// Many agents share one process safely: every board has its own files, and the only process-wide lock state
// (KernelLock's in-process queue, and POSIX locks, which belong to the process) is per file, so one board's
// lock never waits for or drops another's. The trusted keys, Ajv validators and pino destination are shared.
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type Logger, pino } from 'pino';
import { Agent } from '../agent/agent.js';
import { InstanceLock } from '../agent/instance-lock.js';
import { boardPaths } from '../settings/board.js';
import { loadSettings } from '../settings/load.js';
import { isValidKeyId } from '../sign/index.js';
import { type Responder, startResponder } from './sim-command.js';
import { defaultGcIntervalMs, descriptorProblem, openFilesLimit } from './sim-limits.js';
import {
  deviceNames,
  type KindLists,
  planKinds,
  SimConfigError,
  type SimKind,
  spreadIndices,
} from './sim-plan.js';
import { killChild, plantGhost, spawnHotHolder } from './sim-trouble.js';
import { LANDINGS_AT_ONCE, Turns } from './sim-turns.js';

export { MAX_DRONES, SimConfigError, type SimKind } from './sim-plan.js';

/** The apply hook of a flaky drone: it always fails, so every landing is rolled back. */
export const FLAKY_HOOK = ['sh', '-c', 'exit 1'];

/** A unix socket path must fit in sun_path (108 bytes with its NUL); longer ones move to a short temp dir. */
const MAX_SOCKET_PATH = 100;

export interface SimKey {
  /** Key id: the `.pub` file name on the boards, and `signature.key_id` of the pushes it signs. */
  id: string;
  /** ed25519 public key, SPKI PEM. */
  publicPem: string;
}

export interface SimFleetOptions {
  drones: number;
  brokerUrl: string;
  fleet: string;
  /** Where the boards go (one sub-directory per drone); default a new temp dir, removed again by stop(). */
  dir?: string;
  /** How many drones start with a ghost lock (reclaimed at boot, telemetry lock_reclaimed). */
  ghosts?: number;
  /** How many drones have a live foreign flock(1) holder (every push: rejected / lock_mismatch). */
  hot?: number;
  /** How many drones have an apply hook that fails (every push: rejected / rolled_back). */
  flaky?: number;
  /** Exactly these devices get a ghost (instead of a spread-out choice of `ghosts`). */
  ghostDevices?: string[];
  hotDevices?: string[];
  flakyDevices?: string[];
  /** Trusted operator keys, written to every board's keys/. */
  keys: SimKey[];
  /** Parent logger (each agent logs through a child with its device); default pino at `logLevel` on stderr. */
  log?: Logger;
  /** Level of the default logger: `warn` (one line per mismatch, rejection or broker outage) or `silent`, …. */
  logLevel?: string;
  /** Device names are `{namePrefix}{NN}`; default `drone-`. */
  namePrefix?: string;
  /** The number of the first drone (default 1): simulators side by side take distinct ranges. */
  first?: number;
  /** Digits of every drone number (default those of the last one, at least two). */
  nameWidth?: number;
  /** lock.gc_interval_ms of every board: how often the collector looks (and a desired push retries). Default
   *  5 s, longer past 1,000 drones (sim-limits.ts: the looks of a whole fleet would fill the CPU). */
  gcIntervalMs?: number;
  /** What every board's vehicle state file says; default `grounded`, so every update_window allows a landing. */
  vehicleState?: 'grounded' | 'hover' | 'flying';
  /** broker.keepalive_s of every board. */
  keepaliveS?: number;
  /** How many agents start at once (default 10). */
  startConcurrency?: number;
  /**
   * Who answers operator commands (CONTRACT §9): `responder` (default) — the simulator's own responder
   * (sim-command.ts), one connection for every drone, with simulated landings; `agent` — the agents
   * themselves, once they carry the device side (src/command/); `none` — nobody. Exactly one of them must
   * answer: a drone answering twice gives the operator whichever answer comes first.
   */
  commands?: SimCommands;
  /** How many drones are "landing" when a hold comes (accepted first, done after landingMs); spread like trouble. */
  landing?: number;
  /** Exactly these drones are landing (instead of a spread-out choice of `landing`). */
  landingDevices?: string[];
  /** How long a landing takes; default 1500 ms. */
  landingMs?: number;
}

export type SimCommands = 'responder' | 'agent' | 'none';

/**
 * Every capability a key may be given (CONTRACT §9). The simulator's boards trust their keys with all of them,
 * push included (a key with a `.caps` file that omits push may not push).
 */
export const ALL_CAPABILITIES = ['push', 'hold', 'resume', 'locks', 'reclaim', 'release_force', 'status'];

export interface SimDevice {
  device: string;
  /** The board directory. */
  dir: string;
  /** Its settings: `aimlock locks --settings THIS` (and status, show, release …) work on the running drone. */
  settingsFile: string;
  kind: SimKind;
  /** Answers a hold `accepted` (landing_in_progress) first, `done` after the landing. */
  landing: boolean;
  /** hot: pid of the foreign flock(1) holder (until releaseHot). */
  holderPid?: number;
  /** ghost: pid of the dead process the planted owner record names. */
  ghostOwnerPid?: number;
}

export interface SimFleet {
  /** The directory holding every board. */
  dir: string;
  /** lock.gc_interval_ms every board got. */
  gcIntervalMs: number;
  fleet: string;
  brokerUrl: string;
  devices: SimDevice[];
  /** Kills the foreign holder of a hot drone ("a technician fixes it"): its desired push then lands by itself. */
  releaseHot(device: string): Promise<void>;
  /** The command responder, when commands are on. */
  responder: Responder | null;
  /** Pids of the child processes still alive (hot drones' holders). */
  childPids(): number[];
  /** Stops every agent (retained status `offline`), kills every child, removes the temp dir if it made it. */
  stop(): Promise<void>;
}

export const SIM_DEFAULTS = {
  gcIntervalMs: 5000,
  keepaliveS: 30,
  startConcurrency: 10,
  logLevel: 'warn',
} as const;

export async function startFleet(opts: SimFleetOptions): Promise<SimFleet> {
  const names = deviceNames(opts.drones, opts.namePrefix ?? 'drone-', opts.first ?? 1, opts.nameWidth);
  const lists: KindLists = {};
  if (opts.ghostDevices) lists.ghost = opts.ghostDevices;
  if (opts.hotDevices) lists.hot = opts.hotDevices;
  if (opts.flakyDevices) lists.flaky = opts.flakyDevices;
  const kinds = planKinds(names, { ghost: opts.ghosts, hot: opts.hot, flaky: opts.flaky }, lists);
  if (opts.keys.length === 0) {
    throw new SimConfigError('no trusted operator key: every signed push would be answered unknown_key');
  }
  for (const k of opts.keys) {
    if (!isValidKeyId(k.id)) throw new SimConfigError(`key id "${k.id}" is not a valid key id`);
  }
  const fdProblem = descriptorProblem(
    names.length,
    kinds.filter((k) => k === 'hot').length,
    openFilesLimit(),
  );
  if (fdProblem !== null) throw new SimConfigError(fdProblem);
  const gcIntervalMs = opts.gcIntervalMs ?? defaultGcIntervalMs(names.length);
  // Pushes land a few boards at a time across this process (sim-turns.ts says why).
  const turns = new Turns(LANDINGS_AT_ONCE);
  if (!Number.isSafeInteger(gcIntervalMs) || gcIntervalMs < 1) {
    throw new SimConfigError(`gcIntervalMs must be a positive integer (got ${gcIntervalMs})`);
  }

  const ownDir = opts.dir === undefined;
  const dir = ownDir ? mkdtempSync(join(tmpdir(), 'aimlock-sim-')) : resolve(opts.dir!);
  mkdirSync(dir, { recursive: true });
  let socketDir: string | null = null;
  const log =
    opts.log ??
    pino({ level: opts.logLevel ?? SIM_DEFAULTS.logLevel }, pino.destination({ dest: 2, sync: true }));

  const landing = landingSet(names, opts);
  const devices: SimDevice[] = [];
  const agents: Agent[] = [];
  let responder: Responder | null = null;
  const holders = new Map<string, ChildProcess>();
  let stopping: Promise<void> | null = null;
  // One instance lock for every board of this simulator, not one per board: /proc/locks is one list for the
  // whole machine, every lock observation (each collector look, each landing) reads all of it, and 10,000
  // per-board locks made one read cost ~57 ms of kernel time here — the fleet then did nothing but read it.
  // A second simulator on the same --dir is refused here, as a second aimlockd on a board is.
  let instance: InstanceLock | null = null;

  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      await responder?.stop();
      await Promise.all(
        agents.map((a) =>
          a.stop().catch((err: unknown) => log.warn({ err, device: a.settings.device }, 'agent stop failed')),
        ),
      );
      await Promise.all([...holders.values()].map(killChild));
      holders.clear();
      await instance?.release();
      if (ownDir) rmSync(dir, { recursive: true, force: true });
      if (socketDir) rmSync(socketDir, { recursive: true, force: true });
    })();
    return stopping;
  };

  try {
    instance = await InstanceLock.take(dir);
    for (const [i, device] of names.entries()) {
      const kind = kinds[i]!;
      const boardDir = join(dir, device);
      let socket = 'run/aimlockd.sock';
      if (join(boardDir, socket).length > MAX_SOCKET_PATH) {
        socketDir ??= mkdtempSync(join(tmpdir(), 'aimlock-sim-sock-'));
        socket = join(socketDir, `${device}.sock`);
      }
      mkdirSync(join(boardDir, 'keys'), { recursive: true });
      mkdirSync(join(boardDir, 'run'), { recursive: true });
      for (const k of opts.keys) {
        writeFileSync(join(boardDir, 'keys', `${k.id}.pub`), k.publicPem);
        writeFileSync(
          join(boardDir, 'keys', `${k.id}.caps`),
          `# aimlock sim: this simulated board lets its operator key do everything\n${ALL_CAPABILITIES.join('\n')}\n`,
        );
      }
      // No narrowing, said explicitly: a board without limits.json refuses every push (fail closed).
      writeFileSync(join(boardDir, 'limits.json'), '{}\n');
      writeFileSync(join(boardDir, 'run', 'vehicle_state'), `${opts.vehicleState ?? 'grounded'}\n`);
      const settings = {
        device,
        fleet: opts.fleet,
        broker: { url: opts.brokerUrl, keepalive_s: opts.keepaliveS ?? SIM_DEFAULTS.keepaliveS },
        paths: {
          config: 'var/aim_lock_config.conf',
          state_dir: 'var',
          limits: 'limits.json',
          keys_dir: 'keys',
          socket,
          vehicle_state: 'run/vehicle_state',
        },
        lock: { gc_interval_ms: gcIntervalMs },
        apply_hook: { command: kind === 'flaky' ? FLAKY_HOOK : [], timeout_ms: 5000 },
        log_level: 'warn',
      };
      const settingsFile = join(boardDir, 'agent.json');
      writeFileSync(settingsFile, `${JSON.stringify(settings, null, 2)}\n`);
      devices.push({ device, dir: boardDir, settingsFile, kind, landing: landing.has(device) });
    }

    await Promise.all(
      devices.map(async (d) => {
        const paths = boardPaths(loadSettings(d.settingsFile));
        if (d.kind === 'ghost') d.ghostOwnerPid = await plantGhost(paths, d.device);
        if (d.kind === 'hot') {
          const child = await spawnHotHolder(paths.lockFile);
          holders.set(d.device, child);
          d.holderPid = child.pid!;
        }
      }),
    );

    await eachLimited(devices, opts.startConcurrency ?? SIM_DEFAULTS.startConcurrency, async (d) => {
      // Exactly one answers commands: the agents only when asked to (--commands agent), else the responder.
      const agent = new Agent(loadSettings(d.settingsFile), log.child({ device: d.device }), {
        commands: opts.commands === 'agent',
        instanceLock: false,
        // Six directories kept open per board would be 60,000 descriptors at 10,000 boards.
        keepDirsOpen: false,
        landingTurn: () => turns.take(),
      });
      agents.push(agent);
      await agent.start();
    });
    if ((opts.commands ?? 'responder') === 'responder') {
      responder = await startResponder({
        brokerUrl: opts.brokerUrl,
        fleet: opts.fleet,
        devices,
        keys: opts.keys,
        landingDevices: [...landing],
        landingMs: opts.landingMs,
        log,
      });
    }
  } catch (err) {
    await stop();
    throw err;
  }

  return {
    dir,
    gcIntervalMs,
    fleet: opts.fleet,
    brokerUrl: opts.brokerUrl,
    devices,
    get responder() {
      return responder;
    },
    async releaseHot(device) {
      const d = devices.find((x) => x.device === device);
      if (!d) throw new SimConfigError(`no device "${device}" in this fleet`);
      const child = holders.get(device);
      if (!child) return;
      holders.delete(device);
      await killChild(child);
      d.holderPid = undefined;
    },
    childPids() {
      return [...holders.values()]
        .filter((c) => c.exitCode === null && c.signalCode === null)
        .map((c) => c.pid!);
    },
    stop,
  };
}

/** The landing drones: an explicit list (checked), else `landing` of them spread as trouble is (never drone-01). */
function landingSet(names: readonly string[], opts: SimFleetOptions): Set<string> {
  if (opts.landingDevices) {
    const bad = opts.landingDevices.find((d) => !names.includes(d));
    if (bad !== undefined) throw new SimConfigError(`landing device "${bad}" is not in this fleet`);
    return new Set(opts.landingDevices);
  }
  const k = opts.landing ?? 0;
  if (!Number.isSafeInteger(k) || k < 0 || k > names.length)
    throw new SimConfigError(`landing must be a whole number from 0 to ${names.length} (got ${k})`);
  return new Set(spreadIndices(names.length, k).map((i) => names[i]!));
}

/** Runs `fn` over `items`, at most `limit` at a time; the first failure stops new starts and is rethrown. */
async function eachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>) {
  let next = 0;
  let failure: { err: unknown } | null = null;
  const worker = async () => {
    while (failure === null && next < items.length) {
      const item = items[next++]!;
      try {
        await fn(item);
      } catch (err) {
        failure ??= { err };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (failure !== null) throw (failure as { err: unknown }).err;
}
