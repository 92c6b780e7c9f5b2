// One pino JSON line → one line a technician reads at a glance: time, level, device, message, the rest.
// Every piece of the line is escaped (term-safe.ts) before it is painted: push ids, device names, reasons and
// whole lines that are not JSON come from the network or a file, and only our own colours may reach the tty.
import { termSafe } from '../term-safe.js';

const LEVELS: Record<number, [string, string]> = {
  10: ['TRACE', '\x1b[90m'],
  20: ['DEBUG', '\x1b[36m'],
  30: ['INFO ', '\x1b[32m'],
  40: ['WARN ', '\x1b[33m'],
  50: ['ERROR', '\x1b[31m'],
  60: ['FATAL', '\x1b[41;97m'],
};
const RESET = '\x1b[0m';
const DIM = '\x1b[2m';
const BANNER = '\x1b[41;97;1m';
/** Keys shown in the line's head, or pino's own bookkeeping: not repeated in the tail. */
const HEAD = new Set(['level', 'time', 'msg', 'device', 'pid', 'hostname', 'v']);

function value(v: unknown): string {
  if (typeof v === 'string') return termSafe(/\s/.test(v) ? JSON.stringify(v) : v);
  return termSafe(JSON.stringify(v));
}

/**
 * The pino record in one log line: a plain JSON line, or the journal form "<N>message {json}"
 * (src/agent/journal.ts) with or without the "<N>" journald strips. Null when the line holds none.
 */
export function parseLogLine(line: string): Record<string, unknown> | null {
  const text = line.replace(/^<[0-7]>/, '');
  const start = text.startsWith('{') ? 0 : text.indexOf(' {"level":') + 1;
  try {
    const rec = JSON.parse(text.slice(start)) as unknown;
    return typeof rec === 'object' && rec !== null && !Array.isArray(rec)
      ? (rec as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

export function prettyLine(line: string, colour: boolean): string {
  const rec = parseLogLine(line);
  if (!rec) return termSafe(line);
  const paint = (code: string, text: string) => (colour ? `${code}${text}${RESET}` : text);
  const [name, code] = LEVELS[Number(rec.level)] ?? [
    termSafe(rec.level ?? '?')
      .toUpperCase()
      .padEnd(5),
    '',
  ];
  const time =
    typeof rec.time === 'number' && Number.isFinite(rec.time) && Math.abs(rec.time) < 8.64e15
      ? new Date(rec.time).toISOString().slice(11, 23)
      : termSafe(rec.time ?? '');
  const msg = termSafe(rec.msg ?? '');
  const mismatch = msg.startsWith('lock mismatch');
  const tail = Object.entries(rec)
    .filter(([k]) => !HEAD.has(k))
    .map(([k, v]) => `${termSafe(k)}=${value(v)}`)
    .join(' ');
  const head = `${paint(DIM, time)} ${paint(code, name)} ${rec.device ? `${termSafe(rec.device)} ` : ''}`;
  const body = mismatch ? paint(BANNER, `!! ${msg} !!`) : msg;
  return `${head}${body}${tail ? ` ${paint(DIM, tail)}` : ''}`;
}
