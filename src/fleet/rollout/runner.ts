// The rollout runner: drives the pure state machine (machine.ts) with real MQTT. It feeds the machine events
// (published, answered, timed out, the operator's go) and carries out the actions it returns (sign and
// publish pushes and rollbacks, start wave timers, ask the operator), persisting the record after every step.
//
// INVARIANTS
// - Events go through one queue, one at a time: the machine never sees two steps at once, and actions run in
//   the order the machine returned them.
// - The record is durable (local file + retained message) before any push of an action is published, so a
//   push is never out without a record saying it was ordered; its id is derived from the rollout id, so a
//   re-sent push is answered `duplicate` instead of landing twice.
// - A push order whose track is no longer `pushing` when the runner gets to it (answered meanwhile, e.g. its
//   retained status showed it applied after a crash) is not published again.
// - Every answer of the fleet whose id and version are one of this rollout's pushes or rollbacks reaches the
//   machine once (MQTT redeliveries are dropped), deferred ones included (the machine keeps their code for the
//   summary), late ones included (a lock_mismatch push that lands after the technician fixed the lock).
//   The client's `result` event is used rather than waitFinal(), which resolves at the first final answer.
// - Results are not retained: an answer given while no runner listened is recovered from the device's
//   retained status (`applied` naming our push's id and version → a synthetic `applied`).
import type { KeyObject } from 'node:crypto';
import { type OperatorClient, type Result, type Status, signedPush } from '../operator.js';
import { concerns } from '../operator-results.js';
import { advance, resume as resumeActions } from './machine.js';
import type { Progress } from './progress.js';
import { RecordNotSaved, type RecordWriter, type RolloutRecord } from './store.js';
import { summary as summarize } from './summary.js';
import { inFlight } from './track.js';
import type {
  DeviceResult,
  PushTrack,
  RolloutAction,
  RolloutEvent,
  RolloutState,
  RolloutSummary,
  TimerRef,
  WaveState,
} from './types.js';

/** The operator's answer when a wave passed under --pause-between. */
export type OperatorAnswer = { proceed: true } | { proceed: false; reason: string };

export interface OperatorQuestion {
  state: RolloutState;
  /** The wave that passed. */
  wave: WaveState;
  /** The wave that would run next. */
  next: WaveState;
  /** Aborted when the question became moot (the rollout aborted meanwhile). */
  signal: AbortSignal;
}

export interface RunnerOptions {
  op: OperatorClient;
  record: RolloutRecord;
  key: KeyObject;
  keyId: string;
  writer: RecordWriter;
  progress: Progress;
  /** Asked at every waitForOperator action. */
  ask(q: OperatorQuestion): Promise<OperatorAnswer>;
  now?: () => Date;
}

/** The code of the synthetic rejection of a rollback whose previous config the operator never knew. */
export const NO_PREVIOUS_CONFIG = 'no_previous_config';

type Item = { event: RolloutEvent } | { actions: RolloutAction[] };

export class RolloutRunner {
  private record: RolloutRecord;
  private readonly queue: Item[] = [];
  private pumping = false;
  private readonly timers = new Map<TimerRef, NodeJS.Timeout>();
  private readonly seen = new Set<string>();
  private question: AbortController | null = null;
  private settled = false;
  private resolveRun!: (s: RolloutSummary) => void;
  private rejectRun!: (err: Error) => void;
  private readonly finished: Promise<RolloutSummary>;
  private readonly onResult = (device: string, r: Result) => this.fromResult(device, r);
  private readonly onStatus = (device: string, s: Status | null) => this.fromStatus(device, s);

  constructor(private readonly o: RunnerOptions) {
    this.record = o.record;
    this.finished = new Promise<RolloutSummary>((resolve, reject) => {
      this.resolveRun = resolve;
      this.rejectRun = reject;
    });
    // Not a rejection nobody handles: run()/resume() return this promise.
    this.finished.catch(() => {});
  }

  get state(): RolloutState {
    return this.record.state;
  }

