// The operator's MQTT side (CONTRACT §5), shared by `aimlock push`, `aimlock fleet` and the rollout runner: one
// clean-session client bound to one fleet that reads the retained statuses and desired pushes, publishes
// signed pushes (retained: the desired state) and waits for their final results. The connection is in
// operator-connect.ts, the results and their waits in operator-results.ts.
//
// INVARIANTS
// - The fleet's result wildcard is subscribed (SUBACK received) before connect() returns, so a result can never
//   come back before we listen.
// - One 'message' handler, whatever the number of concurrent waitFinal() calls.
import { EventEmitter } from 'node:events';
import type { MqttClient } from 'mqtt';
import { type Result, type Status, validate } from '../schemas/index.js';
import { fleetWildcards, parseDeviceTopic, topicsFor } from '../transport/topics.js';
import { connectMqtt, type OperatorConnectOptions } from './operator-connect.js';
import { ResultBook, type WaitOptions, type WaitOutcome } from './operator-results.js';

export {
  buildEnvelope,
  type EnvelopeFields,
  type SignedPush,
  signedPush,
  type UnsignedPush,
} from './envelope.js';
// Still importable from here, where it was first (test/operator.test.ts).
export { isFinal } from './operator-results.js';

export const DEFAULT_BROKER_URL = 'mqtt://127.0.0.1:1883';
export const DEFAULT_TOPIC_PREFIX = 'aimlock/v1';
/** How long after the last retained message (or the SUBACK) a snapshot is considered complete. */
export const DEFAULT_QUIET_MS = 300;
/** A 20 ms tick that comes this late means the process was not running (a loaded machine), not that it was quiet. */
const STALL_MS = 100;

export type { Result, Status };

export interface SnapshotOptions {
  /** Quiet period that ends the snapshot. Default DEFAULT_QUIET_MS. */
  waitMs?: number;
  /** Upper bound on the whole snapshot. Default 5 s. */
  maxMs?: number;
  /** One device only (exact topics instead of the fleet wildcard). */
  device?: string;
}

export interface OperatorEvents {
  /** A device's retained status changed; null when the retained message was cleared. */
  status: [device: string, status: Status | null];
  result: [device: string, result: Result];
  /** A retained push (desired state) seen; null when cleared. */
  desired: [device: string, push: Record<string, unknown> | null];
}

export class OperatorClient extends EventEmitter<OperatorEvents> {
  readonly fleet: string;
  readonly prefix: string;
  private readonly statusByDevice = new Map<string, Status>();
  private readonly desiredByDevice = new Map<string, Record<string, unknown>>();
  private readonly results = new ResultBook();
  private readonly subscribed = new Map<string, Promise<void>>();
  private lastRetainedAt = 0;
  private closed = false;

  private constructor(
    readonly client: MqttClient,
    fleet: string,
    prefix: string,
  ) {
    super();
    this.fleet = fleet;
    this.prefix = prefix;
    client.on('message', (topic, payload) => this.onMessage(topic, payload));
  }

  /** Connects (TCP_NODELAY), subscribes to every result of the fleet, and resolves once both are done. */
  static async connect(url: string, opts: OperatorConnectOptions): Promise<OperatorClient> {
    const prefix = opts.prefix ?? DEFAULT_TOPIC_PREFIX;
    fleetWildcards(prefix, opts.fleet); // throws a RangeError on a fleet id that cannot be a topic level
    const client = await connectMqtt(url, opts);
    const op = new OperatorClient(client, opts.fleet, prefix);
    await op.subscribe(fleetWildcards(prefix, opts.fleet).result);
    return op;
  }

  /** The latest result seen per device (results are not retained: only those that arrived while connected). */
  get lastResults(): ReadonlyMap<string, Result> {
    return this.results.last;
  }

  /** Every result seen for push `id`, in arrival order. */
  resultsFor(id: string): readonly Result[] {
    return this.results.resultsFor(id);
  }

  /**
   * The retained status of every device of the fleet (or of `device`), collected until no new retained
   * message came for `waitMs`. Stays subscribed: later calls return the live map at once.
   */
  async statuses(opts: SnapshotOptions = {}): Promise<Map<string, Status>> {
    const filter =
      opts.device === undefined
        ? fleetWildcards(this.prefix, this.fleet).status
        : topicsFor(this.prefix, this.fleet, opts.device).status;
    await this.collect(filter, opts, () => opts.device !== undefined && this.statusByDevice.has(opts.device));
    return this.filtered(this.statusByDevice, opts.device);
  }

  /** The retained push (desired state) of every device of the fleet (or of `device`). */
  async desired(opts: SnapshotOptions = {}): Promise<Map<string, Record<string, unknown>>> {
    const filter =
      opts.device === undefined
        ? `${this.prefix}/${this.fleet}/+/config/push`
        : topicsFor(this.prefix, this.fleet, opts.device).push;
    await this.collect(
      filter,
      opts,
      () => opts.device !== undefined && this.desiredByDevice.has(opts.device),
    );
    return this.filtered(this.desiredByDevice, opts.device);
  }

  /** Publishes a (signed) envelope to its device's push topic, QoS 1, retained by default; resolves on PUBACK. */
  async publishPush(
    envelope: { device: string; id: string },
    opts: { retain?: boolean } = {},
  ): Promise<void> {
    const topic = topicsFor(this.prefix, this.fleet, envelope.device).push;
    await this.client.publishAsync(topic, JSON.stringify(envelope), { qos: 1, retain: opts.retain ?? true });
  }

