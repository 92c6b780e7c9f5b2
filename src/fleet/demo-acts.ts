// The acts of `aimlock demo` after its broker and fleet are up: the fleet met (its trouble as planted), the
// rollout run through the real command and held against the story, and the technician at the hot drone.
import type { ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { abortReason, comm, runChild } from './demo-procs.js';
import {
  DEMO_CANARY,
  DEMO_CONFIG,
  DEMO_DRONES,
  DEMO_FLEET,
  DEMO_GHOST,
  DEMO_HOT,
  DEMO_SENSITIVITY,
  DEMO_WAVES,
  type DemoFacts,
  type DemoOptions,
  type DemoWave,
  type Doc,
  EXIT_ABORTED,
  GC_INTERVAL_MS,
  ROLLOUT_TIMEOUT,
  span,
  WAIT_MS,
} from './demo-story.js';
import type { Watch } from './demo-watch.js';
import type { SimDevice, SimFleet } from './sim.js';

/** What a run fixes before its acts, and how they report: a difference from the story, an abort, a child. */
export interface Scene {
  opts: DemoOptions;
  cli: string;
  shown: string;
  dir: string;
  facts: DemoFacts;
  watch: Watch;
  devices: string[];
  waves: DemoWave[];
  hotWave: DemoWave;
  afterHot: string[];
  canary: string[];
  rolloutId: string;
  keyFile: string;
  /** The operator's record of commands (aimlock hold … --record), in the demo's temp dir. */
  recordFile: string;
  configFile: string;
  differ(text: string): void;
  check(): void;
  track(c: ChildProcess | null): void;
}

/** Act 2, the fleet met; the hot drone's holder goes into `holderPids` first, so that cleanup checks it. */
export async function meetTheFleet(scene: Scene, fleet: SimFleet, holderPids: number[]): Promise<SimDevice> {
  const { dir, facts, watch, differ, check } = scene;
  const { io, signal } = scene.opts;
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
    type?: string;
    command?: string;
  }[];
  const holder = holders.find((h) => h.pid === hot.holderPid) ?? holders[0];
  facts.hot.holder_command = holder?.command ?? (hot.holderPid ? comm(hot.holderPid) : null);
  io.say(
    `    hot on ${DEMO_HOT}: pid ${hot.holderPid} (${facts.hot.holder_command ?? '?'}) holds ${holder?.type ?? 'FLOCK'} on its lock file, no owner recorded — ` +
      `${String(mismatch?.doc.verdict ?? 'UNOWNED')}:\n      a live process that is not aimlock, so the agent leaves it alone${mismatch ? ' (and reported lock_mismatch)' : ''}`,
  );
  const normal = fleet.devices.filter((d) => d.kind === 'normal').map((d) => d.device);
  io.say(`    the other ${normal.length} drones are healthy`);
  check();
  return hot;
}

/** The rollout command line (without the program): the story's devices, canary and waves, under `id`. */
export function rolloutArgs(scene: Scene, brokerUrl: string, id: string): string[] {
  const { opts, dir, devices, keyFile, configFile } = scene;
  return [
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
    brokerUrl,
    '--timeout',
    ROLLOUT_TIMEOUT,
    '--state-dir',
    join(dir, 'rollouts'),
    '--id',
    id,
    ...(opts.json ? ['--json'] : []),
  ];
}

/** Act 3: the rollout through the real command, and what the broker saw held against the story. */
export async function rollOut(scene: Scene, brokerUrl: string): Promise<void> {
  const { opts, cli, shown, facts, watch, differ, check, track } = scene;
  const { devices, waves, hotWave, afterHot, canary, rolloutId, keyFile, configFile } = scene;
  const { io } = opts;
  writeFileSync(configFile, `${JSON.stringify(DEMO_CONFIG, null, 2)}\n`);
  const args = rolloutArgs(scene, brokerUrl, rolloutId);
  facts.rollout.command = [shown, ...args];
  io.say(
    `3/8 rolling out aim sensitivity ${DEMO_SENSITIVITY} to all ${DEMO_DRONES} drones with the real rollout command:`,
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
    `        --canary ${DEMO_CANARY} --waves ${DEMO_WAVES.map((p) => `${p}%`).join(',')} --key ${keyFile} --broker ${brokerUrl}${opts.json ? ' --json' : ''}`,
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
    if (facts.rollout.outcome !== 'aborted') differ(`rollout outcome ${facts.rollout.outcome}, not aborted`);
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
}
