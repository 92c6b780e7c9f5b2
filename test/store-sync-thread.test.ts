// The store's asynchronous writes never fsync on the event loop: every fsync(2) / fdatasync(2) of atomicWrite
// and appendAudit — the directory syncs included — runs on a libuv pool thread. A process that writes for many
// boards at once (the simulator: 1,000 holds in one burst, each a hold file and an audit line) otherwise waits
// out one journal commit after another with nothing else running: that was most of a 1,000-drone hold point's
// time on a loaded disk (README, "Simulating a large fleet"). The guarantee is unchanged: each promise still
// resolves only after its syncs; this test only says on which thread they happen.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { buildStore } from './fixtures/store-child.js';
import { straceNode, tracedCalls } from './helpers/strace.js';

const straceMissing = spawnSync('strace', ['-V']).status === 0 ? null : 'strace is not installed';
if (straceMissing && process.env.CI) t.fail(`CI must check the sync threads, but ${straceMissing}`);

t.test(
  'atomicWrite and appendAudit sync on the pool, directories included',
  { skip: straceMissing ?? false },
  async (t) => {
    const dir = t.testdir({ board: {} });
    const store = buildStore(join(dir, 'store'));
    const trace = join(dir, 'strace.out');
    const script = fileURLToPath(new URL('./fixtures/store-syncs.mjs', import.meta.url));
    const run = straceNode(trace, 'fsync,fdatasync', [script, store, join(dir, 'board')], { fdPaths: true });
    t.equal(run.status, 0, `the child ran (stderr: ${run.stderr})`);
    const main = Number(run.stdout.trim());
    t.ok(main > 0, 'the child printed its pid');
    const calls = tracedCalls(trace, ['fsync', 'fdatasync']);
    const board = join(dir, 'board');
    // Not vacuous: both directory syncs and both file syncs are there to be judged.
    t.equal(
      calls.filter((c) => c.path === board).length,
      2,
      'two directory fsyncs (the rename, the new log)',
    );
    t.ok(
      calls.some((c) => c.path === join(board, 'audit.jsonl')),
      'the audit line is synced',
    );
    t.ok(
      calls.some((c) => c.path.startsWith(join(board, '.hold.json.tmp-'))),
      'the temporary is synced',
    );
    const onLoop = calls.filter((c) => c.tid === main);
    t.strictSame(onLoop, [], 'no sync on the event loop thread');
  },
);
