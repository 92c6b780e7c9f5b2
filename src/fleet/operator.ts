// The operator's MQTT side (CONTRACT §5), shared by `aimlock push`, `aimlock fleet` and the rollout runner: one
// clean-session client bound to one fleet that reads the retained statuses and desired pushes, publishes
// signed pushes (retained: the desired state) and waits for their final results.
//
// INVARIANTS
// - The fleet's result wildcard is subscribed (SUBACK received) before connect() returns, so a result can never
//   come back before we listen; every result is kept by push id (bounded), so waitFinal() called after the
//   answer arrived still sees it.
// - One 'message' handler and one map of waiters, whatever the number of concurrent waitFinal() calls.
// - `deferred` is progress, never final: waitFinal() reports it through onUpdate and keeps waiting.
// - Nagle is off on every socket (each CONNECT, first and reconnects), or every round trip costs ~40 ms.
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { ResultStatus } from '../errors.js';
import { type Result, type Status, validate } from '../schemas/index.js';
import type { Settings } from '../settings/load.js';
import { fleetWildcards, parseDeviceTopic, topicsFor } from '../transport/topics.js';

export {
  buildEnvelope,
  type EnvelopeFields,
  type SignedPush,
  signedPush,
  type UnsignedPush,
} from './envelope.js';

export const DEFAULT_BROKER_URL = 'mqtt://127.0.0.1:1883';
export const DEFAULT_TOPIC_PREFIX = 'aimlock/v1';
/** How long after the last retained message (or the SUBACK) a snapshot is considered complete. */
export const DEFAULT_QUIET_MS = 300;
/** Push ids whose results are kept for late waiters; the oldest are forgotten beyond this. */
export const MAX_TRACKED_IDS = 20_000;

export type { Result, Status };

const FINAL: ReadonlySet<ResultStatus> = new Set(['applied', 'rejected', 'duplicate', 'superseded']);

/** `applied`, `rejected`, `duplicate` and `superseded` end a push; `deferred` does not. */
export function isFinal(status: string): boolean {
  return FINAL.has(status as ResultStatus);
}

export interface OperatorConnectOptions {
  fleet: string;
  /** Topic prefix (settings.topic_prefix); default aimlock/v1. */
  prefix?: string;
  /** Default: aimlock-op-{random}; a clean session either way. */
  clientId?: string;
  username?: string;
  password?: string;
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  protocolVersion?: 4 | 5;
  /** Give up on the first connection after this long (reconnects are retried meanwhile). Default 10 s. */
  connectTimeoutMs?: number;
}

/** The broker credentials and TLS material of an agent settings file, for an operator on that machine. */
export function brokerAuthFromSettings(
  broker: Settings['broker'],
): Pick<OperatorConnectOptions, 'username' | 'password' | 'ca' | 'cert' | 'key'> {
  const out: Pick<OperatorConnectOptions, 'username' | 'password' | 'ca' | 'cert' | 'key'> = {};
  if (broker.username !== null) out.username = broker.username;
  if (broker.password_file !== null)
    out.password = readFileSync(broker.password_file, 'utf8').replace(/\r?\n$/, '');
  if (broker.ca_file !== null) out.ca = readFileSync(broker.ca_file);
  if (broker.cert_file !== null) out.cert = readFileSync(broker.cert_file);
  if (broker.key_file !== null) out.key = readFileSync(broker.key_file);
  return out;
}

export class BrokerUnreachable extends Error {}

export type WaitOutcome = { timedOut: false; result: Result } | { timedOut: true; last: Result | null };

export interface WaitOptions {
  timeoutMs: number;
  /** Called for every non-final answer (`deferred`), also for those that came before the call. */
  onUpdate?: (result: Result) => void;
  /** Aborting resolves the wait as timed out. */
  signal?: AbortSignal;
}

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

interface Waiter {
  device: string;
  onResult(result: Result): void;
  /** Ends the wait as timed out (close()). */
  cancel(): void;
}

