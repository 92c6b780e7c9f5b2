// The fs-ext binding, loaded once, as promises. fcntl runs asynchronously, on a libuv worker thread: fs-ext's
// synchronous fcntl passes F_SETLK an int instead of a struct flock (EFAULT). That is fine: POSIX locks belong
// to the process, not to a thread. flock runs synchronously: every caller passes LOCK_NB or LOCK_UN, so it
// never waits (~1 µs here), where a worker round trip cost tens of µs and a wake-up of the event loop — two of
// them a landing (lock, unlock). flockOnPool is the worker round trip, for the one caller that wants it.
import { createRequire } from 'node:module';

interface FsExt {
  flockSync(fd: number, flags: number): void;
  flock(fd: number, flags: number, cb: (err: NodeJS.ErrnoException | null) => void): void;
  fcntl(
    fd: number,
    cmd: number,
    arg: number,
    cb: (err: NodeJS.ErrnoException | null, result?: number) => void,
  ): void;
  constants: Record<'LOCK_EX' | 'LOCK_NB' | 'LOCK_UN' | 'F_SETLK' | 'F_WRLCK' | 'F_UNLCK', number>;
}
const fsExt = createRequire(import.meta.url)('fs-ext') as FsExt;

export const C = fsExt.constants;

/** flock(2) with LOCK_NB or LOCK_UN (refused otherwise: a blocking flock would stall the event loop). */
export const flock = async (fd: number, flags: number): Promise<void> => {
  if ((flags & C.LOCK_UN) === 0 && (flags & C.LOCK_NB) === 0)
    throw new TypeError('flock without LOCK_NB would block the event loop');
  fsExt.flockSync(fd, flags);
};

/**
 * flock(2) on a worker thread: a process taking its turn at a shared file line after line (the audit log) gives
 * another writer polling for it a chance between two turns; taken synchronously it re-took the lock within
 * microseconds and the other starved (store/audit.ts).
 */
export const flockOnPool = (fd: number, flags: number) =>
  new Promise<void>((resolve, reject) => fsExt.flock(fd, flags, (err) => (err ? reject(err) : resolve())));

/** fcntl(F_SETLK) with a whole-file lock of `type` (F_WRLCK or F_UNLCK). */
export const fcntlLock = (fd: number, type: number) =>
  new Promise<void>((resolve, reject) =>
    fsExt.fcntl(fd, C.F_SETLK, type, (err) => (err ? reject(err) : resolve())),
  );

/** EWOULDBLOCK (flock) and EAGAIN/EACCES (fcntl F_SETLK): somebody else holds it. */
export const isBusy = (err: unknown) => {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'EWOULDBLOCK' || code === 'EAGAIN' || code === 'EACCES';
};
