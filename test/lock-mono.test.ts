// Heartbeat and intent ages are measured on CLOCK_MONOTONIC within one boot (src/lock/mono.ts), so a wall-clock
// step (GPS or NTP on a board without RTC) does not make a live holder HUNG; a holder that truly stopped
// heartbeating is still HUNG. Pure verdict cases, then a real holder process observed with a stepped clock and
// then frozen with SIGSTOP, and a check that the monotonic clock is one clock across processes.
import { execFileSync } from 'node:child_process';
import t from 'tap';
import { LockFiles } from '../src/lock/files.js';
import { monoNow } from '../src/lock/mono.js';
import { observe } from '../src/lock/observe.js';
import type { LockObservation, OwnerRecord } from '../src/lock/types.js';
import { decide } from '../src/lock/verdict.js';
import { makeBoard } from './helpers/board.js';
import { spawnHolder } from './helpers/procs.js';

const BOOT = '5fe61c80-2061-4dba-b769-72c06dddc63c';
const NOW = Date.parse('2026-11-24T03:12:10.000Z');
const MONO = 5_000_000;
const TTL = 10_000;

function obs(rec: Partial<OwnerRecord>, over: Partial<LockObservation> = {}): LockObservation {
  const record: OwnerRecord = {
    pid: 4242,
    pid_start: 1,
    boot_id: BOOT,
    holder: 'aimlockd',
    device: 'drone-07',
    purpose: 'p',
    generation: 1,
    acquired_at: '2026-11-24T03:12:00.000Z',
    heartbeat_at: '2026-11-24T03:12:09.000Z',
    token: 't',
    ...rec,
  };
  return {
    bit: 1,
    owner: { state: 'ok', record },
    holders: [
      { kind: 'FLOCK', mode: 'WRITE', pid: 4242, blocked: false },
      { kind: 'POSIX', mode: 'WRITE', pid: 4242, blocked: false },
    ],
    ownerProcess: { alive: true, start: 1 },
    bootId: BOOT,
    visibility: { complete: true, pidNs: null },
    now: NOW,
    nowMono: MONO,
    heartbeatTtlMs: TTL,
    ...over,
  };
}

t.test('verdict: the monotonic stamp of this boot decides the age', async (t) => {
  const stepped = { heartbeat_at: '2026-11-24T01:00:00.000Z' }; // the wall clock jumped two hours ahead since
  t.equal(
    decide(obs({ ...stepped, heartbeat_mono_ms: MONO - 500 })).verdict,
    'HELD',
    'wall old, mono fresh: HELD',
  );
  t.match(decide(obs({ ...stepped, heartbeat_mono_ms: MONO - 500 })).reason, /heartbeat 0\.5s ago/);
  t.equal(
    decide(obs({ heartbeat_mono_ms: MONO - 2 * TTL })).verdict,
    'HUNG',
    'mono stale: HUNG even if the wall clock stepped back and the wall stamp looks fresh',
  );
  t.equal(
    decide(obs(stepped)).verdict,
    'HUNG',
    'no monotonic stamp (an older holder): the wall clock decides',
  );
  t.equal(
    decide(obs({ ...stepped, heartbeat_mono_ms: MONO + 60_000 })).verdict,
    'HUNG',
    'a monotonic stamp from the future (another time namespace) is not trusted: the wall clock decides',
  );
  t.equal(
    decide(obs({ ...stepped, heartbeat_mono_ms: MONO - 500 }, { nowMono: undefined })).verdict,
    'HUNG',
    'an observer without a monotonic reading uses the wall clock',
  );
});

t.test('a real holder: a stepped observer clock is still HELD; a frozen holder becomes HUNG', async (t) => {
  const board = makeBoard(t.testdir(), { lock: { heartbeat_ms: 100, heartbeat_ttl_ms: 1000 } });
  const holder = await spawnHolder(t, board);
  const files = new LockFiles(board.lockDir);
  const stepped = await observe(board.lockFile, files, {
    heartbeatTtlMs: 1000,
    now: () => Date.now() + 3_600_000, // GPS fix: the wall clock steps an hour ahead
  });
  t.equal(stepped.verdict, 'HELD', `an hour's step is no hang (${stepped.reason})`);

  process.kill(holder.pid, 'SIGSTOP');
  t.teardown(() => {
    try {
      process.kill(holder.pid, 'SIGCONT');
    } catch {}
  });
  const deadline = Date.now() + 20_000;
  let seen = await observe(board.lockFile, files, { heartbeatTtlMs: 1000 });
  while (seen.verdict !== 'HUNG' && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    seen = await observe(board.lockFile, files, { heartbeatTtlMs: 1000 });
  }
  t.equal(seen.verdict, 'HUNG', 'a holder that stopped heartbeating is HUNG on the monotonic clock');
  process.kill(holder.pid, 'SIGCONT');
  await holder.release();
});

t.test('CLOCK_MONOTONIC is one clock for every process of the boot', async (t) => {
  const before = monoNow();
  const other = Number(execFileSync('python3', ['-c', 'import time; print(int(time.monotonic() * 1000))']));
  const after = monoNow();
  t.ok(
    other >= before - 1 && other <= after + 1,
    `${before} <= ${other} (python3 time.monotonic) <= ${after}`,
  );
});
