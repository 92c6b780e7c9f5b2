// The processes the demo runs and looks at: the real CLI as a child, its output as lines, the reason of its
// abort; and whether a pid still lives and what it is called.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function comm(pid: number): string | null {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return null;
  }
}

/** A child process, its output split into lines for `onLine`, and its exit code (null: killed by a signal). */
export function runChild(
  args: string[],
  onLine: (line: string, stream: 'stdout' | 'stderr') => void,
  track: (c: ChildProcess | null) => void,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    track(child);
    const out = { stdout: '', stderr: '' };
    for (const stream of ['stdout', 'stderr'] as const) {
      let partial = '';
      child[stream]!.setEncoding('utf8');
      child[stream]!.on('data', (d: string) => {
        out[stream] += d;
        partial += d;
        const lines = partial.split('\n');
        partial = lines.pop() ?? '';
        for (const l of lines) onLine(l, stream);
      });
      child[stream]!.on('end', () => {
        if (partial !== '') onLine(partial, stream);
      });
    }
    child.once('error', (err) => {
      track(null);
      reject(err);
    });
    child.once('close', (code) => {
      track(null);
      resolve({ code, ...out });
    });
  });
}

/** The reason of the rollout's final `aimlock: aborted: …` line (text or --json error object). */
export function abortReason(stderr: string): string | null {
  for (const line of stderr.trim().split('\n').reverse()) {
    const text = /^aimlock: aborted: (.*)$/.exec(line);
    if (text) return text[1]!;
    if (line.startsWith('{')) {
      try {
        const e = (JSON.parse(line) as { error?: { code?: string; message?: string } }).error;
        if (e?.code === 'aborted') return e.message ?? '';
      } catch {
        // not ours
      }
    }
  }
  return null;
}
