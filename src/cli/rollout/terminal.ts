// What `aimlock rollout` shows and asks on the terminal: the progress (live, one line per event, or none with
// --json), the operator's go at --pause-between, and the summary with the exit that goes with it.
import { createInterface, type Interface } from 'node:readline';
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
import { jsonSafe, termSafe, termSafeLines } from '../../term-safe.js';
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

/**
 * The operator's answers, a line each, from stdin: typed at a [y/N] prompt on a terminal, or given by a script
 * (`yes | aimlock rollout … --pause-between`, or its own pipe, one line per go). Lines that arrive before their
 * question wait for it; the end of stdin is an answer too (null: nobody left to say go).
 */
class Answers {
  private rl: Interface | null = null;
  private readonly queued: string[] = [];
  private waiting: ((line: string | null) => void) | null = null;
  private ended = false;

  constructor(private readonly ctx: Context) {}

  async ask(prompt: string, signal: AbortSignal): Promise<string | null> {
    this.open();
    this.ctx.io.stderr.write(prompt);
    const line = this.queued.shift();
    if (line !== undefined || this.ended) return line ?? null;
    return new Promise((resolve) => {
      const onAbort = () => this.take(null);
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiting = (l) => {
        signal.removeEventListener('abort', onAbort);
        resolve(l);
      };
    });
  }

  /** Stops reading stdin (so the process can exit). */
  close(): void {
    this.rl?.close();
  }

  private open(): void {
    if (this.rl) return;
    const terminal = (this.ctx.io.stdin as Tty).isTTY === true && (this.ctx.io.stderr as Tty).isTTY === true;
    const rl = createInterface({ input: this.ctx.io.stdin, output: this.ctx.io.stderr, terminal });
    rl.on('line', (l) => (this.waiting ? this.take(l) : this.queued.push(l)));
    // A terminal in raw mode turns Ctrl-C into this event, not a signal: raise the signal, so the prompt ends
    // the way Ctrl-C ends every other moment of a rollout (drive.ts aborts it, and q.signal with it).
    rl.on('SIGINT', () => process.kill(process.pid, 'SIGINT'));
    rl.on('close', () => {
      this.ended = true;
      this.take(null);
    });
    this.rl = rl;
  }

  private take(line: string | null): void {
    const w = this.waiting;
    this.waiting = null;
    w?.(line);
  }
}

/** The operator's go at --pause-between: --yes, else a line from stdin (a terminal's [y/N] or a script's). */
export function makeAsk(ctx: Context, yes: boolean, progress: Progress) {
  const answers = new Answers(ctx);
  const ask = async (q: OperatorQuestion): Promise<OperatorAnswer> => {
    const c = waveCounts(q.state, q.wave);
    const passed = `${name(q.wave)} passed (${c.applied}/${c.devices} applied)`;
    if (yes) {
      progress.note(`${passed}; --yes: continuing to ${nextName(q.next)}`);
      return { proceed: true };
    }
    progress.suspend();
    try {
      const answer = await answers.ask(`${passed}. Continue to ${nextName(q.next)}? [y/N] `, q.signal);
      if (answer === null) {
        return {
          proceed: false,
          reason: q.signal.aborted
            ? 'interrupted at the prompt'
            : `stdin ended before an operator's go for ${nextName(q.next)} (answer y on stdin, or add --yes)`,
        };
      }
      if (/^y(es)?$/i.test(answer.trim())) return { proceed: true };
      return { proceed: false, reason: `the operator declined to continue to ${nextName(q.next)}` };
    } finally {
      progress.resume();
    }
  };
  return Object.assign(ask, { close: () => answers.close() });
}

export function renderSummary(s: RolloutSummary): string {
  const head = termSafe(
    `rollout ${s.rollout} (fleet ${s.fleet}): ${s.outcome}${s.reason ? ` — ${s.reason}` : ''}`,
  );
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
  const notes = s.notes.length > 0 ? `\nnotes:\n${s.notes.map((n) => `  ${termSafe(n)}`).join('\n')}` : '';
  return `${head}\n\n${waves}\n\n${devices}${notes}\n`;
}

export function progressFor(ctx: Context): Progress {
  if (ctx.json) return silentProgress();
  return (ctx.io.stderr as Tty).isTTY ? liveProgress(ctx.io.stderr) : lineProgress(ctx.io.stderr);
}

export function finishWith(ctx: Context, s: RolloutSummary, file: string, topic: string): number {
  // The summary quotes devices' answers (names, codes, reasons): escaped for the terminal (term-safe.ts).
  ctx.io.stdout.write(ctx.json ? `${jsonSafe(s)}\n` : termSafeLines(renderSummary(s)));
  if (s.outcome === 'done') return EXIT.ok;
  const where = `every device's result is in the summary; state: ${file} (retained on ${topic})`;
  if (s.outcome === 'in_progress')
    throw new CliError(
      'aborted',
      `left rollout ${s.rollout} in progress; continue it with aimlock rollout --resume ${s.rollout}; ${where}`,
    );
  throw new CliError('aborted', `${s.reason ?? 'rollout aborted'}; ${where}`);
}
