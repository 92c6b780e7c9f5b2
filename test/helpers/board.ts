// A whole board under a temporary directory: settings, limits, keys and state, plus a way to run the real
// `aimlock` binary (compiled, as a technician would) against it.
import { type SpawnOptions, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const CLI = join(ROOT, 'dist/cli/main.js');

export const GOOD_CONFIG = {
  aim: { sensitivity: 0.62, deadzone_deg: 0.5, smoothing: 0.3, max_slew_dps: 180 },
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

export type AimConfigLike = typeof GOOD_CONFIG;

export function configWith(patch: (c: AimConfigLike) => void): AimConfigLike {
  const c = structuredClone(GOOD_CONFIG);
  patch(c);
  return c;
}

export interface TestBoard {
  dir: string;
  settingsFile: string;
  config: string;
  lockFile: string;
  lockDir: string;
  stateDir: string;
  audit: string;
  writeJson(name: string, value: unknown): string;
}

/** Lays out a board in `dir` (use t.testdir()). `settings` is merged over the defaults here. */
export function makeBoard(dir: string, settings: Record<string, unknown> = {}): TestBoard {
  mkdirSync(join(dir, 'keys'), { recursive: true });
  const base = {
    device: 'drone-07',
    fleet: 'alpha',
    paths: {
      config: 'var/aim_lock_config.conf',
      state_dir: 'var',
      limits: 'limits.json',
      keys_dir: 'keys',
      socket: 'run/aimlockd.sock',
      vehicle_state: 'run/vehicle_state',
    },
    lock: { wait_ms: 300, heartbeat_ms: 200, heartbeat_ttl_ms: 5000, gc_interval_ms: 1000 },
  };
  const merged = {
    ...base,
    ...settings,
    paths: { ...base.paths, ...(settings.paths as object) },
    lock: { ...base.lock, ...(settings.lock as object) },
  };
  const settingsFile = join(dir, 'agent.json');
  writeFileSync(settingsFile, JSON.stringify(merged, null, 2));
  // As the installer does: a board always has limits.json (`{}`: no narrowing); a missing one fails closed.
  writeFileSync(join(dir, 'limits.json'), '{}\n');
  mkdirSync(join(dir, 'run'), { recursive: true });
  const stateDir = join(dir, 'var');
  return {
    dir,
    settingsFile,
    config: join(stateDir, 'aim_lock_config.conf'),
    lockFile: join(stateDir, 'aim_lock_config.conf.lock'),
    lockDir: join(stateDir, 'locks', 'aim_lock_config'),
    stateDir,
    audit: join(stateDir, 'audit.jsonl'),
    writeJson(name, value) {
      const path = join(dir, name);
      writeFileSync(path, JSON.stringify(value, null, 2));
      return path;
    },
  };
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A Node binary and the built project it runs: this process's own, or another architecture's (ARM lane). */
export interface Runtime {
  node: string;
  root: string;
}

export const HERE: Runtime = { node: process.execPath, root: ROOT };

/** Runs `aimlock ARGS --settings board` (with `runtime`'s Node and build) and collects everything. */
export function aimlock(
  board: TestBoard | null,
  args: string[],
  opts: SpawnOptions & { input?: string } = {},
  runtime: Runtime = HERE,
): Promise<RunResult> {
  const full = board ? [...args, '--settings', board.settingsFile] : args;
  return run(...plainNode([join(runtime.root, 'dist/cli/main.js'), ...full], runtime), opts);
}

/**
 * tap puts its own loader hooks into NODE_OPTIONS of every child (even with an explicit env), which makes each
 * node child several times slower to start; the programs under test must run as they do in the field.
 */
export function plainNode(args: string[], runtime: Runtime = HERE): [string, string[]] {
  return ['env', ['-u', 'NODE_OPTIONS', runtime.node, ...args]];
}

export function run(
  cmd: string,
  args: string[],
  opts: SpawnOptions & { input?: string } = {},
): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const [file, argv] = cmd === process.execPath ? plainNode(args) : [cmd, args];
    const child = spawn(file, argv, { ...opts, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => {
      stdout += d;
    });
    child.stderr!.on('data', (d) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, stdout, stderr }));
    // A program that never reads stdin (flock -n) may be gone before this write: EPIPE is no failure.
    child.stdin!.on('error', () => {});
    child.stdin!.end(opts.input ?? '');
  });
}
