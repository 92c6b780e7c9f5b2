// The rollout state machine, driven by a scripted fake runner: every push is answered from a per-device
// script, timers fire when nothing else is left to happen, and the log of steps is what the assertions read.
import t from 'tap';
import type { ResultStatus } from '../src/errors.js';
import { advance, resume, step } from '../src/fleet/rollout/machine.js';
import { createRollout } from '../src/fleet/rollout/plan.js';
import { loadState } from '../src/fleet/rollout/state.js';
import type {
  RolloutAction,
  RolloutEvent,
  RolloutPlanInput,
  RolloutState,
  RolloutSummary,
  TimerRef,
} from '../src/fleet/rollout/types.js';
import { computeWaves } from '../src/fleet/rollout/waves.js';

const fleet = (n: number) => Array.from({ length: n }, (_, i) => `drone-${String(i + 1).padStart(2, '0')}`);

const plan = (over: Partial<RolloutPlanInput> = {}): RolloutPlanInput => ({
  id: 'r1',
  fleet: 'alpha',
  devices: fleet(10),
  canary: 1,
  waves: [10, 50, 100],
  ...over,
});

function make(over: Partial<RolloutPlanInput> = {}): RolloutState {
  const r = createRollout(plan(over));
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.state;
}

type Reply = { status: ResultStatus; code: string } | 'silent';
const APPLIED: Reply = { status: 'applied', code: 'ok' };
const LOCK: Reply = { status: 'rejected', code: 'lock_mismatch' };
const HOLD: Reply = { status: 'deferred', code: 'hold' };
const SCHEMA: Reply = { status: 'rejected', code: 'schema_invalid' };
const DUP: Reply = { status: 'duplicate', code: 'duplicate' };
const SUPERSEDED: Reply = { status: 'superseded', code: 'superseded' };

interface Script {
  replies?: Record<string, Reply[]>;
  rollbackReplies?: Record<string, Reply[]>;
  /** What the operator does when the machine waits for them; nothing: the drive stops there. */
  operator?: 'proceed' | 'abort';
  /** Confirm each push with a `pushed` event (default true). */
  confirm?: boolean;
}

interface Logged {
  event: RolloutEvent;
  actions: RolloutAction[];
}

/** Runs the machine like a runner would until it is terminal or waits for something the script won't give. */
function drive(start: RolloutState, script: Script = {}, first: RolloutEvent[] = [{ type: 'start' }]) {
  let state = start;
  const log: Logged[] = [];
  const queue: RolloutEvent[] = [...first];
  const timers = new Set<TimerRef>();
  const answer = (device: string, id: string, replies: Reply[]) => {
    if (script.confirm !== false) queue.push({ type: 'pushed', device, id });
    for (const r of replies) if (r !== 'silent') queue.push({ type: 'result', device, result: { ...r, id } });
  };
  for (let guard = 0; guard < 100_000; guard++) {
    if (queue.length === 0) {
      if (state.phase === 'done' || state.phase === 'aborted') break;
      if (state.phase === 'paused' && script.operator) {
        queue.push(
          script.operator === 'proceed' ? { type: 'proceed' } : { type: 'abort', reason: 'looks wrong' },
        );
      } else if (timers.size > 0) {
        for (const w of timers) queue.push({ type: 'waveTimeout', wave: w });
        timers.clear();
      } else break;
      continue;
    }
    const event = queue.shift()!;
    const r = step(state, event);
    state = r.state;
    log.push({ event, actions: r.actions });
    for (const a of r.actions) {
      if (a.type === 'push')
        for (const o of a.devices) answer(o.device, o.id, script.replies?.[o.device] ?? [APPLIED]);
      if (a.type === 'rollback')
        for (const o of a.devices) answer(o.device, o.id, script.rollbackReplies?.[o.device] ?? [APPLIED]);
      if (a.type === 'startTimer') timers.add(a.wave);
    }
  }
  const actions = log.flatMap((l) => l.actions);
  const pushes = actions.flatMap((a) => (a.type === 'push' ? a.devices.map((o) => o.device) : []));
  const rollbacks = actions.flatMap((a) => (a.type === 'rollback' ? a.devices : []));
  const terminal = actions.filter((a) => a.type === 'done' || a.type === 'aborted');
  return { state, log, actions, pushes, rollbacks, terminal };
}

