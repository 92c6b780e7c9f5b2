// A disk image's state directory as files on the host, without mounting it: the journal replayed on a scratch
// copy (what the next mount would do), a read-only full check, then the whole tree copied out with debugfs.
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';

function run(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.error) throw new Error(`${cmd} could not run: ${r.error.message} (install e2fsprogs)`);
  return r;
}

/** Sparse copy (the images are mostly holes): seconds of I/O otherwise, thousands of times per run. */
export function sparseCopy(from, to) {
  const r = run('cp', ['--sparse=always', from, to]);
  if (r.status !== 0) throw new Error(`cp ${from} ${to}: ${r.stderr.trim()}`);
}

/**
 * Copies `image` to `scratch`, replays its ext4 journal there and checks it, and dumps its root into `dir`.
 * Returns { fsck: null | text } — text when the read-only check found the file system inconsistent (the
 * files are still dumped: what a board would then read).
 */
export function filesOf(image, scratch, dir) {
  sparseCopy(image, scratch);
  // -E journal_only: replay the journal and stop, as a mount would. Exit 0/1: nothing to do / replayed.
  const j = run('e2fsck', ['-y', '-E', 'journal_only', scratch]);
  if (j.status !== 0 && j.status !== 1)
    return { fsck: `journal replay failed (e2fsck exit ${j.status}): ${j.stdout}${j.stderr}`.trim() };
  const f = run('e2fsck', ['-fn', scratch]);
  const fsck = f.status === 0 ? null : `e2fsck -fn exit ${f.status}: ${f.stdout}${f.stderr}`.trim();
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const d = run('debugfs', ['-R', `rdump / ${dir}`, scratch]);
  if (d.status !== 0) throw new Error(`debugfs rdump failed: ${d.stderr.trim()}`);
  return { fsck };
}
