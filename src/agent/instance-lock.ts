// One agent per board. A second aimlockd on the same state directory would delete the first one's control
// socket (serveControl replaces a leftover socket), number its outbox entries over the first one's, and run a
// second collector and a second desired state against the same lock. So the agent holds flock(LOCK_EX) on
// `{state_dir}/aimlockd.instance` for its whole life and a second one refuses to start.
//
// INVARIANTS
// - This is NOT the config's `.lock` file: that one carries the config lock's flock+fcntl pair and must be
//   opened once per process by the Locksmith only (closing any other fd of it would drop our POSIX lock).
// - flock belongs to the open file description: the kernel drops it when the agent dies, however it dies, so a
//   crashed agent never blocks the next one. The pid written into the file is only for the error message.
// - The fd kept for the agent's life is read-only (flock needs no write access): a file held open for writing
//   stops `mount -o remount,ro` of the state directory (EBUSY), which a technician or the fault tests may need.
//   The pid goes in through a second, short-lived fd; closing it does not drop a flock (unlike fcntl locks).
import { closeSync, constants as fsc, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { CliError } from '../errors.js';
import { C, flock, isBusy } from '../lock/fs-ext.js';
import { inDirectory, type OwnedTree, openInPlace } from '../store/owned.js';

export const INSTANCE_FILE = 'aimlockd.instance';

export class InstanceLock {
  private constructor(
    readonly path: string,
    private fd: number,
  ) {}

  /** Takes the board's instance lock, or throws CliError `already_running` naming the running agent. */
  static async take(stateDir: string, tree?: OwnedTree): Promise<InstanceLock> {
    const path = join(stateDir, INSTANCE_FILE);
    // Through the board's tree (store/owned.ts): no link followed, and made by root (aimlockd run by hand) it
    // still belongs to the agent's user, so the service can open it afterwards.
    const fd = await inDirectory(stateDir, tree, true, (dir) =>
      openInPlace(dir, INSTANCE_FILE, fsc.O_RDONLY, 0o644),
    );
    try {
      await flock(fd, C.LOCK_EX | C.LOCK_NB);
    } catch (err) {
      closeSync(fd);
      if (!isBusy(err)) throw err;
      const pid = readPid(path);
      throw new CliError(
        'already_running',
        `another aimlockd${pid ? ` (pid ${pid})` : ''} already runs on ${stateDir} (it holds ${path}); stop it first (systemctl stop aimlockd), or give this one its own --settings with another state_dir`,
      );
    }
    try {
      const pidFd = openSync(`/proc/self/fd/${fd}`, fsc.O_WRONLY | fsc.O_TRUNC);
      try {
        writeSync(pidFd, `${process.pid}\n`, 0);
      } finally {
        closeSync(pidFd);
      }
    } catch (err) {
      closeSync(fd);
      throw err;
    }
    return new InstanceLock(path, fd);
  }

  /** At shutdown; the file stays (removing it would let a third agent lock a new inode beside a second). */
  async release(): Promise<void> {
    if (this.fd < 0) return;
    const fd = this.fd;
    this.fd = -1;
    await flock(fd, C.LOCK_UN).catch(() => {});
    closeSync(fd);
  }
}

function readPid(path: string): number | null {
  try {
    const pid = Number.parseInt(readFileSync(path, 'utf8'), 10);
    return Number.isSafeInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}
