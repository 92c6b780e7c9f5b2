import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { atomicWrite, atomicWriteSync, sweepTempFiles } from '../src/store/atomic.js';
import { buildStore, exitOf, spawnFixture, waitForWord } from './fixtures/store-child.js';

const TEMP = /\.tmp-\d+-[0-9a-f]+$/;

t.test('replaces the content and leaves no temporary file', async (t) => {
  const dir = t.testdir({ 'live.conf': 'old\n' });
  const path = join(dir, 'live.conf');
  await atomicWrite(path, 'new content\n');
  t.equal(readFileSync(path, 'utf8'), 'new content\n');
  await atomicWrite(path, Buffer.from([0, 1, 2, 255]));
  t.strictSame([...readFileSync(path)], [0, 1, 2, 255], 'a Buffer is written byte for byte');
  atomicWriteSync(path, 'sync content\n');
  t.equal(readFileSync(path, 'utf8'), 'sync content\n', 'the sync variant replaces too');
  await atomicWrite(join(dir, 'fresh'), 'created\n');
  t.equal(readFileSync(join(dir, 'fresh'), 'utf8'), 'created\n', 'a missing file is created');
  t.strictSame(readdirSync(dir).sort(), ['fresh', 'live.conf'], 'no temporaries left');
});

t.test('mode is exact, whatever the umask', async (t) => {
  const dir = t.testdir();
  const old = process.umask(0o077);
  t.teardown(() => {
    process.umask(old);
  });
  await atomicWrite(join(dir, 'a'), 'x', { mode: 0o640 });
  atomicWriteSync(join(dir, 'b'), 'x', { mode: 0o604 });
  t.equal(statSync(join(dir, 'a')).mode & 0o777, 0o640);
  t.equal(statSync(join(dir, 'b')).mode & 0o777, 0o604);
});

t.test('a failed rename leaves the target as it was and no temporary', async (t) => {
  // The target is a non-empty directory: rename(2) of a file over it fails (EISDIR), as root too.
  const dir = t.testdir({ 'live.conf': { 'inner.txt': 'keep me' } });
  const path = join(dir, 'live.conf');
  await t.rejects(atomicWrite(path, 'new'), { code: 'EISDIR' });
  t.throws(() => atomicWriteSync(path, 'new'), { code: 'EISDIR' });
  t.equal(readFileSync(join(path, 'inner.txt'), 'utf8'), 'keep me');
  t.strictSame(readdirSync(dir), ['live.conf'], 'temporaries removed');
  await t.rejects(atomicWrite(join(dir, 'no-such-dir', 'x'), 'new'), { code: 'ENOENT' });
});

// A real I/O failure, injected at the file: the temporary gets part of the data, then the write or the fsync
// fails as a full disk or a dying SD card would make it fail (EIO).
type Step = 'write' | 'fsync';
const eio = (what: string) => Object.assign(new Error(`EIO: injected ${what} failure`), { code: 'EIO' });

async function failingAtomic(t: Test, step: Step) {
  const realS = await import('node:fs');
  const writeSync = (fd: number, buf: Buffer) => {
    realS.writeSync(fd, buf, 0, Math.min(100, buf.length));
    if (step === 'write') throw eio(step);
    return Math.min(100, buf.length);
  };
  const fsyncSync = (fd: number) => {
    if (step === 'fsync') throw eio(step);
    realS.fsyncSync(fd);
  };
  // atomicWrite: everything synchronous but the fsyncs, which go through fs.fsync on the thread pool.
  const fsync = (fd: number, cb: (err: NodeJS.ErrnoException | null) => void) => {
    if (step === 'fsync') process.nextTick(cb, eio(step));
    else realS.fsync(fd, cb);
  };
  return t.mockImport<typeof import('../src/store/atomic.js')>('../src/store/atomic.js', {
    'node:fs': { ...realS, writeSync, fsyncSync, fsync },
  });
}

for (const step of ['write', 'fsync'] as const) {
  t.test(`a failed ${step} keeps the old content and removes the temporary`, async (t) => {
    const dir = t.testdir({ 'live.conf': 'old content\n' });
    const path = join(dir, 'live.conf');
    const failing = await failingAtomic(t, step);
    await t.rejects(failing.atomicWrite(path, 'new content\n'), { code: 'EIO' }, 'async');
    t.throws(() => failing.atomicWriteSync(path, 'new content\n'), { code: 'EIO' }, 'sync');
    t.equal(readFileSync(path, 'utf8'), 'old content\n', 'old content intact');
    t.strictSame(readdirSync(dir), ['live.conf'], 'the partial temporaries were removed');
  });
}

t.test('sweepTempFiles removes only temporaries of dead writers', async (t) => {
  const dead = spawnSync(process.execPath, ['-e', '0']).pid;
  const dir = t.testdir({
    [`.live.conf.tmp-${dead}-abc123`]: 'partial',
    [`.live.conf.tmp-${process.pid}-def456`]: 'in flight',
    'live.conf': 'x',
    '.hidden': 'not a temporary',
  });
  t.strictSame(await sweepTempFiles(dir), [`.live.conf.tmp-${dead}-abc123`]);
  t.strictSame(readdirSync(dir).sort(), ['.hidden', `.live.conf.tmp-${process.pid}-def456`, 'live.conf']);
  t.strictSame(await sweepTempFiles(join(dir, 'absent')), [], 'a missing directory has nothing to sweep');
});

t.test('kill -9 at random instants: the file is always A or B, whole', async (t) => {
  const KILLS = 120;
  // Two lanes: the boards this runs on have few cores, and a starved child only makes the test slow.
  const LANES = 2;
  // Different lengths and bytes: a torn, truncated or mixed file matches neither.
  const A = Buffer.alloc(1024 * 1024 + 1, 'A');
  const B = Buffer.alloc(768 * 1024 + 7, 'B');
  const dir = t.testdir();
  const store = buildStore(join(dir, 'store'));
  const started = Date.now();
  let checked = 0;
  let leftovers = 0;

  const lane = async (id: number, rounds: number) => {
    const laneDir = join(dir, `lane-${id}`);
    mkdirSync(laneDir);
    const path = join(laneDir, 'live.conf');
    writeFileSync(path, A);
    for (let round = 0; round < rounds; round++) {
      const child = spawnFixture('store-writer.mjs', [
        store,
        path,
        String(A.length),
        String(B.length),
        id % 2 ? 'sync' : 'async',
      ]);
      await waitForWord(child, 'ready');
      await new Promise((r) => setTimeout(r, Math.random() * 60));
      child.kill('SIGKILL');
      await exitOf(child);
      const content = readFileSync(path);
      if (!content.equals(A) && !content.equals(B)) {
        t.fail(`lane ${id} round ${round}: ${content.length} bytes, neither A nor B`);
        return;
      }
      checked++;
      leftovers += (await sweepTempFiles(laneDir)).length;
      const names = readdirSync(laneDir);
      if (names.some((n) => TEMP.test(n))) t.fail(`lane ${id}: a dead writer's temporary survived the sweep`);
    }
  };
  await Promise.all(Array.from({ length: LANES }, (_, i) => lane(i, Math.ceil(KILLS / LANES))));
  t.equal(checked, Math.ceil(KILLS / LANES) * LANES, `every one of ${checked} kills left exactly A or B`);
  t.comment(`${leftovers} kills landed mid-write (left a temporary); ${Date.now() - started} ms`);
  t.ok(leftovers > 0, 'some kills landed mid-write, so the test did exercise a torn write');
});
