// Reading back a persisted rollout state (a local file or the retained message under
// aimlock/v1/{fleet}/rollouts/{id}). A state from another format version, or one whose shape is broken, is
// refused as data rather than resumed on a guess: resuming wrongly could push a device twice.

import type { PlanError, RolloutState } from './types.js';

const PHASES = new Set(['ready', 'running', 'paused', 'aborting', 'done', 'aborted']);

const isObject = (x: unknown): x is Record<string, unknown> =>
  typeof x === 'object' && x !== null && !Array.isArray(x);

export function loadState(
  json: unknown,
): { ok: true; state: RolloutState } | { ok: false; errors: PlanError[] } {
  const errors: PlanError[] = [];
  const err = (path: string, message: string) => errors.push({ path, message });
  if (!isObject(json)) return { ok: false, errors: [{ path: '', message: 'must be an object' }] };
  if (json.v !== 1)
    err('/v', `unknown rollout state version ${JSON.stringify(json.v)} (this aimlock reads 1)`);
  const plan = json.plan;
  if (!isObject(plan) || typeof plan.id !== 'string' || !Array.isArray(plan.devices))
    err('/plan', 'must be a rollout plan');
  if (typeof json.phase !== 'string' || !PHASES.has(json.phase)) err('/phase', 'unknown phase');
  if (typeof json.current !== 'number') err('/current', 'must be a number');
  if (!Array.isArray(json.waves)) err('/waves', 'must be an array');
  const devices = json.devices;
  if (!isObject(devices)) err('/devices', 'must be an object');
  else if (isObject(plan) && Array.isArray(plan.devices)) {
    for (const d of plan.devices) {
      const dev = devices[String(d)];
      if (!isObject(dev) || !isObject(dev.push) || typeof dev.push.id !== 'string')
        err(`/devices/${String(d)}`, 'missing or without its push');
    }
  }
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, state: json as unknown as RolloutState };
}
