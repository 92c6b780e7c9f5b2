// `aimlock demo`, run as a first-time user runs it (the compiled CLI, plain node): its own broker, 12 drones with
// a ghost in the canary and a live foreign holder in wave 1, a rollout through the real command, then the
// operator's desk (CONTRACT §9): hold point, locks --device, release --force --device, resume, rollout again. The story
// is asserted from the facts it reports, not only from its exit status, and nothing it started may outlive it.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import t from 'tap';
import { CLI, run } from './helpers/board.js';

type Doc = Record<string, unknown>;
interface Answer {
  id: string;
  version: number;
  status: string;
  code: string;
  detail: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Pids of processes whose command line mentions `text` (the demo's temp dir). */
function processesMentioning(text: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (readFileSync(`/proc/${name}/cmdline`, 'utf8').includes(text)) pids.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

t.test('demo --json: the story played as designed, checked from its facts', async (t) => {
  const started = Date.now();
  const r = await run(process.execPath, [CLI, 'demo', '--json']);
  const ms = Date.now() - started;
  t.equal(r.code, 0, `exit 0 (stderr: ${r.stderr})`);
  const f = JSON.parse(r.stdout) as Doc & {
    ghost: { device: string; dead_pid: number; reclaimed: boolean; telemetry: Doc; answer: Answer };
    canary: { devices: string[]; applied: string[] };
    hot: {
      device: string;
      wave: number;
      holder_pid: number;
      holder_command: string;
      settings: string;
      answer: Answer;
      locks: { exit_code: number; verdict: string };
      landed_after_release: Answer & { pushes_seen: number };
    };
    desk: {
      hold: { exit_code: number; acknowledged: number };
      release_refused: number;
      release: number;
      resume: number;
      rollout_again: number;
      record: string;
    };
    rollout: { exit_code: number; outcome: string; reason: string; summary: Doc };
    waves: { index: number; devices: string[] }[];
    pushed: string[];
    untouched: string[];
    technician: string[];
    leftover_pids: number[];
    dir: string;
    duration_ms: number;
  };
  t.equal(f.ok, true, `ok (differences: ${JSON.stringify(f.differences)})`);
  t.same(f.differences, []);
  t.ok(ms < 60_000, `finished in ${ms} ms`);
  t.ok(f.duration_ms < 60_000);

  // The ghost, in the canary: reclaimed at boot (telemetry from the dead owner's record), then applied.
  t.equal(f.ghost.device, 'drone-02');
  t.ok(f.canary.devices.includes(f.ghost.device), 'the ghost drone is in the canary');
  t.equal(f.ghost.reclaimed, true);
  t.equal(f.ghost.telemetry.event, 'lock_reclaimed');
  const previous = f.ghost.telemetry.previous as { verdict: string; owner: { pid: number } };
  t.equal(previous.verdict, 'STALE');
  t.equal(previous.owner.pid, f.ghost.dead_pid, 'the reclaimed owner is the planted dead pid');
  t.equal(f.ghost.answer.status, 'applied');

  // The canary passed in full.
  t.same(f.canary.devices, ['drone-01', 'drone-02', 'drone-03']);
  t.same(f.canary.applied, f.canary.devices);

  // The rollout stopped at the hot drone's wave, with lock_mismatch naming it.
  t.equal(f.hot.device, 'drone-05');
  t.equal(f.hot.wave, 1);
  t.ok(f.waves[1]!.devices.includes(f.hot.device), 'the hot drone is in the first wave after the canary');
  t.equal(f.hot.answer.status, 'rejected');
  t.equal(f.hot.answer.code, 'lock_mismatch');
  t.match(f.hot.answer.detail, /UNOWNED/);
  t.equal(f.rollout.exit_code, 6);
  t.equal(f.rollout.outcome, 'aborted');
  t.match(f.rollout.reason, /drone-05.*lock_mismatch/);
  const waves = f.rollout.summary.waves as { index: number; status: string }[];
  t.same(
    waves.map((w) => w.status),
    ['passed', 'failed', 'not_run'],
    "the rollout's own summary: canary passed, wave 1 failed, wave 2 never ran",
  );

  // Nobody after that wave was touched.
  const later = ['drone-07', 'drone-08', 'drone-09', 'drone-10', 'drone-11', 'drone-12'];
  t.same(f.untouched, later);
  t.same(f.pushed, ['drone-01', 'drone-02', 'drone-03', 'drone-04', 'drone-05', 'drone-06']);
  t.notOk(
    f.pushed.some((d) => later.includes(d)),
    'no device after wave 1 got a push',
  );

  // From the desk: a hold point over all 12, the hot drone's lock seen remotely, the bypass refused while the
  // live holder has the kernel lock and done after, resume, the push landing by itself, the rollout to the end.
  t.same(f.desk.hold, { exit_code: 0, acknowledged: 12 });
  t.equal(f.hot.locks.exit_code, 3);
  t.equal(f.hot.locks.verdict, 'UNOWNED');
  t.equal(f.hot.holder_command, 'sh');
  t.equal(f.desk.release_refused, 3, 'release --force --device refused while a live process held the lock');
  t.equal(f.desk.release, 0);
  t.equal(f.desk.resume, 0);
  t.equal(f.desk.rollout_again, 0, 'the rollout, run again, went to the end');
  t.equal(f.hot.landed_after_release.status, 'applied');
  t.equal(f.hot.landed_after_release.id, f.hot.answer.id, 'the same push, not a new one');
  t.equal(f.hot.landed_after_release.pushes_seen, 1);

  // Nothing left behind.
  t.same(f.leftover_pids, []);
  t.notOk(alive(f.hot.holder_pid), `the hot holder (pid ${f.hot.holder_pid}) is gone`);
  t.notOk(existsSync(f.dir), 'the temp dir is removed');
  t.same(processesMentioning(f.dir), [], 'no process mentions the temp dir');
});

t.test('demo: the story as a user reads it', async (t) => {
  const r = await run(process.execPath, [CLI, 'demo']);
  t.equal(r.code, 0, `exit 0 (stderr: ${r.stderr})`);
  for (const line of [
    /^1\/8 starting an MQTT broker/m,
    /ghost on drone-02: lock bit set by dead pid \d+ .* reclaimed at boot, reported as lock_reclaimed/,
    /hot on drone-05: pid \d+ \(sh\) holds FLOCK/,
    /│ wave 1 \(50%\) failed: drone-05 answered lock_mismatch/,
    /canary passed: 3\/3 applied/,
    /wave 1 \(50%\) stopped: drone-05 answered rejected\/lock_mismatch/,
    /no device after wave 1 \(50%\) was touched: drone-07 … drone-12 got no push/,
    /│ hold: 12\/12 held/,
    /│ drone-03: accepted\/landing_in_progress/,
    /\$ \S.* locks --device drone-05 --fleet demo --broker mqtt:\S+ --key \S+/,
    /│ FLOCK +WRITE +\d+ +sh/,
    /│ aimlock: kernel_lock_held: drone-05 refused release_force/,
    /│ lock on drone-05 force-released/,
    /│ resume: 12\/12 resumed/,
    /drone-05 applied v1 by itself .* no new push was sent/,
    /│ rollout \S+-again \(fleet demo\): done/,
    /The story played as designed/,
  ]) {
    t.match(r.stdout, line);
  }
});
