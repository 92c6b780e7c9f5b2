// The apply hook tells the aim controller to pick up the new file (e.g. `systemctl reload aim-controller`).
// It runs while the lock is still held, with the lock's generation in its environment so the controller can
// refuse a write from an older holder (fencing).
//
// INVARIANTS
// - The hook is decided by its own exit, never by the end of its stdio: a grandchild that inherits stderr
//   (a daemon it starts, `cmd &`) may keep the pipe open for ever, and the lock with it.
// - The hook runs as the leader of its own process group (detached). At the timeout, and after a failed
//   exit, the whole group is SIGKILLed (kill(-pgid)): nothing it started keeps running against a config that
//   is about to be restored. A hook that exits 0 may leave background work running (a reload that goes on
//   asynchronously is its business); we only stop listening to it. A process that leaves the group itself
//   (setsid) escapes this; the lease ceiling (apply.ts) still bounds how long the lock can be held.
// - The promise always settles within timeoutMs + KILL_GRACE_MS: after SIGKILL the leader's exit is waited
//   for only that long (a process stuck in uninterruptible sleep cannot be reaped sooner).
import { type ChildProcess, spawn } from 'node:child_process';

export interface HookOutcome {
  ok: boolean;
  /** What happened, in a sentence: exit status, signal or timeout, plus the tail of stderr. */
  detail: string;
}

/** How long the leader of a SIGKILLed group is waited for before the hook is given up on. */
export const KILL_GRACE_MS = 2000;
/** How long, after the hook's exit, the last of its stderr is waited for (only for the message). */
const DRAIN_MS = 100;

/** SIGKILL to every process of the group led by `pid`; a group already gone is no error. */
function killGroup(pid: number | undefined): void {
  if (!pid) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // ESRCH: every member has exited already.
  }
}

export function runHook(
  command: readonly string[],
  timeoutMs: number,
  env: Record<string, string>,
): Promise<HookOutcome> {
  const [file, ...args] = command;
  if (!file) return Promise.resolve({ ok: true, detail: 'no apply hook configured' });
  return new Promise((resolve) => {
    const couldNotStart = (err: Error) => ({
      ok: false,
      detail: `apply hook ${file} could not start (${err.message})`,
    });
    let child: ChildProcess;
    try {
      child = spawn(file, args, {
        env: { ...process.env, ...env },
        stdio: ['ignore', 'ignore', 'pipe'],
        detached: true,
      });
    } catch (err) {
      // Thrown, not emitted: an argument or environment past the kernel's limits (E2BIG), no memory to fork
      // (ENOMEM). After the config's rename this must be a hook failure like any other (the landing is undone),
      // not an exception that reads as "nothing was written".
      resolve(couldNotStart(err as Error));
      return;
    }
    // Out of descriptors (EMFILE) the child comes without a stderr stream (hence the `?.`) and its 'error'
    // follows on the next tick — unheard, it would end the agent in the middle of a landing.
    child.on('error', (err) => finish(couldNotStart(err)));
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-500);
    });
    child.stderr?.on('error', () => {});
    let settled = false;
    let grace: NodeJS.Timeout | undefined;
    const finish = (outcome: HookOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(grace);
      // Stop listening: a grandchild may hold the pipe open; it must not keep this process (or the lock) busy.
      child.stderr?.destroy();
      resolve(outcome);
    };
    const tail = () => (stderr.trim() ? `: ${stderr.trim().split('\n').pop()}` : '');
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid);
      grace = setTimeout(
        () =>
          finish({
            ok: false,
            detail: `apply hook ${file} timed out after ${timeoutMs} ms and did not die on SIGKILL within ${KILL_GRACE_MS} ms`,
          }),
        KILL_GRACE_MS,
      );
    }, timeoutMs);
    child.on('exit', (code, signal) => {
      // The tail of stderr may still be in the pipe: wait for its end, but only briefly (a grandchild may
      // hold it open for ever).
      const stream = child.stderr;
      if (!stream || stream.closed) decide(code, signal);
      else {
        const cap = setTimeout(() => decide(code, signal), DRAIN_MS);
        stream.once('close', () => {
          clearTimeout(cap);
          decide(code, signal);
        });
      }
    });
    const decide = (code: number | null, signal: NodeJS.Signals | null) => {
      if (timedOut) {
        finish({ ok: false, detail: `apply hook ${file} timed out after ${timeoutMs} ms${tail()}` });
        return;
      }
      if (code === 0) {
        finish({ ok: true, detail: `apply hook ${file} succeeded` });
        return;
      }
      // What a failed hook left running must not outlive it: the config is about to be restored.
      killGroup(child.pid);
      finish({ ok: false, detail: `apply hook ${file} failed (${signal ?? `exit ${code}`})${tail()}` });
    };
  });
}
