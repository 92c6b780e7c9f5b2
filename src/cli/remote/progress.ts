// What an operator sees while a fleet answers a command: on a terminal one line rewritten in place
// ("312/500 held; drone-05 landing, held after it; 3 offline"), elsewhere (a pipe, a CI log) a plain line per
// answer. Device ids, codes and details come from the network: every one is escaped (term-safe.ts).
import type { CommandEvent } from '../../fleet/command/client.js';
import type { CommandResult } from '../../fleet/command/types.js';
import { termSafe } from '../../term-safe.js';

/** Redraws at most this often on a terminal: 1,000 answers in a second are 10 frames, not 1,000. */
const FRAME_MS = 100;
/** Interim devices named on the live line before "+N more". */
const NAMED = 2;

export interface ProgressSink {
  event(e: CommandEvent): void;
  /** Last frame drawn and the line ended (the summary follows on its own line). */
  end(): void;
}

export function progressFor(
  stream: NodeJS.WritableStream & { isTTY?: boolean },
  total: number,
  done: string,
  json: boolean,
): ProgressSink {
  if (json) return { event() {}, end() {} };
  return stream.isTTY ? new LiveLine(stream, total, done) : new PlainLog(stream);
}

/** `landing_in_progress` → "landing"; any other interim code as it is. */
function waitingFor(r: CommandResult): string {
  return r.code === 'landing_in_progress' ? 'landing' : r.code;
}

class LiveLine implements ProgressSink {
  private acked = 0;
  private refused = 0;
  private readonly interim = new Map<string, CommandResult>();
  private readonly offline = new Set<string>();
  private readonly answered = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private drawn = false;

  constructor(
    private readonly stream: NodeJS.WritableStream,
    private readonly total: number,
    private readonly done: string,
  ) {}

  event(e: CommandEvent): void {
    if (e.type === 'final') {
      this.answered.add(e.device);
      this.interim.delete(e.device);
      if (e.result.status === 'refused') this.refused++;
      else this.acked++;
    } else if (e.type === 'interim') {
      this.interim.set(e.device, e.result);
    } else if (e.type === 'status') {
      if (e.offline) this.offline.add(e.device);
      else this.offline.delete(e.device);
    } else if (e.type === 'sent') {
      return;
    }
    this.timer ??= setTimeout(() => this.draw(), FRAME_MS);
  }

  end(): void {
    this.draw();
    if (this.drawn) this.stream.write('\n');
  }

  line(): string {
    const parts = [`${this.acked}/${this.total} ${this.done}`];
    if (this.refused > 0) parts.push(`${this.refused} refused`);
    const waiting = [...this.interim.values()];
    if (waiting.length > 0) {
      const named = waiting
        .slice(0, NAMED)
        .map((r) => `${termSafe(r.device)} ${termSafe(waitingFor(r))}`)
        .join(', ');
      const more = waiting.length > NAMED ? ` (+${waiting.length - NAMED} more)` : '';
      parts.push(`${named}${more}, ${this.done} after it`);
    }
    const offline = [...this.offline].filter((d) => !this.answered.has(d)).length;
    if (offline > 0) parts.push(`${offline} offline`);
    return parts.join('; ');
  }

  private draw(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    // \r and erase-to-end-of-line: the one line is redrawn in place.
    this.stream.write(`\r\x1b[K${this.line()}`);
    this.drawn = true;
  }
}

class PlainLog implements ProgressSink {
  constructor(private readonly stream: NodeJS.WritableStream) {}

  event(e: CommandEvent): void {
    if (e.type === 'sent') return;
    if (e.type === 'status') {
      this.stream.write(`${termSafe(e.device)}: ${e.offline ? 'offline' : 'online again'}\n`);
      return;
    }
    const r = e.result;
    this.stream.write(
      `${termSafe(r.device)}: ${termSafe(r.status)}/${termSafe(r.code)} — ${termSafe(r.detail)}\n`,
    );
  }

  end(): void {}
}

/** For tests and the summary: the live line's text for a set of events, without a terminal. */
export function liveLineText(total: number, done: string, events: CommandEvent[]): string {
  const l = new LiveLine({ write: () => true } as unknown as NodeJS.WritableStream, total, done);
  for (const e of events) l.event(e);
  l.end();
  return l.line();
}
