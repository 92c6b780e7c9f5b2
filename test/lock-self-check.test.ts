// The Locksmith's "waiting for ourselves" check must not misfire on our own flock while a foreign lockf/fcntl
// holder has the POSIX lock: waiting for fcntl we hold our flock legitimately. The foreign holder is a real
// Python `fcntl.lockf` process that takes the POSIX lock in the gap between the Locksmith's first look (FREE)
// and its kernel locks — the race a push meets when a foreign writer starts just then. The outcome must be a
// lock mismatch (the agent keeps the push as desired: `lock_mismatch`), not an internal error (`apply_failed`).
import { execFileSync } from 'node:child_process';
import t from 'tap';
import { openBoard } from '../src/board/open.js';
import { LockError } from '../src/lock/locksmith.js';
import { loadSettings } from '../src/settings/load.js';
import { makeBoard } from './helpers/board.js';

/** Forks a lockf holder that outlives this call (stdio on /dev/null) and returns its pid once it holds. */
const DAEMON = `
import fcntl, os, sys, time
r, w = os.pipe()
if os.fork() == 0:
    os.close(r)
    os.setsid()
    null = os.open('/dev/null', os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    f = open(sys.argv[1], 'a+')
    fcntl.lockf(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
    os.write(w, b'%d\\n' % os.getpid())
    os.close(w)
    time.sleep(120)
    os._exit(0)
os.close(w)
sys.stdout.write(os.read(r, 64).decode())
`;

t.test('a foreign lockf holder arriving mid-acquire is a lock mismatch, not our own flock', async (t) => {
  const board = makeBoard(t.testdir(), { lock: { wait_ms: 5000 } });
  let foreign = 0;
  t.teardown(() => {
    if (foreign > 0) process.kill(foreign, 'SIGKILL');
  });
  const log = {
    info(_obj: object, msg: string) {
      // Synchronously, between the first look and the kernel locks: a hook, not a sleep.
      if (msg === 'taking lock' && foreign === 0) {
        foreign = Number(execFileSync('python3', ['-c', DAEMON, board.lockFile], { encoding: 'utf8' }));
      }
    },
    warn() {},
  };
  const { locksmith, actor } = openBoard(loadSettings(board.settingsFile), 'aimlock', log);
  const err = await locksmith
    .acquire({ waitMs: 5000, purpose: 'test', reclaimStale: true, actor })
    .then((lease) => lease.release().then(() => null))
    .catch((e: unknown) => e);
  t.ok(foreign > 0, `the lockf holder started (pid ${foreign})`);
  t.ok(err instanceof LockError, `a LockError, not "${(err as Error)?.message}"`);
  t.equal((err as LockError).code, 'lock_mismatch');
  t.equal((err as LockError).observation.verdict, 'UNOWNED');
  t.ok(
    (err as LockError).observation.holders.some((h) => h.pid === foreign && h.kind === 'POSIX'),
    'the evidence names the lockf holder',
  );
});
