// Two hazards of a holder's own bookkeeping. Proves that overlapping intent writes of one process (an apply
// while the collector reclaims) never collide on a temporary name, and that a holder whose owner record was
// replaced behind its back (a technician's force release, `echo 0 >` and another owner) neither refreshes nor
// clears someone else's record: it stops heartbeating, says the lease is lost, and leaves bit and record alone.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { openBoard } from '../src/board/open.js';
import { LockFiles } from '../src/lock/files.js';
import { bootId, selfStart } from '../src/lock/proc.js';
import { loadSettings } from '../src/settings/load.js';
import { OwnedTree } from '../src/store/owned.js';
import { makeBoard } from './helpers/board.js';

t.test('concurrent intent writes of one process all land', async (t) => {
  const dir = t.testdir();
  for (const files of [new LockFiles(dir), new LockFiles(join(dir, 'locks'), new OwnedTree(dir))]) {
    const intent = (n: number) => ({
      pid: process.pid,
      pid_start: selfStart(),
      boot_id: bootId(),
      holder: 'aimlock',
      purpose: `overlap ${n}`,
      at: new Date().toISOString(),
    });
    const writes = await Promise.allSettled(
      Array.from({ length: 20 }, (_, n) => files.writeIntent(intent(n))),
    );
    t.same(
      writes.filter((w) => w.status === 'rejected').map((w) => String((w as PromiseRejectedResult).reason)),
      [],
      'no write failed',
    );
    t.match(await files.readIntent(process.pid), { pid_start: selfStart() }, 'the intent is readable');
    t.same(await files.intentPids(), [process.pid], 'one intent file, no temporaries counted');
  }
});

t.test('a holder whose record was replaced neither refreshes nor clears it', async (t) => {
  const board = makeBoard(t.testdir(), { lock: { heartbeat_ms: 50 } });
  const warnings: string[] = [];
  const log = { info() {}, warn: (_o: object, msg: string) => void warnings.push(msg) };
  const b = openBoard(loadSettings(board.settingsFile), 'aimlock', log);
  const lease = await b.locksmith.acquire({
    waitMs: 1000,
    purpose: 'slow apply',
    reclaimStale: true,
    actor: b.actor,
  });
  const ownerPath = join(board.lockDir, 'owner.json');
  const bitPath = join(board.lockDir, 'conf_locked');

  // Behind its back: a technician force-released it and another holder took the lock (bit 1, its record).
  const other = { ...lease.owner, pid: 1, token: 'someone-else', generation: lease.generation + 1 };
  writeFileSync(ownerPath, JSON.stringify(other));
  writeFileSync(bitPath, '1\n');
  const onDisk = () => JSON.parse(readFileSync(ownerPath, 'utf8')) as { token: string };

  // The next heartbeat decides: it either notices (new code) or overwrites the record (old code).
  const deadline = Date.now() + 10000;
  while (!warnings.length && onDisk().token === 'someone-else' && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 10));
  }
  t.equal(onDisk().token, 'someone-else', "the heartbeat did not overwrite the other holder's record");
  t.match(warnings, [/lease on aim_lock_config\.conf lost/], 'it said the lease was lost');

  await lease.release();
  t.equal(readFileSync(bitPath, 'utf8'), '1\n', "release left the other holder's bit set");
  t.same(onDisk(), other, "release left the other holder's record");
  t.equal(warnings.length, 2, 'and said why at release too');
});
