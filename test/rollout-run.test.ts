// `aimlock rollout` as a real process against a real Mosquitto and a simulated fleet of real agents
// (src/fleet/sim.ts): a clean rollout, a live foreign lock holder in the canary (abort, nothing outside the
// canary touched, rollback), deferred devices (waited for; timed out), and an operator killed mid-rollout
// that resumes without pushing any device twice.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createPrivateKey, type KeyObject, randomUUID } from 'node:crypto';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import mqtt from 'mqtt';
import t from 'tap';
import { OperatorClient, signedPush } from '../src/fleet/operator.js';
import type { RolloutSummary } from '../src/fleet/rollout/types.js';
import { type SimDevice, type SimFleet, startFleet } from '../src/fleet/sim.js';
import type { AimConfig } from '../src/schemas/index.js';
import { boardPaths } from '../src/settings/board.js';
import { loadSettings } from '../src/settings/load.js';
import { generateKeyPair } from '../src/sign/index.js';
import { History } from '../src/store/history.js';
import { readState } from '../src/store/state.js';
import { aimlock, CLI, configWith, plainNode } from './helpers/board.js';
import { type Broker, startMosquitto } from './helpers/mosquitto.js';
import { exited } from './helpers/procs.js';

interface Teardown {
  teardown(fn: () => void | Promise<void>): void;
}

const KEY_ID = 'ops-roll';
const BASE = configWith((c) => (c.aim.sensitivity = 0.4)) as AimConfig;
const NEXT = configWith((c) => (c.aim.sensitivity = 0.7)) as AimConfig;

interface Setup {
  broker: Broker;
  fleet: SimFleet;
  name: string;
  dir: string;
  keyFile: string;
  key: KeyObject;
  configFile: string;
  stateDir: string;
  /** Every result the fleet published since the fleet started. */
  results: Array<Record<string, unknown>>;
  desk(): string[];
}

async function setup(
  t: Teardown & { testdir(): string },
  drones: number,
  extra: { hotDevices?: string[] } = {},
): Promise<Setup> {
  const broker = await startMosquitto(t);
  const dir = t.testdir();
  const pair = generateKeyPair();
  const keyFile = join(dir, `${KEY_ID}.key`);
  writeFileSync(keyFile, pair.privatePem);
  const name = `f${randomUUID().slice(0, 6)}`;
  const watcher = await mqtt.connectAsync(broker.url, { clientId: `w-${randomUUID()}` });
  t.teardown(() => watcher.endAsync(true));
  const results: Array<Record<string, unknown>> = [];
  watcher.on('message', (_topic, payload) => {
    if (payload.length > 0) results.push(JSON.parse(payload.toString()));
  });
  await watcher.subscribeAsync(`aimlock/v1/${name}/+/config/result`, { qos: 1 });
  const fleet = await startFleet({
    drones,
    brokerUrl: broker.url,
    fleet: name,
    keys: [{ id: KEY_ID, publicPem: pair.publicPem }],
    logLevel: 'silent',
    gcIntervalMs: 1000,
    ...extra,
  });
  t.teardown(() => fleet.stop());
  const configFile = join(dir, 'next.json');
  writeFileSync(configFile, JSON.stringify(NEXT));
  const stateDir = join(dir, 'rollouts');
  return {
    broker,
    fleet,
    name,
    dir,
    keyFile,
    key: createPrivateKey(pair.privatePem),
    configFile,
    stateDir,
    results,
    desk: () => ['--fleet', name, '--broker', broker.url, '--key', keyFile, '--state-dir', stateDir],
  };
}

/** Gives `devices` the BASE config as version 1 (what they run before the rollout); returns the answers. */
async function basePush(s: Setup, devices: string[]): Promise<Map<string, string>> {
  const op = await OperatorClient.connect(s.broker.url, { fleet: s.name });
  try {
    const envs = devices.map((device) => signedPush({ device, version: 1, config: BASE }, s.key, KEY_ID));
    await Promise.all(envs.map((e) => op.publishPush(e)));
    const outs = await Promise.all(envs.map((e) => op.waitFinal(e.device, e.id, { timeoutMs: 120_000 })));
    return new Map(
      outs.map((o, i) => [envs[i]!.device, o.timedOut ? 'timeout' : `${o.result.status}/${o.result.code}`]),
    );
  } finally {
    await op.close();
  }
}

