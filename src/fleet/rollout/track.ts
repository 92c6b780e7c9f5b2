// What each push status means to a rollout. These predicates are the one place the counting rules live
// (README "Rollouts"):
// - failure: `rejected` (any code) and `timeout` — CONTRACT §8 "the share of rejections and timeouts";
// - success: `applied` and `duplicate` (the push id was already applied: this very config is live);
// - neutral: `superseded` — a newer push to that device won, so neither our config landed nor did the device
//   fail; it counts in the wave's size but not as a failure, and the summary names it with a next step.

import type { PushTrack, TrackStatus } from './types.js';

const FINAL: ReadonlySet<TrackStatus> = new Set([
  'applied',
  'rejected',
  'duplicate',
  'superseded',
  'timeout',
]);

export const isFinal = (t: PushTrack): boolean => FINAL.has(t.status);

/** Ordered and not yet finally answered: the rollout is still waiting for it. */
export const inFlight = (t: PushTrack | null): boolean =>
  t !== null && (t.status === 'pushing' || t.status === 'pushed' || t.status === 'deferred');

/** This push's config is live on the device. */
export const isLive = (t: PushTrack): boolean => t.status === 'applied' || t.status === 'duplicate';

export const isFailure = (t: PushTrack): boolean => t.status === 'rejected' || t.status === 'timeout';

export const isLockMismatch = (t: PushTrack): boolean =>
  t.status === 'rejected' && t.code === 'lock_mismatch';

/**
 * Final for the rollout's decision, yet the push is still the device's desired state (CONTRACT §5): a timed
 * out push may still land, and a lock_mismatch push lands once a technician frees the lock. A later final
 * answer for these is recorded (marked `late`) because it changes what is live on the device.
 */
export const mayStillLand = (t: PushTrack): boolean => t.status === 'timeout' || isLockMismatch(t);
