// The vehicle state file (CONTRACT §5 update_window) read for real: one word, and anything else — missing, a
// directory, a FIFO nobody writes — reads as `flying` at once. The read is synchronous (src/agent/vehicle.ts), so
// a FIFO opened without O_NONBLOCK would hang the whole agent, not only one thread-pool thread.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { readVehicleState, windowShutBy } from '../src/agent/vehicle.js';

t.test('one word, or flying when in doubt', async (t) => {
  const dir = t.testdir();
  const at = (name: string) => join(dir, name);
  writeFileSync(at('grounded'), 'grounded\n');
  writeFileSync(at('hover'), 'hover');
  writeFileSync(at('junk'), 'parked\n');
  mkdirSync(at('a-directory'));
  t.equal(await readVehicleState(at('grounded')), 'grounded');
  t.equal(await readVehicleState(at('hover')), 'hover');
  t.equal(await readVehicleState(at('junk')), 'flying', 'an unknown word');
  t.equal(await readVehicleState(at('missing')), 'flying', 'no file');
  t.equal(await readVehicleState(at('a-directory')), 'flying', 'not a regular file');
});

t.test('a FIFO nobody writes reads as flying at once, and does not hang the agent', async (t) => {
  const fifo = join(t.testdir(), 'vehicle_state');
  execFileSync('mkfifo', [fifo]);
  const started = performance.now();
  const state = await Promise.race([
    readVehicleState(fifo),
    new Promise((resolve) => setTimeout(resolve, 5000, 'hung')),
  ]);
  t.equal(state, 'flying');
  t.ok(performance.now() - started < 5000, 'answered without waiting for a writer');
});

t.test('each window against the state that shuts it; `any` is open without reading the file', async (t) => {
  const dir = t.testdir();
  const at = (name: string) => join(dir, name);
  writeFileSync(at('grounded'), 'grounded\n');
  writeFileSync(at('hover'), 'hover\n');
  t.equal(await windowShutBy('grounded', at('grounded')), null);
  t.equal(await windowShutBy('grounded', at('hover')), 'hover', 'grounded needs grounded');
  t.equal(await windowShutBy('hover', at('hover')), null);
  t.equal(await windowShutBy('hover', at('missing')), 'flying', 'no file: flying, shut');
  t.equal(await windowShutBy('any', at('missing')), null, 'any: open, flying or not');
  // A FIFO would answer `flying` after a look; `any` does not look at all.
  const fifo = at('fifo');
  execFileSync('mkfifo', [fifo]);
  t.equal(await windowShutBy('any', fifo), null);
});
