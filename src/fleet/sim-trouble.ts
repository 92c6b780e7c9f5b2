// The trouble a simulated drone can be given before its agent starts: a ghost (lock bit set, owner record
// naming a process that is provably dead) and a hot lock (a live foreign flock(1) holder).
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { LockFiles } from '../lock/files.js';
import { KernelLock } from '../lock/kernel.js';
import { bootId, parseStat, pidNamespace, processFacts } from '../lock/proc.js';
import type { BoardPaths } from '../settings/board.js';

/**
 * A ghost, as a crashed writer leaves it: bit 1, a generation bump and an owner record naming a short-lived
 * child of ours (its pid, its start time from /proc/PID/stat, this boot) that has been killed and reaped
 * before this returns. Written under both kernel locks, as a real writer would. Returns the dead pid.
 */
export async function plantGhost(paths: BoardPaths, device: string): Promise<number> {
  const child = spawn('sleep', ['60'], { stdio: 'ignore' });
  await once(child, 'spawn');
  const pid = child.pid!;
  const stat = parseStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  const exit = once(child, 'exit');
  child.kill('SIGKILL');
  await exit;
  if (!stat) throw new Error(`cannot read the start time of pid ${pid} from /proc/${pid}/stat`);
  const facts = await processFacts(pid);
  if (facts.alive && facts.start === stat.start) throw new Error(`pid ${pid} is still alive after SIGKILL`);

  mkdirSync(paths.lockDir, { recursive: true });
  mkdirSync(dirname(paths.lockFile), { recursive: true });
  const files = new LockFiles(paths.lockDir);
  const kernel = await KernelLock.acquire(paths.lockFile, { waitMs: 2000 });
  try {
    const generation = (await files.readGeneration()) + 1;
    const at = new Date().toISOString();
    await files.writeGeneration(generation);
    await files.writeOwner({
      pid,
      pid_start: stat.start,
      boot_id: bootId(),
      holder: 'aimlock',
      device,
      purpose: 'simulated crash mid-apply (aimlock sim ghost)',
      generation,
      acquired_at: at,
      heartbeat_at: at,
      token: randomUUID(),
      pid_ns: pidNamespace('self') ?? undefined,
    });
    await files.writeBit(1);
  } finally {
    await kernel.release();
  }
  return pid;
}

/**
 * A live foreign holder of the board's kernel lock: `flock --no-fork -x {config}.lock sh -c '…'` from
 * util-linux, without the lock bit (verdict UNOWNED). --no-fork keeps one pid for the lock's whole life, so
 * killing that pid frees the lock. The shell waits on its stdin (a pipe from this process) instead of
 * sleeping: when the simulator dies without cleaning up, the pipe closes and the holder goes with it.
 */
export async function spawnHotHolder(lockFile: string, timeoutMs = 10_000): Promise<ChildProcess> {
  mkdirSync(dirname(lockFile), { recursive: true });
  const child = spawn('flock', ['--no-fork', '-x', lockFile, 'sh', '-c', 'echo locked; read -r line'], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d) => {
    stderr += d;
  });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(
      () => fail(new Error(`flock(1) did not take ${lockFile} within ${timeoutMs} ms`)),
      timeoutMs,
    );
    const fail = (err: Error) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(err);
    };
    child.once('error', (err: NodeJS.ErrnoException) =>
      fail(
        new Error(
          err.code === 'ENOENT'
            ? 'flock(1) is not installed (util-linux); it is needed for hot drones'
            : `flock(1): ${err.message}`,
        ),
      ),
    );
    child.once('exit', (code) =>
      fail(new Error(`flock(1) exited (${code}) before taking ${lockFile}: ${stderr}`)),
    );
    child.stdout!.on('data', (d) => {
      out += d;
      if (!out.includes('locked\n')) return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      resolve();
    });
  });
  return child;
}

/** SIGKILL and wait for the exit (a no-op for a child that is already gone). */
export async function killChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = once(child, 'exit');
  child.kill('SIGKILL');
  await gone;
}
