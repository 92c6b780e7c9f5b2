// /proc/locks is read on a libuv pool thread, never on the event loop: reading it takes the kernel's file-lock
// semaphore for writing, which waits for an RCU grace period after a quiet spell (~13 ms here). The collector
// reads it every gc_interval_ms, each time after a quiet spell; on the event loop that stalled any push arriving
// meanwhile. This test only says on which thread the read(2)s happen (strace -f), not how long they take.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { ROOT } from './helpers/board.js';
import { straceNode, tracedCalls } from './helpers/strace.js';

const straceMissing = spawnSync('strace', ['-V']).status === 0 ? null : 'strace is not installed';
if (straceMissing && process.env.CI) t.fail(`CI must check the /proc/locks thread, but ${straceMissing}`);

t.test(
  'readKernelHolders reads /proc/locks off the event loop',
  { skip: straceMissing ?? false },
  async (t) => {
    const dir = t.testdir();
    const lockFile = join(dir, 'x.conf.lock');
    writeFileSync(lockFile, '');
    const trace = join(dir, 'strace.out');
    const script = `const m = await import(${JSON.stringify(join(ROOT, 'dist/lock/proc.js'))});
for (let i = 0; i < 3; i++) await m.readKernelHolders(${JSON.stringify(lockFile)});
console.log(process.pid);`;
    const run = straceNode(trace, 'read', ['--input-type=module'], { fdPaths: true, input: script });
    t.equal(run.status, 0, `the child ran (stderr: ${run.stderr})`);
    const main = Number(run.stdout.trim());
    t.ok(main > 0, 'the child printed its pid');
    const reads = tracedCalls(trace, ['read'])
      .filter((c) => c.path === '/proc/locks')
      .map((c) => c.tid);
    t.ok(reads.length >= 3, `/proc/locks was read (${reads.length} read calls): the test is not vacuous`);
    t.strictSame(
      reads.filter((tid) => tid === main),
      [],
      'no read of /proc/locks on the event loop thread',
    );
  },
);