const summaryOf = (actions: RolloutAction[]): RolloutSummary => {
  const last = actions.findLast((a) => a.type === 'done' || a.type === 'aborted');
  if (!last || (last.type !== 'done' && last.type !== 'aborted')) throw new Error('no terminal action');
  return last.summary;
};
const dev = (s: RolloutSummary, d: string) => s.devices.find((x) => x.device === d)!;

t.test('wave computation', async (t) => {
  const cases: {
    name: string;
    n: number;
    canary: number;
    waves: number[];
    sizes: number[];
    skipped: number[];
    added: boolean;
  }[] = [
    {
      name: 'N=1: only the canary',
      n: 1,
      canary: 1,
      waves: [10, 50, 100],
      sizes: [1],
      skipped: [10, 50, 100],
      added: false,
    },
    {
      name: 'N=3: 10% rounds into the canary',
      n: 3,
      canary: 1,
      waves: [10, 50, 100],
      sizes: [1, 1, 1],
      skipped: [10],
      added: false,
    },
    {
      name: 'N=3: 20% and 30% both round to 1',
      n: 3,
      canary: 1,
      waves: [20, 30, 100],
      sizes: [1, 2],
      skipped: [20, 30],
      added: false,
    },
    { name: 'N=10', n: 10, canary: 1, waves: [10, 50, 100], sizes: [1, 4, 5], skipped: [10], added: false },
    {
      name: 'N=10, canary 6 swallows 50%',
      n: 10,
      canary: 6,
      waves: [50, 60, 100],
      sizes: [6, 4],
      skipped: [50, 60],
      added: false,
    },
    {
      name: 'N=20, missing 100 is added',
      n: 20,
      canary: 2,
      waves: [10, 25, 60],
      sizes: [2, 3, 7, 8],
      skipped: [10],
      added: true,
    },
    {
      name: 'N=20, empty list = one wave to 100',
      n: 20,
      canary: 1,
      waves: [],
      sizes: [1, 19],
      skipped: [],
      added: true,
    },
    {
      name: 'N=200',
      n: 200,
      canary: 5,
      waves: [1, 2.5, 10, 50, 100],
      sizes: [5, 15, 80, 100],
      skipped: [1, 2.5],
      added: false,
    },
    {
      name: 'N=250: 64.4% is exactly 161 (float noise)',
      n: 250,
      canary: 1,
      waves: [64.4, 100],
      sizes: [1, 160, 89],
      skipped: [],
      added: false,
    },
  ];
  for (const c of cases) {
    const devices = fleet(c.n);
    const cut = computeWaves(devices, c.canary, c.waves);
    t.same(
      cut.waves.map((w) => w.devices.length),
      c.sizes,
      `${c.name}: sizes`,
    );
    t.same(cut.skipped, c.skipped, `${c.name}: skipped`);
    t.equal(cut.added100, c.added, `${c.name}: 100 added`);
    t.same(
      cut.waves.flatMap((w) => w.devices),
      devices,
      `${c.name}: every device once, in order`,
    );
    t.equal(cut.waves[0]?.percent, null, `${c.name}: wave 0 is the canary`);
  }
  // Every fleet size × several specs: the cut always covers the fleet exactly, canary first.
  for (const n of [1, 2, 3, 7, 10, 20, 33, 200]) {
    for (const spec of [[10, 50, 100], [1, 2, 3], [99], [33.3, 66.6]]) {
      const devices = fleet(n);
      const cut = computeWaves(devices, 1, spec);
      t.same(
        cut.waves.flatMap((w) => w.devices),
        devices,
        `N=${n} ${spec}: covered exactly`,
      );
      t.ok(
        cut.waves.every((w) => w.devices.length > 0),
        `N=${n} ${spec}: no empty wave`,
      );
    }
  }
  const s = make({ devices: fleet(20), canary: 2, waves: [10, 25, 60] });
  t.same(s.plan.waves, [10, 25, 60, 100], 'the plan records the added 100');
  t.match(s.notes.join('\n'), /100% was added/, 'and says so');
  t.match(s.notes.join('\n'), /10% covers no device/, 'the skipped wave is noted');
});

