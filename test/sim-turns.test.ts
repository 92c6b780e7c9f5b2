// Turns to land in a simulator (src/fleet/sim-turns.ts): at most N at once, the rest in arrival order, an end
// called twice gives back one turn only.
import t from 'tap';
import { Turns } from '../src/fleet/sim-turns.js';

t.test('at most N at once; waiting ones go in arrival order', async (t) => {
  const turns = new Turns(2);
  const order: number[] = [];
  const ends = new Map<number, () => void>();
  const takers = [1, 2, 3, 4].map((n) =>
    turns.take().then((end) => {
      order.push(n);
      ends.set(n, end);
    }),
  );
  await new Promise((r) => setImmediate(r));
  t.same(order, [1, 2], 'two turns given, two waiting');
  t.equal(turns.queued, 2);
  ends.get(2)!();
  await new Promise((r) => setImmediate(r));
  t.same(order, [1, 2, 3], 'the first in line takes the turn given back');
  ends.get(2)!(); // a second end of the same turn
  await new Promise((r) => setImmediate(r));
  t.same(order, [1, 2, 3], 'ending a turn twice does not give back two');
  ends.get(1)!();
  await Promise.all(takers);
  t.same(order, [1, 2, 3, 4]);
  ends.get(3)!();
  ends.get(4)!();
  const again = await Promise.all([turns.take(), turns.take()]);
  t.equal(turns.queued, 0, 'all turns back: two are given at once again');
  for (const end of again) end();
});

t.test('a size that is not a count is refused', async (t) => {
  t.throws(() => new Turns(0), RangeError);
  t.throws(() => new Turns(1.5), RangeError);
});
