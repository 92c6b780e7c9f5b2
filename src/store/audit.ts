// The append-only audit log, `{state_dir}/audit.jsonl`: applies, rejects, reclaims, force releases, holds.
// The agent and the CLI (several processes) append to it at the same time.
//
// INVARIANTS
// - One entry = one line = ONE write(2) on an fd opened with O_APPEND. The kernel positions each such write at
//   the end of the file and, for a regular file, does not interleave it with another process's write — for
//   long lines too (the PIPE_BUF limit is about pipes). Never split a line over two writes.
// - JSON.stringify escapes newlines, so an entry can never break into two lines.
// - The promise resolves only after fdatasync (and a directory fsync when the call created the file): an
//   audited action is on disk before it is reported done. The one exception is an `applied` line (sync
//   false): the landing's durable records (state.json, history) say the same, and start-up writes the line
//   again when a power cut lost it (agent/recover-audit.ts) — so it costs no sync of its own.
// - A crash can only tear the last line. The next appender starts on a fresh line when the file does not end
//   in "\n", so a torn line never swallows the entry after it; readers skip lines that are not JSON objects.
// - Appenders take turns (flock on the log) from that check to the end of their write: a reader can see
//   another process's line half-written (the kernel grows the file page by page), and taking it for a torn
//   line would add an empty one. A turn not given within TURN_WAIT_MS (a foreign flock on the log) is not
//   waited for: the worst case is then that empty line, which readers skip.
// - Root appends too (a technician's command), into a directory the agent's user owns: the log is opened
//   through owned.ts — never through a link, only as a regular file with one link, and a log root creates
//   belongs to the agent's user (else the agent's next append fails EACCES).
import { closeSync, constants, fdatasync, fstatSync, fsync, readSync, writeSync } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { C, flock, flockOnPool, isBusy } from '../lock/fs-ext.js';
import {
  explainLink,
  inParent,
  type OwnedTree,
  openInPlace,
  READ_NOFOLLOW,
  UnsafePathError,
} from './owned.js';

export interface AuditEntry {
  ts: string;
  [key: string]: unknown;
}

export const AUDIT_MODE = 0o640;
// O_RDWR rather than O_WRONLY only so the last byte can be checked with pread; writes still go to the end.
const FLAGS = constants.O_RDWR | constants.O_APPEND;
const NEWLINE = 0x0a;

/** The bytes of one audit line: `ts` first (now, when missing), and a leading "\n" to close a torn line. */
export function auditLine(entry: Record<string, unknown>, closeTornLine = false): Buffer {
  const { ts, ...rest } = entry;
  const line = JSON.stringify({ ts: ts ?? new Date().toISOString(), ...rest });
  return Buffer.from(`${closeTornLine ? '\n' : ''}${line}\n`, 'utf8');
}

const TURN_WAIT_MS = 2000;
/** Polling interval of a writer waiting for its turn; also how long a turn must lie back to be asked at once. */
const TURN_POLL_MS = 2;
/** When this process last gave a turn at each log back (performance.now()). */
const lastTurnEnded = new Map<string, number>();

/**
 * Our turn at the log (true), or false when another holder kept it past TURN_WAIT_MS. Taken on the thread pool
 * even though it never blocks (LOCK_NB): taken synchronously, a writer appending line after line re-took the lock
 * within microseconds of giving it back, and a second writer polling every TURN_POLL_MS starved. Only a turn
 * asked for at least TURN_POLL_MS after our last one at that log is first tried at once (a landing's line,
 * pushes apart): a waiting writer most likely polled in that gap, and one that keeps missing it writes after
 * TURN_WAIT_MS without a turn, at worst leaving an empty line readers skip (header). 1–2 % of a push
 * (README, Performance); the two writers of test/store-state passed 13 of 13 runs, a turn always taken at
 * once failed 1 of 3.
 */
async function takeTurn(fd: number, path: string): Promise<boolean> {
  if (performance.now() - (lastTurnEnded.get(path) ?? Number.NEGATIVE_INFINITY) >= TURN_POLL_MS) {
    try {
      await flock(fd, C.LOCK_EX | C.LOCK_NB);
      return true;
    } catch {
      // busy (or failing): the loop below decides
    }
  }
  const deadline = Date.now() + TURN_WAIT_MS;
  for (;;) {
    try {
      await flockOnPool(fd, C.LOCK_EX | C.LOCK_NB);
      return true;
    } catch (err) {
      if (!isBusy(err) || Date.now() > deadline) return false;
      await sleep(TURN_POLL_MS);
    }
  }
}