t.test('plan validation returns every error as data', async (t) => {
  const cases: { name: string; over: Partial<RolloutPlanInput>; paths: string[] }[] = [
    { name: 'canary 0', over: { canary: 0 }, paths: ['/canary'] },
    { name: 'canary > N', over: { canary: 11 }, paths: ['/canary'] },
    { name: 'canary not an integer', over: { canary: 1.5 }, paths: ['/canary'] },
    { name: 'percents not increasing', over: { waves: [50, 50, 100] }, paths: ['/waves/1'] },
    { name: 'percent 0', over: { waves: [0, 100] }, paths: ['/waves/0'] },
    { name: 'percent over 100', over: { waves: [50, 101] }, paths: ['/waves/1'] },
    { name: 'maxFailureRate > 1', over: { maxFailureRate: 1.5 }, paths: ['/maxFailureRate'] },
    { name: 'device twice', over: { devices: ['a', 'b', 'a'] }, paths: ['/devices/2'] },
    { name: 'bad device id', over: { devices: ['a b'] }, paths: ['/devices/0'] },
    { name: 'bad rollout id', over: { id: 'r 1' }, paths: ['/id'] },
    {
      name: 'negative base version',
      over: { baseVersions: { 'drone-03': -1 } },
      paths: ['/baseVersions/drone-03'],
    },
    {
      name: 'several at once',
      over: { canary: 0, waves: [60, 40], id: '' },
      paths: ['/id', '/canary', '/waves/1'],
    },
  ];
  for (const c of cases) {
    const r = createRollout(plan(c.over));
    t.equal(r.ok, false, `${c.name}: refused`);
    if (!r.ok) t.same(r.errors.map((e) => e.path).sort(), [...c.paths].sort(), `${c.name}: paths`);
  }
  const empty = createRollout(plan({ devices: [], canary: 0 }));
  t.equal(empty.ok, true, 'an empty fleet with canary 0 is valid');
  if (empty.ok) {
    const r = drive(empty.state);
    t.equal(r.state.phase, 'done', 'and is done at once');
    t.same(r.pushes, [], 'without pushing anything');
  }
});

t.test('all applied: done, waves in order, each device pushed exactly once at base + 1', async (t) => {
  const baseVersions = { 'drone-01': 4, 'drone-07': 41 };
  const r = drive(make({ devices: fleet(20), canary: 2, waves: [10, 25, 50, 100], baseVersions }));
  const waves = r.actions.flatMap((a) => (a.type === 'push' ? [a.wave] : []));
  t.same(waves, [0, 1, 2, 3], 'one push per wave, in order (10% skipped: inside the canary)');
  const sizes = r.actions.flatMap((a) => (a.type === 'push' ? [a.devices.length] : []));
  t.same(sizes, [2, 3, 5, 10], 'canary 2, then up to 25%, 50%, 100%');
  t.same(r.pushes, fleet(20), 'every device once, in fleet order');
  const versions = r.actions.flatMap((a) => (a.type === 'push' ? a.devices : []));
  t.equal(versions.find((o) => o.device === 'drone-01')?.version, 5, 'drone-01: 4 + 1');
  t.equal(versions.find((o) => o.device === 'drone-07')?.version, 42, 'drone-07: 41 + 1');
  t.equal(versions.find((o) => o.device === 'drone-02')?.version, 1, 'no base: version 1');
  t.equal(r.terminal.length, 1, 'one terminal action');
  const s = summaryOf(r.actions);
  t.equal(s.outcome, 'done');
  t.same(
    s.waves.map((w) => w.status),
    ['passed', 'passed', 'passed', 'passed'],
  );
  t.ok(
    s.devices.every((d) => d.status === 'applied' && d.next === null),
    'all applied, nothing to do',
  );
  t.notOk(
    r.actions.some((a) => a.type === 'waitForOperator'),
    'no pause without pauseBetween',
  );
});

