// A device's lock evidence as it arrives in a command result (`locks`: what `aimlock locks --json` prints;
// `reclaim` / `release_force`: the verdict and evidence), turned into the same table the local form prints.
// It came over the network: every field is checked for its type and falls back to "?" — a device (or whoever
// can publish on its result topic) must not be able to crash the operator's terminal or paint on it.
import { VERDICTS, type Verdict } from '../lock/types.js';
import { type LockView, NEXT_STEP, renderView } from './lock-view.js';

const isObject = (x: unknown): x is Record<string, unknown> =>
  typeof x === 'object' && x !== null && !Array.isArray(x);
const str = (x: unknown, fallback = '?'): string =>
  typeof x === 'string' ? x : typeof x === 'number' && Number.isFinite(x) ? String(x) : fallback;

/** The evidence object inside a result's data: `data.lock` when there, else data itself when it has a verdict. */
export function lockEvidence(data: unknown): Record<string, unknown> | null {
  if (!isObject(data)) return null;
  if (isObject(data.lock) && typeof data.lock.verdict === 'string') return data.lock;
  return typeof data.verdict === 'string' ? data : null;
}

export function evidenceVerdict(e: Record<string, unknown>): Verdict | null {
  return (VERDICTS as readonly string[]).includes(e.verdict as string) ? (e.verdict as Verdict) : null;
}

function ownerText(e: Record<string, unknown>, at: number): string {
  const o = e.owner;
  if (o === null || o === undefined) return '-';
  if (!isObject(o)) return '?';
  if (o.corrupt !== undefined) return `corrupt record (${str(o.corrupt)})`;
  const alive = e.owner_alive === true ? 'alive' : e.owner_alive === false ? 'dead' : 'alive?';
  const hb = typeof o.heartbeat_at === 'string' ? Date.parse(o.heartbeat_at) : Number.NaN;
  // The device's own clock stamps the answer; the age is taken against it, not against this desk's clock.
  const ageS = Math.round((at - hb) / 1000);
  const age = Number.isFinite(ageS) ? `${ageS}s ago` : 'unparsable';
  return `${str(o.holder)} pid ${str(o.pid)} (${alive}, heartbeat ${age}) "${str(o.purpose, '')}"`;
}

/** The lslocks-style table of a remote device, from its evidence; `at` is the answer's own timestamp. */
export function renderEvidence(e: Record<string, unknown>, at: number, fallbackFile: string): string {
  const verdict = evidenceVerdict(e);
  const holders = Array.isArray(e.kernel_holders) ? e.kernel_holders.filter(isObject) : [];
  const vis = isObject(e.visibility) ? e.visibility : null;
  const view: LockView = {
    lockFile: str(e.file, fallbackFile),
    bit: e.lock_bit === null ? '-' : str(e.lock_bit),
    generation: str(e.generation),
    verdict: str(e.verdict),
    owner: ownerText(e, at),
    holders: holders.map((h) => ({
      kind: str(h.type),
      mode: str(h.mode),
      pid: typeof h.pid === 'number' ? h.pid : str(h.pid),
      command: str(h.command),
    })),
    visibilityWarning: vis && vis.complete === false ? str(vis.reason, 'not every process is visible') : null,
    reason: str(e.reason, '(no reason given)'),
    next: verdict ? NEXT_STEP[verdict] : 'unknown verdict: look at the device',
  };
  return renderView(view);
}
