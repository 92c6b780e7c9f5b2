// How a running rollout shows itself: on a terminal a live view with one line per wave, redrawn
// (`wave 1 (25%)  [#####-----] 5/10 applied 1 deferred 0 failed  running`); elsewhere one plain line per
// event (`drone-03 wave 0 applied v7`), so a log or CI output reads as a story; with --json nothing.
// Both are derived from the machine's state before and after each step, never from the raw MQTT traffic, so
// what is shown is what the rollout decided on.

import { termSafe } from '../../term-safe.js';
import type { PushTrack, RolloutState, TrackStatus, WaveState } from './types.js';
import { waveLabel } from './waves.js';

export interface Progress {
  /** After every machine step. */
  step(before: RolloutState, after: RolloutState): void;
  /** A line for the operator (a warning, what the runner did). */
  note(text: string): void;
  /** Takes the live view off the screen (before a prompt); resume() puts it back. */
  suspend(): void;
  resume(): void;
  /** Final redraw; nothing is written after. */
  close(): void;
}

type Out = { write(text: string): unknown };

export const silentProgress = (): Progress => ({
  step() {},
  note() {},
  suspend() {},
  resume() {},
  close() {},
});

export interface WaveCounts {
  devices: number;
  applied: number;
  deferred: number;
  failed: number;
  superseded: number;
  /** Every device with a final answer (or a timeout). */
  final: number;
}

const FINAL: ReadonlySet<TrackStatus> = new Set([
  'applied',
  'duplicate',
  'rejected',
  'superseded',
  'timeout',
]);

export function waveCounts(s: RolloutState, w: WaveState): WaveCounts {
  const c: WaveCounts = {
    devices: w.devices.length,
    applied: 0,
    deferred: 0,
    failed: 0,
    superseded: 0,
    final: 0,
  };
  for (const d of w.devices) {
    const t = s.devices[d]!.push;
    if (t.status === 'applied' || t.status === 'duplicate') c.applied++;
    else if (t.status === 'deferred') c.deferred++;
    else if (t.status === 'rejected' || t.status === 'timeout') c.failed++;
    else if (t.status === 'superseded') c.superseded++;
    if (FINAL.has(t.status)) c.final++;
  }
  return c;
}

function trackText(t: PushTrack): string {
  const code = t.code !== null && t.status !== 'applied' && t.status !== 'duplicate' ? ` ${t.code}` : '';
  return `${t.status}${code}${t.late ? ' (late)' : ''} v${t.version}`;
}

/** The plain-line events between two states. */
export function eventLines(before: RolloutState, after: RolloutState): string[] {
  const lines: string[] = [];
  for (const d of after.plan.devices) {
    const now = after.devices[d]!;
    const old = before.devices[d]!;
    const changed = (a: PushTrack | null, b: PushTrack | null) =>
      a !== null &&
      a.status !== 'pushing' &&
      (b === null || a.status !== b.status || a.code !== b.code || a.late !== b.late);
    if (changed(now.push, old.push)) lines.push(`${d} wave ${now.wave} ${trackText(now.push)}`);
    if (changed(now.rollback, old.rollback)) lines.push(`${d} rollback ${trackText(now.rollback!)}`);
  }
  for (const w of after.waves) {
    const was = before.waves[w.index]!;
    if (was.status === w.status) continue;
    const label = waveLabel(w.index, w.percent);
    if (w.status === 'running') lines.push(`${label} started: ${w.devices.length} device(s)`);
    else if (w.status === 'not_run') continue;
    else if (w.reason?.startsWith(label)) lines.push(`${label} ${w.status}${w.reason.slice(label.length)}`);
    else lines.push(`${label} ${w.status}${w.reason ? `: ${w.reason}` : ''}`);
  }
  if (before.phase !== after.phase) {
    if (after.phase === 'paused')
      lines.push(`paused after ${waveLabel(after.current, after.waves[after.current]?.percent ?? null)}`);
    if (after.phase === 'aborting') lines.push(`aborting: ${after.abort?.reason ?? ''}`);
    if (after.phase === 'aborted') lines.push('rollout aborted');
    if (after.phase === 'done') lines.push('rollout done');
  }
  return lines;
}

export function lineProgress(out: Out): Progress {
  return {
    step(before, after) {
      // Device names, codes and reasons come from the devices' answers: escaped (term-safe.ts).
      for (const line of eventLines(before, after)) out.write(`${termSafe(line)}\n`);
    },
    note(text) {
      out.write(`${termSafe(text)}\n`);
    },
    suspend() {},
    resume() {},
    close() {},
  };
}

const BAR = 10;

export function waveLine(s: RolloutState, w: WaveState, width: number): string {
  const c = waveCounts(s, w);
  const filled = c.devices === 0 ? BAR : Math.round((c.final / c.devices) * BAR);
  const bar = `[${'#'.repeat(filled)}${'-'.repeat(BAR - filled)}]`;
  const extra = c.superseded > 0 ? ` ${c.superseded} superseded` : '';
  return `${waveLabel(w.index, w.percent).padEnd(width)} ${bar} ${c.applied}/${c.devices} applied ${c.deferred} deferred ${c.failed} failed${extra}  ${w.status}`;
}

function rollbackLine(s: RolloutState, width: number): string | null {
  const tracks = Object.values(s.devices)
    .map((d) => d.rollback)
    .filter((t): t is PushTrack => t !== null);
  if (tracks.length === 0) return null;
  const live = tracks.filter((t) => t.status === 'applied' || t.status === 'duplicate').length;
  const failed = tracks.filter((t) => t.status === 'rejected' || t.status === 'timeout').length;
  return `${'rollback'.padEnd(width)} ${live}/${tracks.length} restored ${failed} failed`;
}

/** The live view of a terminal: a line per wave, redrawn at most every `intervalMs`. */
export function liveProgress(out: Out, intervalMs = 100): Progress {
  let state: RolloutState | null = null;
  let drawn = 0;
  let timer: NodeJS.Timeout | null = null;
  let suspended = false;
  let closed = false;

  const erase = () => {
    if (drawn > 0) out.write(`\x1b[${drawn}A\r\x1b[J`);
    drawn = 0;
  };
  const draw = () => {
    timer = null;
    if (!state || suspended) return;
    const width = Math.max(...state.waves.map((w) => waveLabel(w.index, w.percent).length), 8);
    const lines = state.waves.map((w) => waveLine(state!, w, width));
    const rb = rollbackLine(state, width);
    if (rb) lines.push(rb);
    erase();
    out.write(`${lines.map((l) => termSafe(l)).join('\n')}\n`);
    drawn = lines.length;
  };
  const schedule = () => {
    if (!closed && timer === null) timer = setTimeout(draw, intervalMs);
  };
  return {
    step(_before, after) {
      state = after;
      schedule();
    },
    note(text) {
      erase();
      out.write(`${termSafe(text)}\n`);
      if (!suspended) draw();
    },
    suspend() {
      suspended = true;
      if (timer) clearTimeout(timer);
      timer = null;
      erase();
    },
    resume() {
      suspended = false;
      draw();
    },
    close() {
      if (timer) clearTimeout(timer);
      timer = null;
      suspended = false;
      draw();
      closed = true;
    },
  };
}