t.test('lock_mismatch in the canary aborts at once; nothing outside the canary is pushed', async (t) => {
  const canary = fleet(3);
  const r = drive(make({ canary: 3 }), { replies: { 'drone-02': [LOCK] } });
  t.ok(
    r.pushes.every((d) => canary.includes(d)),
    'only canary devices pushed',
  );
  t.equal(r.pushes.length, 3);
  const at = r.log.find((l) => l.event.type === 'result' && l.event.device === 'drone-02')!;
  t.notOk(
    at.actions.some((a) => a.type === 'push'),
    'the failing answer pushes nothing',
  );
  const s = summaryOf(r.actions);
  t.equal(s.outcome, 'aborted');
  t.equal(s.reason, 'wave 0 (canary): drone-02 answered lock_mismatch');
  t.same(
    s.waves.map((w) => w.status),
    ['failed', 'not_run', 'not_run'],
  );
  t.match(dev(s, 'drone-02').next, /on drone-02: aimlock locks; aimlock release --force --reason/);
  t.equal(dev(s, 'drone-04').status, 'pending', 'wave 1 device never pushed');
  t.match(dev(s, 'drone-04').next, /not pushed/);
  t.equal(dev(s, 'drone-01').rollback, null, 'no rollback without rollbackOnAbort');

  // With nothing else in flight the terminal action comes in the very step of the lock_mismatch.
  const s2 = make({ canary: 2 });
  const r2 = drive(s2, { replies: { 'drone-01': [APPLIED], 'drone-02': [LOCK] } });
  const last = r2.log.find((l) => l.event.type === 'result' && l.event.device === 'drone-02')!;
  t.same(
    last.actions.map((a) => a.type),
    ['aborted'],
    'aborted in the same step',
  );

  // A canary device still silent: the outcome is decided, the terminal action waits for its timer only.
  const r3 = drive(make({ canary: 3 }), { replies: { 'drone-01': [LOCK], 'drone-03': ['silent'] } });
  const decided = r3.log.find((l) => l.event.type === 'result' && l.event.device === 'drone-01')!;
  t.same(decided.actions, [], 'no push, no terminal yet while drone-03 is out');
  const fired = r3.log.find((l) => l.event.type === 'waveTimeout')!;
  t.same(
    fired.actions.map((a) => a.type),
    ['aborted'],
    'aborted when the canary timer fires',
  );
  t.equal(dev(summaryOf(r3.actions), 'drone-03').status, 'timeout');
  t.same(r3.pushes, canary);
});

t.test('rollbackOnAbort: only canary devices that applied, at their applied version + 1', async (t) => {
  const baseVersions = { 'drone-01': 4, 'drone-02': 7, 'drone-03': 2, 'drone-04': 9 };
  const r = drive(make({ canary: 4, rollbackOnAbort: true, baseVersions }), {
    replies: { 'drone-02': [LOCK], 'drone-04': [SCHEMA] },
  });
  t.same(
    r.rollbacks.map((o) => [o.device, o.version, o.restoreVersion]),
    [
      ['drone-01', 6, 4],
      ['drone-03', 4, 2],
    ],
    'drone-01 (applied before the abort) and drone-03 (applied after it) are rolled back',
  );
  t.ok(
    r.rollbacks.every((o) => o.id.includes(':rollback:')),
    'rollback ids differ from push ids',
  );
  t.same(r.pushes, fleet(4), 'no device outside the canary pushed');
  const s = summaryOf(r.actions);
  t.equal(s.outcome, 'aborted');
  t.same(dev(s, 'drone-01').rollback, { version: 6, status: 'applied', code: 'ok', detail: null });
  t.equal(dev(s, 'drone-02').rollback, null, 'the lock_mismatch device applied nothing: no rollback');
  t.equal(dev(s, 'drone-04').rollback, null, 'the rejected device: no rollback');
  t.equal(dev(s, 'drone-01').next, null, 'rolled back: nothing to do');
  const abortedAt = r.log.findIndex((l) => l.actions.some((a) => a.type === 'aborted'));
  const lastRollbackAnswer = r.log.findLastIndex(
    (l) => l.event.type === 'result' && l.event.result.id.includes(':rollback:'),
  );
  t.ok(abortedAt >= lastRollbackAnswer, 'the terminal action waits for the rollback answers');

  // Rollback answers are tracked: a rollback that times out is named with the manual fix.
  const r2 = drive(make({ canary: 2, rollbackOnAbort: true, baseVersions }), {
    replies: { 'drone-02': [LOCK] },
    rollbackReplies: { 'drone-01': [HOLD] },
  });
  const s2 = summaryOf(r2.actions);
  t.equal(dev(s2, 'drone-01').rollback?.status, 'timeout');
  t.match(dev(s2, 'drone-01').next, /on drone-01: aimlock rollback 4/);

  // A device with nothing before this rollout has no previous config to get back.
  const r3 = drive(make({ canary: 2, rollbackOnAbort: true }), { replies: { 'drone-02': [LOCK] } });
  t.same(r3.rollbacks, [], 'no rollback pushed for a version-0 device');
  t.match(dev(summaryOf(r3.actions), 'drone-01').next, /nothing to restore/);
});

