// Where a rollout lives between two runs of the operator's machine: the persisted record (machine state + the
// config + each device's previous config + the options) as a local file `{state-dir}/{id}.json` and as a
// retained message on `{prefix}/{fleet}/rollouts/{id}` (QoS 1), so `aimlock rollout --resume ID` works from
// another desk too.
//
// INVARIANTS
// - The local file is replaced atomically (fsync, rename, directory fsync): after a crash it holds a whole
//   record, never half of one.
// - Saves coalesce (the newest record wins) and run one at a time, at most one every `minIntervalMs` unless
//   a flush() is waiting; flush() resolves once everything saved before it is durable locally and
//   acknowledged (PUBACK) by the broker. The runner flushes before it publishes a push, so a push is never
//   out without a record that says it was ordered.
// - Why the pace: the record holds the whole fleet (2.3 MB at 10,000 devices). Written after every answer,
//   the operator published it back to back: MQTT.js stops reading its socket while its own writes wait
//   for 'drain' (the PUBACK of each incoming status/result is written before the next packet is read), so
//   a socket kept full of records let incoming answers pile up unread (573 KB in the receive queue), and
//   each write cost ~60 ms of JSON.stringify on the event loop. An answer missed by a record that was not
//   yet written is recovered on --resume from the devices' retained statuses (runner.ts).
// - The record holds no secret: the signing key stays in its file, only its key id is kept.
import { mkdir, readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { checkConfig } from '../../accept/check-config.js';
import type { AimConfig } from '../../schemas/index.js';
import { atomicWrite } from '../../store/atomic.js';
import type { OperatorClient } from '../operator.js';
import { loadState } from './state.js';
import type { PlanError, RolloutState } from './types.js';

export const RECORD_KIND = 'aimlock.rollout/v1';

/** What a device ran before the rollout: the config a rollback pushes back. */
export interface PreviousConfig {
  /** The push id that brought it (the device's retained desired push). */
  id: string;
  version: number;
  config: AimConfig;
}

export interface RolloutOptions {
  /** Per wave (and for the rollback pushes). */
  timeoutMs: number;
  /** The key id the pushes were signed with (the key itself is never stored). */
  keyId: string;
  /** Where the signing key was read from (absolute), so --resume on the same machine needs no --key. */
  keyFile?: string;
  /** Broker URL (no credentials) and topic prefix, so a resume finds the fleet again. */
  broker: string;
  prefix: string;
  /** The config file the rollout was started from (for the operator; the config itself is in `config`). */
  file: string | null;
  createdAt: string;
}

export interface RolloutRecord {
  kind: typeof RECORD_KIND;
  state: RolloutState;
  config: AimConfig;
  /** Per device: the config applied before the rollout, or null when the operator could not know it. */
  previous: Record<string, PreviousConfig | null>;
  options: RolloutOptions;
  updatedAt: string;
}

export const defaultStateDir = (): string => join(homedir(), '.aimlock', 'rollouts');

export const recordFile = (dir: string, id: string): string => join(dir, `${id}.json`);

export const rolloutTopic = (prefix: string, fleet: string, id: string): string =>
  `${prefix}/${fleet}/rollouts/${id}`;

const isObject = (x: unknown): x is Record<string, unknown> =>
  typeof x === 'object' && x !== null && !Array.isArray(x);

/** Checks a record read back from a file or the broker; refuses (as data) anything it cannot resume safely. */
export function parseRecord(
  json: unknown,
): { ok: true; record: RolloutRecord } | { ok: false; errors: PlanError[] } {
  if (!isObject(json)) return { ok: false, errors: [{ path: '', message: 'must be an object' }] };
  const errors: PlanError[] = [];
  if (json.kind !== RECORD_KIND)
    errors.push({ path: '/kind', message: `must be ${RECORD_KIND} (got ${JSON.stringify(json.kind)})` });
  const state = loadState(json.state);
  if (!state.ok) errors.push(...state.errors.map((e) => ({ ...e, path: `/state${e.path}` })));
  const config = checkConfig(json.config, {}, '/config');
  if (!config.ok) errors.push(...config.errors);
  if (!isObject(json.previous)) errors.push({ path: '/previous', message: 'must be an object' });
  const o = json.options;
  if (
    !isObject(o) ||
    typeof o.timeoutMs !== 'number' ||
    typeof o.keyId !== 'string' ||
    typeof o.broker !== 'string' ||
    typeof o.prefix !== 'string'
  )
    errors.push({ path: '/options', message: 'must hold timeoutMs, keyId, broker and prefix' });
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, record: json as unknown as RolloutRecord };
}