const datasyncP = promisify(fdatasync);
// The new log's directory fsync leaves the event loop too (a simulator's first hold writes 1,000 new logs).
const fsyncP = promisify(fsync);

/** `tree`: the state directory the log is in (owned.ts); the board always passes it. */
export async function appendAudit(
  path: string,
  entry: Record<string, unknown>,
  tree?: OwnedTree,
  /**
   * false: no fdatasync — only for a line start-up can write again from a durable record when a power cut
   * loses it (an `applied` line: agent/recover-audit.ts rebuilds it from state.json and history).
   */
  sync = true,
): Promise<void> {
  await inParent(path, tree, tree !== undefined, async (dir, name) => {
    let fd: number;
    try {
      fd = openInPlace(dir, name, FLAGS, AUDIT_MODE);
    } catch (err) {
      throw explainLink(err, path);
    }
    let size: number;
    try {
      // Only the turn and the fdatasync leave the event loop: fstat, pread and write take microseconds.
      await takeTurn(fd, path); // released by close
      size = fstatSync(fd).size;
      const buf = auditLine(entry, size > 0 && byteAt(fd, size - 1) !== NEWLINE);
      const bytesWritten = writeSync(fd, buf, 0, buf.length);
      if (bytesWritten !== buf.length)
        throw new Error(`short write to ${path} (${bytesWritten} of ${buf.length} bytes)`);
      if (sync) await datasyncP(fd);
    } finally {
      closeSync(fd);
      lastTurnEnded.set(path, performance.now());
    }
    // An empty file may have just been created: its directory entry must survive a power cut too.
    if (size === 0 && sync) await fsyncP(dir.fd);
  });
}

/** Every whole entry, oldest first; a torn or foreign line is skipped. An absent log is empty. */
export async function readAudit(path: string): Promise<AuditEntry[]> {
  let text: string;
  try {
    text = await readFile(path, { encoding: 'utf8', flag: READ_NOFOLLOW });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw explainLink(err, path);
  }
  return parseAudit(text);
}

function parseAudit(text: string): AuditEntry[] {
  const entries: AuditEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const value: unknown = JSON.parse(line);
      if (typeof value === 'object' && value !== null && !Array.isArray(value))
        entries.push(value as AuditEntry);
    } catch {
      // torn by a crash mid-append, or not ours: skipped, never fatal — the rest of the log still counts
    }
  }
  return entries;
}

/** The whole entries in the last `bytes` of the log, oldest first (a start-up check need not read it all). */
export async function readAuditTail(path: string, bytes: number): Promise<AuditEntry[]> {
  let fh: Awaited<ReturnType<typeof open>>;
  try {
    fh = await open(path, READ_NOFOLLOW);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw explainLink(err, path);
  }
  try {
    const { size } = await fh.stat();
    const from = Math.max(0, size - bytes);
    const buf = Buffer.alloc(size - from);
    await fh.read(buf, 0, buf.length, from);
    const text = buf.toString('utf8');
    // From the middle of the file, the first line is a piece of one: skipped.
    return parseAudit(from > 0 ? text.slice(text.indexOf('\n') + 1) : text);
  } finally {
    await fh.close();
  }
}

function byteAt(fd: number, position: number): number | undefined {
  const buf = Buffer.alloc(1);
  const bytesRead = readSync(fd, buf, 0, 1, position);
  return bytesRead === 1 ? buf[0] : undefined;
}

/**
 * Audits something already done (a lock cleared, a hold placed or ended): a line the disk cannot take comes
 * back as its error's message, to be said next to the report — not thrown, which would report the action
 * itself as failed. A planted link (unsafe_path) is still thrown.
 */
export async function auditDone(
  audit: (entry: Record<string, unknown>) => Promise<void>,
  entry: Record<string, unknown>,
): Promise<{ auditFailed?: string }> {
  try {
    await audit(entry);
    return {};
  } catch (err) {
    // A link planted where the log belongs is not a failing disk: refused loudly, as everywhere (owned.ts).
    if (err instanceof UnsafePathError) throw err;
    return { auditFailed: (err as Error).message };
  }
}

/** The words a report adds when an audit line is missing (auditDone): `whose` names it ("its", "the hold's"). */
export function auditNote(r: { auditFailed?: string }, whose = 'its'): string {
  return r.auditFailed ? `; ${whose} audit line could not be written (${r.auditFailed})` : '';
}
