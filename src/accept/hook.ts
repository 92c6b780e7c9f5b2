// The apply hook tells the aim controller to pick up the new file (e.g. `systemctl reload aim-controller`).
// It runs while the lock is still held, with the lock's generation in its environment so the controller can
// refuse a write from an older holder (fencing).
import { spawn } from 'node:child_process';

export interface HookOutcome {
  ok: boolean;
  /** What happened, in a sentence: exit status, signal or timeout, plus the tail of stderr. */
  detail: string;
}

export function runHook(
  command: readonly string[],
  timeoutMs: number,
  env: Record<string, string>,
): Promise<HookOutcome> {
  const [file, ...args] = command;
  if (!file) return Promise.resolve({ ok: true, detail: 'no apply hook configured' });
  return new Promise((resolve) => {
    const child = spawn(file, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-500);
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    const tail = () => (stderr.trim() ? `: ${stderr.trim().split('\n').pop()}` : '');
    child.on('error', (err) => {
      clearTimeout(timer);
      resolve({ ok: false, detail: `apply hook ${file} could not start (${err.message})` });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (timedOut)
        resolve({ ok: false, detail: `apply hook ${file} timed out after ${timeoutMs} ms${tail()}` });
      else if (code === 0) resolve({ ok: true, detail: `apply hook ${file} succeeded` });
      else resolve({ ok: false, detail: `apply hook ${file} failed (${signal ?? `exit ${code}`})${tail()}` });
    });
  });
}
