// What bounds one simulator process, measured (README, "Simulating a large fleet") and checked before a run
// starts, so that a fleet too big for this process is refused with the way out instead of dying half-started
// of EMFILE with some drones connected and others not.
//
// Descriptors: each drone holds 2 for its whole life — its MQTT socket and its control socket (the simulator
// holds one instance lock for all its boards, see sim.ts) — and more while it lands: the lock file, the state
// directory and its children opened by fd (store/owned.ts), temporaries, the audit log and the outbox journal.
// A push to the whole fleet (a rollout's 100% wave) lands every drone at once, so the landing's descriptors
// are budgeted for every drone: a 10,000-drone run with 2,500 drones a process answered 1,718 pushes
// `apply_failed` / EMFILE in a 4,000-device wave and aborted its rollout (bench/sim-fds.ts measured 6.3 more
// a drone at the peak of 400 landings, sampled every 2 ms). A hot drone's flock(1) holder adds its 3 pipes.
// Node raises its soft RLIMIT_NOFILE to the hard limit at start, so the hard limit is what counts; only root
// (or systemd's LimitNOFILE=) can raise that.
//
// The collector: every drone looks at its lock each lock.gc_interval_ms (/proc/locks, the bit, the owner
// record): ~0.75 ms of CPU a look here, so 1,000 drones at 5 s cost 15% of a core doing nothing, and 10,000
// would need more than two cores. A large fleet spreads its looks out instead: at most LOOKS_PER_S a second
// for each simulator process, and the 10,000-drone bench runs eight of them side by side. A look reads
// /proc/locks whole, one list for the machine, so its cost grows with every lock held anywhere: while a wave
// lands a thousand boards the looks cost several times more. At 200 looks a second per process the looks
// alone took both cores during a 4,000-drone wave and not one of its drones answered within 15 minutes.
import { readFileSync } from 'node:fs';
import { freemem } from 'node:os';

export const FDS_PER_DRONE = 2;
/** More while a drone lands (6.3 measured at the peak; the rest is margin for what sampling missed). */
export const FDS_PER_LANDING = 8;
export const FDS_PER_HOT = 3;
/** stdio, the watcher's MQTT socket, pino, libuv's own, the keys and board files being read at start. */
export const FDS_RESERVE = 64;
/** Measured resident memory per idle drone (KiB), for the estimate printed at start; see the README. */
export const KIB_PER_DRONE = 150;
/** Collector looks a second, all drones together, when the interval is left to the simulator. */
export const LOOKS_PER_S = 50;
export const DEFAULT_GC_INTERVAL_MS = 5000;

export interface FdLimit {
  soft: number;
  hard: number;
}

/** This process's open-files limit, from /proc/self/limits; null when it cannot be read (not Linux). */
export function openFilesLimit(limitsText?: string): FdLimit | null {
  let text = limitsText;
  if (text === undefined) {
    try {
      text = readFileSync('/proc/self/limits', 'utf8');
    } catch {
      return null;
    }
  }
  const m = /^Max open files\s+(\S+)\s+(\S+)/m.exec(text);
  if (!m) return null;
  const n = (s: string) => (s === 'unlimited' ? Number.POSITIVE_INFINITY : Number(s));
  return { soft: n(m[1]!), hard: n(m[2]!) };
}

export function descriptorsNeeded(drones: number, hot = 0): number {
  return drones * (FDS_PER_DRONE + FDS_PER_LANDING) + hot * FDS_PER_HOT + FDS_RESERVE;
}

/** Null when `drones` fit this process's descriptors; else a sentence saying what to do instead. */
export function descriptorProblem(drones: number, hot: number, limit: FdLimit | null): string | null {
  if (limit === null) return null;
  const need = descriptorsNeeded(drones, hot);
  if (need <= limit.soft) return null;
  const each = FDS_PER_DRONE + FDS_PER_LANDING;
  const fit = Math.max(0, Math.floor((limit.soft - FDS_RESERVE - hot * FDS_PER_HOT) / each));
  return (
    `${drones} drones need about ${need} open files (${each} each: ${FDS_PER_DRONE} always, ` +
    `${FDS_PER_LANDING} more while a push lands on all of them at once), but this process may open ` +
    `${limit.soft} (hard limit ${limit.hard}); run at most ${fit} per simulator and start several side by side ` +
    `with distinct --first ranges, or raise the hard limit (as root: ulimit -Hn ${need}, or LimitNOFILE=)`
  );
}

/** The collector interval a fleet of `drones` gets when none is given: 5 s, or longer past 1,000 drones. */
export function defaultGcIntervalMs(drones: number): number {
  return Math.max(DEFAULT_GC_INTERVAL_MS, Math.ceil((drones * 1000) / LOOKS_PER_S));
}

/** One line on what bounds this run, printed with the summary. */
export function limitsLine(drones: number, hot: number, gcIntervalMs: number, limit: FdLimit | null): string {
  const fds = limit
    ? `descriptors ${descriptorsNeeded(drones, hot)} of ${limit.soft}`
    : 'descriptors: limit unknown';
  const mib = Math.ceil((drones * KIB_PER_DRONE) / 1024);
  const free = Math.floor(freemem() / 1024 / 1024);
  return `limits: ${fds}; memory ~${mib} MiB for the drones (${free} MiB free); collector every ${gcIntervalMs} ms`;
}
