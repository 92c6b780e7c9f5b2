import t from 'tap';
import type { KernelHolder, LockObservation, OwnerRecord, ProcessFacts, Verdict } from '../src/lock/types.js';
import { decide, isMismatch, isProvablyGone } from '../src/lock/verdict.js';

const BOOT = '5fe61c80-2061-4dba-b769-72c06dddc63c';
const OTHER_BOOT = 'a1b2c3d4-0000-4000-8000-000000000000';
const NS = 'pid:[4026531836]';
const NOW = Date.parse('2026-11-24T03:12:10.000Z');
const TTL = 15_000;

const record = (over: Partial<OwnerRecord> = {}): OwnerRecord => ({
  pid: 4242,
  pid_start: 1234567,
  boot_id: BOOT,
  holder: 'aimlockd',
  device: 'drone-07',
  purpose: 'apply push 7f3c v42',
  generation: 17,
  acquired_at: '2026-11-24T03:12:00.000Z',
  heartbeat_at: '2026-11-24T03:12:05.000Z',
  token: 'tok',
  pid_ns: NS,
  ...over,
});

const flock = (pid = 4242, over: Partial<KernelHolder> = {}): KernelHolder => ({
  kind: 'FLOCK',
  mode: 'WRITE',
  pid,
  blocked: false,
  ...over,
});
const posix = (pid = 4242, over: Partial<KernelHolder> = {}): KernelHolder =>
  flock(pid, { kind: 'POSIX', ...over });
const both = (pid = 4242) => [flock(pid), posix(pid)];

const ALIVE: ProcessFacts = { alive: true, start: 1234567 };
const DEAD: ProcessFacts = { alive: false, start: null };
const REUSED: ProcessFacts = { alive: true, start: 7654321 };
const BLIND = { complete: false, reason: '/proc is mounted with hidepid=2', pidNs: NS };

function obs(over: Partial<LockObservation> & { rec?: Partial<OwnerRecord> } = {}): LockObservation {
  const { rec, ...rest } = over;
  return {
    bit: 1,
    owner: { state: 'ok', record: record(rec) },
    holders: both(),
    ownerProcess: ALIVE,
    bootId: BOOT,
    visibility: { complete: true, pidNs: NS },
    now: NOW,
    heartbeatTtlMs: TTL,
    ...rest,
  };
}

interface Row {
  name: string;
  obs: LockObservation;
  verdict: Verdict;
  /** Evidence the reason must mention. */
  mentions: (string | RegExp)[];
}

