// The compiled agent as the bench runs it: with the Node flags and environment the systemd unit gives it, its log lines watched
// as they arrive (no polling, so that start → ready is timed to the line, not to a poll interval).
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../test/helpers/board.js';
import { unitEnvironment } from '../test/helpers/unit.js';

export { unitEnvironment, unitNodeFlags } from '../test/helpers/unit.js';

/** `--flag … NAME=value …` (one string) as Node flags and environment assignments. */
export function splitFlagSet(set: string): { flags: string[]; env: Record<string, string> } {
  const flags: string[] = [];
  const env: Record<string, string> = {};
  for (const word of set.split(/\s+/).filter(Boolean)) {
    const m = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(word);
    if (m) env[m[1]!] = m[2]!;
    else flags.push(word);
  }
  return { flags, env };
}

export interface BenchAgent {
  child: ChildProcess;
  pid: number;
  /** Resolves when a log line whose msg matches arrives (or has arrived); rejects if the agent exits first. */
  line(pattern: RegExp): Promise<void>;
  stop(): Promise<void>;
}

/** The user the agent runs as (the unit's User=); the bench's own user when not given. */
export interface AgentUser {
  uid: number;
  gid: number;
}

export function spawnAgent(
  settingsFile: string,
  flags: string[],
  extraEnv: Record<string, string> = unitEnvironment(),
  user?: AgentUser,
  /** The checkout whose build (dist/) runs: this one, or another to compare with (push-latency --against). */
  root = ROOT,
): BenchAgent {
  // Without tap's loader hooks (NODE_OPTIONS), as in the field; with the unit's Environment=.
  const env = { ...process.env, ...extraEnv };
  delete env.NODE_OPTIONS;
  const child = spawn(
    process.execPath,
    [...flags, join(root, 'dist/agent/main.js'), '--settings', settingsFile],
    { stdio: ['ignore', 'pipe', 'pipe'], env, ...(user ? { uid: user.uid, gid: user.gid } : {}) },
  );
  const seen: string[] = [];
  const waiters: Array<{ pattern: RegExp; resolve(): void }> = [];
  let partial = '';
  let stderr = '';
  child.stderr!.on('data', (d) => {
    stderr += d;
  });
  child.stdout!.on('data', (d) => {
    const lines = (partial + d).split('\n');
    partial = lines.pop() ?? '';
    for (const l of lines) {
      let msg = '';
      try {
        msg = String((JSON.parse(l) as { msg?: unknown }).msg);
      } catch {
        continue;
      }
      seen.push(msg);
      for (const w of [...waiters]) {
        if (w.pattern.test(msg)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve();
        }
      }
    }
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    pid: child.pid!,
    line: (pattern) =>
      seen.some((m) => pattern.test(m))
        ? Promise.resolve()
        : new Promise<void>((resolve, reject) => {
            waiters.push({ pattern, resolve });
            void exited.then(() =>
              reject(new Error(`agent exited before logging ${pattern}: ${stderr.slice(-2000)}`)),
            );
          }),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Spawn → "aimlockd ready" (logged right after READY=1 goes to systemd), `samples` times in a row. */
export async function startToReady(
  settingsFile: string,
  flags: string[],
  samples: number,
  env: Record<string, string> = unitEnvironment(),
  user?: AgentUser,
): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < samples; i++) {
    const t0 = performance.now();
    const agent = spawnAgent(settingsFile, flags, env, user);
    try {
      await agent.line(/^aimlockd ready/);
      out.push(performance.now() - t0);
    } finally {
      await agent.stop();
    }
  }
  return out;
}
