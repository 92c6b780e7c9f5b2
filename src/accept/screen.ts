// The checks a push must pass before it may even be considered for landing (DESIGN "Flow of one push"):
// size → JSON → envelope schema → device → expiry → signature → id/version → aim-config schema → local limits.
// Pure over its inputs: no I/O, no clock of its own, so every code is provable in a unit test. Each failure
// stops with its stable code; nothing on disk changes for any of them.
import type { KeyObject } from 'node:crypto';
import type { ResultCode } from '../errors.js';
import type { AimConfig, Limits, PushEnvelope, SchemaError } from '../schemas/index.js';
import { underConfig, validate, validateEnvelope } from '../schemas/index.js';
import { type KeyCapabilities, missingCapability, verifyEnvelope } from '../sign/index.js';
import { checkLimits } from './limits.js';

/** CONTRACT §5: a push envelope is at most 64 KiB. */
export const MAX_PUSH_BYTES = 64 * 1024;

export interface ScreenContext {
  device: string;
  now: number;
  requireSignature: boolean;
  keys: Map<string, KeyObject>;
  /** What each key may sign ({keys_dir}/ID.caps); a key missing here may push (the default). */
  caps?: ReadonlyMap<string, KeyCapabilities>;
  limits: Limits;
  /** Why limits.json could not be loaded (missing, unreadable, invalid): every push is refused, fail closed. */
  limitsProblem?: string | null;
  /** Why keys_dir could not be read: no signature can be checked, so nothing that needs one passes. */
  keysProblem?: string | null;
  applied: { id: string; version: number } | null;
  /** Ids already applied on this board (bounded list from state.json). */
  seenIds: { has(id: string): boolean };
}

/** What a rejection says; the agent turns it into a full result. */
export interface Rejection {
  code: ResultCode;
  detail: string;
  errors?: SchemaError[];
  /** Whatever could be read of the push, to echo back. */
  id: string;
  version: number | null;
  rollout?: string;
}

export type Screened =
  | { ok: true; envelope: PushEnvelope; config: AimConfig }
  | { ok: false; rejection: Rejection };

function echo(value: unknown): Pick<Rejection, 'id' | 'version' | 'rollout'> {
  const v = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const id = typeof v.id === 'string' && v.id.length <= 128 ? v.id : '';
  const version = Number.isSafeInteger(v.version) ? (v.version as number) : null;
  const rollout = typeof v.rollout === 'string' && v.rollout.length <= 128 ? v.rollout : undefined;
  return { id, version, ...(rollout ? { rollout } : {}) };
}

const reject = (code: ResultCode, detail: string, from: unknown, errors?: SchemaError[]): Screened => ({
  ok: false,
  rejection: { code, detail, ...(errors ? { errors } : {}), ...echo(from) },
});

export function screenPush(payload: Buffer, ctx: ScreenContext): Screened {
  if (payload.length > MAX_PUSH_BYTES) {
    return reject('too_large', `push is ${payload.length} bytes; the limit is ${MAX_PUSH_BYTES}`, null);
  }
  let value: unknown;
  try {
    value = JSON.parse(payload.toString('utf8'));
  } catch (err) {
    return reject('invalid_json', `push is not JSON: ${(err as Error).message}`, null);
  }
  const schema = validateEnvelope(value);
  if (!schema.ok) {
    return reject(
      'schema_invalid',
      `push envelope does not match schemas/push.schema.json (${schema.errors.length} error(s))`,
      value,
      schema.errors,
    );
  }
  const envelope = schema.value;
  if (envelope.device !== ctx.device) {
    return reject(
      'wrong_device',
      `push is for device "${envelope.device}", this is "${ctx.device}"`,
      envelope,
    );
  }
  if (envelope.expires_at && Date.parse(envelope.expires_at) <= ctx.now) {
    return reject('expired', `push expired at ${envelope.expires_at}`, envelope);
  }
  if (envelope.signature || ctx.requireSignature) {
    if (ctx.keysProblem)
      return reject('keys_unreadable', `no signature can be checked: ${ctx.keysProblem}`, envelope);
    const sig = verifyEnvelope(envelope, ctx.keys);
    if (!sig.ok) return reject(sig.code, sig.detail, envelope);
    // CONTRACT §9: a key whose .caps file omits `push` signs commands only.
    const missing = missingCapability(ctx.caps, sig.keyId, 'push');
    if (missing) return reject('capability_missing', missing, envelope);
  }
  if (ctx.seenIds.has(envelope.id)) {
    return {
      ok: false,
      rejection: { code: 'duplicate', detail: `push ${envelope.id} was already applied`, ...echo(envelope) },
    };
  }
  if (ctx.applied && envelope.version <= ctx.applied.version) {
    return reject(
      'stale_version',
      `version ${envelope.version} is not newer than the applied version ${ctx.applied.version}`,
      envelope,
    );
  }
  const config = validate<AimConfig>('aim-config', envelope.config);
  if (!config.ok) {
    return reject(
      'schema_invalid',
      `config does not match schemas/aim-config.schema.json (${config.errors.length} error(s))`,
      envelope,
      underConfig(config.errors),
    );
  }
  if (ctx.limitsProblem) {
    return reject(
      'limits_unreadable',
      `this board's limits cannot be checked: ${ctx.limitsProblem}`,
      envelope,
    );
  }
  const limitErrors = checkLimits(config.value, ctx.limits, '/config');
  if (limitErrors.length) {
    return reject(
      'limits_exceeded',
      `${limitErrors.length} value(s) outside this board's limits.json`,
      envelope,
      limitErrors,
    );
  }
  return { ok: true, envelope: envelope as PushEnvelope, config: config.value };
}
