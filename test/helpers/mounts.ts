// Real file-system faults: small tmpfs mounts that fill up (ENOSPC), remounted read-only (EROFS). Every mount
// is unmounted in t.teardown, also when the test fails. Where the machine forbids mounts (not root, no
// CAP_SYS_ADMIN, a container) the test file skips with the reason (mountsUnavailable) — except in CI, where it
// must run: there the same situation fails it.
import { execFile, spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);

interface Teardown {
  teardown(fn: () => void | Promise<void>): void;
}

export interface Mount {
  dir: string;
  remount(mode: 'ro' | 'rw'): Promise<void>;
  /** Writes zeros into `name` until the file system is full (ENOSPC); returns the file's path. */
  fill(name?: string): string;
}

/**
 * Why this machine cannot mount a tmpfs (not root, a sandbox that forbids mounts), or null when it can. Tests
 * skip on the reason — except in CI, where they must run (the test file fails instead).
 */
export function mountsUnavailable(): string | null {
  if (process.getuid?.() !== 0) return 'mounting a tmpfs needs root';
  const dir = mkdtempSync(join(tmpdir(), 'aimlock-mount-probe-'));
  try {
    const r = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir], { encoding: 'utf8' });
    if (r.status !== 0) return `mount -t tmpfs failed: ${(r.stderr || String(r.error)).trim()}`;
    spawnSync('umount', [dir]);
    return null;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A board directory for fault tests, outside tap's fixture dir: tap removes its fixtures in a teardown that
 * runs before ours, and a mount point inside would make that removal fail — and with it every teardown after
 * it (processes left running). Our one teardown unmounts (lazily, if a process still uses the mount) and
 * then removes the directory, and never throws.
 */
export interface FaultDir {
  dir: string;
  /** A tmpfs of `sizeKiB` on `dir/sub` (see mountsUnavailable() for machines that forbid it). */
  tmpfs(sub: string, sizeKiB: number): Promise<Mount>;
}

export function faultDir(t: Teardown): FaultDir {
  const dir = mkdtempSync(join(tmpdir(), 'aimlock-fault-'));
  const mounted: string[] = [];
  t.teardown(async () => {
    for (const m of mounted.reverse()) {
      await exec('umount', [m]).catch(() => exec('umount', ['-l', m]).catch(() => {}));
    }
    rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  });
  return {
    dir,
    async tmpfs(sub, sizeKiB) {
      const path = join(dir, sub);
      mkdirSync(path, { recursive: true });
      await exec('mount', ['-t', 'tmpfs', '-o', `size=${sizeKiB}k,mode=0755`, 'tmpfs', path]);
      mounted.push(path);
      return mountAt(path);
    },
  };
}

function mountAt(dir: string): Mount {
  return {
    dir,
    async remount(mode) {
      await exec('mount', ['-o', `remount,${mode}`, dir]);
    },
    fill(name = 'fill') {
      const path = join(dir, name);
      const fd = openSync(path, 'a');
      const chunk = Buffer.alloc(4096);
      try {
        for (;;) writeSync(fd, chunk);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
      } finally {
        closeSync(fd);
      }
      return path;
    },
  };
}

/** Frees what fill() took. */
export function unfill(path: string): void {
  unlinkSync(path);
}
