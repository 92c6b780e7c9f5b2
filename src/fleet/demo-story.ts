// The story `aimlock demo` tells, fixed in advance: the fleet, which drones are in trouble, the config, the
// waves and the timings; the options and io of a run, and the facts it reports against the story.

export const DEMO_FLEET = 'demo';
export const DEMO_DRONES = 12;
export const DEMO_CANARY = 3;
export const DEMO_WAVES = [50, 100];
export const DEMO_GHOST = 'drone-02';
export const DEMO_HOT = 'drone-05';
/** In the middle of a landing when the hold point comes: it acknowledges after it (CONTRACT §9). */
export const DEMO_LANDING = 'drone-03';
export const DEMO_LANDING_MS = 1500;
export const DEMO_KEY_ID = 'demo-operator';
export const DEMO_SENSITIVITY = 0.55;
/** The rollout exits 6 when it aborts (CONTRACT §7). */
export const EXIT_ABORTED = 6;

/** How often each drone's collector looks (and retries a desired push): short, so the last act is quick. */
export const GC_INTERVAL_MS = 500;
/** Per-wave timeout of the rollout: far above what 12 local drones need, far below a user's patience. */
export const ROLLOUT_TIMEOUT = '15s';
/** Longest wait for anything the fleet should say by itself (boot, a landing after the fix). */
export const WAIT_MS = 10_000;

export const DEMO_CONFIG = {
  aim: { sensitivity: DEMO_SENSITIVITY, deadzone_deg: 0.5, smoothing: 0.3, max_slew_dps: 180 },
  safety: {
    max_yaw_rate_dps: 90,
    max_pitch_deg: 25,
    min_battery_pct: 20,
    geofence_radius_m: 500,
    min_separation_m: 5,
    failsafe: 'return_home',
  },
  update_window: 'any',
};

export type Doc = Record<string, unknown>;

export interface DemoIo {
  /** A sentence of the story, as it happens. */
  say(text: string): void;
  /** A line the rollout child printed (stderr: its progress; stdout: its summary). */
  child(line: string, stream: 'stdout' | 'stderr'): void;
}

export interface DemoOptions {
  io: DemoIo;
  /** Run the rollout with --json (its summary then lands in the facts). */
  json?: boolean;
  /** Leave the temp dir (boards, key, config, rollout state) in place. */
  keep?: boolean;
  /** `dist/cli/main.js`; default the one next to this module. */
  cli?: string;
  /** How the commands shown to the user start: `aimlock` or `node dist/cli/main.js`. */
  shown?: string;
  /** Aborting it stops the demo (Ctrl-C): everything is cleaned up, and runDemo rejects with DemoAborted. */
  signal?: AbortSignal;
}

export class DemoAborted extends Error {
  override name = 'DemoAborted';
}

export interface DeviceAnswer {
  id: string;
  version: number;
  status: string;
  code: string;
  detail: string;
}

export interface DemoFacts {
  ok: boolean;
  /** Every way the run differed from the story; empty when ok. */
  differences: string[];
  duration_ms: number;
  broker: string;
  fleet: string;
  /** The temp dir; it exists after the run only when kept. */
  dir: string;
  kept: boolean;
  devices: string[];
  waves: { index: number; label: string; devices: string[] }[];
  ghost: {
    device: string;
    dead_pid: number | null;
    reclaimed: boolean;
    telemetry: Doc | null;
    answer: DeviceAnswer | null;
  };
  canary: { devices: string[]; applied: string[]; answers: Record<string, DeviceAnswer | null> };
  hot: {
    device: string;
    wave: number;
    holder_pid: number | null;
    holder_command: string | null;
    settings: string;
    answer: DeviceAnswer | null;
    locks: { exit_code: number | null; verdict: string | null };
    landed_after_release: (DeviceAnswer & { after_ms: number; pushes_seen: number }) | null;
  };
  rollout: {
    id: string;
    command: string[];
    exit_code: number | null;
    outcome: string | null;
    reason: string | null;
    /** The rollout's own --json summary (with --json). */
    summary: Doc | null;
  };
  /** Devices the broker saw a push for during the rollout. */
  pushed: string[];
  /** Devices after the hot drone's wave: none of them may have been pushed. */
  untouched: string[];
  answers: Record<string, DeviceAnswer | null>;
  technician: string[];
  /** The acts played from the operator's desk (CONTRACT §9), with the exit status of each command. */
  desk: {
    hold: { exit_code: number | null; acknowledged: number };
    release_refused: number | null;
    release: number | null;
    resume: number | null;
    rollout_again: number | null;
    record: string;
  };
  /** Children (hot holders) still alive after cleanup: must be empty. */
  leftover_pids: number[];
}

export type DemoWave = DemoFacts['waves'][number];

/** The waves the rollout makes of the device list (README, Rollouts): canary, then cumulative percents. */
export function demoWaves(devices: string[], canary: number, percents: number[]) {
  const waves = [{ index: 0, label: 'canary', devices: devices.slice(0, canary) }];
  let reached = canary;
  for (const p of percents) {
    const upTo = Math.ceil((p * devices.length) / 100);
    if (upTo <= reached) continue;
    waves.push({
      index: waves.length,
      label: `wave ${waves.length} (${p}%)`,
      devices: devices.slice(reached, upTo),
    });
    reached = upTo;
  }
  return waves;
}

/** `drone-07 … drone-12` for a run of names, else the list. */
export function span(names: string[]): string {
  if (names.length === 0) return '(none)';
  return names.length <= 3 ? names.join(', ') : `${names[0]} … ${names.at(-1)}`;
}
