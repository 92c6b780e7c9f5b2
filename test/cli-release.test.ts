// The safe bypass without an agent: `aimlock release --force` clears a DETACHED lock under the kernel locks,
// audits who/why/previous owner and leaves a hold that ends by itself; it refuses while a live process holds a
// kernel lock. `aimlock reclaim` never touches a lock whose owner is alive.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { aimlock, makeBoard } from './helpers/board.js';
import { plantLiveOwner } from './helpers/owner.js';
import { spawnFlock } from './helpers/procs.js';

t.test('release --force clears a DETACHED lock, audited, with an expiring hold', async (t) => {
  const board = makeBoard(t.testdir());
  await aimlock(board, ['locks']); // lays out the board
  plantLiveOwner(board.lockDir);
  const locks = await aimlock(board, ['locks', '--json']);
  t.equal(locks.code, 3);
  t.equal(JSON.parse(locks.stdout).verdict, 'DETACHED');

  const reclaim = await aimlock(board, ['reclaim']);
  t.equal(reclaim.code, 3, 'reclaim refuses: the owner is alive');
  t.match(reclaim.stderr, /not_stale: the lock is DETACHED/);

  const noReason = await aimlock(board, ['release', '--force']);
  t.equal(noReason.code, 2, 'refused without --reason');
  t.equal(readFileSync(join(board.lockDir, 'conf_locked'), 'utf8'), '1\n', 'nothing changed');

  const r = await aimlock(
    board,
    ['release', '--force', '--reason', 'owner wedged, ticket 4411', '--hold-for', '10m', '--json'],
    {
      env: { ...process.env, SUDO_USER: 'alice' },
    },
  );
  t.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  t.equal(out.previous.verdict, 'DETACHED');
  t.equal(readFileSync(join(board.lockDir, 'conf_locked'), 'utf8'), '0\n', 'bit cleared');
  t.equal((await aimlock(board, ['locks', '--json'])).code, 0, 'consistent afterwards');

  const audit = readFileSync(board.audit, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  const entry = audit.find((e) => e.event === 'lock_force_released');
  t.equal(entry.reason, 'owner wedged, ticket 4411');
  t.equal(entry.actor.sudo_user, 'alice', 'who: the human behind sudo');
  t.equal(typeof entry.actor.uid, 'number');
  t.equal(entry.previous.owner.pid, process.pid, 'previous owner recorded');
  t.equal(entry.generation, 0, 'generation at the time recorded');

  const hold = JSON.parse(readFileSync(join(board.stateDir, 'hold.json'), 'utf8'));
  const minutes = (Date.parse(hold.until) - Date.now()) / 60000;
  t.ok(minutes > 9 && minutes <= 10, `the hold ends by itself in ~10 min (${minutes.toFixed(1)})`);
  const status = await aimlock(board, ['status', '--json']);
  t.equal(status.code, 4, 'agent not running: exit 4, facts still printed');
  t.match(JSON.parse(status.stdout).hold.reason, /release --force/);
});

t.test('release --force refuses while a live process holds a kernel lock, and names it', async (t) => {
  const board = makeBoard(t.testdir());
  await aimlock(board, ['locks']);
  plantLiveOwner(board.lockDir);
  const foreign = await spawnFlock(t, board.lockFile);
  const r = await aimlock(board, ['release', '--force', '--reason', 'try']);
  t.equal(r.code, 3);
  t.match(r.stderr, new RegExp(`^aimlock: kernel_lock_held: .*FLOCK pid ${foreign.pid}`, 'm'));
  t.equal(readFileSync(join(board.lockDir, 'conf_locked'), 'utf8'), '1\n', 'bit untouched');
  const audit = readFileSync(board.audit, 'utf8');
  t.match(audit, /"event":"lock_force_release_refused"/, 'the refused attempt is audited too');
});
