// The rollout summary (`aimlock rollout --json` prints it as one object): every device with its wave,
// version and final answer, every wave with its verdict, the outcome with its reason, and a next step for
// each device that needs one.

import { advise } from './advice.js';
import type { RolloutState, RolloutSummary } from './types.js';
import { waveLabel } from './waves.js';

export function summary(s: RolloutState): RolloutSummary {
  const outcome =
    s.phase === 'done' ? 'done' : s.phase === 'aborted' || s.phase === 'aborting' ? 'aborted' : 'in_progress';
  return {
    rollout: s.plan.id,
    fleet: s.plan.fleet,
    outcome,
    reason: s.abort?.reason ?? null,
    waves: s.waves.map((w) => ({
      index: w.index,
      label: waveLabel(w.index, w.percent),
      devices: [...w.devices],
      status: w.status,
      reason: w.reason,
    })),
    devices: s.plan.devices.map((device) => {
      const dev = s.devices[device]!;
      const rb = dev.rollback;
      return {
        device,
        wave: dev.wave,
        version: dev.push.version,
        id: dev.push.id,
        status: dev.push.status,
        code: dev.push.code,
        detail: dev.push.detail,
        late: dev.push.late,
        rollback: rb ? { version: rb.version, status: rb.status, code: rb.code, detail: rb.detail } : null,
        next: advise(s, device),
      };
    }),
    notes: [...s.notes],
  };
}
