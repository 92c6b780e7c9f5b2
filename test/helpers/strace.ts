// The agent run under strace(1): strace's only child is the agent, and strace leaves it running when strace
// itself dies, so a test reaps the agent by its own pid too.
import { execFileSync } from 'node:child_process';

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
