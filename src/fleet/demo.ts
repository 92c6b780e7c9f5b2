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
// removed again, on failure and on abort too.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateKeyPair } from '../sign/index.js';
import { type BrokerMessage, type DemoBroker, startBroker } from './demo-broker.js';
import { type SimDevice, type SimFleet, startFleet } from './sim.js';

export const DEMO_FLEET = 'demo';
export const DEMO_DRONES = 12;
export const DEMO_CANARY = 3;
export const DEMO_WAVES = [50, 100];
export const DEMO_GHOST = 'drone-02';
export const DEMO_HOT = 'drone-05';
export const DEMO_KEY_ID = 'demo-operator';
export const DEMO_SENSITIVITY = 0.55;
/** The rollout exits 6 when it aborts (CONTRACT §7). */
export const EXIT_ABORTED = 6;

/** How often each drone's collector looks (and retries a desired push): short, so the last act is quick. */
const GC_INTERVAL_MS = 500;
/** Per-wave timeout of the rollout: far above what 12 local drones need, far below a user's patience. */
const ROLLOUT_TIMEOUT = '15s';
/** Longest wait for anything the fleet should say by itself (boot, a landing after the fix). */
const WAIT_MS = 10_000;

export const DEMO_CONFIG = {
  aim: { sensitivity: DEMO_SENSITIVITY, deadzone_deg: 0.5, smoothing: 0.3, max_slew_dps: 180 },
  safety: {
    max_yaw_rate_dps: 90,
    max_pitch_deg: 25,
    min_battery_pct: 20,
    geofence_radius_m: 500,
    min_separation_m: 5,
    failsafe: 'return_home',
  },
  update_window: 'any',
};

type Doc = Record<string, unknown>;

export interface DemoIo {
  /** A sentence of the story, as it happens. */
  say(text: string): void;
  /** A line the rollout child printed (stderr: its progress; stdout: its summary). */
  child(line: string, stream: 'stdout' | 'stderr'): void;
}

export interface DemoOptions {
  io: DemoIo;
  /** Run the rollout with --json (its summary then lands in the facts). */
  json?: boolean;
  /** Leave the temp dir (boards, key, config, rollout state) in place. */
  keep?: boolean;
  /** `dist/cli/main.js`; default the one next to this module. */
  cli?: string;
  /** How the commands shown to the user start: `aimlock` or `node dist/cli/main.js`. */
  shown?: string;
  /** Aborting it stops the demo (Ctrl-C): everything is cleaned up, and runDemo rejects with DemoAborted. */
  signal?: AbortSignal;
}

export class DemoAborted extends Error {
  override name = 'DemoAborted';
}

export interface DeviceAnswer {
  id: string;
  version: number;
  status: string;
  code: string;
  detail: string;
}

export interface DemoFacts {
  ok: boolean;
  /** Every way the run differed from the story; empty when ok. */
  differences: string[];
  duration_ms: number;
  broker: string;
  fleet: string;
  /** The temp dir; it exists after the run only when kept. */
  dir: string;
  kept: boolean;
  devices: string[];
  waves: { index: number; label: string; devices: string[] }[];
  ghost: {
    device: string;
    dead_pid: number | null;
    reclaimed: boolean;
    telemetry: Doc | null;
    answer: DeviceAnswer | null;
  };
  canary: { devices: string[]; applied: string[]; answers: Record<string, DeviceAnswer | null> };
  hot: {
    device: string;
    wave: number;
    holder_pid: number | null;
    holder_command: string | null;
    settings: string;
    answer: DeviceAnswer | null;
    locks: { exit_code: number | null; verdict: string | null };
    landed_after_release: (DeviceAnswer & { after_ms: number; pushes_seen: number }) | null;
  };
  rollout: {
    id: string;
    command: string[];
    exit_code: number | null;
    outcome: string | null;
    reason: string | null;
    /** The rollout's own --json summary (with --json). */
    summary: Doc | null;
  };
  /** Devices the broker saw a push for during the rollout. */
  pushed: string[];
  /** Devices after the hot drone's wave: none of them may have been pushed. */
  untouched: string[];
  answers: Record<string, DeviceAnswer | null>;
  technician: string[];
  /** Children (hot holders) still alive after cleanup: must be empty. */
  leftover_pids: number[];
}

