// The "what now" line of each device in a rollout summary: a command a technician can type on the board
// or an operator at the desk, so an aborted rollout ends with a to-do list rather than a shrug.

import { isLive, isLockMismatch } from './track.js';
import type { DeviceState, RolloutState } from './types.js';

/** Advice per rejection code (CONTRACT §5); `{d}` is the device. Codes missing here get the generic line. */
const REJECTED: Record<string, string> = {
  invalid_json: 'the runner published something that is not JSON: a bug to report, not a device problem',
  too_large: 'the push exceeds 64 KiB: shrink the config',
  schema_invalid: 'fix the config: aimlock validate FILE shows the offending paths',
  wrong_device: 'the push named another device: a bug in the runner to report',
  expired: 'the push expired before it landed: re-run the rollout with a later expiry',
  stale_version:
    'the device already runs a newer version than this rollout assumed: check it (aimlock fleet) and re-run with fresh versions',
  signature_missing: 'the device requires signed pushes: re-run with --key',
  signature_invalid:
    'the signature does not verify: check the operator key and that the config was not altered',
  unknown_key: 'on {d}: install the operator public key in /etc/aimlock/keys/ (file name = key_id)',
  limits_exceeded:
    "a value is outside {d}'s limits.json: on {d}: aimlock validate FILE; adjust the config or the limits",
  apply_failed:
    'on {d}: aimlock status; journalctl -u aimlockd — writing the config failed (disk, permissions)',
  rolled_back: 'on {d}: journalctl -u aimlockd — the apply hook failed and the previous config was restored',
};

const DEFERRED: Record<string, string> = {
  hold: 'on {d}: aimlock status — a technician put the agent on hold; aimlock resume when it is safe',
  lock_hot: 'on {d}: aimlock locks — a live holder kept the lock past lock.wait_ms',
  deferred_update_window:
    "{d}'s vehicle state did not allow the update (update_window); it lands when it does",
};

const LOCK = 'on {d}: aimlock locks; aimlock release --force --reason "…"';

export function advise(s: RolloutState, device: string): string | null {
  const dev = s.devices[device]!;
  const aborted = s.abort !== null;
  const text = pushAdvice(dev, aborted) ?? rollbackAdvice(dev, aborted);
  return text === null ? null : text.replaceAll('{d}', device);
}

function pushAdvice(dev: DeviceState, aborted: boolean): string | null {
  const t = dev.push;
  // The push stays the device's desired state: after an abort the operator must know it can still land.
  const stillDesired = aborted ? ' — the push is still desired there and lands once this clears' : '';
  if (isLockMismatch(t)) return `${LOCK}${stillDesired}`;
  switch (t.status) {
    case 'pending':
      return aborted ? 'not pushed (the rollout stopped first)' : null;
    case 'pushing':
    case 'pushed':
    case 'deferred':
      return 'no final answer yet';
    case 'rejected':
      return REJECTED[t.code ?? ''] ?? `rejected ${t.code}: on {d}: journalctl -u aimlockd`;
    case 'timeout': {
      const why =
        t.code !== null && DEFERRED[t.code] !== undefined
          ? DEFERRED[t.code]!
          : 'no final answer: check {d} is online (aimlock fleet); the retained push lands when it reconnects';
      return `${why}${stillDesired}`;
    }
    case 'superseded':
      return 'a newer push won on {d}: find out who else pushed (aimlock fleet; on {d}: aimlock history)';
    default:
      return null;
  }
}

function rollbackAdvice(dev: DeviceState, aborted: boolean): string | null {
  if (!aborted || !isLive(dev.push)) return null;
  if (dev.rollbackUnavailable) return `${dev.rollbackUnavailable}: push a known-good config`;
  // Version 0 is "nothing applied before": there is no history entry to go back to.
  const undo =
    dev.baseVersion > 0 ? `on {d}: aimlock rollback ${dev.baseVersion}` : 'push a known-good config';
  const rb = dev.rollback;
  if (rb === null) return `runs this rollout's config (v${dev.push.version}); to undo: ${undo}`;
  if (isLive(rb)) return null;
  if (rb.status === 'pushing' || rb.status === 'pushed' || rb.status === 'deferred')
    return 'rollback not answered yet';
  return `the rollback did not land (${rb.status}${rb.code ? ` ${rb.code}` : ''}): ${undo}`;
}
