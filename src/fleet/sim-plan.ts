// Which simulated drone gets which trouble: device names and a deterministic choice of ghost, hot and flaky
// drones. Pure, so that a run can be predicted (and repeated) from its options alone.
//
// The choice: the S = ghosts + hot + flaky troubled drones sit at indices N-1-floor(i*N/S), i = 0…S-1 — evenly
// spread, counted back from the last drone, so the first drone (a rollout's natural canary) stays normal unless
// every drone is troubled (S = N). The kinds take those slots in turn (ghost, hot, flaky, ghost, …, skipping a
// kind that is used up), so each kind is spread too. Explicit device lists are placed first; the counted kinds
// are then spread over the drones left.

export type SimKind = 'normal' | 'ghost' | 'hot' | 'flaky';
export type TroubleKind = Exclude<SimKind, 'normal'>;

export const TROUBLE_KINDS: readonly TroubleKind[] = ['ghost', 'hot', 'flaky'];

/** Most drones one simulator process runs. What really bounds a run is checked before it starts (descriptors:
 *  src/fleet/sim-limits.ts) or printed (memory); past this, run several simulators side by side (`--first`). */
export const MAX_DRONES = 20000;

/** A simulator option that cannot work; the CLI turns it into a usage error. */
export class SimConfigError extends Error {
  override name = 'SimConfigError';
}

/**
 * `drone-01`…: numbered from `first`, zero-padded to `width` digits (default: those of the last number, at
 * least two). Several simulators side by side take distinct ranges (`first`) and one width, so that their names
 * neither collide nor sort apart.
 */
export function deviceNames(n: number, prefix = 'drone-', first = 1, width?: number): string[] {
  if (!Number.isSafeInteger(n) || n < 1 || n > MAX_DRONES) {
    throw new SimConfigError(`drones must be an integer from 1 to ${MAX_DRONES} (got ${n})`);
  }
  if (!Number.isSafeInteger(first) || first < 0) {
    throw new SimConfigError(`the first drone number must be a whole number ≥ 0 (got ${first})`);
  }
  const digits = width ?? Math.max(2, String(first + n - 1).length);
  const names = Array.from({ length: n }, (_, i) => `${prefix}${String(first + i).padStart(digits, '0')}`);
  const bad = names.find((d) => !/^[A-Za-z0-9._-]{1,64}$/.test(d));
  if (bad !== undefined) {
    throw new SimConfigError(`device name "${bad}" is not a valid device id ([A-Za-z0-9._-], at most 64)`);
  }
  return names;
}

/** `count` indices out of `n`, evenly spread and counted back from the last; index 0 only when count = n. */
export function spreadIndices(n: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => n - 1 - Math.floor((i * n) / count));
}

export interface KindCounts {
  ghost?: number;
  hot?: number;
  flaky?: number;
}

export type KindLists = Partial<Record<TroubleKind, readonly string[]>>;

/** The kind of every device, in the order of `names`. */
export function planKinds(names: readonly string[], counts: KindCounts, lists: KindLists = {}): SimKind[] {
  const kinds = new Map<string, SimKind>(names.map((d) => [d, 'normal']));
  for (const kind of TROUBLE_KINDS) {
    const list = lists[kind];
    if (list === undefined) continue;
    const count = counts[kind];
    if (count !== undefined && count !== list.length) {
      throw new SimConfigError(
        `${kind}: a count of ${count} and a list of ${list.length} device(s) disagree; give one of them`,
      );
    }
    for (const device of list) {
      const now = kinds.get(device);
      if (now === undefined) throw new SimConfigError(`${kind} device "${device}" is not in this fleet`);
      if (now !== 'normal') throw new SimConfigError(`device "${device}" cannot be both ${now} and ${kind}`);
      kinds.set(device, kind);
    }
  }
  const remaining: Record<TroubleKind, number> = { ghost: 0, hot: 0, flaky: 0 };
  for (const kind of TROUBLE_KINDS) {
    if (lists[kind] !== undefined) continue;
    const count = counts[kind] ?? 0;
    if (!Number.isSafeInteger(count) || count < 0) {
      throw new SimConfigError(`${kind} must be a whole number ≥ 0 (got ${count})`);
    }
    remaining[kind] = count;
  }
  const free = names.filter((d) => kinds.get(d) === 'normal');
  const wanted = remaining.ghost + remaining.hot + remaining.flaky;
  if (wanted > free.length) {
    throw new SimConfigError(
      `ghosts + hot + flaky = ${wanted}, but only ${free.length} drone(s) are left for them; use more drones`,
    );
  }
  let k = 0;
  for (const index of spreadIndices(free.length, wanted)) {
    while (remaining[TROUBLE_KINDS[k % 3]!] === 0) k++;
    const kind = TROUBLE_KINDS[k % 3]!;
    remaining[kind]--;
    k++;
    kinds.set(free[index]!, kind);
  }
  return names.map((d) => kinds.get(d)!);
}
