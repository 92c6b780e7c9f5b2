// How a technician sees the lock: an lslocks-style table plus the one next step for each verdict.
import { evidence, type Observation } from '../lock/observe.js';
import type { OwnerRecord, Verdict } from '../lock/types.js';
import { heartbeatAgeMs } from '../lock/verdict.js';
import { termSafe } from '../term-safe.js';

export const NEXT_STEP: Record<Verdict, string> = {
  FREE: 'nothing to do: nobody holds the lock',
  HELD: 'nothing to do: the owner is working and heartbeating; it will release by itself',
  HUNG: 'the owner is alive but stopped heartbeating: inspect it (ps -p PID), stop it, then run aimlock locks again',
  STALE:
    'a ghost: its owner is provably gone. aimlock reclaim clears it (the agent does so itself unless auto_reclaim is off)',
  DETACHED:
    'the owner is alive but holds no kernel lock: stop it, or bypass with aimlock release --force --reason "…"',
  UNOWNED:
    'a process that is not the recorded owner holds a kernel lock: find it in the table (or lslocks) and stop it',
  CLEARED:
    'the lock bit was cleared under a live writer: let it finish or stop it, then aimlock release --force --reason "…"',
};

/** What `aimlock locks --json` prints, and an operator's `locks` command gets as its data: one shape. */
export function locksJson(o: Observation, config: string): Record<string, unknown> {
  return { file: o.lockFile, config, ...evidence(o), visibility: o.visibility };
}

/** The heartbeat's age as the verdict measures it (monotonic within the record's boot, see lock/mono.ts). */
function age(o: Observation, r: OwnerRecord): string {
  const s = Math.round(heartbeatAgeMs(o, r) / 1000);
  return Number.isFinite(s) ? `${s}s ago` : 'unparsable';
}

function ownerText(o: Observation): string {
  if (o.owner.state === 'absent') return '-';
  if (o.owner.state === 'corrupt') return `corrupt record (${o.owner.error})`;
  const r = o.owner.record;
  const alive = o.ownerProcess?.alive ? 'alive' : 'dead';
  return `${r.holder} pid ${r.pid} (${alive}, heartbeat ${age(o, r)}) "${r.purpose}"`;
}

/** What the table shows, whether read on this board (an Observation) or sent by a device (its evidence). */
export interface LockView {
  lockFile: string;
  bit: string;
  generation: string;
  verdict: string;
  owner: string;
  holders: { kind: string; mode: string; pid: number | string; command: string }[];
  visibilityWarning: string | null;
  reason: string;
  next: string;
}

export function renderLocks(o: Observation): string {
  return renderView({
    lockFile: o.lockFile,
    bit: o.bit === null ? '-' : String(o.bit),
    generation: String(o.generation),
    verdict: o.verdict,
    owner: ownerText(o),
    holders: o.holders
      .filter((h) => !h.blocked)
      .map((h) => ({ kind: h.kind, mode: h.mode, pid: h.pid, command: h.command ?? '?' })),
    visibilityWarning: o.visibility.complete ? null : (o.visibility.reason ?? 'not every process is visible'),
    reason: o.reason,
    next: NEXT_STEP[o.verdict],
  });
}

export function renderView(v: LockView): string {
  const rows = [
    ['FILE', 'BIT', 'GEN', 'VERDICT', 'OWNER'],
    [v.lockFile, v.bit, v.generation, v.verdict, v.owner],
  ];
  const out = [table(rows), ''];
  if (v.holders.length) {
    out.push('KERNEL HOLDERS');
    out.push(
      table([
        ['TYPE', 'MODE', 'PID', 'COMMAND'],
        ...v.holders.map((h) => [
          h.kind,
          h.mode,
          h.pid === 0 ? '0 (outside this pid namespace)' : String(h.pid),
          h.command,
        ]),
      ]),
    );
  } else {
    out.push('KERNEL HOLDERS  none');
  }
  if (v.visibilityWarning !== null) out.push('', `warning: ${termSafe(v.visibilityWarning)}`);
  out.push('', `why:  ${termSafe(v.reason)}`, `next: ${termSafe(v.next)}`);
  return out.join('\n');
}

/** Columns padded to their widest cell; every cell escaped first (term-safe.ts), so widths stay true. */
export function table(cells: string[][]): string {
  const rows = cells.map((r) => r.map((c) => termSafe(c)));
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows
    .map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  '))
    .join('\n');
}
