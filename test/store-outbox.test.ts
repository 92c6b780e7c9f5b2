import { appendFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { Outbox } from '../src/store/outbox.js';
import { JOURNAL_NAME, waitingOnDisk } from '../src/store/outbox-journal.js';

t.test('outbox: order, ack, restart, bound', async (t) => {
  const dir = join(t.testdir(), 'outbox');
  const box = new Outbox(dir, { maxItems: 4 });
  t.equal(await box.size(), 0);
  for (let i = 1; i <= 3; i++)
    t.strictSame(await box.enqueue({ topic: `t/${i}`, payload: `p${i}` }), { seq: i, dropped: 0 });
  t.strictSame(
    (await box.list()).map((m) => [m.seq, m.topic, m.payload, m.retain]),
    [
      [1, 't/1', 'p1', false],
      [2, 't/2', 'p2', false],
      [3, 't/3', 'p3', false],
    ],
  );
  t.equal(await box.ack(2), true);
  t.equal(await box.ack(2), false, 'a second ack of the same message');
  t.strictSame(readdirSync(dir).sort(), [JOURNAL_NAME], 'one journal, no file per message');
  t.strictSame(waitingOnDisk(dir), [1, 3], 'the journal on disk says what waits');

  const again = new Outbox(dir, { maxItems: 4 });
  t.strictSame(
    (await again.list()).map((m) => m.seq),
    [1, 3],
    'a restart sees what waits, in order',
  );
  t.equal(
    (await again.enqueue({ topic: 'status', payload: 's', retain: true })).seq,
    4,
    'sequence continues',
  );
  await again.enqueue({ topic: 't/5', payload: 'p5' });
  t.equal(await again.size(), 4, 'full');

  t.strictSame(await again.enqueue({ topic: 't/6', payload: 'p6' }), { seq: 6, dropped: 1 });
  t.strictSame(
    (await again.list()).map((m) => m.seq),
    [3, 4, 5, 6],
    'the oldest non-retained (1) was dropped',
  );
  await again.enqueue({ topic: 't/7', payload: 'p7' });
  await again.enqueue({ topic: 't/8', payload: 'p8' });
  t.strictSame(
    (await again.list()).map((m) => m.seq),
    [4, 6, 7, 8],
    'the retained status (4) outlives older telemetry',
  );

  const retained = new Outbox(join(dir, '..', 'retained'), { maxItems: 2 });
  for (const p of ['a', 'b', 'c']) await retained.enqueue({ topic: 'status', payload: p, retain: true });
  t.strictSame(
    (await retained.list()).map((m) => m.payload),
    ['b', 'c'],
    'all retained: the oldest goes',
  );

  const burst = new Outbox(join(dir, '..', 'burst'), { maxItems: 10 });
  const results = await Promise.all(
    Array.from({ length: 25 }, (_, i) => burst.enqueue({ topic: 't', payload: `${i}` })),
  );
  t.equal(await burst.size(), 10, 'a concurrent burst never overshoots the bound');
  t.equal(
    results.reduce((n, r) => n + r.dropped, 0),
    15,
    'and every drop is reported',
  );
  t.strictSame(
    (await burst.list()).map((m) => m.payload),
    Array.from({ length: 10 }, (_, i) => `${i + 15}`),
    'the newest ten remain, in order',
  );
});

t.test('outbox: leftovers of the per-message layout are imported, a corrupt one set aside', async (t) => {
  const dir = t.testdir({
    outbox: {
      '000000000002.json': JSON.stringify({ topic: 't', payload: 'ok', retain: false }),
      '000000000003.json': '{"topic": "t", "pay',
      '.000000000004.json.tmp-999999999-abcdef': 'partial',
    },
  });
  const box = new Outbox(join(dir, 'outbox'));
  t.strictSame(
    (await box.list()).map((m) => m.payload),
    ['ok'],
    'a corrupt item does not block the queue',
  );
  t.strictSame(
    readdirSync(join(dir, 'outbox')).sort(),
    ['.corrupt-000000000003.json', JOURNAL_NAME],
    'corrupt item moved aside, dead temporary swept, the good one imported into the journal',
  );
  t.equal(
    (await box.enqueue({ topic: 't', payload: 'next' })).seq,
    4,
    'sequence continues past every name seen',
  );
  t.strictSame(waitingOnDisk(join(dir, 'outbox')), [2, 4]);
});

t.test('outbox journal: what a crash or power cut can leave', async (t) => {
  const dir = join(t.testdir(), 'outbox');
  const box = new Outbox(dir);
  for (const p of ['a', 'b', 'c']) await box.enqueue({ topic: 't', payload: p });
  await box.ack(1);
  const journal = join(dir, JOURNAL_NAME);
  // A power cut mid-append: half a line that was never synced (enqueue never resolved: nobody was told).
  appendFileSync(journal, '{"seq":4,"topic":"t","pay');
  const after = new Outbox(dir);
  t.strictSame(
    (await after.list()).map((m) => [m.seq, m.payload]),
    [
      [2, 'b'],
      [3, 'c'],
    ],
    'the torn last line is ignored, the ack line counted',
  );
  t.equal(
    readFileSync(journal, 'utf8').split('\n').length,
    3,
    'load compacted it: two message lines and the final newline, no torn tail to glue the next line onto',
  );
  t.equal((await after.enqueue({ topic: 't', payload: 'd' })).seq, 4);
  await after.ack(2);
  t.match(readFileSync(journal, 'utf8'), /"done":2/, 'an ack is a done line while others wait');
  // A power cut that loses the ack line (it is not synced): the message comes back — sent again, at least once.
  writeFileSync(journal, readFileSync(journal, 'utf8').replace('{"done":2}\n', ''));
  const rebooted = new Outbox(dir);
  t.strictSame(
    (await rebooted.list()).map((m) => m.seq),
    [2, 3, 4],
  );
  for (const seq of [2, 3, 4]) await rebooted.ack(seq);
  t.match(
    readFileSync(journal, 'utf8'),
    /\{"done":2\}\n\{"done":3\}\n\{"done":4\}\n$/,
    'an emptied queue appends done lines: no truncation a message (ext4 frees blocks and journals it)',
  );
  t.equal(await new Outbox(dir).size(), 0);
  t.equal(readFileSync(journal, 'utf8'), '', 'a journal whose every message is done is emptied at load');
  // Lines that are not ours (a foreign edit) are skipped, never fatal.
  writeFileSync(journal, 'garbage\n{"seq":7,"topic":"t","payload":"x","retain":true}\n');
  t.strictSame(
    (await new Outbox(dir).list()).map((m) => [m.seq, m.retain]),
    [[7, true]],
  );
});

t.test('outbox journal: an emptied queue truncates the journal once done lines pile up', async (t) => {
  const dir = join(t.testdir(), 'outbox');
  const box = new Outbox(dir);
  const journal = join(dir, JOURNAL_NAME);
  let longest = 0;
  let emptied = 0;
  for (let i = 0; i < 400; i++) {
    const { seq } = await box.enqueue({ topic: 't', payload: `${i}` });
    await box.ack(seq);
    const size = readFileSync(journal, 'utf8').length;
    if (size === 0) emptied++;
    longest = Math.max(longest, size);
  }
  t.ok(emptied >= 2, `emptied every ~128 messages (${emptied} times in 400)`);
  t.ok(emptied <= 4, 'not at every message');
  t.ok(longest < 256 * 100, `bounded (${longest} bytes at most)`);
  t.equal(await new Outbox(dir).size(), 0);
});

t.test('outbox journal: done lines are compacted while messages wait', async (t) => {
  const dir = join(t.testdir(), 'outbox');
  const box = new Outbox(dir, { maxItems: 2000 });
  for (let i = 0; i < 600; i++) await box.enqueue({ topic: 't', payload: `${i}` });
  for (let seq = 1; seq <= 500; seq++) await box.ack(seq);
  const lines = readFileSync(join(dir, JOURNAL_NAME), 'utf8').split('\n').length - 1;
  t.ok(lines < 600 + 500, `the journal was compacted on the way (${lines} lines for 100 waiting)`);
  t.strictSame(
    waitingOnDisk(dir),
    Array.from({ length: 100 }, (_, i) => i + 501),
  );
});

t.test(
  'outbox: a burst of enqueues shares its fdatasyncs (group commit): few fds open, every message durable',
  async (t) => {
    const dir = join(t.testdir(), 'outbox');
    const box = new Outbox(dir, { maxItems: 1000 });
    await box.size(); // loaded: the journal exists
    const openFds = () => readdirSync('/proc/self/fd').length;
    const before = openFds();
    const queued: number[] = [];
    const all = Array.from({ length: 300 }, (_, i) =>
      box.enqueue({ topic: `t/${i}`, payload: `p${i}` }, () => queued.push(i)),
    );
    // Every write is done once the queue has run (microtasks); the syncs are still on the disk's time.
    await new Promise((r) => setImmediate(r));
    t.ok(queued.length > 0, `messages are queued before their syncs are done (${queued.length})`);
    t.ok(openFds() - before <= 2, `at most one journal fd held for syncing (${openFds() - before} more fds)`);
    const seqs = (await Promise.all(all)).map((r) => r.seq);
    t.strictSame(
      seqs,
      Array.from({ length: 300 }, (_, i) => i + 1),
      'each resolved, in order',
    );
    t.strictSame(waitingOnDisk(dir), seqs, 'and all of them are in the journal');
  },
);

t.test(
  'outbox: the sync that waiting lines share is of the file they were written to, whatever the name holds by then',
  async (t) => {
    const real = await import('node:fs');
    // fdatasync held until the test lets it go, remembering which file (inode) it syncs.
    const held: Array<{ ino: number; release: () => void }> = [];
    const fdatasync = (fd: number, cb: (err: NodeJS.ErrnoException | null) => void) => {
      held.push({ ino: real.fstatSync(fd).ino, release: () => real.fdatasync(fd, cb) });
    };
    const box = await outboxSyncingWith(t, fdatasync);
    const dir = box.dir;
    await box.size(); // loaded: the journal exists
    const journal = join(dir, JOURNAL_NAME);
    const written = real.statSync(journal).ino;
    const first = box.enqueue({ topic: 't/1', payload: 'p1' });
    await until(() => held.length === 1);
    const second = box.enqueue({ topic: 't/2', payload: 'p2' }); // written now, waits for the next sync
    await until(() => readFileSync(journal, 'utf8').includes('"t/2"'));
    // Meanwhile a new journal is renamed over the name (as a compaction does), its rename not yet durable.
    writeFileSync(`${journal}.new`, readFileSync(journal));
    real.renameSync(`${journal}.new`, journal);
    held[0]!.release();
    await first;
    await until(() => held.length === 2);
    t.equal(
      held[1]!.ino,
      written,
      'the second sync is of the file line 2 is in, not of the one renamed over it',
    );
    held[1]!.release();
    t.strictSame(await second, { seq: 2, dropped: 0 }, 'and line 2 is told durable only after it');
  },
);

t.test(
  'outbox: a failed sync fails the lines waiting for the next one too, unsynced, and the journal is rewritten',
  async (t) => {
    const real = await import('node:fs');
    const held: Array<(err: NodeJS.ErrnoException | null) => void> = [];
    let syncs = 0;
    const fdatasync = (fd: number, cb: (err: NodeJS.ErrnoException | null) => void) => {
      syncs++;
      held.push((err) => (err ? process.nextTick(cb, err) : real.fdatasync(fd, cb)));
    };
    const box = await outboxSyncingWith(t, fdatasync);
    const dir = box.dir;
    await box.size();
    const first = box.enqueue({ topic: 't/1', payload: 'p1' });
    await until(() => held.length === 1);
    const second = box.enqueue({ topic: 't/2', payload: 'p2' });
    const third = box.enqueue({ topic: 't/3', payload: 'p3' });
    await until(() => readFileSync(join(dir, JOURNAL_NAME), 'utf8').includes('"t/3"'));
    held[0]!(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' }));
    await t.rejects(first, { name: 'NotDurableError' }, 'the line whose sync failed: not durable');
    await t.rejects(
      second,
      { name: 'NotDurableError' },
      'a line waiting for the next sync: not durable either',
    );
    await t.rejects(third, { name: 'NotDurableError' }, 'nor the other one waiting');
    t.equal(syncs, 1, 'no second fdatasync after the failure (never retried)');
    t.strictSame(
      (await box.list()).map((i) => i.seq),
      [1, 2, 3],
      'all three stay queued (they are sent all the same)',
    );
    const fourth = box.enqueue({ topic: 't/4', payload: 'p4' });
    await until(() => held.length === 2);
    held[1]!(null);
    t.strictSame(await fourth, { seq: 4, dropped: 0 });
    t.strictSame(waitingOnDisk(dir), [1, 2, 3, 4], 'the next append rewrote the journal from memory first');
  },
);

/** An Outbox (loaded, in a test directory) whose fdatasyncs go through `fdatasync` instead of the kernel's. */
async function outboxSyncingWith(
  t: Test,
  fdatasync: (fd: number, cb: (err: NodeJS.ErrnoException | null) => void) => void,
) {
  const real = await import('node:fs');
  const { Outbox: Mocked } = await t.mockImport<typeof import('../src/store/outbox.js')>(
    '../src/store/outbox.js',
    {
      'node:fs': { ...real, fdatasync },
    },
  );
  return new Mocked(join(t.testdir(), 'outbox'));
}

/** Turns of the event loop until `ok()`. */
async function until(ok: () => boolean): Promise<void> {
  while (!ok()) await new Promise((r) => setImmediate(r));
}