t.test('deferred answers and wave timeouts', async (t) => {
  const fourInWave1 = { devices: fleet(5), canary: 1, waves: [100] };
  const ok = drive(make(fourInWave1), { replies: { 'drone-03': [HOLD, APPLIED] } });
  const deferredStep = ok.log.find((l) => l.event.type === 'result' && l.event.result.status === 'deferred')!;
  t.same(deferredStep.actions, [], 'deferred: still waiting, not a failure');
  t.equal(summaryOf(ok.actions).outcome, 'done', 'deferred then applied within the wave passes');
  t.equal(dev(summaryOf(ok.actions), 'drone-03').status, 'applied');
  t.notOk(
    ok.log.some((l) => l.event.type === 'waveTimeout'),
    'no timer needed to fire',
  );

  const late = drive(make(fourInWave1), { replies: { 'drone-03': [HOLD] } });
  const s = summaryOf(late.actions);
  t.equal(s.outcome, 'aborted', 'deferred then timeout is a failure at maxFailureRate 0');
  t.equal(dev(s, 'drone-03').status, 'timeout');
  t.equal(dev(s, 'drone-03').code, 'hold', 'the last deferred code is kept');
  t.match(dev(s, 'drone-03').next, /aimlock resume/);
  t.equal(s.reason, 'wave 1 (100%): 1 of 4 device(s) failed (25% > max 0%): drone-03 timeout');

  const tolerated = drive(make({ ...fourInWave1, maxFailureRate: 0.5 }), {
    replies: { 'drone-03': ['silent'] },
  });
  const st = summaryOf(tolerated.actions);
  t.equal(st.outcome, 'done', 'one timeout of 4 passes at maxFailureRate 0.5');
  t.match(st.waves[1]?.reason, /tolerated 1 of 4/);
  t.match(dev(st, 'drone-03').next, /online/);

  const boundary = drive(make({ ...fourInWave1, maxFailureRate: 0.5 }), {
    replies: { 'drone-02': [SCHEMA], 'drone-03': [SCHEMA] },
  });
  t.equal(summaryOf(boundary.actions).outcome, 'done', '2 of 4 rejected = 50%: not above 0.5');
  const over = drive(make({ ...fourInWave1, maxFailureRate: 0.5 }), {
    replies: { 'drone-02': [SCHEMA], 'drone-03': [SCHEMA], 'drone-04': ['silent'] },
  });
  t.equal(summaryOf(over.actions).outcome, 'aborted', '3 of 4 failed: above 0.5');

  // At rate 0 the first rejection already decides: the wave fails before the others answer.
  const early = drive(make(fourInWave1), { replies: { 'drone-02': [SCHEMA], 'drone-03': ['silent'] } });
  t.equal(
    summaryOf(early.actions).reason,
    'wave 1 (100%): 1 of 4 device(s) failed (25% > max 0%): drone-02 rejected schema_invalid',
  );
  t.equal(dev(summaryOf(early.actions), 'drone-03').status, 'timeout', 'the silent one is still waited for');
});

t.test('pauseBetween waits for the operator', async (t) => {
  const stop = drive(make({ pauseBetween: true }));
  t.equal(stop.state.phase, 'paused');
  t.same(stop.pushes, ['drone-01'], 'only the canary before the go');
  const wait = stop.actions.find((a) => a.type === 'waitForOperator');
  t.same(wait, { type: 'waitForOperator', wave: 0, next: 1 });

  const go = drive(make({ pauseBetween: true }), { operator: 'proceed' });
  t.equal(summaryOf(go.actions).outcome, 'done');
  const waits = go.actions.flatMap((a) => (a.type === 'waitForOperator' ? [a.wave] : []));
  t.same(waits, [0, 1], 'a pause after every wave but the last');
  t.same(go.pushes, fleet(10));

  const no = drive(make({ pauseBetween: true }), { operator: 'abort' });
  const s = summaryOf(no.actions);
  t.equal(s.outcome, 'aborted');
  t.equal(s.reason, 'aborted by the operator after wave 0 (canary) passed: looks wrong');
  t.same(no.pushes, ['drone-01'], 'nothing pushed after the abort');

  const early = step(make({ pauseBetween: true }), { type: 'proceed' });
  t.same(early.actions, [], 'proceed before start does nothing');
});