/** The waves the rollout makes of the device list (README, Rollouts): canary, then cumulative percents. */
export function demoWaves(devices: string[], canary: number, percents: number[]) {
  const waves = [{ index: 0, label: 'canary', devices: devices.slice(0, canary) }];
  let reached = canary;
  for (const p of percents) {
    const upTo = Math.ceil((p * devices.length) / 100);
    if (upTo <= reached) continue;
    waves.push({
      index: waves.length,
      label: `wave ${waves.length} (${p}%)`,
      devices: devices.slice(reached, upTo),
    });
    reached = upTo;
  }
  return waves;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function comm(pid: number): string | null {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return null;
  }
}

function answerOf(doc: Doc): DeviceAnswer {
  return {
    id: String(doc.id),
    version: Number(doc.version),
    status: String(doc.status),
    code: String(doc.code),
    detail: String(doc.detail ?? ''),
  };
}

/** `drone-07 … drone-12` for a run of names, else the list. */
export function span(names: string[]): string {
  if (names.length === 0) return '(none)';
  return names.length <= 3 ? names.join(', ') : `${names[0]} … ${names.at(-1)}`;
}

/** What the broker saw: every push, result and telemetry of the fleet, and the devices that went online. */
class Watch {
  readonly pushes: { device: string; doc: Doc; at: number }[] = [];
  readonly results: { device: string; doc: Doc; at: number }[] = [];
  readonly telemetry: { device: string; doc: Doc; at: number }[] = [];
  readonly online = new Set<string>();
  private waiters: (() => void)[] = [];

  constructor(private readonly fleet: string) {}

  take(m: BrokerMessage): void {
    const parts = m.topic.split('/');
    if (parts[0] !== 'aimlock' || parts[1] !== 'v1' || parts[2] !== this.fleet || m.payload.length === 0)
      return;
    const device = parts[3]!;
    const kind = parts.slice(4).join('/');
    let doc: Doc;
    try {
      doc = JSON.parse(m.payload.toString()) as Doc;
    } catch {
      return;
    }
    const at = Date.now();
    if (kind === 'config/push') this.pushes.push({ device, doc, at });
    else if (kind === 'config/result') this.results.push({ device, doc, at });
    else if (kind === 'telemetry') this.telemetry.push({ device, doc, at });
    else if (kind === 'status') {
      if (doc.state === 'offline') this.online.delete(device);
      else this.online.add(device);
    }
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  /** Resolves with the first truthy `find()`, re-checked on every message; null after `ms`. */
  until<T>(find: () => T | null | undefined | false, ms: number, signal?: AbortSignal): Promise<T | null> {
    return new Promise<T | null>((resolve, reject) => {
      const check = () => {
        if (signal?.aborted) return finish(() => reject(new DemoAborted('interrupted')));
        const found = find();
        if (found !== null && found !== undefined && found !== false) return finish(() => resolve(found));
        this.waiters.push(check);
      };
      const timer = setTimeout(() => finish(() => resolve(null)), ms);
      const onAbort = () => check();
      signal?.addEventListener('abort', onAbort, { once: true });
      const finish = (fn: () => void) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.waiters = this.waiters.filter((w) => w !== check);
        fn();
      };
      check();
    });
  }

  /** The final answer (not deferred) of a device to a push of `rollout`. */
  answer(device: string, rollout: string): DeviceAnswer | null {
    const r = this.results.find(
      (x) => x.device === device && String(x.doc.id).startsWith(`${rollout}:`) && x.doc.status !== 'deferred',
    );
    return r ? answerOf(r.doc) : null;
  }
}

/** A child process, its output split into lines for `onLine`, and its exit code (null: killed by a signal). */
function runChild(
  args: string[],
  onLine: (line: string, stream: 'stdout' | 'stderr') => void,
  track: (c: ChildProcess | null) => void,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    track(child);
    const out = { stdout: '', stderr: '' };
    for (const stream of ['stdout', 'stderr'] as const) {
      let partial = '';
      child[stream]!.setEncoding('utf8');
      child[stream]!.on('data', (d: string) => {
        out[stream] += d;
        partial += d;
        const lines = partial.split('\n');
        partial = lines.pop() ?? '';
        for (const l of lines) onLine(l, stream);
      });
      child[stream]!.on('end', () => {
        if (partial !== '') onLine(partial, stream);
      });
    }
    child.once('error', (err) => {
      track(null);
      reject(err);
    });
    child.once('close', (code) => {
      track(null);
      resolve({ code, ...out });
    });
  });
}