  /** Starts a rollout that has not started yet (phase `ready`), and resolves with its final summary. */
  async start(): Promise<RolloutSummary> {
    this.listen();
    this.enqueue({ event: { type: 'start' } });
    return this.finished;
  }

  /**
   * Continues a persisted rollout: answers missed while no runner listened are recovered from the retained
   * statuses, then the machine's resume() actions run (a push order answered meanwhile is not re-sent).
   */
  async resume(): Promise<RolloutSummary> {
    this.listen();
    const s = this.state;
    const actions = resumeActions(s);
    const statuses = await this.o.op.statuses();
    for (const [device, status] of statuses) this.fromStatus(device, status);
    if (s.phase === 'ready') this.enqueue({ event: { type: 'start' } });
    else this.enqueue({ actions });
    return this.finished;
  }

  /** The operator stops the rollout (Ctrl-C): the machine aborts, waits for pushes already out, rolls back. */
  abort(reason: string): void {
    this.enqueue({ event: { type: 'abort', reason } });
  }

  /** Leaves at once without a terminal state (the record stays; --resume continues). */
  leave(): RolloutSummary {
    const s = summarize(this.state);
    this.finish(s);
    return s;
  }

  private listen(): void {
    this.o.op.on('result', this.onResult);
    this.o.op.on('status', this.onStatus);
    // Answers that came between connect() and now are kept by the client.
    for (const d of this.state.plan.devices) {
      const dev = this.state.devices[d]!;
      for (const t of [dev.push, dev.rollback]) {
        if (t) for (const r of this.o.op.resultsFor(t.id)) this.fromResult(d, r);
      }
    }
  }

  private ours(device: string, id: string): PushTrack | null {
    const dev = this.state.devices[device];
    if (!dev) return null;
    if (dev.push.id === id) return dev.push;
    if (dev.rollback?.id === id) return dev.rollback;
    return null;
  }