export class OperatorClient extends EventEmitter<OperatorEvents> {
  readonly fleet: string;
  readonly prefix: string;
  private readonly statusByDevice = new Map<string, Status>();
  private readonly desiredByDevice = new Map<string, Record<string, unknown>>();
  private readonly lastByDevice = new Map<string, Result>();
  private readonly resultsById = new Map<string, Result[]>();
  private readonly waiters = new Map<string, Set<Waiter>>();
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
    const options: IClientOptions = {
      clientId: opts.clientId ?? `aimlock-op-${randomUUID().slice(0, 8)}`,
      clean: true,
      protocolVersion: opts.protocolVersion ?? 4,
      keepalive: 30,
      reconnectPeriod: 1000,
      connectTimeout: opts.connectTimeoutMs ?? 10_000,
      // A reconnect of a clean session has no subscriptions: MQTT.js subscribes again (and the broker resends
      // the retained statuses).
      resubscribe: true,
    };
    for (const k of ['username', 'password', 'ca', 'cert', 'key'] as const)
      if (opts[k] !== undefined) (options as Record<string, unknown>)[k] = opts[k];
    if (opts.ca || opts.cert) options.rejectUnauthorized = true;
    const client = mqtt.connect(url, options);
    client.on('packetsend', (packet) => {
      if (packet.cmd === 'connect') noDelay(client);
    });
    let lastError: Error | null = null;
    // Always listened to: an unhandled 'error' event would crash the process.
    client.on('error', (err) => {
      lastError = err;
    });
    const timeoutMs = opts.connectTimeoutMs ?? 10_000;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        client.off('connect', onConnect);
        client.end(true);
        reject(
          new BrokerUnreachable(
            `no connection to the MQTT broker ${url} within ${timeoutMs / 1000} s${lastError ? ` (${lastError.message})` : ''}`,
          ),
        );
      }, timeoutMs);
      const onConnect = () => {
        clearTimeout(timer);
        resolve();
      };
      client.once('connect', onConnect);
    });
    noDelay(client);
    const op = new OperatorClient(client, opts.fleet, prefix);
    await op.subscribe(fleetWildcards(prefix, opts.fleet).result);
    return op;
  }

  /** The latest result seen per device (results are not retained: only those that arrived while connected). */
  get lastResults(): ReadonlyMap<string, Result> {
    return this.lastByDevice;
  }

  /** Every result seen for push `id`, in arrival order. */
  resultsFor(id: string): readonly Result[] {
    return this.resultsById.get(id) ?? [];
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
    return new Promise<WaitOutcome>((resolve) => {
      let last: Result | null = null;
      let done = false;
      for (const r of this.resultsFor(id)) {
        if (r.device !== device) continue;
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

  /** Number of waitFinal() calls still waiting (for tests and the rollout runner's bookkeeping). */
  get pendingWaits(): number {
    let n = 0;
    for (const set of this.waiters.values()) n += set.size;
    return n;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // Every pending wait ends, as timed out.
    for (const set of [...this.waiters.values()]) for (const w of [...set]) w.cancel();
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
    const subacked = Date.now();
    for (;;) {
      if (complete()) return;
      const since = Math.max(subacked, this.lastRetainedAt);
      const left = Math.min(since + waitMs, deadline) - Date.now();
      if (left <= 0) return;
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
      const r = checked.value;
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
        for (const w of [...(this.waiters.get(r.id) ?? [])]) if (w.device === r.device) w.onResult(r);
      }
      this.emit('result', device, r);
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

/** TCP_NODELAY on the client's socket (see src/transport/transport.ts for why). */
function noDelay(client: MqttClient): void {
  const stream = client.stream as unknown as { setNoDelay?: (on: boolean) => unknown } | undefined;
  stream?.setNoDelay?.(true);
}

/**
 * The version a new push to a device should carry: one above both its applied version (retained status) and
 * its current desired push (retained push), so that it is newer than anything the device has or waits for.
 * The last will carries `applied: null`, so the desired push is what keeps the count for a device that died.
 */
export function nextVersion(
  status: Status | undefined,
  desired: Record<string, unknown> | undefined,
): { version: number; applied: number | null; desired: number | null } {
  const applied = status?.applied?.version ?? null;
  const d = desired?.version;
  const desiredVersion = typeof d === 'number' && Number.isSafeInteger(d) && d > 0 ? d : null;
  return { version: Math.max(applied ?? 0, desiredVersion ?? 0) + 1, applied, desired: desiredVersion };
}
