// Real processes that hold locks: our own holder (killable, to make ghosts) and foreign peers from util-linux
// and Python. Every process started here is killed in t.teardown.
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { HERE, plainNode, type Runtime, type TestBoard } from './board.js';

interface Teardown {
  teardown(fn: () => void | Promise<void>): void;
}

/**
 * Resolves with the first stdout line matching `pattern`; rejects if the child exits first. At the timeout the
 * child is SIGKILLed before the rejection: a holder that comes up late would otherwise take the lock and keep
 * writing in the board's folder, so tap's removal of the fixture fails (ENOTEMPTY), the teardowns after it (the
 * one that kills the child) never run, and the test file never exits (seen in the ARM lane on a loaded machine).
 */
export function waitForLine(child: ChildProcess, pattern: RegExp, timeoutMs = 15000): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffer = '';
    let stderr = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`timed out waiting for ${pattern}; stderr: ${stderr}`));
    }, timeoutMs);
    child.stderr?.on('data', (d) => {
      stderr += d;
    });
    child.stdout!.on('data', (d) => {
      buffer += d;
      const line = buffer.split('\n').find((l) => pattern.test(l));
      if (line) {
        clearTimeout(timer);
        resolve(line);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`process exited (${code}) before ${pattern}; stderr: ${stderr}`));
    });
  });
}

export function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

function track(t: Teardown, child: ChildProcess): ChildProcess {
  t.teardown(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited(child);
    }
  });
  return child;
}

export interface Holder {
  child: ChildProcess;
  pid: number;
  generation: number;
  kill9(): Promise<void>;
  release(): Promise<void>;
}

/** An aimlock lock holder (the compiled Locksmith, of `runtime`'s build) in its own process. */
export async function spawnHolder(
  t: Teardown,
  board: TestBoard,
  purpose = 'test holder',
  runtime: Runtime = HERE,
): Promise<Holder> {
  const holder = join(runtime.root, 'test/fixtures/holder.mjs');
  const child = track(
    t,
    spawn(...plainNode([holder, board.settingsFile, purpose], runtime), { stdio: ['pipe', 'pipe', 'pipe'] }),
  );
  const line = await waitForLine(child, /^held /);
  const [, pid, generation] = line.split(' ');
  return {
    child,
    pid: Number(pid),
    generation: Number(generation),
    async kill9() {
      child.kill('SIGKILL');
      await exited(child);
    },
    async release() {
      child.stdin!.write('release\n');
      await waitForLine(child, /^released/).catch(() => {});
      await exited(child);
    },
  };
}

/**
 * `flock --no-fork -x FILE sh -c 'echo locked; exec sleep 300'` from util-linux: a foreign flock(2) holder.
 * --no-fork keeps one pid for the lock's whole life (flock → sh → sleep), so killing it frees the lock.
 */
export async function spawnFlock(t: Teardown, file: string): Promise<ChildProcess> {
  const args = ['--no-fork', '-x', file, 'sh', '-c', 'echo locked; exec sleep 300'];
  const child = track(t, spawn('flock', args, { stdio: ['ignore', 'pipe', 'pipe'] }));
  await waitForLine(child, /^locked/);
  return child;
}

/** A Python `fcntl.lockf` holder: a foreign POSIX (fcntl) lock. */
export async function spawnLockf(t: Teardown, file: string): Promise<ChildProcess> {
  const code = `import fcntl,sys,time\nf=open(sys.argv[1],'a+')\nfcntl.lockf(f,fcntl.LOCK_EX)\nprint('locked',flush=True)\ntime.sleep(300)`;
  const child = track(t, spawn('python3', ['-c', code, file], { stdio: ['ignore', 'pipe', 'pipe'] }));
  await waitForLine(child, /^locked/);
  return child;
}
