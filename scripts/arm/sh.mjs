// Running commands from the ARM scripts: loud on failure (the command, its exit status, its stderr tail).
import { spawn, spawnSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Runs to completion; output is shown when `show`, otherwise kept for the error. Returns stdout. */
export function sh(cmd, args, { cwd = ROOT, env, show = false } = {}) {
  const r = spawnSync(cmd, args, {
    cwd,
    env: env ? { ...process.env, ...env } : process.env,
    encoding: 'utf8',
    stdio: show ? 'inherit' : 'pipe',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.error) throw new Error(`${cmd}: ${r.error.message}`);
  if (r.status !== 0) {
    const tail = `${r.stderr ?? ''}${r.stdout ?? ''}`.trim().split('\n').slice(-20).join('\n');
    throw new Error(`${cmd} ${args.join(' ')} exited ${r.status ?? r.signal}${tail ? `:\n${tail}` : ''}`);
  }
  return r.stdout ?? '';
}

/** Does `cmd args` exit 0? */
export function succeeds(cmd, args) {
  const r = spawnSync(cmd, args, { stdio: 'ignore' });
  return r.status === 0;
}

/** Runs in the background with the given stdio; resolves with the exit code (128 when killed by a signal). */
export function spawnTo(cmd, args, { cwd = ROOT, env, stdio }) {
  return new Promise((resolvePromise) => {
    const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, stdio });
    child.on('error', () => resolvePromise(127));
    child.on('exit', (code, signal) => resolvePromise(code ?? (signal ? 128 : 1)));
  });
}

/** "12.3 s" since `t0` (a performance.now() reading). */
export const since = (t0) => `${((performance.now() - t0) / 1000).toFixed(1)} s`;

export const say = (msg) => process.stdout.write(`${msg}\n`);