t.test('foreign ids are ignored; duplicate is success; superseded is not a failure', async (t) => {
  const s0 = step(make({ devices: fleet(2), canary: 1, waves: [100] }), { type: 'start' }).state;
  const foreign = step(s0, {
    type: 'result',
    device: 'drone-01',
    result: { id: 'someone-else:drone-01:v1', status: 'rejected', code: 'lock_mismatch' },
  });
  t.same(foreign.state, s0, 'state unchanged');
  t.same(foreign.actions, []);
  const unknown = step(s0, {
    type: 'result',
    device: 'drone-99',
    result: { id: 'x', status: 'applied', code: 'ok' },
  });
  t.same(unknown.state, s0, 'an unknown device is ignored');
  const early = step(s0, {
    type: 'result',
    device: 'drone-02',
    result: { id: 'r1:drone-02:v1', status: 'applied', code: 'ok' },
  });
  t.same(early.state, s0, 'an answer for a device not yet pushed (an older rollout with this id) is ignored');

  const dup = drive(make({ devices: fleet(3), canary: 1, waves: [100] }), { replies: { 'drone-02': [DUP] } });
  t.equal(summaryOf(dup.actions).outcome, 'done', 'duplicate: the config is live');
  t.equal(dev(summaryOf(dup.actions), 'drone-02').status, 'duplicate');

  const sup = drive(make({ devices: fleet(3), canary: 1, waves: [100] }), {
    replies: { 'drone-02': [SUPERSEDED] },
  });
  t.equal(summaryOf(sup.actions).outcome, 'done', 'superseded does not count as a failure');
  t.match(dev(summaryOf(sup.actions), 'drone-02').next, /newer push won/);
});

t.test('resume from a JSON round-tripped mid-wave state', async (t) => {
  // Stop mid wave 1: every wave-1 push confirmed, only drone-02 answered.
  const silent = Object.fromEntries(
    fleet(10)
      .slice(2)
      .map((d) => [d, ['silent'] as Reply[]]),
  );
  const before = drive(make({ waves: [50, 100] }), { replies: silent });
  // the drive fires the wave timer when idle; cut the log at the last step before that happened
  const cut = before.log.findIndex((l) => l.event.type === 'waveTimeout');
  let mid = make({ waves: [50, 100] });
  for (const l of before.log.slice(0, cut)) mid = step(mid, l.event).state;
  t.equal(mid.phase, 'running');
  t.equal(mid.current, 1);
  const firstPushes = before.log
    .slice(0, cut)
    .flatMap((l) => l.actions.flatMap((a) => (a.type === 'push' ? a.devices.map((o) => o.device) : [])));
  t.same(firstPushes, fleet(5), 'canary + wave 1 pushed before the crash');

  const persisted = JSON.parse(JSON.stringify(mid)) as unknown;
  const loaded = loadState(persisted);
  t.equal(loaded.ok, true);
  if (!loaded.ok) return;
  t.same(loaded.state, mid, 'the state survives JSON unchanged');
  const actions = resume(loaded.state);
  t.same(actions, [{ type: 'startTimer', wave: 1 }], 'nothing re-pushed: confirmed pushes are waited for');

  // The runner re-subscribed: the missing answers come in, the rollout completes.
  const answers: RolloutEvent[] = fleet(5)
    .slice(2)
    .map((d) => ({ type: 'result', device: d, result: { id: `r1:${d}:v1`, status: 'applied', code: 'ok' } }));
  const rest = drive(loaded.state, {}, answers);
  const later = rest.pushes;
  t.same(later, fleet(10).slice(5), 'after the resume only wave 2 is pushed');
  t.same([...firstPushes, ...later].sort(), fleet(10), 'every device pushed exactly once overall');
  t.equal(summaryOf(rest.actions).outcome, 'done');

  // A push ordered but never confirmed is repeated with the same id (the agent answers duplicate if it landed).
  const ordered = step(make(), { type: 'start' }).state;
  const again = resume(JSON.parse(JSON.stringify(ordered)) as RolloutState);
  t.same(again, [
    { type: 'push', wave: 0, devices: [{ device: 'drone-01', id: 'r1:drone-01:v1', version: 1 }] },
    { type: 'startTimer', wave: 0 },
  ]);
  const answered = step(ordered, {
    type: 'result',
    device: 'drone-01',
    result: { id: 'r1:drone-01:v1', status: 'duplicate', code: 'duplicate' },
  });
  t.equal(
    answered.state.devices['drone-01']!.push.status,
    'duplicate',
    'an answer without a pushed event counts',
  );

  t.same(resume(drive(make({ pauseBetween: true })).state), [{ type: 'waitForOperator', wave: 0, next: 1 }]);
  t.same(resume(make()), [], 'not started: nothing to do until start');
  const v2 = loadState({ ...(persisted as object), v: 2 });
  t.equal(v2.ok, false, 'an unknown state version is refused');
});

