// The shapes the rollout state machine shares with its runner. The state is plain JSON on purpose: the runner
// persists it after every step (locally and as a retained message) and hands it back to resume() after a
// crash, so nothing in it may be undefined, a Map, a Date or a class instance.

import type { ResultStatus } from '../../errors.js';

/** What the operator asked for; optional knobs get the defaults named in their comments. */
export interface RolloutPlanInput {
  /** Unique per rollout (a UUID is usual): every push id is derived from it. `[A-Za-z0-9._-]{1,64}`. */
  id: string;
  fleet: string;
  /** The devices in rollout order: the first `canary` of them are the canary. */
  devices: string[];
  /** Devices in wave 0; at least 1 unless the fleet is empty. */
  canary: number;
  /** Cumulative percents of the fleet, strictly increasing in (0, 100]; 100 is appended when missing. */
  waves: number[];
  /** Share of a wave (0..1) that may fail (rejected or timeout) and the wave still passes. Default 0. */
  maxFailureRate?: number;
  /** Wait for an operator's `proceed` after each passed wave. Default false. */
  pauseBetween?: boolean;
  /** After an abort, push the previous config back to every device that applied. Default false. */
  rollbackOnAbort?: boolean;
  /** Each device's last applied version (0 or absent: none). The rollout pushes version + 1. */
  baseVersions?: Record<string, number>;
}

/** The plan after validation: every default filled in, `waves` ending at 100. */
export interface RolloutPlan {
  id: string;
  fleet: string;
  devices: string[];
  canary: number;
  waves: number[];
  maxFailureRate: number;
  pauseBetween: boolean;
  rollbackOnAbort: boolean;
  baseVersions: Record<string, number>;
}

/** A plan problem, with a JSON pointer into the plan input. */
export interface PlanError {
  path: string;
  message: string;
}

/** The timer of a rollout wave, or of the rollback pushes after an abort. */
export type TimerRef = number | 'rollback';

/**
 * One push and what became of it. `pushing`: ordered in an action, not yet confirmed by a `pushed` event
 * (after a crash it is pushed again with the same id, which the agent answers `duplicate` if it had landed).
 * `timeout` is set by the machine when the timer fires; every other final status comes from the device.
 */
export type TrackStatus =
  | 'pending'
  | 'pushing'
  | 'pushed'
  | 'deferred'
  | 'applied'
  | 'rejected'
  | 'duplicate'
  | 'superseded'
  | 'timeout';

export interface PushTrack {
  id: string;
  version: number;
  status: TrackStatus;
  /** Code of the last answer (for a timeout: of the last `deferred`, or null when nothing came back). */
  code: string | null;
  detail: string | null;
  /** The final answer came after the machine had already decided (a timeout or lock_mismatch that landed). */
  late: boolean;
}

export interface DeviceState {
  wave: number;
  baseVersion: number;
  push: PushTrack;
  /** The rollback push after an abort, when this device had applied; null when none was needed. */
  rollback: PushTrack | null;
  /** Why no rollback could be pushed although one was needed (no earlier config), else null. */
  rollbackUnavailable: string | null;
}

export type WaveStatus = 'waiting' | 'running' | 'passed' | 'failed' | 'stopped' | 'not_run';

export interface WaveState {
  index: number;
  /** The cumulative percent this wave reaches; null for the canary. */
  percent: number | null;
  devices: string[];
  status: WaveStatus;
  /** Why it failed or stopped (or, for a passed wave with tolerated failures, what was tolerated). */
  reason: string | null;
}

export type Phase = 'ready' | 'running' | 'paused' | 'aborting' | 'done' | 'aborted';

export interface RolloutState {
  v: 1;
  plan: RolloutPlan;
  phase: Phase;
  /** The wave running, or the one that just passed while paused; -1 before start. */
  current: number;
  waves: WaveState[];
  devices: Record<string, DeviceState>;
  abort: { reason: string; wave: number | null; by: 'failure' | 'operator' } | null;
  /** What the plan normalisation did that the operator should know (skipped waves, an added 100%). */
  notes: string[];
}

export interface DeviceResult {
  id: string;
  status: ResultStatus;
  code: string;
  detail?: string;
}

export type RolloutEvent =
  | { type: 'start' }
  /** The runner published the push (or rollback push) with this id. */
  | { type: 'pushed'; device: string; id: string }
  | { type: 'result'; device: string; result: DeviceResult }
  | { type: 'waveTimeout'; wave: TimerRef }
  | { type: 'proceed' }
  | { type: 'abort'; reason: string };

export interface PushOrder {
  device: string;
  id: string;
  version: number;
}

export interface RollbackOrder extends PushOrder {
  /** The version whose config to push back (the one applied before this rollout). */
  restoreVersion: number;
}

export type RolloutAction =
  | { type: 'push'; wave: number; devices: PushOrder[] }
  /** (Re)start the timer: a second startTimer for the same ref restarts it. */
  | { type: 'startTimer'; wave: TimerRef }
  | { type: 'waitForOperator'; wave: number; next: number }
  | { type: 'rollback'; devices: RollbackOrder[] }
  | { type: 'done'; summary: RolloutSummary }
  | { type: 'aborted'; summary: RolloutSummary };

export interface Step {
  state: RolloutState;
  actions: RolloutAction[];
}

export interface DeviceSummary {
  device: string;
  wave: number;
  version: number;
  id: string;
  status: TrackStatus;
  code: string | null;
  detail: string | null;
  late: boolean;
  rollback: { version: number; status: TrackStatus; code: string | null; detail: string | null } | null;
  /** What an operator or technician should do about this device, or null when nothing. */
  next: string | null;
}

export interface WaveSummary {
  index: number;
  label: string;
  devices: string[];
  status: WaveStatus;
  reason: string | null;
}

export interface RolloutSummary {
  rollout: string;
  fleet: string;
  outcome: 'done' | 'aborted' | 'in_progress';
  reason: string | null;
  waves: WaveSummary[];
  devices: DeviceSummary[];
  notes: string[];
}