  /** Clears a device's retained push (no desired state on the broker any more). */
  async clearDesired(device: string): Promise<void> {
    await this.client.publishAsync(topicsFor(this.prefix, this.fleet, device).push, '', {
      qos: 1,
      retain: true,
    });
  }

  /**
   * Resolves with the final result of push `id` from `device`: applied, rejected, duplicate or superseded.
   * `deferred` answers go to onUpdate and the wait goes on; after timeoutMs: `{ timedOut: true, last }`, last
   * being the latest non-final answer (or null). Results that arrived before the call count.
   */
  waitFinal(device: string, id: string, opts: WaitOptions): Promise<WaitOutcome> {
    return this.results.waitFinal(device, id, opts);
  }

  /** Number of waitFinal() calls still waiting (for tests and the rollout runner's bookkeeping). */
  get pendingWaits(): number {
    return this.results.pendingWaits;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.results.close();
    await this.client.endAsync().catch(() => this.client.end(true));
  }

  private filtered<T>(map: Map<string, T>, device: string | undefined): Map<string, T> {
    if (device === undefined) return new Map(map);
    const v = map.get(device);
    return v === undefined ? new Map() : new Map([[device, v]]);
  }

  private subscribe(filter: string): Promise<void> {
    let p = this.subscribed.get(filter);
    if (!p) {
      p = this.client.subscribeAsync(filter, { qos: 1 }).then((granted) => {
        const refused = granted.find((g) => g.qos === 0x80 || g.qos > 2);
        if (refused) throw new Error(`the broker refused the subscription to ${filter} (check its ACL)`);
      });
      p.catch(() => this.subscribed.delete(filter));
      this.subscribed.set(filter, p);
    }
    return p;
  }

  /**
   * Subscribes to `filter` (once) and waits until retained messages stop coming for waitMs, or `complete()`
   * says the one retained message of an exact topic is in.
   */
  private async collect(filter: string, opts: SnapshotOptions, complete: () => boolean): Promise<void> {
    if (this.subscribed.has(filter)) {
      await this.subscribed.get(filter);
      return;
    }
    const waitMs = opts.waitMs ?? DEFAULT_QUIET_MS;
    const started = Date.now();
    const deadline = started + (opts.maxMs ?? 5000);
    await this.subscribe(filter);
    // Quiet is counted only in time this process was awake to read: on a loaded machine a process can sleep
    // past the whole window with the retained messages already waiting in its socket (a CLI then saw one
    // device of six). A late tick restarts the window, and setImmediate lets pending reads run before a verdict.
    let quietFrom = Date.now();
    let lastTick = quietFrom;
    for (;;) {
      if (complete()) return;
      const now = Date.now();
      if (now - lastTick > STALL_MS) quietFrom = now;
      lastTick = now;
      const since = Math.max(quietFrom, this.lastRetainedAt);
      const left = Math.min(since + waitMs, deadline) - now;
      if (left <= 0) {
        const seen = this.lastRetainedAt;
        await new Promise((r) => setImmediate(r));
        if (this.lastRetainedAt === seen || Date.now() >= deadline) return;
        continue;
      }
      await new Promise((r) => setTimeout(r, Math.min(left, 20)));
    }
  }

  private onMessage(topic: string, payload: Buffer): void {
    const where = parseDeviceTopic(this.prefix, this.fleet, topic);
    if (!where) return;
    const { device, kind } = where;
    if (kind === 'status' || kind === 'push') this.lastRetainedAt = Date.now();
    if (kind === 'status') {
      if (payload.length === 0) {
        this.statusByDevice.delete(device);
        this.emit('status', device, null);
        return;
      }
      const doc = parseJson(payload);
      const checked = validate<Status>('status', doc);
      if (!checked.ok) return;
      this.statusByDevice.set(device, checked.value);
      this.emit('status', device, checked.value);
    } else if (kind === 'push') {
      const doc = payload.length === 0 ? null : parseJson(payload);
      if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
        this.desiredByDevice.delete(device);
        this.emit('desired', device, null);
        return;
      }
      this.desiredByDevice.set(device, doc as Record<string, unknown>);
      this.emit('desired', device, doc as Record<string, unknown>);
    } else if (kind === 'result') {
      const checked = validate<Result>('result', parseJson(payload));
      if (!checked.ok) return;
      this.results.take(device, checked.value);
      this.emit('result', device, checked.value);
    }
  }
}

function parseJson(payload: Buffer): unknown {
  try {
    return JSON.parse(payload.toString('utf8'));
  } catch {
    return null;
  }
}

/**
 * The version a new push to a device should carry (CONTRACT §8: its last applied version + 1), kept above
 * anything the device still waits to land, so the new push is never the one superseded:
 * - a device that is up says itself what waits (status `desired`): a retained push it rejected for good (bad
 *   config, limits) no longer counts, and the count is the applied version + 1;
 * - for a device that is down (its last will carries `applied: null` and no `desired`), or an agent too old to
 *   say, its retained push may still be waiting: the count goes above it too.
 */
export function nextVersion(
  status: Status | undefined,
  desired: Record<string, unknown> | undefined,
): { version: number; applied: number | null; desired: number | null } {
  const applied = status?.applied?.version ?? null;
  const saysWhatWaits = status !== undefined && status.state !== 'offline' && status.desired !== undefined;
  const d = saysWhatWaits ? status.desired?.version : desired?.version;
  const desiredVersion = typeof d === 'number' && Number.isSafeInteger(d) && d > 0 ? d : null;
  return { version: Math.max(applied ?? 0, desiredVersion ?? 0) + 1, applied, desired: desiredVersion };
}
