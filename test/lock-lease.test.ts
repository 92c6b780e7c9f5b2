// Two hazards of a holder's own bookkeeping. Proves that overlapping transitions of one process (an apply
// while the collector reclaims) share its intent without losing it before the last one ends, and that a holder whose owner record was
// replaced behind its back (a technician's force release, `echo 0 >` and another owner) neither refreshes nor
// clears someone else's record: it stops heartbeating, says the lease is lost, and leaves bit and record alone.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { openBoard } from '../src/board/open.js';
import { LockFiles } from '../src/lock/files.js';
import { Intents } from '../src/lock/intents.js';
import { selfStart } from '../src/lock/proc.js';
import { loadSettings } from '../src/settings/load.js';
import { OwnedTree } from '../src/store/owned.js';
import { makeBoard } from './helpers/board.js';

t.test(
  'overlapping transitions of one process share its intent, cleared when the last one ends',
  async (t) => {
    const dir = t.testdir();
    for (const [label, files] of [
      ['no tree', new LockFiles(join(dir, 'bare'))],
      ['a command (tree)', new LockFiles(join(dir, 'cmd', 'locks'), new OwnedTree(join(dir, 'cmd')))],
      [
        'the agent (kept open)',
        new LockFiles(join(dir, 'agent', 'locks'), new OwnedTree(join(dir, 'agent'), { keepOpen: true })),
      ],
    ] as const) {
      const intents = new Intents(files, 'aimlock', 15_000);
      let inside = 0;
      const seenInside: Array<unknown> = [];
      const overlapping = Array.from({ length: 20 }, (_, n) =>
        intents.during(`overlap ${n}`, async () => {
          inside++;
          await new Promise((r) => setTimeout(r, 5 + (n % 7)));
          seenInside.push(await files.readIntent(process.pid));
          inside--;
        }),
      );
      const settled = await Promise.allSettled(overlapping);
      t.same(
        settled
          .filter((w) => w.status === 'rejected')
          .map((w) => String((w as PromiseRejectedResult).reason)),
        [],
        `${label}: no transition failed`,
      );
      t.equal(inside, 0, `${label}: every transition ended`);
      t.ok(
        seenInside.every((i) => (i as { pid_start?: number } | null)?.pid_start === selfStart()),
        `${label}: the intent was readable inside every transition`,
      );
      t.equal(await files.readIntent(process.pid), null, `${label}: no intent vouches once all have ended`);
      const left = readdirSync(files.intentsDir);
      t.same(
        left,
        files.tree?.keepsOpen ? [`${process.pid}.json`] : [],
        `${label}: files left: ${left.join(', ') || 'none'}`,
      );
      await intents.close();
      t.same(readdirSync(files.intentsDir), [], `${label}: none after close`);
    }
  },
);

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