const rows: Row[] = [
  // CONTRACT §3 rows
  {
    name: 'FREE: bit 0, no record, no holders',
    obs: obs({ bit: 0, owner: { state: 'absent' }, holders: [], ownerProcess: null }),
    verdict: 'FREE',
    mentions: ['lock bit is 0', 'no process holds'],
  },
  {
    name: 'FREE: bit absent, no holders',
    obs: obs({ bit: null, owner: { state: 'absent' }, holders: [], ownerProcess: null }),
    verdict: 'FREE',
    mentions: ['no lock bit'],
  },
  {
    name: 'FREE: bit 0 + dead leftover record is ignored',
    obs: obs({ bit: 0, holders: [], ownerProcess: DEAD }),
    verdict: 'FREE',
    mentions: ['leftover owner record of pid 4242 is ignored'],
  },
  {
    name: 'HELD: owner alive, both kernel locks, fresh heartbeat',
    obs: obs(),
    verdict: 'HELD',
    mentions: ['pid 4242', 'start 1234567', 'FLOCK+POSIX', 'heartbeat 5.0s ago', 'ttl 15.0s'],
  },
  {
    name: 'HUNG: heartbeat older than ttl',
    obs: obs({ now: Date.parse('2026-11-24T03:12:05.000Z') + TTL + 1 }),
    verdict: 'HUNG',
    mentions: ['pid 4242', 'last heartbeat is 15.0s old', 'ttl 15.0s'],
  },
  {
    name: 'HELD: heartbeat exactly at the ttl boundary',
    obs: obs({ now: Date.parse('2026-11-24T03:12:05.000Z') + TTL }),
    verdict: 'HELD',
    mentions: ['heartbeat 15.0s ago', 'ttl 15.0s'],
  },
  {
    name: 'HUNG: heartbeat_at unparsable',
    obs: obs({ rec: { heartbeat_at: 'yesterday' } }),
    verdict: 'HUNG',
    mentions: ['"yesterday"', 'unparsable'],
  },
  {
    name: 'DETACHED: owner alive, no kernel locks',
    obs: obs({ holders: [] }),
    verdict: 'DETACHED',
    mentions: ['pid 4242', 'alive', 'no kernel lock'],
  },
  {
    name: 'DETACHED: owner holds only FLOCK',
    obs: obs({ holders: [flock()] }),
    verdict: 'DETACHED',
    mentions: ['holds FLOCK but not POSIX', 'close an fd of the lock file'],
  },
  {
    name: 'DETACHED: owner holds only POSIX',
    obs: obs({ holders: [posix()] }),
    verdict: 'DETACHED',
    mentions: ['holds POSIX but not FLOCK'],
  },
  {
    name: 'UNOWNED: bit 1, a stranger holds',
    obs: obs({ holders: [flock(999, { command: 'flock' })] }),
    verdict: 'UNOWNED',
    mentions: ['pid 999 (flock) holds FLOCK WRITE', 'pid 4242'],
  },
  {
    name: 'UNOWNED: bit 1, owner and a stranger hold',
    obs: obs({ holders: [...both(), posix(31337)] }),
    verdict: 'UNOWNED',
    mentions: ['pid 31337'],
  },
  {
    name: 'UNOWNED: bit 0, a stranger holds',
    obs: obs({ bit: 0, owner: { state: 'absent' }, holders: [flock(999)], ownerProcess: null }),
    verdict: 'UNOWNED',
    mentions: ['lock bit is 0', 'pid 999', 'no owner record'],
  },
  {
    name: 'UNOWNED: bit 0, holder is the pid of a dead leftover record',
    obs: obs({ bit: 0, holders: both(), ownerProcess: DEAD }),
    verdict: 'UNOWNED',
    mentions: ['pid 4242'],
  },
  {
    name: 'CLEARED: bit 0 under a live owner',
    obs: obs({ bit: 0 }),
    verdict: 'CLEARED',
    mentions: ['lock bit is 0', 'pid 4242', 'cleared under a live writer'],
  },
  // every way an owner can be provably gone → STALE
  {
    name: 'STALE: owner pid dead',
    obs: obs({ holders: [], ownerProcess: DEAD }),
    verdict: 'STALE',
    mentions: ['pid 4242 is dead'],
  },
  {
    name: 'STALE: owner pid reused',
    obs: obs({ holders: [], ownerProcess: REUSED }),
    verdict: 'STALE',
    mentions: ['pid 4242 was reused', 'start 7654321 ≠ 1234567'],
  },
  {
    name: 'STALE: other boot_id',
    obs: obs({ holders: [], rec: { boot_id: OTHER_BOOT } }),
    verdict: 'STALE',
    mentions: ['boot a1b2c3d4', 'this is boot 5fe61c80'],
  },
  {
    name: 'STALE: other boot_id proves it even when blind and in another pid ns',
    obs: obs({ holders: [], rec: { boot_id: OTHER_BOOT, pid_ns: 'pid:[4026532000]' }, visibility: BLIND }),
    verdict: 'STALE',
    mentions: ['boot a1b2c3d4'],
  },
  {
    name: 'STALE: record missing',
    obs: obs({ owner: { state: 'absent' }, holders: [], ownerProcess: null }),
    verdict: 'STALE',
    mentions: ['owner record is missing'],
  },
  {
    name: 'STALE: record corrupt',
    obs: obs({
      owner: { state: 'corrupt', error: 'Unexpected token } in JSON' },
      holders: [],
      ownerProcess: null,
    }),
    verdict: 'STALE',
    mentions: ['corrupt', 'Unexpected token'],
  },
  {
    name: 'STALE: record without pid_ns, owner dead',
    obs: obs({ holders: [], ownerProcess: DEAD, rec: { pid_ns: undefined } }),
    verdict: 'STALE',
    mentions: ['pid 4242 is dead'],
  },
  {
    name: "STALE: only a blocked waiter on a dead owner's lock",
    obs: obs({ holders: [flock(999, { blocked: true })], ownerProcess: DEAD }),
    verdict: 'STALE',
    mentions: ['pid 4242 is dead'],
  },
  {
    name: "STALE: record missing under incomplete visibility (the reclaim's own kernel locks are the guard)",
    obs: obs({ owner: { state: 'absent' }, holders: [], ownerProcess: null, visibility: BLIND }),
    verdict: 'STALE',
    mentions: ['owner record is missing', 'cannot see every process', 'hidepid=2'],
  },
  // not provable → never STALE
  {
    name: 'not STALE: dead pid under incomplete visibility',
    obs: obs({ holders: [], ownerProcess: DEAD, visibility: BLIND }),
    verdict: 'DETACHED',
    mentions: ['pid 4242 is dead', 'cannot see every process', 'hidepid=2', 'presumed alive'],
  },
  {
    name: 'not STALE: reused pid under incomplete visibility',
    obs: obs({ holders: [], ownerProcess: REUSED, visibility: BLIND }),
    verdict: 'DETACHED',
    mentions: ['reused', 'presumed alive'],
  },
  {
    name: 'not STALE: record from another pid namespace',
    obs: obs({ holders: [], ownerProcess: DEAD, rec: { pid_ns: 'pid:[4026532999]' } }),
    verdict: 'DETACHED',
    mentions: ['pid:[4026532999]', 'pid:[4026531836]', 'presumed alive'],
  },
  {
    name: 'not STALE: observer pid ns unknown, record has one',
    obs: obs({ holders: [], ownerProcess: DEAD, visibility: { complete: true, pidNs: null } }),
    verdict: 'DETACHED',
    mentions: ['unknown pid namespace'],
  },
  {
    name: 'not STALE: owner process facts unknown',
    obs: obs({ holders: [], ownerProcess: { alive: true, start: null } }),
    verdict: 'DETACHED',
    mentions: ['pid 4242'],
  },
  // holders that are never the owner
  {
    name: 'UNOWNED: holder pid 0 (outside this pid namespace)',
    obs: obs({ holders: [flock(0)] }),
    verdict: 'UNOWNED',
    mentions: ['pid 0', 'outside this pid namespace'],
  },
  {
    name: 'UNOWNED: pid 0 holder on a dead owner is never assumed dead',
    obs: obs({ holders: [flock(0), posix(0)], ownerProcess: DEAD }),
    verdict: 'UNOWNED',
    mentions: ['pid 0', 'pid 4242 is dead'],
  },
  {
    name: 'UNOWNED: OFD holder (pid -1)',
    obs: obs({ holders: [flock(-1, { kind: 'OFDLCK' })] }),
    verdict: 'UNOWNED',
    mentions: ['OFDLCK WRITE', 'open file description (OFD lock, pid -1)'],
  },
  {
    name: 'UNOWNED: record missing but someone holds',
    obs: obs({ owner: { state: 'absent' }, holders: [posix(777)], ownerProcess: null }),
    verdict: 'UNOWNED',
    mentions: ['missing', 'pid 777 holds POSIX WRITE'],
  },
  {
    name: 'UNOWNED: holder is the record pid but the pid was reused',
    obs: obs({ ownerProcess: REUSED }),
    verdict: 'UNOWNED',
    mentions: ['pid 4242', 'reused'],
  },
  {
    name: 'HELD: a blocked waiter is ignored',
    obs: obs({ holders: [...both(), flock(999, { blocked: true })] }),
    verdict: 'HELD',
    mentions: ['pid 4242'],
  },
  {
    name: 'DETACHED: owner alive, only a waiter present',
    obs: obs({ holders: [flock(999, { blocked: true })] }),
    verdict: 'DETACHED',
    mentions: ['no kernel lock'],
  },
];

