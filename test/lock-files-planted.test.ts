// The lock bit and the generation are overwritten in place (src/lock/files.ts). Whatever the agent's user
// plants at those names — a FIFO, a symbolic link, a second hard link — must neither hang the writer (a FIFO
// opened for writing blocks until a reader comes) nor be written through: the name is replaced, as temp + rename
// always did, and what the link pointed at is left alone.
import { execFileSync } from 'node:child_process';
import { linkSync, lstatSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { LockFiles } from '../src/lock/files.js';
import { OwnedTree } from '../src/store/owned.js';

const within = <T>(p: Promise<T>, ms = 5000) =>
  Promise.race([
    p,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`hung ${ms} ms`)), ms)),
  ]);

for (const keepOpen of [false, true]) {
  t.test(`planted at the bit and the generation (keepOpen ${keepOpen})`, async (t) => {
    const root = t.testdir({ victim: 'not yours\n' });
    const dir = join(root, 'locks', 'cfg');
    mkdirSync(dir, { recursive: true });
    const tree = new OwnedTree(root, { keepOpen });
    t.teardown(() => tree.close());
    const files = new LockFiles(dir, tree);

    execFileSync('mkfifo', [files.bitPath]);
    await within(files.writeBit(1));
    t.ok(lstatSync(files.bitPath).isFile(), 'a FIFO at the bit: replaced by a file, no hang');
    t.equal(await files.readBit(), 1);

    symlinkSync(join(root, 'victim'), files.generationPath);
    await within(files.writeGeneration(7));
    t.ok(lstatSync(files.generationPath).isFile(), 'a link at the generation: replaced by a file');
    t.equal(readFileSync(join(root, 'victim'), 'utf8'), 'not yours\n', 'the link target untouched');
    t.equal(await files.readGeneration(), 7);

    writeFileSync(files.bitPath, '1\n');
    linkSync(files.bitPath, join(root, 'other-name'));
    await within(files.writeBit(0));
    t.equal(
      readFileSync(join(root, 'other-name'), 'utf8'),
      '1\n',
      'a second hard link: its other name untouched',
    );
    t.equal(await files.readBit(), 0);

    await files.writeBit(1); // the ordinary case, in place
    t.equal(readFileSync(files.bitPath, 'utf8'), '1\n');
  });
}
