// The kernel's view of the lock and of processes, read from /proc. Reads only.
//
// Never open the `.lock` file here: closing ANY fd of that file drops the calling process's fcntl (POSIX)
// lock, and the agent reading a status may be the very process holding it. The file is identified by
// `stat` (device + inode) and matched against /proc/locks.
//
// Reads are synchronous: procfs answers from kernel memory and never waits on a disk, while each asynchronous
// read was a thread-pool round trip per open, fstat, read and close — most of a push's system calls. The one
// exception is /proc/locks: reading it takes the kernel's file-lock semaphore for writing, which waits for an
// RCU grace period unless another reader came within a few ms (13 ms here after a quiet spell, 20 µs back to
// back). That wait happens on a pool thread, not on the event loop: the collector looks every gc_interval_ms,
// after a quiet spell each time, and a push arriving then must not wait 13 ms for it (README, "Performance").
// The functions keep their promise signatures so that a slower source could come back without touching callers.
import { readFileSync, readlinkSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { KernelHolder, ProcessFacts, Visibility } from './types.js';

/** Inode of the initial (host) pid namespace: a kernel constant (PROC_PID_INIT_INO, 0xEFFFFFFC). */
export const INITIAL_PID_NS = 'pid:[4026531836]';

const KINDS: ReadonlySet<string> = new Set(['FLOCK', 'POSIX', 'OFDLCK', 'LEASE', 'DELEG', 'ACCESS']);

/** `MAJOR:MINOR:INODE` as fs/locks.c prints it (`%02x:%02x:%lu`): major and minor in hex, inode decimal. */
const DEV_INO = /^([0-9a-f]+):([0-9a-f]+):(\d+)$/i;

/**
 * Splits a stat `dev` into major and minor with glibc's `gnu_dev_major/minor` masks (the masks matter: without
 * them the high major bits leak into the minor). The kernel's own dev_t is 12+20 bits, encoded for userspace by
 * `new_encode_dev`; fs/locks.c prints MAJOR/MINOR of that same dev_t.
 */
export function devMajorMinor(dev: bigint | number): { major: number; minor: number } {
  const d = BigInt(dev);
  const major = ((d & 0xfff00n) >> 8n) | ((d & 0xfffff00000000000n) >> 32n);
  const minor = (d & 0xffn) | ((d & 0xffffff00000n) >> 12n);
  return { major: Number(major), minor: Number(minor) };
}

/**
 * The /proc/locks lines about one file (by device and inode). Holders and waiters (`->`) are both returned,
 * waiters with `blocked: true`. Pid -1 is an OFD lock, 0 a holder outside the reader's pid namespace (modern
 * kernels leave such holders out altogether, which is why `visibility()` matters), other negatives remote locks.
 *
 * Each holder is listed once. The kernel hands /proc/locks out a page (~50 lines) per read(), and between two
 * reads locks come and go, so a line may repeat (seen in CI: one flock(1) holder twice while other tests took
 * and dropped locks) — or be missed, which no reader can prevent: that is why a mismatch is only reported after
 * two looks agree, and why reclaim decides again under the kernel locks.
 */
export function parseProcLocks(
  text: string,
  dev: { major: number; minor: number },
  ino: number | bigint,
): KernelHolder[] {
  const want = BigInt(ino);
  const out: KernelHolder[] = [];
  for (const line of linesNaming(text, want)) {
    const tokens = line.trim().split(/\s+/);
    if (tokens.length < 5 || !/^\d+:$/.test(tokens[0] ?? '')) continue;
    let i = 1;
    const blocked = tokens[i] === '->';
    if (blocked) i++;
    const kind = tokens[i];
    if (kind === undefined || !KINDS.has(kind)) continue;
    const devAt = tokens.findIndex((t, k) => k > i && DEV_INO.test(t));
    if (devAt < i + 3) continue; // need at least: kind, [ADVISORY|ACTIVE…], mode, pid, dev
    const m = DEV_INO.exec(tokens[devAt] ?? '');
    if (!m) continue;
    if (Number.parseInt(m[1] ?? '', 16) !== dev.major || Number.parseInt(m[2] ?? '', 16) !== dev.minor)
      continue;
    if (BigInt(m[3] ?? '-1') !== want) continue;
    const pid = Number(tokens[devAt - 1]);
    if (!Number.isInteger(pid)) continue;
    const rawMode = tokens[devAt - 2];
    // RW (old kernels) is a write lock; UNLCK (a lease being broken to nothing) is the weakest: READ.
    const mode = rawMode === 'WRITE' || rawMode === 'RW' ? 'WRITE' : 'READ';
    const holder = { kind: kind as KernelHolder['kind'], mode, pid, blocked } as const;
    if (!out.some((h) => h.kind === kind && h.mode === mode && h.pid === pid && h.blocked === blocked))
      out.push(holder);
  }
  return out;
}

/**
 * The lines of /proc/locks that can name inode `ino`: those holding `:INO ` (the end of `MAJOR:MINOR:INODE`,
 * then the range). The table lists every lock on the machine — thousands of lines on a simulator landing a
 * thousand boards at once, read by every look — so only these few are split and matched; a line found here
 * is still parsed whole, and one that merely contains the digits elsewhere is rejected by the parse.
 */
function* linesNaming(text: string, ino: bigint): Generator<string> {
  const needle = `:${ino} `;
  let at = text.indexOf(needle);
  while (at >= 0) {
    const start = text.lastIndexOf('\n', at) + 1;
    const nl = text.indexOf('\n', at);
    const end = nl < 0 ? text.length : nl;
    yield text.slice(start, end);
    at = text.indexOf(needle, end);
  }
}

/**
 * The kernel locks (holders and waiters) on `lockPath`, with `command` from /proc/PID/comm where visible.
 * An absent file has no locks. /proc/locks being unreadable (e.g. ProcSubset=pid) is an error, never "none".
 */
export async function readKernelHolders(lockPath: string, procRoot = '/proc'): Promise<KernelHolder[]> {
  let st: { dev: bigint; ino: bigint };
  try {
    st = statSync(lockPath, { bigint: true });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  const text = await readFile(`${procRoot}/locks`, 'utf8');
  const holders = parseProcLocks(text, devMajorMinor(st.dev), st.ino);
  for (const h of holders) {
    if (h.pid <= 0) continue;
    try {
      h.command = readFileSync(`${procRoot}/${h.pid}/comm`, 'utf8').replace(/\n$/, '');
    } catch {
      // gone since, or hidden: the table shows no command
    }
  }
  return holders;
}

/** State (field 3) and start time (field 22) from a /proc/PID/stat text; comm may hold spaces and ')'. */
export function parseStat(text: string): { state: string; start: number } | null {
  const close = text.lastIndexOf(')');
  if (close < 0) return null;
  const fields = text
    .slice(close + 2)
    .trim()
    .split(' '); // fields[0] is field 3
  const state = fields[0];
  const start = Number(fields[19]);
  if (state === undefined || !Number.isSafeInteger(start)) return null;
  return { state, start };
}

/**
 * Is process `pid` alive, and since when (field 22 of /proc/PID/stat)?
 * A zombie (Z) or dead (X) task counts as dead: its files, and with them its kernel locks, are already gone,
 * and it will never heartbeat again. ENOENT/ESRCH mean dead. Any other failure to read is "cannot tell":
 * alive with an unknown start, which never proves anything (a liveness check that cannot see must not say dead).
 */
export async function processFacts(pid: number, procRoot = '/proc'): Promise<ProcessFacts> {
  if (!Number.isInteger(pid) || pid <= 0) return { alive: false, start: null };
  let text: string;
  try {
    text = readFileSync(statPath(pid, procRoot), 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ESRCH') return { alive: false, start: null };
    return { alive: true, start: null };
  }
  const parsed = parseStat(text);
  if (!parsed) return { alive: true, start: null };
  if (parsed.state === 'Z' || parsed.state === 'X' || parsed.state === 'x')
    return { alive: false, start: null };
  return { alive: true, start: parsed.start };
}

/**
 * Where to read a process's stat. For our own pid, the main thread's `task/PID/stat` (same state and start
 * time): user-mode QEMU, which runs the ARM builds of this agent on x86 machines, answers reads of
 * /proc/self/stat and /proc/OWNPID/stat with a made-up text whose start time is not the kernel's, so an owner
 * record written from it would look like a reused pid to every other observer.
 */
function statPath(pid: number, procRoot: string): string {
  return pid === process.pid ? `${procRoot}/${pid}/task/${pid}/stat` : `${procRoot}/${pid}/stat`;
}

/** Our own start time never changes: read once (each intent and owner record names it). */
let cachedSelfStart: number | undefined;

/** Field 22 of our own stat, as every other process reads it (for our owner record). */
export function selfStart(procRoot = '/proc'): number {
  if (procRoot === '/proc' && cachedSelfStart !== undefined) return cachedSelfStart;
  const path = statPath(process.pid, procRoot);
  const parsed = parseStat(readFileSync(path, 'utf8'));
  if (!parsed) throw new Error(`cannot parse ${path}`);
  if (procRoot === '/proc') cachedSelfStart = parsed.start;
  return parsed.start;
}

let cachedBootId: string | undefined;

/** This boot's id (`/proc/sys/kernel/random/boot_id`), read once. */
export function bootId(): string {
  if (cachedBootId === undefined) {
    cachedBootId = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  }
  return cachedBootId;
}

/** `pid:[inode]` of a process's pid namespace, or null when it cannot be read. */
export function pidNamespace(pid: number | 'self', procRoot = '/proc'): string | null {
  try {
    return readlinkSync(`${procRoot}/${pid}/ns/pid`);
  } catch {
    return null;
  }
}

async function readNs(path: string): Promise<{ ns: string } | { error: string }> {
  try {
    return { ns: readlinkSync(path) };
  } catch (e) {
    return { error: (e as NodeJS.ErrnoException).code ?? String(e) };
  }
}

/** Unescapes mountinfo's octal escapes (`\040` for a space). */
function unescapeMount(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(Number.parseInt(o, 8)));
}

/** Options (mount and superblock) of the proc filesystem mounted on /proc, the last (topmost) such mount. */
async function procMountOptions(procRoot: string): Promise<string[] | null> {
  let found: string[] | null = null;
  try {
    const text = readFileSync(`${procRoot}/self/mountinfo`, 'utf8');
    for (const line of text.split('\n')) {
      const f = line.split(' ');
      const sep = f.indexOf('-', 6);
      if (sep < 0 || f[sep + 1] !== 'proc' || unescapeMount(f[4] ?? '') !== '/proc') continue;
      found = [...(f[5] ?? '').split(','), ...(f[sep + 3] ?? '').split(',')];
    }
    return found;
  } catch {
    // fall back to /proc/mounts
  }
  try {
    const text = readFileSync(`${procRoot}/mounts`, 'utf8');
    for (const line of text.split('\n')) {
      const f = line.split(' ');
      if (f[2] !== 'proc' || unescapeMount(f[1] ?? '') !== '/proc') continue;
      found = (f[3] ?? '').split(',');
    }
  } catch {
    return null;
  }
  return found;
}

const RECLAIM_OFF = 'so a live lock owner could look dead; auto-reclaim is disabled';

/**
 * Can this observer see every process, so that "owner process is dead" is a proof? Complete only when:
 * - /proc is mounted without `hidepid=` (other than 0/off) and without `subset=pid` (ProtectProc=, ProcSubset=);
 * - this process is in the host's initial pid namespace (inode 0xEFFFFFFC, a kernel constant). A child pid
 *   namespace (container, PrivatePIDs=) cannot see processes outside it, and the kernel leaves their locks out
 *   of /proc/locks altogether, not even as pid 0. Comparing with pid 1's namespace would not catch
 *   PrivatePIDs= (the unit remounts /proc, so its pid 1 shares its namespace), and reading /proc/1/ns/pid can
 *   be refused even to root (EACCES on this very dev box, whose pid 1 is /process_api), so the constant is
 *   the test and pid 1's namespace is only read to explain a failure.
 * Being root or not does not matter: without hidepid every user can read /proc/PID/stat and /proc/locks.
 */
export async function visibility(procRoot = '/proc'): Promise<Visibility> {
  const reasons: string[] = [];
  const self = await readNs(`${procRoot}/self/ns/pid`);
  const pidNs = 'ns' in self ? self.ns : null;

  const opts = await procMountOptions(procRoot);
  if (opts === null) {
    reasons.push(
      `cannot find how /proc is mounted (${procRoot}/self/mountinfo and ${procRoot}/mounts list no proc on /proc), ${RECLAIM_OFF}.`,
    );
  } else {
    const hidepid = opts.find((o) => o.startsWith('hidepid='));
    if (hidepid && hidepid !== 'hidepid=0' && hidepid !== 'hidepid=off') {
      reasons.push(
        `/proc is mounted with ${hidepid}: processes of other users are invisible, ${RECLAIM_OFF} (remount /proc without hidepid= and remove ProtectProc= from the unit).`,
      );
    }
    if (opts.includes('subset=pid')) {
      reasons.push(
        `/proc is mounted with subset=pid: /proc/locks and parts of /proc are hidden, ${RECLAIM_OFF} (remove ProcSubset=pid from the unit).`,
      );
    }
  }

  if (pidNs === null) {
    const err = 'error' in self ? self.error : '';
    reasons.push(
      `cannot read ${procRoot}/self/ns/pid (${err}), so this observer cannot tell which processes it sees, ${RECLAIM_OFF}.`,
    );
  } else if (pidNs !== INITIAL_PID_NS) {
    const init = await readNs(`${procRoot}/1/ns/pid`);
    if ('error' in init) {
      reasons.push(
        `cannot compare pid namespace with init's (${procRoot}/1/ns/pid: ${init.error}), and this process's ${pidNs} is not the host's initial pid namespace: holders outside it are invisible, ${RECLAIM_OFF} (run aimlockd in the host pid namespace).`,
      );
    } else if (init.ns !== pidNs) {
      reasons.push(
        `this process is in ${pidNs} but init (pid 1) is in ${init.ns}: processes outside this pid namespace are invisible, ${RECLAIM_OFF} (remove PrivatePIDs= from the unit or run aimlockd in the host pid namespace).`,
      );
    } else {
      reasons.push(
        `this process runs in ${pidNs}, a container's pid namespace rather than the host's initial one: processes outside it and their locks are invisible, ${RECLAIM_OFF} (run aimlockd in the host pid namespace).`,
      );
    }
  }

  return reasons.length === 0
    ? { complete: true, pidNs }
    : { complete: false, reason: reasons.join(' '), pidNs };
}
