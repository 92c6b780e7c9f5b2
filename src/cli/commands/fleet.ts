// `aimlock fleet`: every device of a fleet at a glance, from the retained statuses (which carry each device's
// last answer) plus the results heard while we listen, optionally kept live.
import { EXIT } from '../../errors.js';
import type { OperatorClient, Result, Status } from '../../fleet/operator.js';
import { jsonSafe, termSafe } from '../../term-safe.js';
import type { Command } from '../command.js';
import { connectOperator, OPERATOR_OPTIONS, operatorTarget } from './push.js';

export interface FleetRow {
  device: string;
  /** online | hold | offline, or null for a device seen only through a result. */
  state: Status['state'] | null;
  applied: { id: string; version: number; sha256: string } | null;
  lock: string | null;
  agent_version: string | null;
  status_ts: string | null;
  /** Seconds since the status was produced (status ts); null without a status. */
  age_s: number | null;
  /** The newer of the last result heard live and the one the device's status carries (no detail there). */
  last_result: {
    id: string;
    version: number | null;
    status: Result['status'];
    code: string;
    ts: string;
    detail?: string;
  } | null;
}

const byName = new Intl.Collator('en', { numeric: true }).compare;

export function fleetRows(
  statuses: ReadonlyMap<string, Status>,
  results: ReadonlyMap<string, Result>,
  now = Date.now(),
): FleetRow[] {
  const devices = [...new Set([...statuses.keys(), ...results.keys()])].sort(byName);
  return devices.map((device) => {
    const s = statuses.get(device);
    const r = results.get(device);
    const ts = s ? Date.parse(s.ts) : Number.NaN;
    return {
      device,
      state: s?.state ?? null,
      applied: s?.applied ?? null,
      lock: s?.lock?.verdict ?? null,
      agent_version: s?.agent_version ?? null,
      status_ts: s?.ts ?? null,
      age_s: Number.isFinite(ts) ? Math.max(0, Math.round((now - ts) / 1000)) : null,
      last_result: newer(
        r
          ? { id: r.id, version: r.version, status: r.status, code: r.code, detail: r.detail, ts: r.ts }
          : null,
        s?.last_result ?? null,
      ),
    };
  });
}

function newer<A extends { ts: string }, B extends { ts: string }>(a: A | null, b: B | null): A | B | null {
  if (!a || !b) return a ?? b;
  return Date.parse(b.ts) > Date.parse(a.ts) ? b : a;
}

/** 12s, 3m, 5h, 2d. */
export function humanAge(seconds: number | null): string {
  if (seconds === null) return '-';
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 48 * 3600) return `${Math.floor(seconds / 3600)}h`;
  return `${Math.floor(seconds / 86400)}d`;
}

const RED = '\x1b[31;1m';
const YELLOW = '\x1b[33m';
const RESET = '\x1b[0m';

/** offline is always upper case (it must stand out without colour too); on a TTY it is red, hold yellow. */
function stateCell(state: FleetRow['state']): [string, string] {
  if (state === 'offline') return ['OFFLINE', RED];
  if (state === 'hold') return ['hold', YELLOW];
  return [state ?? '?', ''];
}

function lockCell(lock: string | null): [string, string] {
  if (lock === null) return ['-', ''];
  return [lock, lock === 'FREE' || lock === 'HELD' ? '' : RED];
}

function answerCell(r: FleetRow['last_result']): [string, string] {
  if (!r) return ['-', ''];
  const colour = r.status === 'rejected' ? RED : r.status === 'deferred' ? YELLOW : '';
  return [`${r.status}/${r.code}`, colour];
}

export function renderFleet(rows: FleetRow[], colour: boolean): string {
  const head: Array<[string, string]> = ['DEVICE', 'STATE', 'APPLIED', 'LOCK', 'LAST ANSWER', 'AGE'].map(
    (h) => [h, ''],
  );
  const body = rows.map(
    (r): Array<[string, string]> => [
      [r.device, ''],
      stateCell(r.state),
      [r.applied ? String(r.applied.version) : '-', ''],
      lockCell(r.lock),
      answerCell(r.last_result),
      [humanAge(r.age_s), ''],
    ],
  );
  // Device names, codes and verdicts come from retained messages anyone with publish rights could have left:
  // escaped (term-safe.ts) before they are measured and painted.
  const all = [head, ...body].map((row) =>
    row.map(([text, paint]): [string, string] => [termSafe(text), paint]),
  );
  const widths = head.map((_, i) => Math.max(...all.map((row) => row[i]![0].length)));
  const lines = all.map((row) =>
    row
      .map(([text, paint], i) => {
        const padded = i === row.length - 1 ? text : text.padEnd(widths[i]!);
        return colour && paint ? `${paint}${padded}${RESET}` : padded;
      })
      .join('  ')
      .trimEnd(),
  );
  const count = (s: string) => rows.filter((r) => r.state === s).length;
  lines.push(
    '',
    `${rows.length} device(s): ${count('online')} online, ${count('hold')} hold, ${count('offline')} offline`,
  );
  return lines.join('\n');
}

