// Desired-state semantics (CONTRACT §5): the newest valid push is what the board should run. It is kept until
// it lands or is rejected for good; obstacles (hold, update window, a busy lock, a lock mismatch) only delay
// it, and every trigger that may have removed one (GC tick, hold change, vehicle state change) calls kick().
//
// INVARIANTS
// - One landing at a time: run() is never re-entered; a kick during a run schedules one more pass.
// - Every push gets an answer: superseded, deferred (once per obstacle), rejected, or applied.
// - A push that is landing when a newer one arrives still lands and is answered `applied`; the newer one
//   follows in the next pass.
import { applyConfig } from '../accept/apply.js';
import type { Rejection } from '../accept/screen.js';
import type { Board } from '../board/open.js';
import type { ResultCode } from '../errors.js';
import { LockError } from '../lock/locksmith.js';
import { evidence, type Observation } from '../lock/observe.js';
import { freesOnFlock } from '../lock/wake.js';
import type { AimConfig, PushEnvelope } from '../schemas/index.js';
import type { ResultFields } from './messages.js';
import { windowShutBy } from './vehicle.js';

export interface Candidate {
  envelope: PushEnvelope;
  config: AimConfig;
  /** The obstacle last reported for this push, so each is reported once, not on every retry. */
  reported?: ResultCode;
}

export interface DesiredDeps {
  board: Board;
  answer(fields: ResultFields): Promise<void>;
  onMismatch(lock: ReturnType<typeof evidence>): Promise<void>;
  onHookFailed(detail: string, envelope: PushEnvelope): Promise<void>;
  /** The technician's hold, if any (read from its file each time: it may change behind our back). */
  hold(): Promise<{ reason: string; until: string | null } | null>;
  /** Ask for a kick after `ms` (a hold that ends, a busy lock worth retrying). */
  later(ms: number): void;
  /** A landing pass that threw (logged by the agent; never an unhandled rejection). */
  onError?(err: unknown): void;
  /** The screening again, against the keys and limits loaded now: a refusal ends the push (see attempt). */
  rescreen?(envelope: PushEnvelope): Promise<Rejection | null>;
  /** A turn to land, when landings are rationed (a simulator's boards share one machine: fleet/sim-turns.ts);
   *  resolves with the function that ends the turn. */
  landingTurn?(): Promise<() => void>;
  reclaimStale: boolean;
}

/** A burst is over when no push arrived for this long… */
const SETTLE_GAP_MS = 250;
/** …and its first push is given this long to arrive (after a reconnect: subscribe, then the queue). */
const SETTLE_FIRST_MS = 600;
/** Pushes arriving while one lands are a burst: the next landing waits for its end, at most this long. */
const BURST_SETTLE_MS = 2000;

/** `expired` once the push's expires_at has passed: it was checked on arrival, but a push may wait. */
function expiry(e: PushEnvelope): { status: 'rejected'; code: 'expired'; detail: string } | null {
  if (!e.expires_at || Date.parse(e.expires_at) > Date.now()) return null;
  return {
    status: 'rejected',
    code: 'expired',
    detail: `push expired at ${e.expires_at} while it waited to land`,
  };
}

const sameDesire = (a: PushEnvelope, b: PushEnvelope) => a.id === b.id && a.version === b.version;

const echo = (e: PushEnvelope) => ({
  id: e.id,
  version: e.version,
  ...(e.rollout ? { rollout: e.rollout } : {}),
});

export class DesiredState {
  private desired: Candidate | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  /** Until when landings wait for a burst of queued pushes to arrive (see settle()). */
  private settleUntil = 0;
  private settleTimer: NodeJS.Timeout | null = null;
  /** The candidate being written by applyConfig right now: it gets its own final answer, never `superseded`. */
  private landing: Candidate | null = null;
  /** A kick is armed for when the lock's holder lets go (one at a time: every retry would arm another). */
  private wakeArmed = false;

  constructor(private readonly deps: DesiredDeps) {}

  get pending(): PushEnvelope | null {
    return this.desired?.envelope ?? null;
  }

  /** A push is being written under the lock right now (a hold placed now waits for it: see command/actions.ts). */
  get landingNow(): boolean {
    return this.landing !== null;
  }

  /** The waiting push as the status tells it (`code`: its last answer, or `landing` before the first). */
  get waiting(): { id: string; version: number; code: string } | null {
    const c = this.desired;
    return c ? { id: c.envelope.id, version: c.envelope.version, code: c.reported ?? 'landing' } : null;
  }

