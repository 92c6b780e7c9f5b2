// Who owns what under the state directory, and how any process — above all a root technician — touches it.
//
// OWNERSHIP (README "Who owns what on a board")
// - The agent's user (`aimlock`) owns the state directory (systemd StateDirectory=, systemd/aimlock.tmpfiles)
//   and everything under it. The owner of the tree is read from the tree's root directory itself, never from
//   a user name: a test board, a renamed user and a board in a container all work the same.
// - A root command (`sudo aimlock release --force`, hold, apply, …) creates nothing there the agent cannot later
//   write or delete: every directory and file it creates under the tree is fchown'ed, on the fd it created, to
//   the tree's owner before it is used (a file before it is renamed to its final name). A directory or file in
//   the tree that root opens and finds owned by someone else (left by an older version) is handed back the
//   same way, so nothing depends on who ran a command first.
//
// NO LINKS (INVARIANTS)
// - The agent's user can put symlinks anywhere in the tree. Nothing opened under it follows one: every
//   directory below the root is opened with O_DIRECTORY|O_NOFOLLOW *relative to its parent's fd* (through
//   /proc/self/fd/N/NAME: Node has no openat(2)), so swapping a directory for a link between a check and a use
//   gains nothing; final components are opened with O_NOFOLLOW, or created with O_EXCL and renamed into place.
// - A file opened for writing in place (audit log, .lock file) must be a regular file with one link: a hard
//   link would aim root's write at a file of someone else's.
// - Records are read the same way, and only as regular files (opened O_NONBLOCK, so a FIFO cannot hang root):
//   what root reads there may end up where the agent's user can read it (an error message in the audit log).
// - A refusal says which file, why, and what to do (UnsafePathError); nothing is written then (fail closed).
// - Needs /proc mounted, as the lock's liveness checks already do. Not covered: connect(2) to the control
//   socket (cli/control.ts checks the name first) and the observe-only stat of the .lock file in proc.ts.
// - The root itself is trusted as configured: it may be reached through links above it (/var → /data on some
//   boards), and the agent's user cannot replace it (its parent is not theirs).
//
// KEPT OPEN (the agent only: `new OwnedTree(root, { keepOpen: true })`)
// - Walking a directory down from the root costs an open, an fstat and a close per level; the agent touches the
//   tree about forty times per push, which made the walks most of a push's system calls. A long-lived process
//   keeps each directory it walked open and hands the same fd out again while an lstat of its path still names
//   the same directory (dev and inode). The fd was opened by the no-link walk, so it is a real directory of the
//   tree; if the path now names something else (a directory removed and made again, a link planted in its
//   place) the fd is dropped and the path walked again, which refuses the link as before.
// - A directory handed out is counted (Dir.retain/close): one dropped from the cache while a write is still
//   using it is closed when that write closes it, never under it (a reused fd number would aim the write's
//   rename at another directory).
import {
  type BigIntStats,
  closeSync,
  fchownSync,
  constants as fsc,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  type Stats,
} from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, sep } from 'node:path';

/** Mode of the directories made under the tree (systemd's StateDirectoryMode=0750). */
export const DIR_MODE = 0o750;

export class UnsafePathError extends Error {
  readonly code = 'unsafe_path';
  constructor(
    readonly path: string,
    readonly why: string,
  ) {
    super(
      `refusing to use ${path}: ${why}. Nothing was written there. Someone with the agent's user may have ` +
        `planted it: look at it (ls -l), remove it, and run the command again`,
    );
    this.name = 'UnsafePathError';
  }
}

export interface Owner {
  uid: number;
  gid: number;
}

// The effective uid never changes in this process: asked once, not at every file created (a system call each).
const IS_ROOT = process.geteuid?.() === 0;
const isRoot = () => IS_ROOT;

/** A directory held open by fd; names inside it are reached through the fd, never through its path again. */
export class Dir {
  /** Holders of this fd: the caller, plus the tree's cache while it keeps the directory open. */
  private refs = 1;
  constructor(
    readonly fd: number,
    readonly path: string,
    /** Whom files created here belong to; null outside any tree (left as the creator made them). */
    readonly owner: Owner | null,
  ) {}

