// A holder stalled between its kernel locks and its lock bit — on its way in or out — looks to an outsider
// exactly like a lock mismatch (UNOWNED, CLEARED). Its intent record is what tells the two apart: the
// outsider's verdict must be HELD ("taking or giving back the lock"), for as long as the stall lasts, and a
// mismatch again once the transition is over if the state is one. The stall is a real one (a step of the
// Locksmith made to wait on a promise), the outsider a real `aimlock locks --json` process, whose confirming
// looks (observe.ts) span 1.5 s: a transition merely quick enough would not prove anything.
import {
  linkSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
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

type Gate = ReturnType<typeof gate>;

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

/** A Locksmith as the agent has it (its tree kept open: its intent file too) or as a technician's command. */
function locksmithOn(t: Test, keepOpen: boolean) {
  const board = makeBoard(t.testdir());
  const { locksmith, actor } = openBoard(loadSettings(board.settingsFile), 'aimlockd', undefined, {
    keepOpen,
  });
  return { board, locksmith, actor };
}

/** The lock, as the agent or a command takes it here (no ghost to reclaim, no long wait). */
const take = (locksmith: Locksmith, actor: ReturnType<typeof openBoard>['actor'], purpose: string) =>
  locksmith.acquire({ waitMs: 5000, purpose, reclaimStale: false, actor });

const MODES = [
  ['the agent', true],
  ['a command', false],
] as const;

/** Makes `obj[name]` wait at the gate before doing what it does, once (the first call `only` accepts). */
function stallOnce<O extends object, K extends keyof O>(
  obj: O,
  name: K,
  g: Gate,
  only: (...args: unknown[]) => boolean = () => true,
): void {
  const original = obj[name] as unknown as (...args: unknown[]) => Promise<unknown>;
  let done = false;
  (obj as Record<K, unknown>)[name] = async function (this: unknown, ...args: unknown[]) {
    if (!done && only(...args)) {
      done = true;
      await g.wait();
    }
    return original.apply(this, args);
  } as unknown as O[K];
}

const inTransition = (t: Test, seen: Look, where: string) => {
  t.equal(seen.verdict, 'HELD', `${where}: an outsider sees HELD (${seen.reason})`);
  t.match(seen.reason, /taking or giving back the lock/, `${where}: because the holder vouched for itself`);
  t.equal(seen.code, 0, `${where}: aimlock locks exits 0 (consistent)`);
};

t.test('stalled on the way in: before the owner record, and between the record and the bit', async (t) => {
  for (const [who, keepOpen] of MODES)
    for (const [point, step, only] of [
      ['kernel locks held, no owner record yet', 'writeOwner', undefined],
      ['owner record written, bit not yet', 'writeBit', (bit: unknown) => bit === 1],
    ] as const) {
      const where = `${who}, ${point}`;
      const { board, locksmith, actor } = locksmithOn(t, keepOpen);
      const g = gate();
      stallOnce(locksmith.files, step, g, only as ((...a: unknown[]) => boolean) | undefined);
      const leasing = take(locksmith, actor, 'stall test');
      await g.reached;
      inTransition(t, await look(board), where);
      g.open();
      const lease = await leasing;
      t.equal((await look(board)).verdict, 'HELD', `${where}: held once the bit is up`);
      await lease.release();
      t.equal((await look(board)).verdict, 'FREE', `${where}: free after the release`);
      const left = readdirSync(join(board.lockDir, 'intents'));
      t.same(
        left,
        keepOpen ? [`${process.pid}.json`] : [],
        `${where}: intent files left: ${left.join(', ') || 'none'}`,
      );
      t.equal(await locksmith.files.readIntent(process.pid), null, `${where}: none of them vouches`);
    }
});

t.test(
  'stalled on the way out: bit down with the record there, then record gone, kernel locks kept',
  async (t) => {
    const original = KernelLock.prototype.release;
    t.teardown(() => {
      KernelLock.prototype.release = original;
    });
    for (const [who, keepOpen] of MODES)
      for (const [point, stall] of [
        ['bit 0, owner record still there', (l: Locksmith, g: Gate) => stallOnce(l.files, 'removeOwner', g)],
        [
          'bit 0, no record, kernel locks still held',
          (_l: Locksmith, g: Gate) => stallOnce(KernelLock.prototype, 'release', g),
        ],
      ] as const) {
        const where = `${who}, ${point}`;
        const { board, locksmith, actor } = locksmithOn(t, keepOpen);
        const lease = await take(locksmith, actor, 'stall test');
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
    const { board, locksmith, actor } = locksmithOn(t, true);
    const lease = await take(locksmith, actor, 'stall test');
    t.teardown(() => lease.release());
    await locksmith.files.writeBit(0); // a technician's `echo 0 >` under a live holder
    const seen = await look(board);
    t.equal(seen.verdict, 'CLEARED', `a mismatch, not a transition (${seen.reason})`);
    t.equal(seen.code, 3, 'aimlock locks exits 3');
  },
);

t.test(
  'a link planted where the intent goes is replaced, not followed, and the intent still vouches',
  async (t) => {
    const plants = [
      ['a symbolic link', (target: string, at: string) => symlinkSync(target, at)],
      ['a hard link', (target: string, at: string) => linkSync(target, at)],
    ] as const;
    // Before any transition, and (the agent) over the file it keeps between them.
    for (const [who, keepOpen] of MODES)
      for (const [what, plant] of plants)
        for (const when of keepOpen ? ['before the first transition', 'over the kept file'] : ['']) {
          const where = `${who}, ${what}${when && ` ${when}`}`;
          const { board, locksmith, actor } = locksmithOn(t, keepOpen);
          const mine = join(board.lockDir, 'intents', `${process.pid}.json`);
          const target = join(board.dir, 'elsewhere.txt');
          writeFileSync(target, 'untouched\n');
          if (when === 'over the kept file') {
            await (await take(locksmith, actor, 'first')).release();
            rmSync(mine);
          }
          mkdirSync(dirname(mine), { recursive: true });
          plant(target, mine);
          const g = gate();
          stallOnce(locksmith.files, 'writeBit', g, (bit) => bit === 1);
          const leasing = take(locksmith, actor, 'planted');
          await g.reached;
          inTransition(t, await look(board), where);
          const st = lstatSync(mine);
          t.ok(st.isFile() && st.nlink === 1, `${where}: a file of its own at the name now`);
          g.open();
          await (await leasing).release();
          t.equal(
            readFileSync(target, 'utf8'),
            'untouched\n',
            `${where}: the planted link's target was not written`,
          );
        }
  },
);