  /** A push that passed screening. The older of it and the waiting one is answered `superseded`. */
  async offer(c: Candidate): Promise<void> {
    if (Date.now() < this.settleUntil) {
      this.settleUntil = Math.min(this.settleDeadline, Date.now() + SETTLE_GAP_MS);
    } else if (this.landing) {
      this.settle(BURST_SETTLE_MS);
    }
    const waiting = this.desired;
    if (waiting && sameDesire(waiting.envelope, c.envelope)) {
      // The retained push redelivered on reconnect: same desire, no new answer. The same id at another version
      // is another push, answered like any (the older of the two superseded; a landed id is `duplicate`).
    } else if (waiting && c.envelope.version <= waiting.envelope.version) {
      await this.supersede(c.envelope, waiting.envelope);
      return;
    } else {
      this.desired = c;
      if (waiting && waiting !== this.landing) await this.supersede(waiting.envelope, c.envelope);
    }
    // The gap counts from the end of our own handling: the next queued push cannot arrive before it.
    if (Date.now() < this.settleUntil)
      this.settleUntil = Math.min(this.settleDeadline, Date.now() + SETTLE_GAP_MS);
    this.kick();
  }

  /**
   * After a (re)connect the broker delivers everything queued for our session at once. Landing the first of
   * them immediately would apply a config that is already outdated; instead landings wait until pushes stop
   * arriving for SETTLE_GAP_MS (at most `ms` in all), so only the newest of a burst lands. The same applies
   * to pushes that arrive while one is landing (a live burst, at most BURST_SETTLE_MS).
   */
  settle(ms: number): void {
    this.settleUntil = Date.now() + Math.min(ms, SETTLE_FIRST_MS);
    this.settleDeadline = Date.now() + ms;
  }

  private settleDeadline = 0;

  kick(): void {
    const wait = this.settleUntil - Date.now();
    if (wait > 0) {
      this.settleTimer ??= setTimeout(() => {
        this.settleTimer = null;
        this.kick();
      }, wait);
      this.settleTimer.unref();
      return;
    }
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.loop()
      // A throw here (an answer that could not even be logged to disk) must not end the agent: the push
      // stays desired and the next kick tries again.
      .catch((err: unknown) => this.deps.onError?.(err))
      .finally(() => {
        this.running = null;
        // A kick that came during the pass that threw (a newer push) still gets its pass.
        if (this.again) this.kick();
      });
  }

  /** Resolves when no landing is in progress (for shutdown). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async loop(): Promise<void> {
    do {
      this.again = false;
      const c = this.desired;
      if (c) await this.attempt(c);
    } while (this.again);
  }

  private async supersede(older: PushEnvelope, newer: PushEnvelope): Promise<void> {
    await this.deps.answer({
      ...echo(older),
      code: 'superseded',
      detail: `superseded by push ${newer.id} (version ${newer.version}) before it could land`,
    });
  }

  private async defer(
    c: Candidate,
    code: ResultCode,
    detail: string,
    lock?: Record<string, unknown>,
  ): Promise<void> {
    if (c.reported === code || this.desired !== c) return; // superseded meanwhile: already answered
    c.reported = code;
    // A push that expires while it waits is answered `expired` then, not when the obstacle clears.
    if (c.envelope.expires_at)
      this.deps.later(Math.max(0, Date.parse(c.envelope.expires_at) - Date.now()) + 10);
    await this.deps.answer({ ...echo(c.envelope), code, detail, ...(lock ? { lock } : {}) });
  }

  /** Arms a kick for when the exclusive flock seen in `seen` goes; false when there is none to wait for. */
  private wakeOnFree(seen: Observation): boolean {
    if (!freesOnFlock(seen.holders)) return false;
    if (this.wakeArmed) return true;
    this.wakeArmed = true;
    this.deps.board.locksmith.untilFree(seen.holders).then(
      (woke) => {
        this.wakeArmed = false;
        if (woke) this.kick();
      },
      (err: unknown) => {
        this.wakeArmed = false;
        this.deps.onError?.(err);
      },
    );
    return true;
  }

  private finish(c: Candidate): void {
    if (this.desired === c) this.desired = null;
  }

