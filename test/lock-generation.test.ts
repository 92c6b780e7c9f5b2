// Generations (fencing tokens) without an fsync per acquisition (src/lock/generation.ts): +1 within a boot,
// the durable reservation rewritten only at its ceiling, and a new boot starts at the ceiling whatever the
// unsynced counter rolled back to — so no token is ever handed out twice.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { LockFiles } from '../src/lock/files.js';
import { nextGeneration, RESERVE_BLOCK } from '../src/lock/generation.js';

t.test('generation: +1 within a boot, reserved in blocks, never repeated after a power cut', async (t) => {
  const dir = t.testdir();
  const files = new LockFiles(dir);
  const reserve = () => readFileSync(join(dir, 'generation.reserved'), 'utf8');
  t.equal(await nextGeneration(files, 'boot-a'), 1, 'a fresh board starts at 1');
  t.equal(reserve(), `${1 + RESERVE_BLOCK} boot-a\n`, 'the first acquisition of a boot reserves a block');
  const handed = [1];
  for (let i = 0; i < RESERVE_BLOCK + 5; i++) handed.push(await nextGeneration(files, 'boot-a'));
  t.same(
    handed,
    Array.from({ length: handed.length }, (_, i) => i + 1),
    '+1 each time within the boot',
  );
  t.equal(reserve(), `${RESERVE_BLOCK + 1 + RESERVE_BLOCK} boot-a\n`, 'reserved again at the ceiling');

  // A power cut rolls the unsynced counter back (or empties it); the reservation was synced.
  writeFileSync(join(dir, 'generation'), '');
  const after = await nextGeneration(files, 'boot-b');
  t.ok(after > Math.max(...handed), `the next boot never repeats a token (${after})`);
  t.equal(after, 2 * RESERVE_BLOCK + 1, 'it starts at the durable ceiling');
  t.equal(await nextGeneration(files, 'boot-b'), after + 1, 'and counts on by one');

  // A counter ahead of the reservation (a board from before reservations): the counter counts.
  writeFileSync(join(dir, 'generation'), '5000\n');
  t.equal(await nextGeneration(files, 'boot-c'), 5001);
});