  /** A path that resolves `name` inside THIS directory, whatever happens to `this.path` meanwhile. */
  at(name: string): string {
    return `/proc/self/fd/${this.fd}/${name}`;
  }

  /** Hands a file or directory root just created (or found astray) to the tree's owner, by its fd. */
  adopt(fd: number, given?: Stats): void {
    // Only root can give a file away, and only root's files need it: the agent's own need no fstat.
    if (!this.owner || !isRoot()) return;
    const st = given ?? fstatSync(fd);
    if (st.uid !== this.owner.uid || st.gid !== this.owner.gid)
      fchownSync(fd, this.owner.uid, this.owner.gid);
  }

  /** An error about `at(name)` made to name the real path (an fd path tells a technician nothing). */
  named(err: unknown): unknown {
    const e = err as NodeJS.ErrnoException & { dest?: string };
    const fdPath = `/proc/self/fd/${this.fd}`;
    if (e && typeof e.message === 'string' && e.message.includes(fdPath)) {
      e.message = e.message.replaceAll(fdPath, this.path);
      if (typeof e.path === 'string') e.path = e.path.replace(fdPath, this.path);
      if (typeof e.dest === 'string') e.dest = e.dest.replace(fdPath, this.path);
    }
    return err;
  }

  /** One more holder: each must close() it. */
  retain(): this {
    this.refs += 1;
    return this;
  }

  close(): void {
    if (this.refs <= 0) return;
    this.refs -= 1;
    if (this.refs === 0) closeSync(this.fd);
  }
}

interface Kept {
  dir: Dir;
  /** bigint: inode numbers past 2^53 (overlayfs with xino) must not compare equal by rounding. */
  dev: bigint;
  ino: bigint;
}

/** The state directory: the one tree whose contents the agent's user owns and may tamper with. */
export class OwnedTree {
  private readonly kept = new Map<string, Kept>();
  constructor(
    readonly root: string,
    private readonly opts: { keepOpen?: boolean } = {},
  ) {}

  /** True in a long-lived process (the agent): what it opens in the tree it may keep. */
  get keepsOpen(): boolean {
    return this.opts.keepOpen === true;
  }

  /**
   * `dir` opened by `open`, or (keepOpen) the fd kept from an earlier open while its path still names that same
   * directory: one lstat instead of a walk. The caller closes what it gets either way.
   */
  reuse(dir: string, open: () => Dir): Dir {
    if (!this.opts.keepOpen) return open();
    const kept = this.kept.get(dir);
    if (kept) {
      const st = lstatOrNull(dir);
      if (st?.isDirectory() && st.dev === kept.dev && st.ino === kept.ino) return kept.dir.retain();
      this.kept.delete(dir);
      kept.dir.close();
    }
    const fresh = open();
    try {
      const st = fstatSync(fresh.fd, { bigint: true });
      this.kept.set(dir, { dir: fresh.retain(), dev: st.dev, ino: st.ino });
    } catch {} // not kept: used once and closed by the caller
    return fresh;
  }

  /** Closes the directories kept open (a stopped agent); later opens walk again. */
  close(): void {
    for (const kept of this.kept.values()) kept.dir.close();
    this.kept.clear();
  }

  /** True when `path` is the root or below it. */
  contains(path: string): boolean {
    const rel = relative(this.root, path);
    return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
  }

  /** Opens `dir` without following links below the root; missing directories are made (owned) when `create`. */
  openDir(dir: string, create: boolean): Dir {
    return this.reuse(dir, () => this.walk(dir, create));
  }

  private walk(dir: string, create: boolean): Dir {
    if (create) mkdirSync(this.root, { recursive: true, mode: DIR_MODE });
    let fd = openSync(this.root, fsc.O_RDONLY | fsc.O_DIRECTORY);
    const st = fstatSync(fd);
    const owner = { uid: st.uid, gid: st.gid };
    let here = this.root;
    try {
      for (const name of relative(this.root, dir).split(sep).filter(Boolean)) {
        const parent = new Dir(fd, here, owner);
        here = join(here, name);
        const next = openChild(parent, name, here, create);
        closeSync(fd);
        fd = next;
      }
    } catch (err) {
      closeSync(fd);
      throw err;
    }
    return new Dir(fd, here, owner);
  }
}

