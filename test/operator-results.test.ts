// The operator's wait for a push's final answer (src/fleet/operator-results.ts) when its id comes back at
// another version: an outside tool that reuses an id for a newer push makes the agent answer the older one
// `superseded` — an answer about the other push, which must not end the wait for this one.
import t from 'tap';
import { ResultBook } from '../src/fleet/operator-results.js';
import type { Result } from '../src/schemas/index.js';

const answer = (over: Partial<Result>): Result => ({
  kind: 'aimlock.result/v1',
  device: 'drone-07',
  id: 'reused-id',
  version: 5,
  status: 'applied',
  code: 'ok',
  detail: '',
  ts: new Date().toISOString(),
  ...over,
});

t.test('an answer about another version of the same id does not end the wait', async (t) => {
  const book = new ResultBook();
  const older = answer({ version: 4, status: 'superseded', code: 'superseded' });
  book.take('drone-07', older); // arrived before the wait began
  const waiting = book.waitFinal('drone-07', 'reused-id', { timeoutMs: 5000, version: 5 });
  book.take('drone-07', { ...older, ts: new Date().toISOString() }); // and once more while it waits
  t.equal(book.pendingWaits, 1, 'still waiting after two answers about version 4');
  book.take('drone-07', answer({ version: 5 }));
  const outcome = await waiting;
  t.same(outcome.timedOut ? null : [outcome.result.version, outcome.result.status], [5, 'applied']);
});

t.test(
  'an answer that could not name a version still ends it, and a wait without one takes any',
  async (t) => {
    const book = new ResultBook();
    const broken = answer({ version: null, status: 'rejected', code: 'schema_invalid' });
    const pinned = book.waitFinal('drone-07', 'reused-id', { timeoutMs: 5000, version: 5 });
    const any = book.waitFinal('drone-07', 'reused-id', { timeoutMs: 5000 });
    book.take('drone-07', broken);
    for (const outcome of await Promise.all([pinned, any]))
      t.equal(outcome.timedOut ? 'timed out' : outcome.result.code, 'schema_invalid');
    const late = await book.waitFinal('drone-07', 'reused-id', { timeoutMs: 0, version: 4 });
    t.equal(
      late.timedOut ? 'timed out' : late.result.code,
      'schema_invalid',
      'also for a wait begun after it',
    );
  },
);

t.test('another device answering the same id does not end the wait', async (t) => {
  const book = new ResultBook();
  const waiting = book.waitFinal('drone-07', 'reused-id', { timeoutMs: 50, version: 5 });
  book.take('drone-08', answer({ device: 'drone-08' }));
  t.equal((await waiting).timedOut, true);
});