/** The reason of the rollout's final `aimlock: aborted: …` line (text or --json error object). */
function abortReason(stderr: string): string | null {
  for (const line of stderr.trim().split('\n').reverse()) {
    const text = /^aimlock: aborted: (.*)$/.exec(line);
    if (text) return text[1]!;
    if (line.startsWith('{')) {
      try {
        const e = (JSON.parse(line) as { error?: { code?: string; message?: string } }).error;
        if (e?.code === 'aborted') return e.message ?? '';
      } catch {
        // not ours
      }
    }
  }
  return null;
}

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
    leftover_pids: [],
  };

  const holderPids: number[] = [];
  try {
    // 1. The broker.
    io.say('1/5 starting an MQTT broker…');
    broker = await startBroker();
    facts.broker = broker.url;
    broker.onPublish((m) => watch.take(m));
    io.say(`    aedes, inside this process, on ${broker.url}: nothing to install`);
    check();

    // 2. The fleet, with its trouble planted before the agents start.
    io.say(
      `2/5 starting ${DEMO_DRONES} simulated drones: the real agent, ${DEMO_DRONES} times in this process…`,
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
    });
    check();
    const ghost = fleet.devices.find((d) => d.device === DEMO_GHOST) as SimDevice;
    const hot = fleet.devices.find((d) => d.device === DEMO_HOT) as SimDevice;
    facts.ghost.dead_pid = ghost.ghostOwnerPid ?? null;
    facts.hot.holder_pid = hot.holderPid ?? null;
    facts.hot.settings = hot.settingsFile;
    if (hot.holderPid !== undefined) holderPids.push(hot.holderPid);
    io.say(`    boards in ${join(dir, 'boards')}; every board trusts one operator key, made for this demo`);

    const online = await watch.until(() => watch.online.size === DEMO_DRONES, WAIT_MS, signal);
    if (!online) differ(`only ${watch.online.size} of ${DEMO_DRONES} drones said they were online`);
    const reclaimed = await watch.until(
      () => watch.telemetry.find((x) => x.device === DEMO_GHOST && x.doc.event === 'lock_reclaimed'),
      WAIT_MS,
      signal,
    );
    if (reclaimed) {
      facts.ghost.reclaimed = true;
      facts.ghost.telemetry = reclaimed.doc;
      io.say(
        `    ghost on ${DEMO_GHOST}: lock bit set by dead pid ${ghost.ghostOwnerPid} (a writer that crashed mid-update) — reclaimed at boot, reported as lock_reclaimed`,
      );
    } else differ(`${DEMO_GHOST}: no lock_reclaimed telemetry within ${WAIT_MS / 1000} s of its boot`);
    const mismatch = await watch.until(
      () => watch.telemetry.find((x) => x.device === DEMO_HOT && x.doc.event === 'lock_mismatch'),
      GC_INTERVAL_MS * 4,
      signal,
    );
    const holders = (mismatch?.doc.kernel_holders ?? []) as {
      pid?: number;
      kind?: string;
      command?: string;
    }[];
    const holder = holders.find((h) => h.pid === hot.holderPid) ?? holders[0];
    facts.hot.holder_command = holder?.command ?? (hot.holderPid ? comm(hot.holderPid) : null);
    io.say(
      `    hot on ${DEMO_HOT}: pid ${hot.holderPid} (${facts.hot.holder_command ?? '?'}) holds ${holder?.kind ?? 'FLOCK'} on its lock file, no owner recorded — ` +
        `${String(mismatch?.doc.verdict ?? 'UNOWNED')}:\n      a live process that is not aimlock, so the agent leaves it alone${mismatch ? ' (and reported lock_mismatch)' : ''}`,
    );
    const normal = fleet.devices.filter((d) => d.kind === 'normal').map((d) => d.device);
    io.say(`    the other ${normal.length} drones are healthy`);
    check();

    // 3. The rollout, through the real command.
    writeFileSync(configFile, `${JSON.stringify(DEMO_CONFIG, null, 2)}\n`);
    const args = [
      'rollout',
      configFile,
      '--fleet',
      DEMO_FLEET,
      '--devices',
      devices.join(','),
      '--canary',
      String(DEMO_CANARY),
      '--waves',
      DEMO_WAVES.map((p) => `${p}%`).join(','),
      '--key',
      keyFile,
      '--broker',
      broker.url,
      '--timeout',
      ROLLOUT_TIMEOUT,
      '--state-dir',
      join(dir, 'rollouts'),
      '--id',
      rolloutId,
      ...(opts.json ? ['--json'] : []),
    ];
    facts.rollout.command = [shown, ...args];
    io.say(
      `3/5 rolling out aim sensitivity ${DEMO_SENSITIVITY} to all ${DEMO_DRONES} drones with the real rollout command:`,
    );
    const width = Math.max(...waves.map((w) => w.label.length));
    for (const w of waves) {
      const who = w.devices.includes(DEMO_GHOST)
        ? `   (the ghost drone ${DEMO_GHOST} among them)`
        : w.devices.includes(DEMO_HOT)
          ? `   (the hot drone ${DEMO_HOT} among them)`
          : '';
      io.say(`      ${w.label.padEnd(width)}  ${span(w.devices)}${who}`);
    }
    io.say(
      `    $ ${shown} rollout ${configFile} --fleet ${DEMO_FLEET} --devices drone-01,…,drone-${DEMO_DRONES} \\`,
    );
    io.say(
      `        --canary ${DEMO_CANARY} --waves ${DEMO_WAVES.map((p) => `${p}%`).join(',')} --key ${keyFile} --broker ${broker.url}${opts.json ? ' --json' : ''}`,
    );

    const run = await runChild([cli, ...args], (line, stream) => io.child(line, stream), track);
    check();
    facts.rollout.exit_code = run.code;
    facts.rollout.reason = abortReason(run.stderr);
    if (opts.json) {
      try {
        facts.rollout.summary = JSON.parse(run.stdout) as Doc;
        facts.rollout.outcome = String(facts.rollout.summary.outcome);
      } catch {
        differ('the rollout printed no JSON summary');
      }
    } else {
      facts.rollout.outcome = run.code === EXIT_ABORTED ? 'aborted' : run.code === 0 ? 'done' : null;
    }
    // What the broker saw, told in order and held against the story.
    const pushedDuringRollout = new Set(watch.pushes.map((p) => p.device));
    facts.pushed = devices.filter((d) => pushedDuringRollout.has(d));
    for (const d of devices) facts.answers[d] = watch.answer(d, rolloutId);
    facts.canary.answers = Object.fromEntries(canary.map((d) => [d, facts.answers[d]!]));
    facts.canary.applied = canary.filter((d) => facts.answers[d]?.status === 'applied');
    facts.ghost.answer = facts.answers[DEMO_GHOST] ?? null;
    facts.hot.answer = facts.answers[DEMO_HOT] ?? null;
    io.say('    what happened, as the broker saw it:');

    if (facts.canary.applied.length === canary.length) {
      io.say(
        `      canary passed: ${canary.length}/${canary.length} applied, ${DEMO_GHOST} too (its ghost was gone, so its lock was free)`,
      );
    } else differ(`canary: ${facts.canary.applied.length}/${canary.length} applied (${span(canary)})`);
    if (facts.ghost.answer?.status !== 'applied') {
      differ(`${DEMO_GHOST} (the ghost) did not apply: ${facts.ghost.answer?.code ?? 'no answer'}`);
    }
    const hotAnswer = facts.hot.answer;
    if (hotAnswer?.code === 'lock_mismatch') {
      io.say(`      ${hotWave.label} stopped: ${DEMO_HOT} answered ${hotAnswer.status}/${hotAnswer.code}:`);
      io.say(`        "${hotAnswer.detail}"`);
    } else differ(`${DEMO_HOT} answered ${hotAnswer?.code ?? 'nothing'}, not lock_mismatch`);
    if (run.code === EXIT_ABORTED) {
      io.say(`      the rollout aborted itself there: exit ${run.code}`);
    } else differ(`the rollout exited ${run.code}, not ${EXIT_ABORTED} (aborted)`);
    const reason = facts.rollout.reason ?? '';
    if (!reason.includes(DEMO_HOT) || !reason.includes('lock_mismatch')) {
      differ(`the rollout's abort reason does not name ${DEMO_HOT} and lock_mismatch: "${reason}"`);
    }
    if (opts.json && facts.rollout.summary) {
      const ws = (facts.rollout.summary.waves ?? []) as { index: number; status: string }[];
      const failed = ws.find((w) => w.status === 'failed');
      if (facts.rollout.outcome !== 'aborted')
        differ(`rollout outcome ${facts.rollout.outcome}, not aborted`);
      if (failed?.index !== hotWave.index) {
        differ(`the failed wave is ${failed?.index ?? 'none'}, not ${hotWave.index} (${DEMO_HOT}'s)`);
      }
    }
    const expected = waves.filter((w) => w.index <= hotWave.index).flatMap((w) => w.devices);
    const stray = facts.pushed.filter((d) => !expected.includes(d));
    const missing = expected.filter((d) => !pushedDuringRollout.has(d));
    if (stray.length === 0) {
      io.say(`      no device after ${hotWave.label} was touched: ${span(afterHot)} got no push`);
    } else differ(`pushed beyond ${hotWave.label}: ${stray.join(', ')}`);
    if (missing.length > 0) {
      differ(`never pushed although in the canary or ${hotWave.label}: ${missing.join(', ')}`);
    }
    check();

    // 4. What the technician sees on the hot drone.
    const look = `${shown} locks --settings ${hot.settingsFile}`;
    io.say(`4/5 what the technician on ${DEMO_HOT} sees:`);
    io.say(`    $ ${look}`);
    const locks = await runChild(
      [cli, 'locks', '--settings', hot.settingsFile, ...(opts.json ? ['--json'] : [])],
      (line) => {
        if (!opts.json) io.say(`    │ ${line}`.trimEnd());
      },
      track,
    );
    check();
    facts.hot.locks.exit_code = locks.code;
    if (opts.json) {
      try {
        facts.hot.locks.verdict = String((JSON.parse(locks.stdout) as Doc).verdict ?? '') || null;
      } catch {
        facts.hot.locks.verdict = null;
      }
    } else facts.hot.locks.verdict = /\bUNOWNED\b/.exec(locks.stdout)?.[0] ?? null;
    if (locks.code !== 3) differ(`aimlock locks on ${DEMO_HOT} exited ${locks.code}, not 3 (mismatch)`);

    facts.technician = [
      look,
      `kill ${hot.holderPid}   # once it is clear what pid ${hot.holderPid} (${facts.hot.holder_command ?? '?'}) is and that it may go`,
      `${shown} release --force --reason "foreign holder on the config lock, ticket …" --settings ${hot.settingsFile}`,
      `${shown} resume --settings ${hot.settingsFile}`,
    ];

    // 5. The technician's fix, and the push landing by itself.
    const pushesBefore = watch.pushes.filter((p) => p.device === DEMO_HOT).length;
    io.say(`5/5 playing the technician: stopping the foreign holder (pid ${hot.holderPid})…`);
    const fixedAt = Date.now();
    await fleet.releaseHot(DEMO_HOT);
    const landed = await watch.until(
      () =>
        watch.results.find(
          (x) =>
            x.device === DEMO_HOT &&
            x.at >= fixedAt &&
            String(x.doc.id).startsWith(`${rolloutId}:`) &&
            x.doc.status === 'applied',
        ),
      WAIT_MS,
      signal,
    );
    const pushesSeen = watch.pushes.filter((p) => p.device === DEMO_HOT).length;
    if (landed) {
      const a = answerOf(landed.doc);
      facts.hot.landed_after_release = { ...a, after_ms: landed.at - fixedAt, pushes_seen: pushesSeen };
      io.say(
        `    ${DEMO_HOT} applied v${a.version} by itself ${((landed.at - fixedAt) / 1000).toFixed(1)} s later: the rollout's push ${a.id}, still desired — ${pushesSeen === pushesBefore ? 'no new push was sent' : `but ${pushesSeen - pushesBefore} new push(es) were seen`}`,
      );
      if (pushesSeen !== pushesBefore)
        differ(`${DEMO_HOT} got ${pushesSeen - pushesBefore} new push(es) after the fix`);
    } else differ(`${DEMO_HOT}'s push did not land within ${WAIT_MS / 1000} s of stopping its holder`);
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
