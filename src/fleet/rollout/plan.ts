// Plan validation and the initial rollout state. Problems come back as data (JSON pointers into the plan),
// all of them at once, so the CLI can print every mistake in one go.

import type { DeviceState, PlanError, RolloutPlan, RolloutPlanInput, RolloutState } from './types.js';
import { computeWaves } from './waves.js';

/** Rollout ids and device ids become part of push ids (`[A-Za-z0-9._:-]{1,128}`, CONTRACT §5). */
const ROLLOUT_ID = /^[A-Za-z0-9._-]{1,64}$/;
const DEVICE_ID = /^[A-Za-z0-9._-]{1,64}$/;
const FLEET_ID = /^[A-Za-z0-9._-]{1,64}$/;
/** schemas/push.schema.json: a push id is at most 128 characters. */
const MAX_PUSH_ID = 128;

/**
 * Push ids are derived, not random, so a push re-published after a crash carries the same id and the agent
 * answers `duplicate` (a success) instead of `stale_version` for a version it already applied.
 */
export function pushId(rollout: string, device: string, version: number): string {
  return `${rollout}:${device}:v${version}`;
}

export function rollbackId(rollout: string, device: string, version: number): string {
  return `${rollout}:${device}:rollback:v${version}`;
}

const isInt = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x);

export function validatePlan(
  input: RolloutPlanInput,
): { ok: true; plan: RolloutPlan } | { ok: false; errors: PlanError[] } {
  const errors: PlanError[] = [];
  const err = (path: string, message: string) => errors.push({ path, message });
  const { id, fleet, devices, canary, waves } = input;

  if (typeof id !== 'string' || !ROLLOUT_ID.test(id)) err('/id', 'must match [A-Za-z0-9._-]{1,64}');
  if (typeof fleet !== 'string' || !FLEET_ID.test(fleet)) err('/fleet', 'must match [A-Za-z0-9._-]{1,64}');

  const list = Array.isArray(devices) ? devices : [];
  if (!Array.isArray(devices)) err('/devices', 'must be an array of device ids');
  const seen = new Set<string>();
  list.forEach((d, i) => {
    if (typeof d !== 'string' || !DEVICE_ID.test(d)) err(`/devices/${i}`, 'must match [A-Za-z0-9._-]{1,64}');
    else if (typeof id === 'string' && rollbackId(id, d, Number.MAX_SAFE_INTEGER).length > MAX_PUSH_ID)
      err(
        `/devices/${i}`,
        `with rollout id "${id}" the push ids would exceed ${MAX_PUSH_ID} characters; use a shorter rollout id`,
      );
    else if (seen.has(d)) err(`/devices/${i}`, `${d} is listed twice`);
    seen.add(d);
  });
  const n = list.length;

  if (!isInt(canary)) err('/canary', 'must be an integer');
  else if (n > 0 && canary < 1) err('/canary', 'must be at least 1: the canary is never skipped');
  else if (canary < 0) err('/canary', 'must not be negative');
  else if (canary > n) err('/canary', `must not exceed the number of devices (${n})`);

  if (!Array.isArray(waves)) err('/waves', 'must be an array of percents');
  else {
    waves.forEach((p, i) => {
      if (typeof p !== 'number' || !Number.isFinite(p) || p <= 0 || p > 100)
        err(`/waves/${i}`, 'must be in (0, 100]');
      else if (i > 0 && typeof waves[i - 1] === 'number' && p <= (waves[i - 1] as number))
        err(`/waves/${i}`, `must be greater than the previous wave (${waves[i - 1]}%)`);
    });
  }

  const rate = input.maxFailureRate ?? 0;
  if (typeof rate !== 'number' || !Number.isFinite(rate) || rate < 0 || rate > 1)
    err('/maxFailureRate', 'must be a number in [0, 1]');
  for (const key of ['pauseBetween', 'rollbackOnAbort'] as const) {
    const v = input[key];
    if (v !== undefined && typeof v !== 'boolean') err(`/${key}`, 'must be a boolean');
  }

  const base = input.baseVersions ?? {};
  const baseVersions: Record<string, number> = {};
  if (typeof base !== 'object' || base === null || Array.isArray(base))
    err('/baseVersions', 'must be an object of device → version');
  else {
    for (const d of list) {
      const v = Object.hasOwn(base, d) ? base[d] : 0;
      // + 2: the rollback of an applied push is two versions above the base, and must stay a safe integer.
      if (!isInt(v) || v < 0 || v + 2 > Number.MAX_SAFE_INTEGER)
        err(`/baseVersions/${d}`, 'must be a non-negative integer');
      else baseVersions[d] = v;
    }
  }

  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    plan: {
      id,
      fleet,
      devices: [...list],
      canary,
      waves: [...waves],
      maxFailureRate: rate,
      pauseBetween: input.pauseBetween ?? false,
      rollbackOnAbort: input.rollbackOnAbort ?? false,
      baseVersions,
    },
  };
}

/** Validates the plan and builds the state before `start`. */
export function createRollout(
  input: RolloutPlanInput,
): { ok: true; state: RolloutState } | { ok: false; errors: PlanError[] } {
  const checked = validatePlan(input);
  if (!checked.ok) return checked;
  const plan = checked.plan;
  const cut = computeWaves(plan.devices, plan.canary, plan.waves);
  const notes: string[] = [];
  if (cut.added100) {
    plan.waves.push(100);
    notes.push('the wave list did not end at 100%: 100% was added so the whole fleet is covered');
  }
  for (const p of cut.skipped) notes.push(`${p}% covers no device beyond the earlier waves: skipped`);

  const devices: Record<string, DeviceState> = {};
  const waves = cut.waves.map((w, index) => {
    for (const d of w.devices) {
      const base = plan.baseVersions[d] ?? 0;
      devices[d] = {
        wave: index,
        baseVersion: base,
        push: {
          id: pushId(plan.id, d, base + 1),
          version: base + 1,
          status: 'pending',
          code: null,
          detail: null,
          late: false,
        },
        rollback: null,
        rollbackUnavailable: null,
      };
    }
    return { index, percent: w.percent, devices: w.devices, status: 'waiting' as const, reason: null };
  });
  return { ok: true, state: { v: 1, plan, phase: 'ready', current: -1, waves, devices, abort: null, notes } };
}
