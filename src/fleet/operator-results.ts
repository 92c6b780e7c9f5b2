// The results the operator has seen, by push id, and the waits for a final one.
//
// INVARIANTS
// - Every result is kept by push id (bounded), so waitFinal() called after the answer arrived still sees it.
// - One map of waiters, whatever the number of concurrent waitFinal() calls.
// - `deferred` is progress, never final: waitFinal() reports it through onUpdate and keeps waiting.
// - A wait given a version counts only the answers about that version: a push id reused at another version
//   (an outside tool; our CLI mints a fresh id for every push) has answers of its own — the older of the two
//   is `superseded` — which must not end the wait for the other. An answer that could not name a version
//   (an envelope too broken to read: `version` null) still counts.
import type { ResultStatus } from '../errors.js';
import type { Result } from '../schemas/index.js';

/** Push ids whose results are kept for late waiters; the oldest are forgotten beyond this. */
export const MAX_TRACKED_IDS = 20_000;

const FINAL: ReadonlySet<ResultStatus> = new Set(['applied', 'rejected', 'duplicate', 'superseded']);

/** `applied`, `rejected`, `duplicate` and `superseded` end a push; `deferred` does not. */
export function isFinal(status: string): boolean {
  return FINAL.has(status as ResultStatus);
}

export type WaitOutcome = { timedOut: false; result: Result } | { timedOut: true; last: Result | null };

export interface WaitOptions {
  timeoutMs: number;
  /** The push's version: answers about another version of the same id are not this push's. */
  version?: number;
  /** Called for every non-final answer (`deferred`), also for those that came before the call. */
  onUpdate?: (result: Result) => void;
  /** Aborting resolves the wait as timed out. */
  signal?: AbortSignal;
}

/** An answer of `device` about the push of that version (see the header on versions). */
export function concerns(r: Result, device: string, version: number | undefined): boolean {
  return r.device === device && (version === undefined || r.version === null || r.version === version);
}

interface Waiter {
  device: string;
  version?: number;
  onResult(result: Result): void;
  /** Ends the wait as timed out (close()). */
  cancel(): void;
}

export class ResultBook {
  private readonly lastByDevice = new Map<string, Result>();
  private readonly resultsById = new Map<string, Result[]>();
  private readonly waiters = new Map<string, Set<Waiter>>();
  private closed = false;

  get last(): ReadonlyMap<string, Result> {
    return this.lastByDevice;
  }

  take(device: string, r: Result): void {
    this.lastByDevice.set(device, r);
    if (r.id !== '') {
      const list = this.resultsById.get(r.id) ?? [];
      if (list.length === 0) {
        if (this.resultsById.size >= MAX_TRACKED_IDS) {
          const oldest = this.resultsById.keys().next().value;
          if (oldest !== undefined) this.resultsById.delete(oldest);
        }
        this.resultsById.set(r.id, list);
      }
      list.push(r);
      for (const w of [...(this.waiters.get(r.id) ?? [])])
        if (concerns(r, w.device, w.version)) w.onResult(r);
    }
  }

  resultsFor(id: string): readonly Result[] {
    return this.resultsById.get(id) ?? [];
  }

  waitFinal(device: string, id: string, opts: WaitOptions): Promise<WaitOutcome> {
    return new Promise<WaitOutcome>((resolve) => {
      let last: Result | null = null;
      let done = false;
      for (const r of this.resultsFor(id)) {
        if (!concerns(r, device, opts.version)) continue;
        if (isFinal(r.status)) {
          resolve({ timedOut: false, result: r });
          return;
        }
        last = r;
        opts.onUpdate?.(r);
      }
      if (this.closed || opts.signal?.aborted) {
        resolve({ timedOut: true, last });
        return;
      }
      const finish = (outcome: WaitOutcome) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        opts.signal?.removeEventListener('abort', onAbort);
        const set = this.waiters.get(id);
        set?.delete(waiter);
        if (set?.size === 0) this.waiters.delete(id);
        resolve(outcome);
      };
      const onAbort = () => finish({ timedOut: true, last });
      const waiter: Waiter = {
        device,
        version: opts.version,
        cancel: onAbort,
        onResult: (r) => {
          if (isFinal(r.status)) finish({ timedOut: false, result: r });
          else {
            last = r;
            opts.onUpdate?.(r);
          }
        },
      };
      const timer = setTimeout(onAbort, Math.max(0, opts.timeoutMs));
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      const set = this.waiters.get(id) ?? new Set<Waiter>();
      this.waiters.set(id, set);
      set.add(waiter);
    });
  }

  get pendingWaits(): number {
    let n = 0;
    for (const set of this.waiters.values()) n += set.size;
    return n;
  }

  /** Every pending wait ends, as timed out, and later ones end at once. */
  close(): void {
    this.closed = true;
    for (const set of [...this.waiters.values()]) for (const w of [...set]) w.cancel();
  }
}
