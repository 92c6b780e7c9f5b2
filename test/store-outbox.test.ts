import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { Outbox } from '../src/store/outbox.js';

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
  t.strictSame(readdirSync(dir).sort(), ['000000000001.json', '000000000003.json'], 'one file each, padded');

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

t.test('outbox: leftovers of a crash', async (t) => {
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
    ['.corrupt-000000000003.json', '000000000002.json'],
    'corrupt item moved aside, dead temporary swept',
  );
  t.equal(
    (await box.enqueue({ topic: 't', payload: 'next' })).seq,
    4,
    'sequence continues past every name seen',
  );
});
