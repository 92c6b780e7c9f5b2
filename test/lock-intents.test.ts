// A holder stalled between its kernel locks and its lock bit — on its way in or out — looks to an outsider
// exactly like a lock mismatch (UNOWNED, CLEARED). Its intent record is what tells the two apart: the
// outsider's verdict must be HELD ("taking or giving back the lock"), for as long as the stall lasts, and a
// mismatch again once the transition is over if the state is one. The stall is a real one (a step of the
// Locksmith made to wait on a promise), the outsider a real `aimlock locks --json` process, whose confirming
// looks (observe.ts) span 1.5 s: a transition merely quick enough would not prove anything.
import t, { type Test } from 'tap';
import { openBoard } from '../src/board/open.js';
import { KernelLock } from '../src/lock/kernel.js';
import type { Locksmith } from '../src/lock/locksmith.js';
import { loadSettings } from '../src/settings/load.js';
import { aimlock, makeBoard, type TestBoard } from './helpers/board.js';

interface Look {
  code: number | null;
  verdict: string;
  reason: string;
}

async function look(board: TestBoard): Promise<Look> {
  const r = await aimlock(board, ['locks', '--json']);
  const out = JSON.parse(r.stdout) as { verdict: string; reason: string };
  return { code: r.code, verdict: out.verdict, reason: out.reason };
}

/** A gate a step waits at: `reached` resolves when the step gets there, `open()` lets it go on. */
function gate() {
  let arrive!: () => void;
  let open!: () => void;
  const reached = new Promise<void>((r) => {
    arrive = r;
  });
  const opened = new Promise<void>((r) => {
    open = r;
  });
  return {
    reached,
    open,
    wait: async () => {
      arrive();
      await opened;
    },
  };
}

function locksmithOn(t: Test): {
  board: TestBoard;
  locksmith: Locksmith;
  actor: ReturnType<typeof openBoard>['actor'];
} {
  const board = makeBoard(t.testdir());
  const { locksmith, actor } = openBoard(loadSettings(board.settingsFile), 'aimlockd', undefined, {
    keepOpen: true,
  });
  return { board, locksmith, actor };
}

/** Makes `obj[name]` wait at the gate before (or after) doing what it does, once. */
function stallOnce<O extends object, K extends keyof O>(
  obj: O,
  name: K,
  g: ReturnType<typeof gate>,
  when: 'before' | 'after',
  only: (...args: unknown[]) => boolean = () => true,
): void {
  const original = obj[name] as unknown as (...args: unknown[]) => Promise<unknown>;
  let done = false;
  (obj as Record<K, unknown>)[name] = async function (this: unknown, ...args: unknown[]) {
    const stall = !done && only(...args);
    if (stall) done = true;
    if (stall && when === 'before') await g.wait();
    const out = await original.apply(this, args);
    if (stall && when === 'after') await g.wait();
    return out;
  } as unknown as O[K];
}

const inTransition = (t: Test, seen: Look, where: string) => {
  t.equal(seen.verdict, 'HELD', `${where}: an outsider sees HELD (${seen.reason})`);
  t.match(seen.reason, /taking or giving back the lock/, `${where}: because the holder vouched for itself`);
  t.equal(seen.code, 0, `${where}: aimlock locks exits 0 (consistent)`);
};

t.test('stalled on the way in: before the owner record, and between the record and the bit', async (t) => {
  for (const [where, step, when, only] of [
    ['kernel locks held, no owner record yet', 'writeOwner', 'before', undefined],
    ['owner record written, bit not yet', 'writeBit', 'before', (bit: unknown) => bit === 1],
  ] as const) {
    const { board, locksmith, actor } = locksmithOn(t);
    const g = gate();
    stallOnce(locksmith.files, step, g, when, only as ((...a: unknown[]) => boolean) | undefined);
    const leasing = locksmith.acquire({ waitMs: 5000, purpose: 'stall test', reclaimStale: false, actor });
    await g.reached;
    inTransition(t, await look(board), where);
    g.open();
    const lease = await leasing;
    t.equal((await look(board)).verdict, 'HELD', `${where}: held once the bit is up`);
    await lease.release();
    t.equal((await look(board)).verdict, 'FREE', `${where}: free after the release`);
  }
});

t.test(
  'stalled on the way out: bit down with the record there, and record gone with the kernel locks kept',
  async (t) => {
    for (const [where, stall] of [
      [
        'bit 0, owner record still there',
        (l: Locksmith, g: ReturnType<typeof gate>) => stallOnce(l.files, 'removeOwner', g, 'before'),
      ],
      [
        'bit 0, no record, kernel locks still held',
        (_l: Locksmith, g: ReturnType<typeof gate>) =>
          stallOnce(KernelLock.prototype, 'release', g, 'before'),
      ],
    ] as const) {
      const { board, locksmith, actor } = locksmithOn(t);
      const lease = await locksmith.acquire({
        waitMs: 5000,
        purpose: 'stall test',
        reclaimStale: false,
        actor,
      });
      const original = KernelLock.prototype.release;
      t.teardown(() => {
        KernelLock.prototype.release = original;
      });
      const g = gate();
      stall(locksmith, g);
      const releasing = lease.release();
      await g.reached;
      inTransition(t, await look(board), where);
      g.open();
      await releasing;
      KernelLock.prototype.release = original;
      t.equal((await look(board)).verdict, 'FREE', `${where}: free once the release is done`);
    }
  },
);

t.test(
  'the intent vouches only while the transition lasts: a bit cleared under the holder is CLEARED',
  async (t) => {
    const { board, locksmith, actor } = locksmithOn(t);
    const lease = await locksmith.acquire({
      waitMs: 5000,
      purpose: 'stall test',
      reclaimStale: false,
      actor,
    });
    t.teardown(() => lease.release());
    await locksmith.files.writeBit(0); // a technician's `echo 0 >` under a live holder
    const seen = await look(board);
    t.equal(seen.verdict, 'CLEARED', `a mismatch, not a transition (${seen.reason})`);
    t.equal(seen.code, 3, 'aimlock locks exits 3');
  },
);