  private async attempt(c: Candidate): Promise<void> {
    const { board } = this.deps;
    const e = c.envelope;
    const expired = expiry(e);
    if (expired) {
      this.finish(c);
      return this.deps.answer({ ...echo(e), code: expired.code, detail: expired.detail });
    }
    // A key revoked or a limit tightened (SIGHUP) while the push waited must stop it before it lands.
    const refused = await this.deps.rescreen?.(e);
    if (refused) {
      if (this.desired !== c) return; // superseded while we looked: already answered
      this.finish(c);
      return this.deps.answer(refused);
    }
    const hold = await this.deps.hold();
    if (hold) {
      if (hold.until) this.deps.later(Math.max(0, Date.parse(hold.until) - Date.now()) + 50);
      return this.defer(
        c,
        'hold',
        `on hold: ${hold.reason}${hold.until ? ` (until ${hold.until})` : ''}; kept as desired`,
      );
    }
    const vehicle = await windowShutBy(c.config.update_window, board.paths.vehicleState);
    if (vehicle) {
      return this.defer(
        c,
        'deferred_update_window',
        `update_window "${c.config.update_window}" does not allow an update while ${vehicle}; kept as desired`,
      );
    }
    const endTurn = (await this.deps.landingTurn?.()) ?? (() => {});
    if (this.desired !== c) {
      // superseded while we looked or waited for a turn (already answered); the loop takes the newer
      endTurn();
      return;
    }
    this.landing = c;
    // Only the landing itself is in the try: a throw from answering it afterwards (a disk out of descriptors
    // while the result is queued or the state re-read) is not a landing failure. Caught here, it found the
    // push already finished (desired null) and died on a TypeError — or, had a newer push come meanwhile,
    // answered `superseded` for a push that had landed and said so.
    let out: Awaited<ReturnType<typeof applyConfig>>;
    try {
      out = await applyConfig(board, {
        config: c.config,
        id: e.id,
        version: e.version,
        source: 'push',
        purpose: `apply push ${e.id.slice(0, 8)} v${e.version}`,
        waitMs: board.settings.lock.wait_ms,
        reclaimStale: this.deps.reclaimStale,
        // Checked again under the lock, just before the write: `release --force` places its hold just before
        // it clears the lock, the wait for the lock may have outlived the push, and the vehicle may have taken
        // off meanwhile. (A version landed meanwhile: applyConfig checks.)
        gate: async () => {
          const h = await this.deps.hold();
          if (h) return { status: 'deferred', code: 'hold', detail: `on hold: ${h.reason}; kept as desired` };
          const now = await windowShutBy(c.config.update_window, board.paths.vehicleState);
          if (now)
            return {
              status: 'deferred',
              code: 'deferred_update_window',
              detail: `update_window "${c.config.update_window}" does not allow an update while ${now} (seen under the lock); kept as desired`,
            };
          return expiry(e);
        },
      });
    } catch (err) {
      endTurn();
      this.landing = null;
      if (this.desired !== c) {
        // A newer push arrived while this one tried to land: it is the desired state now.
        return this.supersede(e, this.desired!.envelope);
      }
      if (!(err instanceof LockError)) {
        // Thrown before the rename (reading state or the live file, taking the lock: disk, permissions):
        // nothing was replaced — past the rename applyConfig answers for itself (rolled_back/apply_incomplete).
        this.finish(c);
        return this.deps.answer({
          ...echo(e),
          code: 'apply_failed',
          detail: `apply failed: ${(err as Error).message}; the old config is still live`,
        });
      }
      const lock = evidence(err.observation);
      // The push tries again the moment the holder lets go (a technician's apply ends, a foreign flock(1)
      // exits), not on the next poll. A holder that frees no flock (POSIX only, a shared flock) is looked at
      // again by the collector's tick; a busy lock without one, after lock.wait_ms.
      const waking = this.wakeOnFree(err.observation);
      if (err.code === 'lock_hot') {
        if (!waking) this.deps.later(Math.max(250, board.settings.lock.wait_ms));
        return this.defer(c, 'lock_hot', `${err.message}; kept as desired`, lock);
      }
      if (c.reported !== 'lock_mismatch') await this.deps.onMismatch(lock);
      // Rejected, but still desired: it lands without a new push once a technician resolves the lock.
      return this.defer(
        c,
        'lock_mismatch',
        `${err.message}; kept as desired until the lock is resolved`,
        lock,
      );
    }
    endTurn();
    this.landing = null;
    if (out.status === 'deferred') return this.defer(c, out.code, out.detail);
    this.finish(c);
    if (out.hookFailed) await this.deps.onHookFailed(out.hookFailed, e);
    await this.deps.answer({
      ...echo(e),
      code: out.code,
      detail: out.detail,
      lock: out.lock,
      ...(out.status === 'applied' ? { config_sha256: out.sha256 } : {}),
    });
  }
}
