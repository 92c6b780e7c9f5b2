// The persistent half of the lock: lock bit, owner record and generation counter, beside each other in
// `{state_dir}/locks/{config name}/`. Unlike kernel locks they survive their writer — which is exactly how
// ghosts are born — so no write here can be taken for another whole record by its readers, and the bit, the
// owner record and the generation are only ever written while both kernel locks are held: the bit is written
// last on acquire and cleared first on release. The owner record is replaced by temp file + rename; each
// process overwrites its own intent in place (intent-file.ts says why a half-written one is harmless). The bit
// and the generation are overwritten in place: a rename over an existing file makes ext4 start writing the new
// file out at once (auto_da_alloc), 0.7 ms a rename on this machine's disk against 7 µs for an overwrite, and
// the two of them were three renames a push. The bit changes one byte (`0`/`1`), and the generation only grows
// (generation.ts), so its new digits cover the old ones. (A reader racing the generation's overwrite could in
// theory see old and new digits mixed; the holder reads it under the kernel locks, where nobody writes it, and
// an observer only shows it.)
//
// None of it is fsync'd (src/store/DURABILITY.md): it is meaningful only within one boot. After a power cut
// the boot id differs, so whatever bit and record the disk kept — the last ones, older ones, or an empty file
// from a rename whose data never reached the disk — reads as FREE or as a reclaimable STALE (another boot;
// record missing or corrupt), never as a wrong HELD. The generation is the exception: a fencing token must
// never repeat, so it is reserved durably in blocks (generation.ts).
//
// The folder is in the state directory, which the agent's user owns, and root technicians write here too:
// every access goes through the tree (store/owned.ts) — no link followed, what root makes is the agent's.
// A link found where a record belongs is read as the worst case: a set bit, a corrupt owner record.
import {
  closeSync,
  constants as fsc,
  fstatSync,
  ftruncateSync,
  readdirSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { atomicWrite, sweepTempFiles } from '../store/atomic.js';
import { readText, readTextIfPresent } from '../store/json-file.js';
import {
  explainLink,
  inDirectory,
  inParent,
  type OwnedTree,
  openInPlace,
  UnsafePathError,
} from '../store/owned.js';
import type { IntentRecord, LockBit, OwnerRead, OwnerRecord } from './types.js';

const OWNER_KEYS: Array<[keyof OwnerRecord, 'number' | 'string']> = [
  ['pid', 'number'],
  ['pid_start', 'number'],
  ['boot_id', 'string'],
  ['generation', 'number'],
  ['heartbeat_at', 'string'],
];

/** The text, null when absent, LINK when a (symbolic) link stands where the file belongs. */
const LINK = Symbol('link');
async function readOrNull(
  path: string,
  tree?: OwnedTree,
  /** Absent more often than not (the owner record of a free lock): looked for with an lstat first (owned-read.ts). */
  usuallyAbsent = false,
): Promise<string | null | typeof LINK> {
  try {
    return usuallyAbsent ? await readTextIfPresent(path, tree) : await readText(path, tree);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    if (code === 'ELOOP' || code === 'unsafe_path') return LINK;
    throw err;
  }
}

/** Parses the bit file. Anything but a clear `0` counts as set: an unreadable bit must not look free. */
export function parseBit(text: string | null): LockBit {
  if (text === null) return null;
  return text.trim() === '0' ? 0 : 1;
}

/** Parses an owner record; a record that cannot name a process incarnation is `corrupt`. */
export function parseOwner(text: string | null): OwnerRead {
  if (text === null) return { state: 'absent' };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { state: 'corrupt', error: `not JSON: ${(err as Error).message}` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { state: 'corrupt', error: 'not a JSON object' };
  }
  const record = value as Record<string, unknown>;
  for (const [key, type] of OWNER_KEYS) {
    if (typeof record[key] !== type) return { state: 'corrupt', error: `"${key}" is not a ${type}` };
  }
  return { state: 'ok', record: record as unknown as OwnerRecord };
}

export class LockFiles {
  readonly bitPath: string;
  readonly ownerPath: string;
  readonly generationPath: string;
  /** `CEILING BOOT_ID`: every generation handed out is below the ceiling (generation.ts). */
  readonly reservePath: string;
  readonly intentsDir: string;

  /** `tree`: the state directory (the board passes it; a bare LockFiles follows links like any file code). */
  constructor(
    readonly dir: string,
    readonly tree?: OwnedTree,
  ) {
    this.bitPath = join(dir, 'conf_locked');
    this.ownerPath = join(dir, 'owner.json');
    this.generationPath = join(dir, 'generation');
    this.reservePath = join(dir, 'generation.reserved');
    this.intentsDir = join(dir, 'intents');
  }

  /** Each process writes only its own intent file (intent-file.ts), so no lock is needed. */
  intentPath(pid: number): string {
    return join(this.intentsDir, `${pid}.json`);
  }

  /** Removes the intent file of `pid`: ours when done with it, another's when it is gone (intents.ts prune). */
  async removeIntent(pid: number): Promise<void> {
    await this.remove(this.intentPath(pid)).catch(() => {});
  }

  async readIntent(pid: number): Promise<IntentRecord | null> {
    try {
      const text = await readText(this.intentPath(pid), this.tree);
      const value = JSON.parse(text) as IntentRecord;
      return typeof value.pid_start === 'number' && typeof value.at === 'string' ? value : null;
    } catch {
      return null;
    }
  }

  /** Pids with an intent file (left behind by processes killed mid-transition, among others). */
  async intentPids(): Promise<number[]> {
    const names = await inDirectory(this.intentsDir, this.tree, false, (d) => readdirSync(d.at(''))).catch(
      () => [] as string[],
    );
    return names.map((n) => Number.parseInt(n, 10)).filter((n) => Number.isSafeInteger(n) && n > 0);
  }

  async readBit(): Promise<LockBit> {
    const text = await readOrNull(this.bitPath, this.tree);
    return text === LINK ? 1 : parseBit(text);
  }

  async readOwner(): Promise<OwnerRead> {
    const text = await readOrNull(this.ownerPath, this.tree, true);
    return text === LINK
      ? { state: 'corrupt', error: 'a link or special file stands where the record belongs' }
      : parseOwner(text);
  }

  /** True when the owner record on disk is the one with `token`: the lease is still ours to refresh or end. */
  async ownsRecord(token: string): Promise<boolean> {
    const owner = await this.readOwner();
    return owner.state === 'ok' && owner.record.token === token;
  }

  async readGeneration(): Promise<number> {
    const text = await readOrNull(this.generationPath, this.tree);
    const n = Number.parseInt(text === LINK ? '0' : (text ?? '0'), 10);
    return Number.isSafeInteger(n) && n >= 0 ? n : 0;
  }

  /** Caller holds both kernel locks. Not durable: generation.ts keeps tokens unique across power cuts. */
  async writeGeneration(n: number): Promise<void> {
    await this.overwrite(this.generationPath, `${n}\n`);
  }

  /** The durable reservation (generation.ts), or null when absent or unreadable (then the counter counts). */
  async readReserve(): Promise<{ ceiling: number; boot: string } | null> {
    const text = await readOrNull(this.reservePath, this.tree);
    if (text === null || text === LINK) return null;
    const m = /^(\d+) (\S+)\n?$/.exec(text);
    const ceiling = Number(m?.[1]);
    return m && Number.isSafeInteger(ceiling) ? { ceiling, boot: m[2] as string } : null;
  }

  /** Caller holds both kernel locks. Durable: the crash point is a power cut after a token is handed out. */
  async writeReserve(ceiling: number, boot: string): Promise<void> {
    await atomicWrite(this.reservePath, `${ceiling} ${boot}\n`, { tree: this.tree });
  }

  /** Caller holds both kernel locks. Not durable: after a power cut any bit reads FREE or STALE (header). */
  async writeBit(bit: 0 | 1): Promise<void> {
    await this.overwrite(this.bitPath, `${bit}\n`);
  }

  /**
   * Caller holds both kernel locks. An absent bit reads as free (CONTRACT §3), and an unlink needs no free
   * space: the way to clear the bit when a full disk refuses writeBit(0)'s temporary file.
   */
  async removeBit(): Promise<void> {
    await this.remove(this.bitPath).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
    });
  }

  /**
   * Caller holds both kernel locks (or is the owner refreshing its heartbeat). Not durable: the record names
   * its boot, and after a power cut any record on disk is another boot's (STALE), or missing/corrupt (STALE).
   */
  async writeOwner(record: OwnerRecord): Promise<void> {
    await atomicWrite(this.ownerPath, `${JSON.stringify(record, null, 2)}\n`, {
      tree: this.tree,
      durable: false,
    });
  }

  /** Caller holds both kernel locks. */
  async removeOwner(): Promise<void> {
    await this.remove(this.ownerPath).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
    });
  }

  /**
   * Removes the temporaries dead writers left in the lock directory (a writer killed between creating its
   * temporary and renaming it into place). Part of clearing a ghost: when root reclaims, a root-made temporary
   * of the dead writer would otherwise stay root's until the agent's next start sweeps it. The directory is
   * reached through its fd, so a planted link cannot send root's unlinks elsewhere.
   */
  sweepDeadTemporaries(): Promise<string[]> {
    return inDirectory(this.dir, this.tree, false, (d) => sweepTempFiles(d.at('.')));
  }

  /**
   * Overwrites `path` in place from its first byte (header: why not temp + rename), never through a link and
   * only when it is a regular file with one link (owned.ts openInPlace); cut to `text` when it was longer (a
   * technician's `echo 0 >` leaves `0\n`, a hand edit may leave more). Anything else planted at the name — a
   * link, a second hard link, a FIFO (opened O_NONBLOCK: ENXIO, never a hang) — is replaced the old way, by
   * temp + rename, which follows nothing and heals the name.
   */
  async overwrite(path: string, text: string | Buffer, create = this.tree !== undefined): Promise<void> {
    try {
      await this.overwriteInPlace(path, text, create);
    } catch (err) {
      if (!(err instanceof UnsafePathError)) throw err;
      await this.replace(path, text);
    }
  }

  /** Temp + rename (not synced): readers see the old bytes or the new, whole. */
  async replace(path: string, text: string | Buffer): Promise<void> {
    await atomicWrite(path, text, { tree: this.tree, durable: false });
  }

  private overwriteInPlace(path: string, text: string | Buffer, create: boolean): Promise<void> {
    return inParent(path, this.tree, create, (dir, name) => {
      let fd: number;
      try {
        fd = openInPlace(dir, name, fsc.O_WRONLY | fsc.O_NONBLOCK, 0o644);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENXIO')
          throw new UnsafePathError(path, 'it is a FIFO, not a regular file');
        throw explainLink(err, path);
      }
      try {
        const bytes = typeof text === 'string' ? Buffer.from(text) : text;
        if (writeSync(fd, bytes, 0, bytes.length, 0) !== bytes.length)
          throw new Error(`short write to ${path}`);
        if (fstatSync(fd).size > bytes.length) ftruncateSync(fd, bytes.length);
      } finally {
        closeSync(fd);
      }
    });
  }

  /**
   * unlink(2) removes a link itself, never its target; the folder is reached without links. Synchronous like
   * every other call on these few-byte records (store/owned-read.ts readBytesSync says why).
   */
  private remove(path: string): Promise<void> {
    return inParent(path, this.tree, false, (d, name) => unlinkSync(d.at(name)));
  }
}
