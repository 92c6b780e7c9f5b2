// Every message the agent sends (result, telemetry, status) is built here and checked against its own schema
// before it leaves: a malformed answer is a bug we want to see in the log, not on the operator's screen.

import type { Rejection } from '../accept/screen.js';
import { RESULT_CODES, type ResultCode } from '../errors.js';
import type { evidence } from '../lock/observe.js';
import { type Status, validate } from '../schemas/index.js';

export const AGENT_VERSION = '0.1.0';

export interface ResultFields {
  id: string;
  version: number | null;
  rollout?: string;
  code: ResultCode;
  detail: string;
  errors?: Rejection['errors'];
  lock?: Record<string, unknown>;
  config_sha256?: string;
}

export class InvalidMessage extends Error {}

function checked(
  name: 'result' | 'telemetry' | 'status',
  doc: Record<string, unknown>,
): Record<string, unknown> {
  const r = validate(name, doc);
  if (!r.ok)
    throw new InvalidMessage(
      `${name} message breaks its schema: ${r.errors.map((e) => `${e.path} ${e.message}`).join('; ')}`,
    );
  return doc;
}

export function resultMessage(device: string, f: ResultFields, now = new Date()): Record<string, unknown> {
  return checked('result', {
    kind: 'aimlock.result/v1',
    device,
    id: f.id,
    version: f.version,
    ...(f.rollout !== undefined ? { rollout: f.rollout } : {}),
    status: RESULT_CODES[f.code].status,
    code: f.code,
    detail: f.detail,
    ...(f.errors?.length ? { errors: f.errors } : {}),
    ...(f.lock ? { lock: f.lock } : {}),
    ...(f.config_sha256 ? { config_sha256: f.config_sha256 } : {}),
    ts: now.toISOString(),
  });
}

export type TelemetryEvent =
  | 'lock_mismatch'
  | 'lock_reclaimed'
  | 'lock_force_released'
  | 'hold'
  | 'resume'
  | 'apply_hook_failed';

export function telemetryMessage(
  device: string,
  event: TelemetryEvent,
  fields: Record<string, unknown>,
  now = new Date(),
) {
  return checked('telemetry', {
    kind: 'aimlock.telemetry/v1',
    event,
    device,
    ts: now.toISOString(),
    ...fields,
  });
}

export interface StatusFields {
  state: 'online' | 'hold' | 'offline';
  applied: { id: string; version: number; sha256: string } | null;
  verdict: string | null;
  desired: Status['desired'];
  lastResult: Status['last_result'];
}

export function statusMessage(device: string, f: StatusFields, now = new Date()) {
  return checked('status', {
    kind: 'aimlock.status/v1',
    device,
    state: f.state,
    applied: f.applied,
    lock: f.verdict ? { verdict: f.verdict } : null,
    desired: f.desired ?? null,
    last_result: f.lastResult ?? null,
    agent_version: AGENT_VERSION,
    ts: now.toISOString(),
  });
}

/** The fields of a `lock_mismatch` telemetry event (CONTRACT §5). */
export function mismatchFields(file: string, lock: ReturnType<typeof evidence>): Record<string, unknown> {
  return {
    file,
    state: 'HOT',
    verdict: lock.verdict,
    lock_bit: lock.lock_bit,
    owner: lock.owner,
    kernel_holders: lock.kernel_holders,
    reason: lock.reason,
    generation: lock.generation,
  };
}