/** The local record of rollout `id`, or null when there is no such file. */
export async function readLocalRecord(dir: string, id: string): Promise<unknown | null> {
  let text: string;
  try {
    text = await readFile(recordFile(dir, id), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  return JSON.parse(text) as unknown;
}

/**
 * The retained record of rollout `id` on the broker, or null when none came within `waitMs` of the SUBACK
 * (the broker sends retained messages right after it). OperatorClient has no generic retained reader, so
 * this subscribes on its MQTT client directly.
 */
export async function readRetainedRecord(
  op: OperatorClient,
  id: string,
  waitMs = 1500,
): Promise<unknown | null> {
  const topic = rolloutTopic(op.prefix, op.fleet, id);
  let found: Buffer | null = null;
  const onMessage = (t: string, payload: Buffer) => {
    if (t === topic) found = payload;
  };
  op.client.on('message', onMessage);
  try {
    await op.client.subscribeAsync(topic, { qos: 1 });
    const deadline = Date.now() + waitMs;
    while (found === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await op.client.unsubscribeAsync(topic).catch(() => {});
  } finally {
    op.client.off('message', onMessage);
  }
  const payload = found as Buffer | null;
  if (payload === null || payload.length === 0) return null;
  return JSON.parse(payload.toString('utf8')) as unknown;
}

/** The record could not be saved before the next pushes: they are not sent (write-ahead), the rollout stops. */
export class RecordNotSaved extends Error {
  constructor(file: string, cause: Error, id: string, pending: number) {
    super(
      `the rollout record ${file} could not be saved or published (${cause.message}): stopped before sending ${pending} more push(es) (new configs or rollbacks) — every push that went out is in the record; fix the cause, then aimlock rollout --resume ${id}`,
      { cause },
    );
    this.name = 'RecordNotSaved';
  }
}

/** How often a record is written at most while nobody flushes: a step's record is at most this old. */
export const RECORD_MIN_INTERVAL_MS = 1000;

/** Saves records locally and on the broker, newest first, one write at a time. */
export class RecordWriter {
  private latest: RolloutRecord | null = null;
  private writing: Promise<void> | null = null;
  private failure: Error | null = null;
  /** flush() calls waiting: while any is, the writer does not pause between writes. */
  private flushing = 0;
  /** Ends the pause between two writes early (a flush came). */
  private wake: (() => void) | null = null;
  /** When the last write ended (performance.now()), -Infinity before the first. */
  private lastWrite = Number.NEGATIVE_INFINITY;
  private readonly minIntervalMs: number;
  private readonly onPause: ((ms: number) => void) | undefined;
  /** Records written (locally and, with a client, published): for tests and the bench. */
  writes = 0;

  constructor(
    readonly file: string,
    private readonly op: OperatorClient | null,
    readonly topic: string,
    opts: {
      /** Least time between two writes unless a flush waits (default RECORD_MIN_INTERVAL_MS). */
      minIntervalMs?: number;
      /** Told when a saved record waits `ms` for its turn (tests). */
      onPause?: (ms: number) => void;
    } = {},
  ) {
    this.minIntervalMs = opts.minIntervalMs ?? RECORD_MIN_INTERVAL_MS;
    this.onPause = opts.onPause;
  }

  /** Queues `record` (replacing any not yet written). */
  save(record: RolloutRecord): void {
    this.latest = record;
    this.writing ??= this.drain();
  }

  /** Resolves once every record saved so far is written; rejects if a write failed. */
  async flush(): Promise<void> {
    this.flushing++;
    this.wake?.();
    try {
      while (this.writing) await this.writing;
    } finally {
      this.flushing--;
    }
    if (this.failure) throw this.failure;
  }

  /** Waits out the rest of the interval since the last write, unless a flush is (or becomes) waiting. */
  private pause(): Promise<void> {
    const ms = this.lastWrite + this.minIntervalMs - performance.now();
    if (this.flushing > 0 || ms <= 0) return Promise.resolve();
    this.onPause?.(ms);
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }

  private async drain(): Promise<void> {
    try {
      while (this.latest !== null) {
        await this.pause();
        const record = this.latest;
        this.latest = null;
        const text = JSON.stringify(record);
        await mkdir(join(this.file, '..'), { recursive: true });
        await atomicWrite(this.file, `${text}\n`, { mode: 0o600 });
        if (this.op) await this.op.client.publishAsync(this.topic, text, { qos: 1, retain: true });
        // The newest record is saved: an earlier failure (a disk that refused, then recovered) is healed.
        this.failure = null;
        this.writes++;
        this.lastWrite = performance.now();
      }
    } catch (err) {
      this.failure = err as Error;
    } finally {
      this.writing = null;
    }
  }
}
