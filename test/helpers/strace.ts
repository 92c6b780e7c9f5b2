// Tests that run a process under strace(1). The agent: strace's only child is the agent, and strace leaves it
// running when strace itself dies, so a test reaps the agent by its own pid too.
import { execFileSync, type SpawnSyncReturns, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

interface Teardown {
  teardown(fn: () => void): void;
}

/** The pid of the process strace (`stracePid`) started; killed with SIGKILL at the test's teardown. */
export function tracedPid(t: Teardown, stracePid: number | undefined): number {
  const pid = Number(execFileSync('pgrep', ['-P', String(stracePid)], { encoding: 'utf8' }).trim());
  t.teardown(() => {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {} // already gone with its test
  });
  return pid;
}

/**
 * `node NODE_ARGS` under `strace -f -qq -e trace=CALLS -o OUT`, without tap's loader hooks (NODE_OPTIONS unset):
 * every thread is traced, and each line starts with the id of the thread that made the call. `fdPaths`: -y, each
 * fd followed by its path (`fsync(23</board/x>)`). `input`: the child's stdin (a script for `--input-type`).
 */
export function straceNode(
  out: string,
  calls: string,
  nodeArgs: string[],
  opts: { fdPaths?: boolean; input?: string } = {},
): SpawnSyncReturns<string> {
  return spawnSync(
    'strace',
    [
      '-f',
      '-qq',
      ...(opts.fdPaths ? ['-y'] : []),
      '-e',
      `trace=${calls}`,
      '-o',
      out,
      'env',
      '-u',
      'NODE_OPTIONS',
      process.execPath,
      ...nodeArgs,
    ],
    { input: opts.input, encoding: 'utf8', timeout: 60_000 },
  );
}

/** The calls named `names` in a straceNode trace taken with fdPaths: the thread, the call and its fd's path. */
export function tracedCalls(
  out: string,
  names: string[],
): Array<{ tid: number; name: string; path: string }> {
  const line = new RegExp(`^(\\d+)\\s+(${names.join('|')})\\(\\d+<([^>]*)>`);
  return readFileSync(out, 'utf8')
    .split('\n')
    .flatMap((l) => {
      const m = line.exec(l);
      return m ? [{ tid: Number(m[1]), name: m[2]!, path: m[3]! }] : [];
    });
}