function statusLine(device: string, s: Status | null): string {
  if (!s) return termSafe(`${device} status cleared`);
  const [state] = stateCell(s.state);
  return termSafe(
    `${device} ${state} applied ${s.applied ? s.applied.version : '-'} lock ${s.lock?.verdict ?? '-'}`,
  );
}

export const fleet: Command = {
  name: 'fleet',
  summary: "table of every device's retained status and last answer in a fleet",
  usage: 'aimlock fleet [--fleet F] [--broker URL] [--key KEY] [--watch] [--json]',
  // --key like every operator command (CONTRACT §7), though a view signs nothing.
  options: { ...OPERATOR_OPTIONS, key: { type: 'string' }, watch: { type: 'boolean' } },
  help: `
Reads the retained status of every device of the fleet (aimlock/v1/{fleet}/+/status) and prints one row each:
DEVICE, STATE (online, hold, OFFLINE — the agent's last will or its goodbye), APPLIED (config version), LOCK
(last verdict), LAST ANSWER (status/code of the last result seen) and AGE (of the status).
Results are not retained, but each device's status carries its last answer (applied, rejected or deferred),
so the column is filled for every device whose agent has answered once. With --watch the table stays live
(on a terminal it is redrawn; otherwise one line is printed per change) until Ctrl-C; results fill in as
devices answer.
--fleet and --broker default to those of --settings FILE (or of /etc/aimlock/agent.json on a board);
otherwise --fleet is required and the broker is mqtt://127.0.0.1:1883. --key is accepted and unused.
--json prints {"fleet", "devices": [...]} (with --watch: one such object per change, one per line).

Exit: 0; 2 usage; 5 broker unreachable.
Example: aimlock fleet --fleet alpha --broker mqtt://broker:1883 --watch`,
  async run(ctx) {
    const target = operatorTarget(ctx);
    const op = await connectOperator(target);
    try {
      const statuses = await op.statuses();
      const snapshot = () => fleetRows(statuses, op.lastResults);
      const colour = ctx.io.stdout.isTTY === true && process.env.NO_COLOR === undefined;
      const print = () => {
        const rows = snapshot();
        if (ctx.json) ctx.io.stdout.write(`${jsonSafe({ fleet: target.fleet, devices: rows })}\n`);
        else if (rows.length === 0)
          ctx.io.stdout.write(
            `${termSafe(`no device of fleet ${target.fleet} has a retained status on ${target.url} (${op.prefix}/${target.fleet}/+/status)`)}\n`,
          );
        else ctx.io.stdout.write(`${renderFleet(rows, colour)}\n`);
      };
      if (ctx.values.watch !== true) {
        print();
        return EXIT.ok;
      }
      await watch(ctx.io.stdout, op, statuses, {
        json: ctx.json,
        tty: ctx.io.stdout.isTTY === true,
        print,
        note: (text) => ctx.note(text),
      });
      return EXIT.ok;
    } finally {
      await op.close();
    }
  },
};

async function watch(
  out: NodeJS.WritableStream,
  op: OperatorClient,
  statuses: Map<string, Status>,
  how: { json: boolean; tty: boolean; print: () => void; note: (text: string) => void },
): Promise<void> {
  const redraw = () => {
    if (how.tty && !how.json) out.write('\x1b[2J\x1b[H');
    how.print();
    if (how.tty && !how.json) out.write(`\nwatching ${op.prefix}/${op.fleet} — Ctrl-C to stop\n`);
  };
  redraw();
  if (!how.tty) how.note(`watching ${op.prefix}/${op.fleet}: one line per change; Ctrl-C to stop`);
  const stamp = () => new Date().toISOString().slice(11, 19);
  const onStatus = (device: string, s: Status | null) => {
    if (s) statuses.set(device, s);
    else statuses.delete(device);
    if (how.tty || how.json) redraw();
    else out.write(`${stamp()} ${statusLine(device, s)}\n`);
  };
  const onResult = (device: string, r: Result) => {
    if (how.tty || how.json) redraw();
    else
      out.write(
        `${stamp()} ${termSafe(`${device} answer ${r.status}/${r.code} push ${r.id} version ${r.version ?? '-'}`)}\n`,
      );
  };
  op.on('status', onStatus);
  op.on('result', onResult);
  // On a terminal the ages tick.
  const ticker = how.tty && !how.json ? setInterval(redraw, 1000) : null;
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  if (ticker) clearInterval(ticker);
  op.off('status', onStatus);
  op.off('result', onResult);
}