t.test('late answers and operator abort mid-wave', async (t) => {
  // drone-01 timed out in the canary (tolerated), then answers lock_mismatch while wave 1 runs: stop.
  let s = make({ maxFailureRate: 1, waves: [100], devices: fleet(4) });
  s = step(s, { type: 'start' }).state;
  s = step(s, { type: 'waveTimeout', wave: 0 }).state;
  t.equal(s.current, 1, 'the canary timeout was tolerated');
  const r = step(s, {
    type: 'result',
    device: 'drone-01',
    result: { id: 'r1:drone-01:v1', status: 'rejected', code: 'lock_mismatch' },
  });
  t.equal(r.state.phase, 'aborting');
  t.match(r.state.abort?.reason, /drone-01 answered lock_mismatch \(late/);
  t.equal(r.state.waves[1]?.status, 'stopped', 'the running wave is stopped');
  t.notOk(r.actions.some((a) => a.type === 'push'));

  // Operator abort during a wave, with rollback: a device that applies afterwards is rolled back too.
  let m = make({
    devices: fleet(3),
    canary: 3,
    waves: [100],
    rollbackOnAbort: true,
    baseVersions: { 'drone-02': 3 },
  });
  m = step(m, { type: 'start' }).state;
  const ab = step(m, { type: 'abort', reason: 'wrong config' });
  t.equal(ab.state.phase, 'aborting', 'waits for the pushes already out');
  t.same(ab.actions, []);
  const late = step(ab.state, {
    type: 'result',
    device: 'drone-02',
    result: { id: 'r1:drone-02:v4', status: 'applied', code: 'ok' },
  });
  t.same(late.actions, [
    {
      type: 'rollback',
      devices: [{ device: 'drone-02', id: 'r1:drone-02:rollback:v5', version: 5, restoreVersion: 3 }],
    },
    { type: 'startTimer', wave: 'rollback' },
  ]);
  const resumed = resume(JSON.parse(JSON.stringify(late.state)) as RolloutState);
  t.same(
    resumed.map((a) => a.type),
    ['startTimer', 'rollback', 'startTimer'],
    'resume while aborting: wave timer, unconfirmed rollback again, rollback timer',
  );
  const end = drive(late.state, {}, [
    {
      type: 'result',
      device: 'drone-02',
      result: { id: 'r1:drone-02:rollback:v5', status: 'applied', code: 'ok' },
    },
    { type: 'waveTimeout', wave: 0 },
  ]);
  const sum = summaryOf(end.actions);
  t.equal(sum.reason, 'aborted by the operator during wave 0 (canary): wrong config');
  t.equal(dev(sum, 'drone-01').status, 'timeout');
  t.equal(dev(sum, 'drone-02').rollback?.status, 'applied');
});

/** Freezes every object reachable from `x`: a write to any of them throws (ES modules are strict). */
function deepFreeze<T>(x: T): T {
  if (typeof x === 'object' && x !== null && !Object.isFrozen(x)) {
    Object.freeze(x);
    for (const v of Object.values(x)) deepFreeze(v);
  }
  return x;
}

t.test(
  'step never writes to its input, on every path (deep-frozen states, abort and rollbacks)',
  async (t) => {
    const devices = fleet(6);
    const baseVersions = Object.fromEntries(devices.map((d) => [d, 3]));
    let s = deepFreeze(make({ devices, canary: 2, waves: [50, 100], rollbackOnAbort: true, baseVersions }));
    const go = (e: Parameters<typeof step>[1]) => {
      const r = step(s, e);
      s = deepFreeze(r.state);
      return r.actions;
    };
    go({ type: 'start' });
    const [a, b] = s.waves[0]!.devices as [string, string];
    go({ type: 'pushed', device: a, id: s.devices[a]!.push.id });
    go({ type: 'pushed', device: b, id: s.devices[b]!.push.id });
    go({ type: 'result', device: a, result: { id: s.devices[a]!.push.id, status: 'applied', code: 'ok' } });
    const out = go({ type: 'waveTimeout', wave: 0 });
    t.equal(s.phase, 'aborting', 'b timed out: the canary failed');
    t.match(out, [{ type: 'rollback', devices: [{ device: a }] }]);
    const rb = s.devices[a]!.rollback!.id;
    go({ type: 'pushed', device: a, id: rb });
    go({ type: 'waveTimeout', wave: 'rollback' });
    t.equal(s.phase, 'aborted');
    t.equal(s.devices[a]!.rollback!.status, 'timeout');
  },
);

t.test('a step shares the device entries it did not change (no whole copy per answer)', async (t) => {
  const s0 = step(make({ devices: fleet(100), canary: 1, waves: [100] }), { type: 'start' }).state;
  const [first, other] = [s0.waves[0]!.devices[0]!, s0.waves[1]!.devices[0]!];
  const s1 = step(s0, { type: 'pushed', device: first, id: s0.devices[first]!.push.id }).state;
  t.equal(s1.devices[first]!.push.status, 'pushed');
  t.equal(s0.devices[first]!.push.status, 'pushing', 'the input is untouched');
  t.equal(s1.devices[other], s0.devices[other], 'an untouched entry is the same object');
  t.not(s1.devices[first], s0.devices[first], 'a changed entry is a new object');
});

t.test('advance changes the state in place and returns the state as it was', async (t) => {
  const s = step(make({ devices: fleet(4), canary: 1, waves: [50, 100] }), { type: 'start' }).state;
  const d = s.waves[0]!.devices[0]!;
  const id = s.devices[d]!.push.id;
  const entry = s.devices[d];
  const last = s.waves[2]!.devices[0]!;
  const other = s.devices[last];
  advance(s, { type: 'pushed', device: d, id });
  const { actions, before } = advance(s, {
    type: 'result',
    device: d,
    result: { id, status: 'applied', code: 'ok' },
  });
  t.equal(s.devices[d]!.push.status, 'applied');
  t.equal(before.devices[d]!.push.status, 'pushed', 'the view before holds the old entry');
  t.equal(entry!.push.status, 'pushing', 'an entry is replaced, never written: earlier states keep theirs');
  t.equal(s.devices[last], other, 'untouched entries are kept');
  t.equal(before.waves[0]!.status, 'running', 'the canary passed in this step…');
  t.equal(s.waves[0]!.status, 'passed');
  t.equal(before.waves[1]!.status, 'waiting', '…and wave 1 was waiting before it');
  t.equal(s.waves[1]!.status, 'running');
  t.equal(before.phase, 'running');
  t.match(actions, [
    { type: 'push', wave: 1 },
    { type: 'startTimer', wave: 1 },
  ]);
  t.same(Object.keys(before.devices), Object.keys(s.devices));
});

t.test('step never mutates its input', async (t) => {
  const s = make();
  const copy = structuredClone(s);
  step(s, { type: 'start' });
  t.same(s, copy);
  t.equal(s.phase, 'ready');
});

t.test(
  'push ids must fit the push schema (128 characters): long rollout + device ids are refused',
  async (t) => {
    const long = createRollout({
      id: 'r'.repeat(64),
      fleet: 'f',
      devices: ['d'.repeat(64)],
      canary: 1,
      waves: [100],
    });
    t.equal(long.ok, false);
    t.match(JSON.stringify(long.ok ? [] : long.errors), /exceed 128 characters/);
    const fine = createRollout({
      id: 'r'.repeat(20),
      fleet: 'f',
      devices: ['d'.repeat(64)],
      canary: 1,
      waves: [100],
    });
    t.equal(fine.ok, true);
  },
);
