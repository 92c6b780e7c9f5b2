// The ghost story on one board, with real processes: a holder killed with SIGKILL leaves a STALE lock that
// `aimlock reclaim` clears (audited); foreign flock(1) and lockf holders are UNOWNED and block `aimlock apply`
// without touching the live file; a live apply shows HELD, and `echo 0 >` under it shows CLEARED.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { aimlock, configWith, GOOD_CONFIG, makeBoard } from './helpers/board.js';
import { myStart, ownerRecord } from './helpers/owner.js';
import { spawnFlock, spawnHolder, spawnLockf } from './helpers/procs.js';

const verdictOf = async (board: ReturnType<typeof makeBoard>) => {
  const r = await aimlock(board, ['locks', '--json']);
  return { ...JSON.parse(r.stdout), exit: r.code } as {
    verdict: string;
    exit: number;
    reason: string;
    kernel_holders: Array<{ pid: number; type: string }>;
  };
};

const auditEvents = (board: ReturnType<typeof makeBoard>) =>
  readFileSync(board.audit, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

t.test(
  'kill -9 of a holder leaves a ghost: STALE, reclaim clears it (audited), apply then succeeds',
  async (t) => {
    const board = makeBoard(t.testdir(), { lock: { auto_reclaim: 'never' } });
    const holder = await spawnHolder(t, board, 'apply push 7f3c v42');
    const held = await verdictOf(board);
    t.equal(held.verdict, 'HELD', 'a live holder is HELD');
    t.equal(held.exit, 0);
    await holder.kill9();
    // What a writer killed between creating a temporary and renaming it leaves (run as root, root's): the
    // reclaim takes it with the ghost's records (a board saw one survive a root reclaim until the next start).
    const leftover = `.owner.json.tmp-${holder.pid}-0123456789ab`;
    writeFileSync(join(board.lockDir, leftover), '{"pid":');

    const ghost = await verdictOf(board);
    t.equal(ghost.verdict, 'STALE');
    t.equal(ghost.exit, 3, 'a mismatch exits 3');
    t.match(ghost.reason, String(holder.pid), 'the reason names the dead pid');
    t.same(ghost.kernel_holders, [], 'the kernel locks died with the process');

    const refused = await aimlock(board, [
      'apply',
      board.writeJson('c.json', GOOD_CONFIG),
      '--reason',
      'test',
    ]);
    t.equal(refused.code, 3, 'with auto_reclaim never, apply refuses a ghost');
    t.match(refused.stderr, /^aimlock: lock_mismatch: .*STALE/m);

    const dry = await aimlock(board, ['reclaim', '--dry-run']);
    t.equal(dry.code, 0);
    t.match(dry.stdout, /would reclaim/);
    t.equal((await verdictOf(board)).verdict, 'STALE', 'dry run changes nothing');

    const reclaimed = await aimlock(board, ['reclaim', '--reason', 'ghost after crash']);
    t.equal(reclaimed.code, 0, reclaimed.stderr);
    t.equal((await verdictOf(board)).verdict, 'FREE');
    const entry = auditEvents(board).find((e) => e.event === 'lock_reclaimed');
    t.ok(entry, 'reclaim is in the audit log');
    t.equal(
      (entry?.previous as { owner?: { pid: number } } | undefined)?.owner?.pid,
      holder.pid,
      'audit names the previous owner',
    );
    t.equal(entry?.reason, 'ghost after crash');
    t.notOk(existsSync(join(board.lockDir, leftover)), 'the dead writer’s temporary went with its records');
    t.same(entry?.swept, [leftover], 'and the audit names it');

    const again = await aimlock(board, ['reclaim']);
    t.equal(again.code, 3, 'nothing left to reclaim');
    t.match(again.stderr, /^aimlock: not_stale: the lock is FREE/m);

    const applied = await aimlock(board, [
      'apply',
      join(board.dir, 'c.json'),
      '--reason',
      'after reclaim',
      '--json',
    ]);
    t.equal(applied.code, 0, applied.stderr);
    const result = JSON.parse(applied.stdout);
    t.equal(result.generation, holder.generation + 1, 'generation moved on from the ghost');
    t.equal(result.version, 1);
  },
);

t.test(
  'with auto_reclaim always, apply reclaims the ghost itself and says so in the audit log',
  async (t) => {
    const board = makeBoard(t.testdir());
    const holder = await spawnHolder(t, board);
    await holder.kill9();
    const applied = await aimlock(board, [
      'apply',
      board.writeJson('c.json', GOOD_CONFIG),
      '--reason',
      'auto',
      '--json',
    ]);
    t.equal(applied.code, 0, applied.stderr);
    t.equal(JSON.parse(applied.stdout).lock.verdict, 'STALE', 'the result says what it found on the way in');
    t.ok(
      auditEvents(board).some((e) => e.event === 'lock_reclaimed'),
      'reclaim audited',
    );
    t.equal((await verdictOf(board)).verdict, 'FREE');
  },
);

for (const [name, spawnForeign, kind] of [
  ['flock(1) from util-linux', spawnFlock, 'FLOCK'],
  ['python fcntl.lockf', spawnLockf, 'POSIX'],
] as const) {
  t.test(
    `a foreign ${name} holder is UNOWNED and apply leaves the live config byte-for-byte unchanged`,
    async (t) => {
      const board = makeBoard(t.testdir());
      const first = await aimlock(board, [
        'apply',
        board.writeJson('a.json', GOOD_CONFIG),
        '--reason',
        'initial',
      ]);
      t.equal(first.code, 0, `initial apply: ${first.stderr}`);
      const before = readFileSync(board.config);

      const foreign = await spawnForeign(t, board.lockFile);
      const seen = await verdictOf(board);
      t.equal(seen.verdict, 'UNOWNED');
      t.equal(seen.exit, 3);
      t.same(
        seen.kernel_holders.map((h) => [h.pid, h.type]),
        [[foreign.pid, kind]],
        'the table names the foreign holder by pid and lock type',
      );

      const changed = board.writeJson(
        'b.json',
        configWith((c) => (c.aim.sensitivity = 0.3)),
      );
      const refused = await aimlock(board, ['apply', changed, '--reason', 'must not land']);
      t.equal(refused.code, 3);
      t.match(refused.stderr, /^aimlock: lock_mismatch: lock mismatch: aim_lock_config.conf HOT — UNOWNED/m);
      t.same(readFileSync(board.config), before, 'live config unchanged');

      foreign.kill('SIGKILL');
      await new Promise((r) => foreign.once('exit', r));
      const after = await aimlock(board, ['apply', changed, '--reason', 'holder gone']);
      t.equal(after.code, 0, 'once the foreign holder is gone the apply lands');
    },
  );
}

t.test('a slow apply shows HELD; clearing the bit under it by hand shows CLEARED', async (t) => {
  const dir = t.testdir();
  // The hook holds the apply (and so the lock) until the test creates `go`: no race against a sleep.
  const hook = `touch ${dir}/hook-started; while [ ! -e ${dir}/go ]; do sleep 0.05; done`;
  const board = makeBoard(dir, { apply_hook: { command: ['sh', '-c', hook], timeout_ms: 60000 } });
  const applying = aimlock(board, ['apply', board.writeJson('c.json', GOOD_CONFIG), '--reason', 'slow']);
  const started = join(dir, 'hook-started');
  for (let i = 0; i < 200; i++) {
    try {
      readFileSync(started);
      break;
    } catch {
      await new Promise((r) => setTimeout(r, 25));
    }
  }
  const during = await verdictOf(board);
  t.equal(during.verdict, 'HELD');
  writeFileSync(join(board.lockDir, 'conf_locked'), '0\n'); // the technician's `echo 0 >`
  const cleared = await verdictOf(board);
  t.equal(cleared.verdict, 'CLEARED');
  t.equal(cleared.exit, 3);
  writeFileSync(join(dir, 'go'), '');
  const done = await applying;
  t.equal(done.code, 0, 'the writer itself finishes normally');
  t.equal((await verdictOf(board)).verdict, 'FREE');
});

t.test(
  'owner records that prove the owner gone: wrong pid_start, other boot, garbage, missing',
  async (t) => {
    const ownerFor = (patch: Record<string, unknown>) =>
      JSON.stringify(ownerRecord({ pid_start: 1, ...patch }));
    const start = myStart();
    const cases: Array<[string, string | null, RegExp]> = [
      ['pid reused (start time differs)', ownerFor({ pid_start: start + 1 }), /reused|start/],
      [
        'another boot',
        ownerFor({ pid_start: start, boot_id: '00000000-0000-4000-8000-000000000000' }),
        /boot/,
      ],
      ['garbage JSON', '{"pid": 12, oops', /corrupt|JSON/i],
      ['record missing', null, /missing|absent|no owner/i],
    ];
    for (const [name, owner, reason] of cases) {
      const board = makeBoard(t.testdir(), { lock: { auto_reclaim: 'never' } });
      await aimlock(board, ['locks']); // lays out the board's directories
      writeFileSync(join(board.lockDir, 'conf_locked'), '1\n');
      if (owner !== null) writeFileSync(join(board.lockDir, 'owner.json'), owner);
      const seen = await verdictOf(board);
      t.equal(seen.verdict, 'STALE', name);
      t.match(seen.reason, reason, `${name}: the reason says why`);
    }
  },
);
