// Events a command leaves for an agent that is down: drained oldest first, removed once published, and a file
// that cannot be read is left where it is rather than lost or fatal.
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { type DeferredEvent, drainDeferred, leaveForAgent } from '../src/store/deferred-events.js';

t.test('oldest first, removed once published, unreadable ones kept', async (t) => {
  const dir = join(t.testdir(), 'deferred-events');
  const none = await drainDeferred(dir, async () => {
    t.fail('nothing to publish');
  });
  t.same(none, { unreadable: [], stuck: [] }, 'no folder: nothing to do');
  for (const n of [1, 2, 3]) {
    await leaveForAgent(dir, 'lock_reclaimed', { n });
    await new Promise((r) => setTimeout(r, 2)); // distinct milliseconds: names sort in the order of events
  }
  writeFileSync(join(dir, '0000000000001-deadbeef.json'), '{"torn');
  const seen: DeferredEvent[] = [];
  const { unreadable } = await drainDeferred(dir, async (e) => {
    seen.push(e);
  });
  t.same(
    seen.map((e) => [e.event, e.fields.n]),
    [
      ['lock_reclaimed', 1],
      ['lock_reclaimed', 2],
      ['lock_reclaimed', 3],
    ],
  );
  t.ok(
    seen.every((e) => !Number.isNaN(Date.parse(e.occurred_at))),
    'each says when it happened',
  );
  t.same(unreadable, ['0000000000001-deadbeef.json']);
  t.same(
    readdirSync(dir),
    ['0000000000001-deadbeef.json'],
    'published ones removed, the unreadable one kept',
  );
});

t.test('a publish that fails keeps its event (and the later ones) for the next start', async (t) => {
  const dir = join(t.testdir(), 'deferred-events');
  await leaveForAgent(dir, 'lock_force_released', {});
  await t.rejects(
    drainDeferred(dir, async () => {
      throw new Error('disk full');
    }),
  );
  t.equal(readdirSync(dir).length, 1, 'kept (claimed: the next start publishes it first)');
  const again: DeferredEvent[] = [];
  await drainDeferred(dir, async (e) => {
    again.push(e);
  });
  t.same(
    again.map((e) => e.event),
    ['lock_force_released'],
    'published by the next drain',
  );
  t.same(readdirSync(dir), [], 'and removed');
});
