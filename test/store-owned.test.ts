// The owned tree (src/store/owned.ts) on its own. Proves that a directory held open is used by fd, so swapping
// its path for a link after the check gains nothing (the race a path-based lstat check would lose); that a link
// anywhere below the root is refused with the path and the reason; that what root makes there belongs to the
// root directory's owner (a real second uid); and that paths outside the tree are left to the filesystem.
import {
  chownSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { atomicWrite } from '../src/store/atomic.js';
import { OwnedTree, openDirectory, UnsafePathError } from '../src/store/owned.js';
import { readBytes, readBytesIfPresent } from '../src/store/owned-read.js';
import { cannotSwitchUsers, ensureTestUser } from './helpers/users.js';

t.test('a directory held open is used by fd, whatever its path becomes', async (t) => {
  const root = t.testdir({ a: {}, elsewhere: {} });
  const tree = new OwnedTree(root);
  const dir = tree.openDir(join(root, 'a'), false);
  t.teardown(() => dir.close());
  // The swap a planted link would make between a check and a use.
  renameSync(join(root, 'a'), join(root, 'a-real'));
  symlinkSync(join(root, 'elsewhere'), join(root, 'a'));
  writeFileSync(dir.at('x'), 'mine\n');
  t.equal(
    readFileSync(join(root, 'a-real', 'x'), 'utf8'),
    'mine\n',
    'the write landed in the directory opened',
  );
  t.same(readdirSync(join(root, 'elsewhere')), [], 'not where the link points');
  await t.rejects(
    atomicWrite(join(root, 'a', 'y'), 'z', { tree }),
    UnsafePathError,
    'a new open refuses the link',
  );
});

t.test('a link at any depth below the root is refused, with the path and why', async (t) => {
  const root = t.testdir({ real: { deeper: {} }, elsewhere: { deeper: {} } });
  symlinkSync(join(root, 'elsewhere'), join(root, 'linked'));
  const tree = new OwnedTree(root);
  t.throws(() => tree.openDir(join(root, 'linked', 'deeper'), false), {
    name: 'UnsafePathError',
    path: join(root, 'linked'),
    message: /symbolic link where a directory belongs/,
  });
  t.throws(
    () => tree.openDir(join(root, 'linked', 'new'), true),
    UnsafePathError,
    'also when making directories',
  );
  t.same(readdirSync(join(root, 'elsewhere')), ['deeper'], 'nothing made through it');
  tree.openDir(join(root, 'real', 'deeper'), false).close();
  t.pass('real directories open');
});

t.test('outside the tree, paths are the filesystem’s business', async (t) => {
  const base = t.testdir({ tree: {}, target: {} });
  symlinkSync(join(base, 'target'), join(base, 'outside'));
  const tree = new OwnedTree(join(base, 'tree'));
  t.notOk(tree.contains(join(base, 'outside')), 'a sibling is not inside');
  t.notOk(tree.contains(join(base, 'tree-other')), 'nor one whose name only starts like it');
  t.ok(tree.contains(join(base, 'tree', 'a', 'b')), 'a descendant is');
  openDirectory(join(base, 'outside'), tree, false).close();
  t.pass('a linked directory outside the tree is opened as configured');
});

t.test(
  "what root makes in the tree belongs to the root's owner",
  { skip: cannotSwitchUsers() ?? false },
  async (t) => {
    const user = ensureTestUser();
    const root = t.testdir();
    chownSync(root, user.uid, user.gid);
    const tree = new OwnedTree(root);
    await atomicWrite(join(root, 'locks', 'cfg', 'owner.json'), '{}\n', { tree });
    mkdirSync(join(root, 'left-by-root'));
    tree.openDir(join(root, 'left-by-root'), false).close();
    for (const p of ['locks', 'locks/cfg', 'locks/cfg/owner.json', 'left-by-root']) {
      const st = statSync(join(root, p));
      t.same([st.uid, st.gid], [user.uid, user.gid], `${p} is the agent user's`);
    }
    t.equal(statSync(join(root, 'locks')).mode & 0o777, 0o750, 'directories 0750, as StateDirectoryMode');
    t.same(readdirSync(join(root, 'locks', 'cfg')), ['owner.json'], 'no temporary left');
  },
);

t.test(
  'kept open (the agent): a kept directory is used again only while its path still names it',
  async (t) => {
    const root = t.testdir({ a: {}, elsewhere: {} });
    const tree = new OwnedTree(root, { keepOpen: true });
    t.teardown(() => tree.close());
    const fdsNow = () => readdirSync('/proc/self/fd').length;

    const first = tree.openDir(join(root, 'a'), false);
    first.close();
    const again = tree.openDir(join(root, 'a'), false);
    t.equal(again.fd, first.fd, 'the same fd, handed out again');
    again.close();

    // Removed and made again: the kept fd names a deleted directory; the next use walks to the new one.
    rmSync(join(root, 'a'), { recursive: true });
    mkdirSync(join(root, 'a'));
    await atomicWrite(join(root, 'a', 'x'), 'new dir\n', { tree });
    t.equal(
      readFileSync(join(root, 'a', 'x'), 'utf8'),
      'new dir\n',
      'written in the directory the path names now',
    );

    // A link planted in its place after it was kept: refused, as a fresh walk refuses it.
    renameSync(join(root, 'a'), join(root, 'a-real'));
    symlinkSync(join(root, 'elsewhere'), join(root, 'a'));
    await t.rejects(atomicWrite(join(root, 'a', 'y'), 'z', { tree }), UnsafePathError, 'the link is refused');
    t.same(readdirSync(join(root, 'elsewhere')), [], 'nothing written where the link points');

    tree.openDir(join(root, 'a-real'), false).close(); // kept
    const before = fdsNow();
    tree.close();
    t.ok(fdsNow() < before, 'close() gives the kept descriptors back');
  },
);

t.test('kept open: a directory dropped from the cache stays open for a write still using it', async (t) => {
  const root = t.testdir({ a: {} });
  const tree = new OwnedTree(root, { keepOpen: true });
  t.teardown(() => tree.close());
  const inUse = tree.openDir(join(root, 'a'), false); // a write holding it across an await
  renameSync(join(root, 'a'), join(root, 'a-old'));
  mkdirSync(join(root, 'a'));
  const fresh = tree.openDir(join(root, 'a'), false); // drops the kept one from the cache
  t.not(fresh.fd, inUse.fd, 'a new fd for the new directory');
  writeFileSync(inUse.at('still-mine'), 'x');
  t.same(readdirSync(join(root, 'a-old')), ['still-mine'], 'the old fd still names the directory it opened');
  inUse.close();
  fresh.close();
});

t.test(
  'a record that may be absent: null when it is, the same refusals as readBytes when it is not',
  async (t) => {
    const root = t.testdir({ a: { here: 'yes\n' }, secret: 'root only\n' });
    const tree = new OwnedTree(root);
    t.equal(await readBytesIfPresent(join(root, 'a', 'missing'), tree), null, 'absent: null, no throw');
    t.equal((await readBytesIfPresent(join(root, 'a', 'here'), tree))?.toString(), 'yes\n');
    symlinkSync(join(root, 'secret'), join(root, 'a', 'link'));
    await t.rejects(
      readBytesIfPresent(join(root, 'a', 'link'), tree),
      { code: 'ELOOP' },
      'a link is not read',
    );
    await t.rejects(readBytes(join(root, 'a', 'link'), tree), { code: 'ELOOP' }, 'as readBytes refuses it');
    mkdirSync(join(root, 'a', 'dir'));
    await t.rejects(readBytesIfPresent(join(root, 'a', 'dir'), tree), UnsafePathError, 'not a regular file');
    await t.rejects(
      readBytesIfPresent(join(root, 'gone', 'x'), tree),
      { code: 'ENOENT' },
      'no folder: ENOENT',
    );
  },
);