for (const row of rows) {
  t.test(row.name, async (t) => {
    const r = decide(row.obs);
    t.equal(r.verdict, row.verdict, r.reason);
    for (const m of row.mentions) {
      if (typeof m === 'string')
        t.ok(r.reason.includes(m), `reason mentions ${JSON.stringify(m)}: ${r.reason}`);
      else t.match(r.reason, m);
    }
    t.match(r.reason, /^[A-Z].*\.$/, 'one sentence');
    t.notOk(r.reason.slice(0, -1).includes('. '), `one sentence: ${r.reason}`);
  });
}

t.test('isProvablyGone names the proof', async (t) => {
  t.equal(isProvablyGone(obs()), null);
  t.equal(isProvablyGone(obs({ ownerProcess: DEAD }))?.proof, 'dead_pid');
  t.equal(isProvablyGone(obs({ ownerProcess: REUSED }))?.proof, 'pid_reused');
  t.equal(isProvablyGone(obs({ rec: { boot_id: OTHER_BOOT } }))?.proof, 'other_boot');
  t.equal(isProvablyGone(obs({ owner: { state: 'absent' } }))?.proof, 'no_record');
  t.equal(isProvablyGone(obs({ owner: { state: 'corrupt', error: 'x' } }))?.proof, 'corrupt_record');
  t.equal(isProvablyGone(obs({ ownerProcess: DEAD, visibility: BLIND })), null);
  t.equal(isProvablyGone(obs({ ownerProcess: DEAD, rec: { pid_ns: 'pid:[1]' } })), null);
});

t.test('isMismatch: only FREE and HELD are consistent', async (t) => {
  const all: Verdict[] = ['FREE', 'HELD', 'HUNG', 'STALE', 'DETACHED', 'UNOWNED', 'CLEARED'];
  t.same(
    all.filter((v) => isMismatch(v)),
    ['HUNG', 'STALE', 'DETACHED', 'UNOWNED', 'CLEARED'],
  );
});

t.test('decide is pure: same observation, same answer, input untouched', async (t) => {
  const o = obs({ holders: [], ownerProcess: DEAD });
  const copy = structuredClone(o);
  t.same(decide(o), decide(o));
  t.same(o, copy);
});
