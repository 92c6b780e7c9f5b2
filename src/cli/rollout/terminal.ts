// What `aimlock rollout` shows and asks on the terminal: the progress (live, one line per event, or none with
// --json), the operator's go at --pause-between, and the summary with the exit that goes with it.
import { createInterface } from 'node:readline/promises';
import { CliError, EXIT } from '../../errors.js';
import {
  lineProgress,
  liveProgress,
  type Progress,
  silentProgress,
  waveCounts,
} from '../../fleet/rollout/progress.js';
import type { OperatorAnswer, OperatorQuestion } from '../../fleet/rollout/runner.js';
import type { RolloutSummary, WaveState } from '../../fleet/rollout/types.js';
import type { Context } from '../command.js';
import { table } from '../lock-view.js';

function name(w: WaveState): string {
  return w.index === 0 ? 'wave 0 (canary)' : `wave ${w.index}`;
}

function nextName(w: WaveState): string {
  return w.index === 0 || w.percent === null
    ? `wave 0 (${w.devices.length} devices)`
    : `wave ${w.index} (${w.percent}%, ${w.devices.length} devices)`;
}

type Tty = { isTTY?: boolean };

/** The operator's go at --pause-between: --yes, a [y/N] prompt on a terminal, else an abort that says why. */
export function makeAsk(ctx: Context, yes: boolean, progress: Progress) {
  return async (q: OperatorQuestion): Promise<OperatorAnswer> => {
    const c = waveCounts(q.state, q.wave);
    const passed = `${name(q.wave)} passed (${c.applied}/${c.devices} applied)`;
    if (yes) {
      progress.note(`${passed}; --yes: continuing to ${nextName(q.next)}`);
      return { proceed: true };
    }
    if (!(ctx.io.stdin as Tty).isTTY || !(ctx.io.stderr as Tty).isTTY) {
      return {
        proceed: false,
        reason:
          "--pause-between waits for an operator's go, but there is no terminal to ask on (stdin is not a TTY): run it in a terminal, or add --yes",
      };
    }
    progress.suspend();
    const rl = createInterface({ input: ctx.io.stdin, output: ctx.io.stderr });
    const ctl = new AbortController();
    const onOuter = () => ctl.abort();
    q.signal.addEventListener('abort', onOuter, { once: true });
    rl.on('SIGINT', () => ctl.abort());
    try {
      const answer = await rl.question(`${passed}. Continue to ${nextName(q.next)}? [y/N] `, {
        signal: ctl.signal,
      });
      if (/^y(es)?$/i.test(answer.trim())) return { proceed: true };
      return { proceed: false, reason: `the operator declined to continue to ${nextName(q.next)}` };
    } catch {
      return { proceed: false, reason: 'interrupted at the prompt' };
    } finally {
      q.signal.removeEventListener('abort', onOuter);
      rl.close();
      progress.resume();
    }
  };
}

export function renderSummary(s: RolloutSummary): string {
  const head = `rollout ${s.rollout} (fleet ${s.fleet}): ${s.outcome}${s.reason ? ` — ${s.reason}` : ''}`;
  const waves = table([
    ['WAVE', 'STATUS', 'DEVICES', 'REASON'],
    ...s.waves.map((w) => [w.label, w.status, String(w.devices.length), w.reason ?? '']),
  ]);
  const devices = table([
    ['DEVICE', 'WAVE', 'VERSION', 'RESULT', 'ROLLBACK', 'NEXT'],
    ...s.devices.map((d) => [
      d.device,
      String(d.wave),
      `v${d.version}`,
      `${d.status}${d.code && d.status !== 'applied' ? `/${d.code}` : ''}${d.late ? ' (late)' : ''}`,
      d.rollback
        ? `v${d.rollback.version} ${d.rollback.status}${d.rollback.code ? `/${d.rollback.code}` : ''}`
        : '-',
      d.next ?? '',
    ]),
  ]);
  const notes = s.notes.length > 0 ? `\nnotes:\n${s.notes.map((n) => `  ${n}`).join('\n')}` : '';
  return `${head}\n\n${waves}\n\n${devices}${notes}\n`;
}

export function progressFor(ctx: Context): Progress {
  if (ctx.json) return silentProgress();
  return (ctx.io.stderr as Tty).isTTY ? liveProgress(ctx.io.stderr) : lineProgress(ctx.io.stderr);
}

export function finishWith(ctx: Context, s: RolloutSummary, file: string, topic: string): number {
  ctx.io.stdout.write(ctx.json ? `${JSON.stringify(s)}\n` : renderSummary(s));
  if (s.outcome === 'done') return EXIT.ok;
  const where = `every device's result is in the summary; state: ${file} (retained on ${topic})`;
  if (s.outcome === 'in_progress')
    throw new CliError(
      'aborted',
      `left rollout ${s.rollout} in progress; continue it with aimlock rollout --resume ${s.rollout}; ${where}`,
    );
  throw new CliError('aborted', `${s.reason ?? 'rollout aborted'}; ${where}`);
}
