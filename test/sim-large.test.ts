// `aimlock sim` past 500 drones: what bounds one process is checked before it starts (descriptors) and printed;
// several simulators side by side take distinct number ranges against one broker.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import mqtt from 'mqtt';
import t from 'tap';
import {
  defaultGcIntervalMs,
  descriptorProblem,
  descriptorsNeeded,
  openFilesLimit,
} from '../src/fleet/sim-limits.js';
import { deviceNames } from '../src/fleet/sim-plan.js';
import { CLI, plainNode } from './helpers/board.js';
import { startMosquitto } from './helpers/mosquitto.js';
import { exited, waitForLine } from './helpers/procs.js';

t.test('limits: parsing, the refusal sentence, the collector interval', async (t) => {
  const text =
    'Max cpu time              unlimited            unlimited            seconds\n' +
    'Max open files            1024                 4096                 files     \n';
  t.same(openFilesLimit(text), { soft: 1024, hard: 4096 });
  t.equal(openFilesLimit('nothing here'), null);
  t.equal(descriptorProblem(96, 0, { soft: 1024, hard: 1024 }), null, '96 × 10 + 64 = 1024 fit');
  t.match(
    descriptorProblem(97, 0, { soft: 1024, hard: 1024 }),
    /run at most 96 per simulator/,
    'one more does not',
  );
  t.equal(descriptorProblem(100_000, 0, null), null, 'no limit known: no refusal');
  const why = descriptorProblem(1000, 0, { soft: 1024, hard: 1024 });
  // 10 a drone: 2 always, 8 more while a push lands on every drone at once (a rollout's 100% wave).
  t.match(why, /1000 drones need about 10064 open files \(10 each/);
  t.match(why, /run at most 96 per simulator/);
  t.match(why, /--first/);
  t.equal(descriptorsNeeded(10, 2), 10 * (2 + 8) + 2 * 3 + 64);
  t.equal(defaultGcIntervalMs(10), 5000);
  t.equal(defaultGcIntervalMs(250), 5000);
  t.equal(defaultGcIntervalMs(1000), 20_000);
  t.equal(defaultGcIntervalMs(10_000), 200_000);
});

t.test('names: distinct ranges with one width', async (t) => {
  t.same(deviceNames(3), ['drone-01', 'drone-02', 'drone-03']);
  t.same(deviceNames(2, 'd-', 9), ['d-09', 'd-10']);
  t.same(deviceNames(2, 'drone-', 5001, 5), ['drone-05001', 'drone-05002']);
  const a = deviceNames(600, 'drone-', 1, 4);
  const b = deviceNames(600, 'drone-', 601, 4);
  t.equal(new Set([...a, ...b]).size, 1200, 'no name in both ranges');
  t.equal(a.at(-1), 'drone-0600');
  t.equal(b[0], 'drone-0601');
});

t.test('a simulator refuses up front a fleet its descriptors cannot hold', async (t) => {
  const broker = await startMosquitto(t);
  // prlimit sets the hard limit too: Node cannot raise the soft one past it.
  const r = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
    const [node, args] = plainNode([CLI, 'sim', '--drones', '400', '--broker', broker.url, '-q']);
    const child = spawn('prlimit', ['--nofile=512:512', node, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (d) => {
      stderr += d;
    });
    child.once('exit', (code) => resolve({ code, stderr }));
  });
  t.equal(r.code, 2, r.stderr);
  t.match(r.stderr, /400 drones need about 4064 open files .* may open 512 .*run at most 44 per simulator/);
});

t.test('a second simulator on the same --dir is refused, as a second aimlockd on a board is', async (t) => {
  const broker = await startMosquitto(t);
  const dir = t.testdir();
  const [node, args] = plainNode([CLI, 'sim', '--drones', '2', '--broker', broker.url, '--dir', dir, '-q']);
  const first = spawn(node, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  t.teardown(async () => {
    if (first.exitCode === null && first.signalCode === null) first.kill('SIGKILL');
    await exited(first);
  });
  await waitForLine(first, /^limits: /, 60_000);
  const second = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
    const c = spawn(node, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    c.stderr!.on('data', (d) => {
      stderr += d;
    });
    c.once('exit', (code) => resolve({ code, stderr }));
  });
  t.equal(second.code, 3, second.stderr);
  t.match(second.stderr, /already_running/);
  first.kill('SIGINT');
  await exited(first);
  t.equal(first.exitCode, 0);
});

t.test('past 500: two simulators of 520 drones side by side, 1,040 distinct drones online', async (t) => {
  // Without it Mosquitto hands a new subscriber at most 1,020 of the 1,040 retained statuses (1000 queued + 20
  // in flight) and drops the rest silently: seen here first, now in examples/mosquitto*.conf.
  const broker = await startMosquitto(t, { extraConfig: ['max_queued_messages 100000'] });
  const per = 520;
  const sims = [1, per + 1].map((first) => {
    const [node, args] = plainNode([
      CLI,
      'sim',
      '--drones',
      String(per),
      '--first',
      String(first),
      '--digits',
      '4',
      '--fleet',
      'big',
      '--broker',
      broker.url,
      '--log-level',
      'error',
      '-q',
    ]);
    const child = spawn(node, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    t.teardown(async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited(child);
    });
    return child;
  });
  const lines = await Promise.all(sims.map((c) => waitForLine(c, /^limits: /, 300_000)));
  // One instance lock per simulator, not one per board: each is a line of /proc/locks, which every lock
  // observation on the machine reads whole (10,000 of them stalled a 10,000-drone fleet).
  // A read longer than a page can repeat or skip a line while other processes lock (several reads, each
  // finding its place by position): three reads, and the distinct inodes each simulator holds in any of them.
  const locks = [1, 2, 3].flatMap(() => readFileSync('/proc/locks', 'utf8').split('\n'));
  for (const c of sims) {
    const held = new Set(
      locks
        .map((l) => l.split(/\s+/))
        .filter((f) => f[4] === String(c.pid))
        .map((f) => f[5]),
    );
    t.equal(held.size, 1, 'one lock held');
  }
  for (const line of lines)
    t.match(line, /^limits: descriptors 5264 of \d+; memory ~\d+ MiB .*collector every 10400 ms$/);

  // Every drone's retained status, as a newcomer to the broker sees them.
  const c = await mqtt.connectAsync(broker.url, { clientId: `r-${randomUUID()}`, clean: true });
  t.teardown(() => c.endAsync(true));
  const online = new Set<string>();
  const all = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`only ${online.size} of ${2 * per} online`)), 300_000);
    c.on('message', (_topic, payload) => {
      const doc = JSON.parse(payload.toString()) as { device: string; state: string };
      if (doc.state === 'online') online.add(doc.device);
      if (online.size === 2 * per) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  await c.subscribeAsync('aimlock/v1/big/+/status', { qos: 1 });
  await all;
  t.ok(
    online.has('drone-0001') &&
      online.has('drone-0520') &&
      online.has('drone-0521') &&
      online.has('drone-1040'),
  );

  for (const child of sims) child.kill('SIGINT');
  await Promise.all(sims.map(exited));
  t.same(
    sims.map((c) => c.exitCode),
    [0, 0],
    'both stop cleanly on SIGINT',
  );
});