function openChild(parent: Dir, name: string, path: string, create: boolean): number {
  const flags = fsc.O_RDONLY | fsc.O_DIRECTORY | fsc.O_NOFOLLOW;
  let fd: number;
  try {
    fd = openSync(parent.at(name), flags);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && create) {
      try {
        mkdirSync(parent.at(name), DIR_MODE);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      return openChild(parent, name, path, false);
    }
    if (code === 'ELOOP' || code === 'ENOTDIR') throw new UnsafePathError(path, describe(parent, name));
    throw err;
  }
  // A directory root made a moment ago, or one an older version left root's: the agent's from now on.
  parent.adopt(fd);
  return fd;
}

function describe(parent: Dir, name: string): string {
  try {
    const st = lstatSync(parent.at(name));
    if (st.isSymbolicLink()) return 'it is a symbolic link where a directory belongs';
    return 'it is not a directory';
  } catch {
    return 'it changed while it was being opened';
  }
}

/** Opens `dir`: through `tree` when it is inside it, else plainly (outside the tree, links are not ours). */
export function openDirectory(dir: string, tree: OwnedTree | undefined, create: boolean): Dir {
  if (tree?.contains(dir)) return tree.openDir(dir, create);
  const open = () => {
    if (create) mkdirSync(dir, { recursive: true });
    return new Dir(openSync(dir, fsc.O_RDONLY | fsc.O_DIRECTORY), dir, null);
  };
  return tree ? tree.reuse(dir, open) : open();
}

function lstatOrNull(path: string): BigIntStats | null {
  try {
    return lstatSync(path, { bigint: true });
  } catch {
    return null; // gone or unreadable: walked again, which says why if it matters
  }
}

/** The directory holding `path` (see openDirectory). */
export function openParent(path: string, tree: OwnedTree | undefined, create: boolean): Dir {
  return openDirectory(dirname(path), tree, create);
}

/** Runs `fn` with `dir` open (see openDirectory); always closes it. */
export async function inDirectory<T>(
  dir: string,
  tree: OwnedTree | undefined,
  create: boolean,
  fn: (dir: Dir) => Promise<T> | T,
): Promise<T> {
  const d = openDirectory(dir, tree, create);
  try {
    return await fn(d);
  } catch (err) {
    throw d.named(err);
  } finally {
    d.close();
  }
}

/** Runs `fn` with the parent directory of `path` open; always closes it. */
export async function inParent<T>(
  path: string,
  tree: OwnedTree | undefined,
  create: boolean,
  fn: (dir: Dir, name: string) => Promise<T> | T,
): Promise<T> {
  const dir = openParent(path, tree, create);
  try {
    return await fn(dir, basename(path));
  } catch (err) {
    throw dir.named(err);
  } finally {
    dir.close();
  }
}

/**
 * Opens a file that is written in place and shared (the audit log, the `.lock` file): created when missing
 * (then owned by the tree's owner), never through a link, and only when it is a regular file with one link.
 * Returns its fd; the caller closes it.
 */
export function openInPlace(dir: Dir, name: string, flags: number, mode: number): number {
  const fd = openSync(dir.at(name), flags | fsc.O_CREAT | fsc.O_NOFOLLOW, mode);
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new UnsafePathError(join(dir.path, name), 'it is not a regular file');
    if (st.nlink !== 1) {
      throw new UnsafePathError(
        join(dir.path, name),
        `it has ${st.nlink} hard links (it may be another file's other name)`,
      );
    }
    dir.adopt(fd, st);
    return fd;
  } catch (err) {
    closeSync(fd);
    throw err;
  }
}

/** open(2) on a symlink with O_NOFOLLOW fails ELOOP: turned into a refusal that says so. */
export function explainLink(err: unknown, path: string): unknown {
  return (err as NodeJS.ErrnoException).code === 'ELOOP'
    ? new UnsafePathError(path, 'it is a symbolic link')
    : err;
}

/** Flags for reading a file in the tree: never through a link. */
export const READ_NOFOLLOW = fsc.O_RDONLY | fsc.O_NOFOLLOW;
