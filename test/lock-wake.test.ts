// A wait for the config lock ends because its holder let go, not because a poll came round (src/lock/wake.ts).
// Each case keeps the lock held for a while after the waiter has started waiting, then frees it, and counts
// how often the waiter looked: a poll (the old 50 ms HELD loop, the 10–100 ms flock backoff, the lock_hot
// retry, the collector's tick) looks again and again while the holder stays; a wake looks once more.
// No timed assertion: the counts, and that the wait ends at all (generous event timeouts), are what is checked.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import t from 'tap';
import { openBoard } from '../src/board/open.js';
import { KernelLock } from '../src/lock/kernel.js';
import { wakes } from '../src/lock/wake.js';
import { loadSettings } from '../src/settings/load.js';
import { agentBoard, envelope, operator, startAgent } from './helpers/agent.js';
import { aimlock, configWith, makeBoard } from './helpers/board.js';
import { startMosquitto } from './helpers/mosquitto.js';
import { exited, spawnFlock, spawnHolder } from './helpers/procs.js';

/** How long the holder keeps the lock once the waiter waits: 20 turns of the old HELD poll. */
const HOLD_MS = 1000;

t.test('a kernel wait for flock ends when a flock(1) holder exits, after one look', async (t) => {
  const board = makeBoard(t.testdir());
  mkdirSync(dirname(board.lockFile), { recursive: true });
  const holder = await spawnFlock(t, board.lockFile);
  let looks = 0;
  let waiting!: () => void;
  const started = new Promise<void>((resolve) => {
    waiting = resolve;
  });
  const before = wakes.get(board.lockFile) ?? 0;
  const acquiring = KernelLock.acquire(board.lockFile, {
    waitMs: 120_000,
    keepWaiting: () => {
      looks++;
      waiting();
      return true;
    },
  });
  await started;
  await sleep(HOLD_MS);
  holder.kill('SIGKILL');
  await exited(holder);
  const lock = await acquiring;
  t.teardown(() => lock.release());
  t.ok(lock.held, 'the lock is ours once the holder is gone');
  t.equal(looks, 1, 'it looked once, before waiting; the release woke it (a poll looks every 10–100 ms)');
  t.equal((wakes.get(board.lockFile) ?? 0) - before, 1, 'one wake, caused by the release');
});

t.test(
  'a Locksmith waiting on a HELD lock takes it when the holder releases, after one more look',
  async (t) => {
    const board = makeBoard(t.testdir());
    const holder = await spawnHolder(t, board, 'slow technician apply');
    const { locksmith, actor } = openBoard(loadSettings(board.settingsFile), 'aimlock');
    let looks = 0;
    const observe = locksmith.observe.bind(locksmith);
    locksmith.observe = () => {
      looks++;
      return observe();
    };
    const acquiring = locksmith.acquire({ waitMs: 120_000, purpose: 'waits', reclaimStale: false, actor });
    await sleep(HOLD_MS);
    const looksWhileHeld = looks;
    await holder.release();
    const lease = await acquiring;
    t.teardown(() => lease.release());
    t.equal(lease.found.verdict, 'FREE', 'taken once free');
    t.ok(
      looksWhileHeld <= 2,
      `${looksWhileHeld} looks while it was held for ${HOLD_MS} ms: before taking, before waiting (the old loop looked every 50 ms)`,
    );
    t.ok(looks <= 3, `and few after the release (${looks} in all)`);
  },
);

t.test('a push the lock kept waiting lands when the holder lets go, not on a retry', async (t) => {
  const broker = await startMosquitto(t);
  // The collector's tick also retries a waiting push: an hour apart, it cannot be what lands it here.
  const board = agentBoard(t.testdir(), broker.url, { lock: { wait_ms: 300, gc_interval_ms: 3_600_000 } });
  const agent = await startAgent(t, board);
  const op = await operator(t, broker.url);
  await agent.waitLog(/^connected to the MQTT broker/);
  const attempts = (id: string) =>
    agent.logs.filter((l) => l.includes('"taking lock"') && l.includes(id.slice(0, 8))).length;

  // A consistent holder (a technician's apply): deferred lock_hot, then applied when it releases.
  const holder = await spawnHolder(t, board, 'slow technician apply');
  const hot = envelope(board.op, { version: 1 });
  await op.publish(hot);
  t.equal((await op.result(String(hot.id), 'deferred', 60_000)).code, 'lock_hot');
  await sleep(HOLD_MS);
  t.equal(attempts(String(hot.id)), 1, `no retry while the holder kept the lock ${HOLD_MS} ms more`);
  await holder.release();
  t.equal((await op.result(String(hot.id), 'applied', 60_000)).code, 'ok', 'lands when the lock frees');
  t.equal(attempts(String(hot.id)), 2, 'one more attempt: the one the release woke');

  // A foreign flock(1) holder: rejected lock_mismatch, then applied, without a new push, when it exits.
  const foreign = await spawnFlock(t, board.lockFile);
  const blocked = envelope(board.op, { version: 2 });
  await op.publish(blocked);
  t.equal((await op.result(String(blocked.id), 'rejected', 60_000)).code, 'lock_mismatch');
  await sleep(HOLD_MS);
  t.equal(attempts(String(blocked.id)), 1, 'no retry while flock(1) kept the lock');
  foreign.kill('SIGKILL');
  await exited(foreign);
  t.equal((await op.result(String(blocked.id), 'applied', 60_000)).code, 'ok', 'lands once flock(1) is gone');
  t.equal(attempts(String(blocked.id)), 2, 'one more attempt: the one the exit woke');
  t.equal(await agent.stop(), 0);
});

t.test(
  'a technician command that gives up on a HELD lock ends at once, while the holder still holds',
  async (t) => {
    const board = makeBoard(t.testdir());
    const holder = await spawnHolder(t, board, 'slow technician apply');
    const changed = board.writeJson(
      'b.json',
      configWith((c) => (c.aim.sensitivity = 0.3)),
    );
    // wait_ms is 300 on test boards: the command waits that long, answers lock_hot and must exit, although its
    // wait for the flock is still blocked (it used to keep the process alive until the holder let go).
    const apply = aimlock(board, ['apply', changed, '--reason', 'too early']);
    const ended = await Promise.race([apply.then(() => 'exited'), sleep(60_000).then(() => 'still running')]);
    t.equal(ended, 'exited', 'the command exited while the lock was still held');
    const r = await apply;
    t.equal(r.code, 3);
    t.match(r.stderr, /^aimlock: lock_hot: /m);
    await holder.release();
  },
);