async function board(d: SimDevice) {
  const paths = boardPaths(loadSettings(d.settingsFile));
  const state = await readState(paths.state);
  const history = await new History(paths.history, 5).list();
  return { applied: state.applied, history };
}

/** The retained push (desired state) of a device, or null. */
async function retainedPush(url: string, fleet: string, device: string) {
  const c = await mqtt.connectAsync(url, { clientId: `rp-${randomUUID()}` });
  try {
    const got = new Promise<Record<string, unknown> | null>((resolve) => {
      c.on('message', (_t, p) => resolve(p.length ? JSON.parse(p.toString()) : null));
      setTimeout(() => resolve(null), 1000);
    });
    await c.subscribeAsync(`aimlock/v1/${fleet}/${device}/config/push`, { qos: 1 });
    return await got;
  } finally {
    await c.endAsync(true);
  }
}

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function spawnCli(
  t: Teardown,
  args: string[],
): { child: ChildProcess; stderr: () => string; stdout: () => string } {
  const child = spawn(...plainNode([CLI, ...args]), { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => {
    out += d;
  });
  child.stderr!.on('data', (d) => {
    err += d;
  });
  t.teardown(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited(child);
    }
  });
  return { child, stderr: () => err, stdout: () => out };
}

const exitCode = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });

t.test('20 drones, canary 2, waves 25%,50%,100%: done, every device at its base + 1', async (t) => {
  const s = await setup(t, 20);
  const names = s.fleet.devices.map((d) => d.device);
  // Half the fleet already runs version 1: bases differ per device.
  const based = names.filter((_, i) => i % 2 === 1);
  for (const [d, answer] of await basePush(s, based)) t.equal(answer, 'applied/ok', `${d} base applied`);

  const r = await aimlock(null, [
    'rollout',
    s.configFile,
    ...s.desk(),
    '--all',
    '--canary',
    '2',
    '--waves',
    '25%,50%,100%',
    '--timeout',
    '120s',
    '--id',
    'r-run',
    '--json',
  ]);
  t.equal(r.code, 0, r.stderr);
  const sum = JSON.parse(r.stdout) as RolloutSummary;
  t.equal(sum.outcome, 'done');
  t.equal(sum.reason, null);
  t.same(
    sum.waves.map((w) => [w.label, w.devices.length, w.status]),
    [
      ['wave 0 (canary)', 2, 'passed'],
      ['wave 1 (25%)', 3, 'passed'],
      ['wave 2 (50%)', 5, 'passed'],
      ['wave 3 (100%)', 10, 'passed'],
    ],
  );
  t.same(
    sum.devices.map((d) => d.device),
    names,
    '--all: every device with a status, sorted',
  );
  for (const d of s.fleet.devices) {
    const base = based.includes(d.device) ? 1 : 0;
    const row = sum.devices.find((x) => x.device === d.device)!;
    t.match(row, { status: 'applied', code: 'ok', version: base + 1, id: `r-run:${d.device}:v${base + 1}` });
    const b = await board(d);
    t.equal(b.applied?.version, base + 1, `${d.device} runs v${base + 1}`);
    t.equal(b.applied?.id, `r-run:${d.device}:v${base + 1}`);
  }
  t.equal(r.stderr, '', '--json: no progress');
  t.same(readdirSync(s.stateDir), ['r-run.json'], 'state kept locally');

  // Plain progress when not a terminal; an unknown rollout to resume; a finished one reports itself.
  const again = await aimlock(null, ['rollout', '--resume', 'r-run', '--state-dir', s.stateDir, '--json']);
  t.equal(again.code, 0, again.stderr);
  t.equal(JSON.parse(again.stdout).outcome, 'done');
  const none = await aimlock(null, ['rollout', '--resume', 'nope', ...s.desk()]);
  t.equal(none.code, 1);
  t.match(none.stderr, /aimlock: not_found: no rollout nope/);
});