  private fromResult(device: string, r: Result): void {
    const track = this.ours(device, r.id);
    if (this.settled || track === null || !concerns(r, device, track.version)) return;
    const key = `${device}|${r.id}|${r.status}|${r.code}|${r.ts}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    const result: DeviceResult = { id: r.id, status: r.status, code: r.code };
    if (r.detail !== undefined) result.detail = r.detail;
    this.enqueue({ event: { type: 'result', device, result } });
  }

  /** A retained status naming one of our pushes as applied, while we still wait for its answer. */
  private fromStatus(device: string, s: Status | null): void {
    if (this.settled || !s?.applied) return;
    const t = this.ours(device, s.applied.id);
    // Our id at another version (reused by an outside tool) is not our push (operator-results.ts).
    if (t === null || !inFlight(t) || s.applied.version !== t.version) return;
    const key = `${device}|${t.id}|status-applied`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.enqueue({
      event: {
        type: 'result',
        device,
        result: {
          id: t.id,
          status: 'applied',
          code: 'ok',
          detail: `seen applied in ${device}'s retained status (its answer was not received)`,
        },
      },
    });
  }

  private enqueue(item: Item): void {
    if (this.settled) return;
    this.queue.push(item);
    void this.pump();
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.queue.length > 0 && !this.settled) {
        const item = this.queue.shift()!;
        if ('event' in item) await this.feed(item.event);
        else for (const a of item.actions) await this.act(a);
      }
    } catch (err) {
      this.fail(err as Error);
    } finally {
      this.pumping = false;
    }
  }

  private async feed(event: RolloutEvent): Promise<void> {
    // In place (machine.ts advance()): a copy of the whole state per answer cost O(fleet) each time.
    const state = this.state;
    const { actions, before } = advance(state, event);
    this.record = { ...this.record, state, updatedAt: (this.o.now?.() ?? new Date()).toISOString() };
    this.o.progress.step(before, state);
    this.o.writer.save(this.record);
    if (this.question && state.phase !== 'paused') this.question.abort();
    for (const a of actions) await this.act(a);
  }

  private async act(a: RolloutAction): Promise<void> {
    switch (a.type) {
      case 'push':
        await this.publish(
          a.devices.filter((o) => this.state.devices[o.device]?.push.id === o.id),
          () => this.record.config,
          (d) => this.state.devices[d]!.push,
        );
        break;
      case 'rollback': {
        const known = a.devices.filter((o) => this.record.previous[o.device]);
        for (const o of a.devices.filter((x) => !this.record.previous[x.device])) {
          this.enqueue({
            event: {
              type: 'result',
              device: o.device,
              result: {
                id: o.id,
                status: 'rejected',
                code: NO_PREVIOUS_CONFIG,
                detail: `the config ${o.device} ran before the rollout (version ${o.restoreVersion}) was not known to the operator: no retained push matched its applied version`,
              },
            },
          });
        }
        await this.publish(
          known.filter((o) => this.state.devices[o.device]?.rollback?.id === o.id),
          (d) => this.record.previous[d]!.config,
          (d) => this.state.devices[d]!.rollback!,
        );
        break;
      }
      case 'startTimer': {
        const old = this.timers.get(a.wave);
        if (old) clearTimeout(old);
        this.timers.set(
          a.wave,
          setTimeout(() => {
            this.timers.delete(a.wave);
            this.enqueue({ event: { type: 'waveTimeout', wave: a.wave } });
          }, this.record.options.timeoutMs),
        );
        break;
      }
      case 'waitForOperator': {
        const wave = this.state.waves[a.wave]!;
        const next = this.state.waves[a.next]!;
        const ctl = new AbortController();
        this.question = ctl;
        this.o
          .ask({ state: this.state, wave, next, signal: ctl.signal })
          .then((answer) => {
            if (ctl.signal.aborted) return;
            this.enqueue({
              event: answer.proceed ? { type: 'proceed' } : { type: 'abort', reason: answer.reason },
            });
          })
          .catch((err: Error) => {
            if (!ctl.signal.aborted) this.enqueue({ event: { type: 'abort', reason: err.message } });
          })
          .finally(() => {
            if (this.question === ctl) this.question = null;
          });
        break;
      }
      case 'done':
      case 'aborted':
        // What happened stands even if its record cannot be saved now: drive() flushes once more and warns.
        await this.o.writer.flush().catch(() => {});
        this.finish(a.summary);
        break;
    }
  }

  /**
   * Signs and publishes one push per order (retained, QoS 1) once the record saying they were ordered is
   * durable, and feeds `pushed` for each as the broker acknowledges it. Only tracks still `pushing` go out.
   */
  private async publish(
    orders: { device: string; id: string; version: number }[],
    configOf: (device: string) => RolloutRecord['config'],
    trackOf: (device: string) => PushTrack,
  ): Promise<void> {
    const todo = orders.filter((o) => trackOf(o.device).status === 'pushing');
    if (todo.length === 0) return;
    await this.o.writer.flush().catch((err: Error) => {
      throw new RecordNotSaved(this.o.writer.file, err, this.state.plan.id, todo.length);
    });
    const now = this.o.now?.() ?? new Date();
    await Promise.all(
      todo.map(async (o) => {
        const envelope = signedPush(
          {
            device: o.device,
            version: o.version,
            config: configOf(o.device),
            rollout: this.state.plan.id,
            id: o.id,
            now,
          },
          this.o.key,
          this.o.keyId,
        );
        try {
          await this.o.op.publishPush(envelope, { retain: true });
          this.enqueue({ event: { type: 'pushed', device: o.device, id: o.id } });
        } catch (err) {
          // Not confirmed: the track stays `pushing` and times out with its wave (or is re-sent on resume).
          this.o.progress.note(`${o.device}: publishing push ${o.id} failed: ${(err as Error).message}`);
        }
      }),
    );
  }

  private finish(s: RolloutSummary): void {
    if (this.settled) return;
    this.settled = true;
    this.cleanup();
    this.resolveRun(s);
  }

  private fail(err: Error): void {
    if (this.settled) return;
    this.settled = true;
    this.cleanup();
    this.rejectRun(err);
  }

  private cleanup(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.question?.abort();
    this.o.op.off('result', this.onResult);
    this.o.op.off('status', this.onStatus);
  }
}
