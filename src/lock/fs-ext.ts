// The fs-ext binding, loaded once, as promises. Only the asynchronous calls are used: fs-ext's synchronous
// fcntl passes F_SETLK an int instead of a struct flock (EFAULT). They run on a libuv worker thread, which is
// fine: flock locks belong to the open file description and POSIX locks to the process, not to a thread.
import { createRequire } from 'node:module';

interface FsExt {
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

export const flock = (fd: number, flags: number) =>
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
