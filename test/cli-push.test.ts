// `aimlock push` as a real process against a real Mosquitto and a real agent: automatic versions, invalid
// configs that never leave the desk, deferred answers followed to the end, untrusted keys, timeouts.
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import mqtt from 'mqtt';
import t from 'tap';
import { agentBoard, operator, startAgent } from './helpers/agent.js';
import { aimlock, configWith, GOOD_CONFIG } from './helpers/board.js';
import { startMosquitto } from './helpers/mosquitto.js';

/** The retained push (desired state) of a device, or null. */
async function retainedPush(url: string, device: string): Promise<Record<string, unknown> | null> {
  const c = await mqtt.connectAsync(url, { clientId: `rp-${randomUUID()}` });
  try {
    const got = new Promise<Record<string, unknown> | null>((resolve) => {
      c.on('message', (_t, p) => resolve(p.length ? JSON.parse(p.toString()) : null));
      setTimeout(() => resolve(null), 700);
    });
    await c.subscribeAsync(`aimlock/v1/alpha/${device}/config/push`, { qos: 1 });
    return await got;
  } finally {
    await c.endAsync(true);
  }
}

t.test('aimlock push against a running agent', async (t) => {
  const broker = await startMosquitto(t);
  const board = agentBoard(t.testdir(), broker.url);
  const keyFile = join(board.dir, 'ops-test.key');
  writeFileSync(keyFile, board.op.key.export({ type: 'pkcs8', format: 'pem' }));
  await startAgent(t, board);
  const watcher = await operator(t, broker.url);
  const desk = ['--fleet', 'alpha', '--broker', broker.url, '--key', keyFile, '--device', 'drone-07'];
  const live = () => readFileSync(board.config, 'utf8');

  // 1: the agent has published its status (applied: null) on connect: version 1.
  const first = await aimlock(null, ['push', board.writeJson('aim.json', GOOD_CONFIG), ...desk]);
  t.equal(first.code, 0, first.stderr);
  t.match(
    first.stdout,
    /^applied: drone-07 version 1 \(push [0-9a-f-]{36}, lock found FREE, landed as generation \d+/,
  );
  t.match(first.stderr, /version 1: one above nothing applied/, 'says where the version came from');
  t.match(live(), /version 1\n/);

  // 2: the version follows the device's applied version, read from its retained status.
  const v2 = board.writeJson(
    'aim2.json',
    configWith((c) => (c.aim.sensitivity = 0.4)),
  );
  const second = await aimlock(null, ['push', v2, ...desk, '--json']);
  t.equal(second.code, 0, second.stderr);
  const r2 = JSON.parse(second.stdout);
  t.match(r2, { kind: 'aimlock.result/v1', status: 'applied', code: 'ok', version: 2, device: 'drone-07' });
  t.match(live(), /sensitivity = 0.4\n/);
  t.equal((await retainedPush(broker.url, 'drone-07'))?.id, r2.id, 'the push is retained: desired state');

  // 3: an invalid config is refused before anything is published.
  const resultsBefore = watcher.results.length;
  const bad = await aimlock(null, [
    'push',
    board.writeJson(
      'bad.json',
      configWith((c) => (c.aim.sensitivity = 2)),
    ),
    ...desk,
  ]);
  t.equal(bad.code, 1);
  t.match(bad.stderr, /^aimlock: invalid: .*nothing published/);
  t.match(bad.stderr, /\/aim\/sensitivity: must be <= 1/, 'the error names the JSON pointer');
  await new Promise((r) => setTimeout(r, 500));
  t.equal(watcher.results.length, resultsBefore, 'the agent answered nothing: it got nothing');
  t.equal((await retainedPush(broker.url, 'drone-07'))?.id, r2.id, 'the desired state is unchanged');

  // 4: on hold, the push is deferred (progress on stderr), and lands on resume.
  t.equal((await aimlock(board, ['hold', '--reason', 'gimbal swap'])).code, 0);
  const from = watcher.results.length;
  const held = aimlock(board, [
    'push',
    board.writeJson(
      'aim3.json',
      configWith((c) => (c.aim.sensitivity = 0.5)),
    ),
    '--key',
    keyFile,
    '--device',
    'drone-07',
  ]);
  const deadline = Date.now() + 20000;
  while (!watcher.results.slice(from).some((r) => r.status === 'deferred') && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 25));
  t.ok(
    watcher.results.slice(from).some((r) => r.code === 'hold'),
    'the agent deferred it',
  );
  t.equal((await aimlock(board, ['resume'])).code, 0);
  const third = await held;
  t.equal(third.code, 0, third.stderr);
  t.match(third.stderr, /deferred: hold — on hold: gimbal swap/, 'the deferred answer is shown as progress');
  t.match(third.stdout, /^applied: drone-07 version 3 /, '--settings gave fleet and broker');
  t.match(live(), /sensitivity = 0.5\n/);

  // 5: a key the board does not trust.
  const stranger = join(board.dir, 'ops-stranger.key');
  writeFileSync(stranger, generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }));
  const before = live();
  const untrusted = await aimlock(null, ['push', v2, ...desk, '--key', stranger]);
  t.equal(untrusted.code, 1);
  t.match(
    untrusted.stderr,
    /^aimlock: rejected: drone-07 answered push \S+ version 4: rejected\/unknown_key/m,
  );
  t.equal(live(), before, 'nothing applied');

  // 6: a device with no agent: timeout, exit 5, and the push stays desired.
  const lost = await aimlock(null, [
    'push',
    v2,
    ...desk.slice(0, -1),
    'drone-99',
    '--timeout',
    '2s',
    '--json',
  ]);
  t.equal(lost.code, 5);
  t.match(lost.stderr, /"code":"timeout"/);
  t.match(lost.stderr, /stays retained .*aimlock fleet --fleet alpha/);
  const timedOut = JSON.parse(lost.stdout);
  t.match(timedOut, { status: 'timeout', device: 'drone-99', version: 1, last: null });
  t.equal((await retainedPush(broker.url, 'drone-99'))?.id, timedOut.id, 'retained for when it comes');
});

t.test('push usage errors', async (t) => {
  const r = await aimlock(null, ['push', 'x.json', '--device', 'drone-07', '--key', 'k.key']);
  t.equal(r.code, 2);
  t.match(r.stderr, /^aimlock: usage: --fleet is required/);
  const bad = await aimlock(null, ['push', 'x.json', '--device', 'a/b', '--fleet', 'alpha', '--key', 'k']);
  t.equal(bad.code, 2);
  t.match(bad.stderr, /--device "a\/b" is not a device id/);
});