t.test('--pause-between takes the go from stdin: y goes on, anything else stops the rollout', async (t) => {
  const s = await setup(t, 4);
  const plan = ['--all', '--canary', '1', '--waves', '50%,100%', '--timeout', '60s', '--pause-between'];
  // Both answers at once, before the first question: the second must wait for its own question.
  const r = await aimlock(null, ['rollout', s.configFile, ...s.desk(), ...plan, '--id', 'r-go', '--json'], {
    input: 'y\nn\n',
  });
  t.equal(r.code, 6, 'declined at the second pause: aborted');
  const sum = JSON.parse(r.stdout) as RolloutSummary;
  t.match(sum.reason, /declined to continue to wave 2/);
  t.same(
    sum.waves.map((w) => w.status),
    ['passed', 'passed', 'not_run'],
    'the canary and wave 1 ran, wave 2 did not',
  );
  t.match(r.stderr, /wave 0 \(canary\) passed \(1\/1 applied\)\. Continue to wave 1 .*\[y\/N\]/);
  const untouched = s.fleet.devices.slice(2);
  for (const d of untouched) t.equal((await board(d)).applied, null, `${d.device} was never pushed`);

  // The end of stdin is no go either.
  const eof = await aimlock(null, ['rollout', s.configFile, ...s.desk(), ...plan, '--id', 'r-eof', '--json']);
  t.equal(eof.code, 6);
  t.match(JSON.parse(eof.stdout).reason, /stdin ended before an operator's go/);
});

t.test(
  'a record the disk refuses before the next wave: stopped with rollout_record, nothing more pushed',
  async (t) => {
    const s = await setup(t, 4);
    const record = join(s.stateDir, 'r-pin.json');
    t.teardown(() => void spawnSync('chattr', ['-i', record]));
    const [node, args] = plainNode([
      CLI,
      'rollout',
      s.configFile,
      ...s.desk(),
      ...[
        '--all',
        '--canary',
        '1',
        '--waves',
        '100%',
        '--timeout',
        '60s',
        '--pause-between',
        '--id',
        'r-pin',
      ],
    ]);
    const child = spawn(node, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    t.teardown(() => void child.kill('SIGKILL'));
    let stderr = '';
    const asked = new Promise<void>((resolve) =>
      child.stderr.on('data', (d) => {
        stderr += d;
        if (/Continue to wave 1/.test(stderr)) resolve();
      }),
    );
    const code = new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    await asked;
    // The canary passed and its record is on disk; the disk now refuses it (as a full or failing one would).
    const pinned = spawnSync('chattr', ['+i', record], { encoding: 'utf8' });
    if (pinned.status !== 0) {
      child.kill('SIGKILL');
      if (process.env.CI) t.fail(`CI must run this fault, but chattr +i failed: ${pinned.stderr}`);
      else t.comment(`skipped: chattr +i failed: ${pinned.stderr}`);
      return;
    }
    child.stdin.end('y\n');
    t.equal(await code, 6, stderr);
    t.match(
      stderr,
      /aimlock: rollout_record: the rollout record .*r-pin\.json could not be saved or published \(EPERM/,
    );
    t.match(stderr, /stopped before sending 3 more push\(es\)/);
    t.notMatch(stderr, /saving the rollout state failed/, 'said once');
    for (const d of s.fleet.devices.slice(1))
      t.equal((await board(d)).applied, null, `${d.device} was never pushed`);
  },
);

t.test('a live foreign holder in the canary: abort, nothing beyond the canary, rollback', async (t) => {
  const s = await setup(t, 10, { hotDevices: ['drone-02'] });
  const names = s.fleet.devices.map((d) => d.device);
  const base = await basePush(s, names);
  t.equal(base.get('drone-02'), 'rejected/lock_mismatch', 'the hot drone cannot take even the base');
  const r = await aimlock(null, [
    'rollout',
    s.configFile,
    ...s.desk(),
    '--devices',
    names.join(','),
    '--canary',
    '3',
    '--waves',
    '50%,100%',
    '--timeout',
    '120s',
    '--rollback-on-abort',
    '--id',
    'r-hot',
  ]);
  t.equal(r.code, 6, r.stderr);
  t.match(
    r.stderr,
    /^aimlock: aborted: wave 0 \(canary\): drone-02 answered lock_mismatch.*state: .*r-hot\.json/m,
  );
  t.match(r.stderr, /drone-02 wave 0 rejected lock_mismatch v2/, 'plain progress lines');
  t.match(r.stdout, /rollout r-hot \(fleet \w+\): aborted/);
  t.match(r.stdout, /drone-02 +0 +v2 +rejected\/lock_mismatch .*aimlock locks/);

  for (const d of s.fleet.devices.slice(3)) {
    const b = await board(d);
    t.same(
      b.history.map((h) => h.version),
      [1],
      `${d.device}: outside the canary, no new version`,
    );
    const desired = await retainedPush(s.broker.url, s.name, d.device);
    t.equal(desired?.version, 1, `${d.device}: its retained push is still the base`);
    t.notOk(String(desired?.id).startsWith('r-hot:'), `${d.device}: no rollout push retained`);
  }
  for (const name of ['drone-01', 'drone-03']) {
    const d = s.fleet.devices.find((x) => x.device === name)!;
    const b = await board(d);
    t.same(
      b.history.map((h) => [h.version, h.config.aim.sensitivity]),
      [
        [3, 0.4],
        [2, 0.7],
        [1, 0.4],
      ],
      `${name}: applied the rollout, then got its previous config back as v3`,
    );
    t.equal(b.applied?.id, `r-hot:${name}:rollback:v3`);
    const show = await aimlock(null, ['show', '--json', '--settings', d.settingsFile]);
    t.equal(JSON.parse(show.stdout).config.aim.sensitivity, 0.4, `${name}: aimlock show says 0.4`);
  }

  const json = await aimlock(null, ['rollout', '--resume', 'r-hot', '--state-dir', s.stateDir, '--json']);
  t.equal(json.code, 6);
  const sum = JSON.parse(json.stdout) as RolloutSummary;
  t.equal(sum.outcome, 'aborted');
  const hot = sum.devices.find((d) => d.device === 'drone-02')!;
  t.match(hot, { status: 'rejected', code: 'lock_mismatch', rollback: null });
  t.match(hot.next, /aimlock locks/);
  t.match(
    sum.devices.find((d) => d.device === 'drone-01'),
    {
      status: 'applied',
      rollback: { version: 3, status: 'applied' },
    },
  );
  t.ok(
    sum.devices.slice(3).every((d) => d.status === 'pending'),
    'the summary names the untouched devices as not pushed',
  );
  t.same(
    sum.waves.map((w) => w.status),
    ['failed', 'not_run', 'not_run'],
  );
});

t.test('deferred devices: one that resumes inside the timeout passes, one that does not fails', async (t) => {
  const s = await setup(t, 6);
  const names = s.fleet.devices.map((d) => d.device);
  const dev = (n: string) => s.fleet.devices.find((d) => d.device === n)!;
  const plan = ['--all', '--canary', '2', '--waves', '100%'];

  t.equal(
    (await aimlock(null, ['hold', '--reason', 'x', '--settings', dev('drone-02').settingsFile])).code,
    0,
  );
  const run = spawnCli(t, [
    'rollout',
    s.configFile,
    ...s.desk(),
    ...plan,
    '--timeout',
    '120s',
    '--id',
    'r-d1',
  ]);
  await until('drone-02 deferred', () =>
    s.results.some((r) => r.device === 'drone-02' && r.status === 'deferred' && r.code === 'hold'),
  );
  t.equal((await aimlock(null, ['resume', '--settings', dev('drone-02').settingsFile])).code, 0);
  t.equal(await exitCode(run.child), 0, run.stderr());
  t.match(run.stderr(), /drone-02 wave 0 deferred hold v1/);
  t.match(run.stderr(), /drone-02 wave 0 applied v1/);
  for (const n of names) t.equal((await board(dev(n))).applied?.id, `r-d1:${n}:v1`);

  // Second rollout: drone-01 held, a short timeout: it times out (a failure), the rollout stops.
  t.equal(
    (await aimlock(null, ['hold', '--reason', 'x', '--settings', dev('drone-01').settingsFile])).code,
    0,
  );
  const r = await aimlock(null, [
    'rollout',
    s.configFile,
    ...s.desk(),
    ...plan,
    '--timeout',
    '6s',
    '--id',
    'r-d2',
    '--json',
  ]);
  t.equal(r.code, 6, r.stderr);
  const sum = JSON.parse(r.stdout) as RolloutSummary;
  t.match(sum.reason, /wave 0 \(canary\): 1 of 2 device\(s\) failed .*drone-01 timeout/);
  t.match(sum.devices[0], { device: 'drone-01', status: 'timeout', code: 'hold' });
  t.match(sum.devices[0]!.next, /aimlock resume/);
  t.ok(
    sum.devices.slice(2).every((d) => d.status === 'pending'),
    'no device outside the canary was pushed',
  );
  for (const n of names.slice(2)) t.equal((await board(dev(n))).applied?.version, 1, `${n} untouched`);
  await aimlock(null, ['resume', '--settings', dev('drone-01').settingsFile]);
});

t.test('operator killed mid-rollout: --resume completes, no device pushed twice', async (t) => {
  const s = await setup(t, 12);
  const names = s.fleet.devices.map((d) => d.device);
  const dev = (n: string) => s.fleet.devices.find((d) => d.device === n)!;
  // drone-04 is in wave 1 (devices 3..6) and held: wave 1 cannot finish, a stable point to kill at.
  t.equal(
    (await aimlock(null, ['hold', '--reason', 'x', '--settings', dev('drone-04').settingsFile])).code,
    0,
  );
  const plan = ['--all', '--canary', '2', '--waves', '50%,100%', '--timeout', '120s', '--id', 'r-kill'];
  const run = spawnCli(t, ['rollout', s.configFile, ...s.desk(), ...plan]);
  await until('wave 1 pushed and drone-04 deferred', () =>
    /drone-04 wave 1 deferred hold v1/.test(run.stderr()),
  );
  run.child.kill('SIGKILL');
  await exited(run.child);
  t.match(run.stderr(), /drone-01 wave 0 applied v1/);

  // While no operator listens, drone-04 is resumed and applies: its answer is lost (results are not retained).
  t.equal((await aimlock(null, ['resume', '--settings', dev('drone-04').settingsFile])).code, 0);
  await until('drone-04 applied', async () => (await board(dev('drone-04'))).applied?.version === 1);

  // As CONTRACT §8 writes it: --resume ID, nothing else (the key file is remembered in the local record).
  const r = await aimlock(null, ['rollout', '--resume', 'r-kill', '--state-dir', s.stateDir, '--json']);
  t.equal(r.code, 0, r.stderr);
  const sum = JSON.parse(r.stdout) as RolloutSummary;
  t.equal(sum.outcome, 'done');
  t.ok(
    sum.devices.every((d) => d.status === 'applied' || d.status === 'duplicate'),
    'every device applied',
  );
  t.match(
    sum.devices.find((d) => d.device === 'drone-04'),
    { status: 'applied', detail: /retained status/ },
    'drone-04 answered while no operator listened: recovered from its retained status',
  );
  for (const n of names) {
    const b = await board(dev(n));
    t.same(
      b.history.map((h) => h.id),
      [`r-kill:${n}:v1`],
      `${n}: exactly one new version`,
    );
    const applied = s.results.filter((x) => x.device === n && x.status === 'applied');
    t.ok(applied.length <= 1, `${n}: at most one applied answer (${applied.length})`);
  }
});
