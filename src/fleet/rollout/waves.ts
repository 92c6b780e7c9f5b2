// Cutting an ordered device list into the canary and cumulative percentage waves.
//
// Rules (README "Rollouts"):
// - wave 0 is the canary: the first `canary` devices;
// - a percent p reaches the first ceil(p% × N) devices, cumulatively; its wave is those not yet covered;
// - a percent that covers no new device (rounding, or already inside the canary) is skipped, so wave
//   numbers stay contiguous: "wave 2" is the second wave that actually pushes something;
// - a list that does not end at 100 gets 100 appended: a rollout never silently leaves part of the fleet
//   behind. Both facts are reported as notes so the operator sees them.

export interface WaveCut {
  /** Cumulative percent reached by this wave; null for the canary. */
  percent: number | null;
  devices: string[];
}

export interface WavePlan {
  waves: WaveCut[];
  /** Percents that covered no new device. */
  skipped: number[];
  /** True when 100 was appended to the list. */
  added100: boolean;
}

/**
 * How many devices a cumulative percent reaches. The epsilon keeps float noise (64.4 × 250 / 100 =
 * 161.00000000000003) from pushing an exact product over the next integer.
 */
export function reach(percent: number, n: number): number {
  return Math.min(n, Math.ceil((percent * n) / 100 - 1e-9));
}

/** Assumes a validated plan (see plan.ts): 0 ≤ canary ≤ N, percents strictly increasing in (0, 100]. */
export function computeWaves(
  devices: readonly string[],
  canary: number,
  percents: readonly number[],
): WavePlan {
  const n = devices.length;
  const added100 = percents.length === 0 || percents[percents.length - 1] !== 100;
  const list = added100 ? [...percents, 100] : [...percents];
  const waves: WaveCut[] = [];
  const skipped: number[] = [];
  if (n === 0) return { waves, skipped: list, added100 };
  waves.push({ percent: null, devices: devices.slice(0, canary) });
  let covered = canary;
  for (const p of list) {
    const end = reach(p, n);
    if (end <= covered) {
      skipped.push(p);
      continue;
    }
    waves.push({ percent: p, devices: devices.slice(covered, end) });
    covered = end;
  }
  return { waves, skipped, added100 };
}

export function waveLabel(index: number, percent: number | null): string {
  return index === 0 || percent === null ? `wave 0 (canary)` : `wave ${index} (${percent}%)`;
}
