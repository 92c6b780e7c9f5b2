// What the bench reads about a process from /proc, and the few statistics it prints.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';

/** Clock ticks per second, the unit of utime/stime in /proc/PID/stat (100 on every Linux we ship to). */
const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** CPU time (user + system) the process has used so far, in milliseconds (tick resolution: 10 ms). */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces), counted from field 3: utime is 14, stime 15.
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(f[11]) + Number(f[12])) * 1000) / CLK_TCK;
}

function statusKiB(pid: number, field: 'VmRSS' | 'VmHWM' | 'RssFile'): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : Number.NaN;
}

export const rssKiB = (pid: number) => statusKiB(pid, 'VmRSS');
export const hwmKiB = (pid: number) => statusKiB(pid, 'VmHWM');
/** The file-backed part of VmRSS: mostly the node binary's own pages, which every node process maps and shares. */
export const rssFileKiB = (pid: number) => statusKiB(pid, 'RssFile');

/** Nearest-rank percentile of ascending `xs`. */
export const pct = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.ceil(xs.length * p) - 1)]!;

export const median = (xs: number[]) =>
  pct(
    [...xs].sort((a, b) => a - b),
    0.5,
  );

export function machineLine(): string {
  const load = loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
  return `machine: ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), ${process.arch}, node ${process.version}, load avg ${load}`;
}
