// The operator's command client against a hand-played device on a real Mosquitto: interim then final, a stray
// answer (wrong topic, wrong device, unknown id) settles nothing, a second final changes nothing, a device that
// never answers ends as a timeout. And the live line's text, which an operator reads on a terminal.
import { createPrivateKey } from 'node:crypto';
import mqtt from 'mqtt';
import t from 'tap';
import { liveLineText } from '../src/cli/remote/progress.js';
import { CommandClient, type CommandEvent } from '../src/fleet/command/client.js';
import type { CommandResult, SignedCommand } from '../src/fleet/command/types.js';
import { generateKeyPair } from '../src/sign/index.js';
import { startMosquitto } from './helpers/mosquitto.js';

const result = (c: { id: string; device: string }, over: Partial<CommandResult>): CommandResult => ({
  kind: 'aimlock.command-result/v1',
  device: c.device,
  id: c.id,
  action: 'hold',
  status: 'done',
  code: 'ok',
  detail: 'hold in place',
  ts: new Date().toISOString(),
  ...over,
});

t.test('interim, final, strays and silence', async (t) => {
  const broker = await startMosquitto(t);
  const pair = generateKeyPair();
  const dev = await mqtt.connectAsync(broker.url, { clientId: 'fake-device' });
  t.teardown(() => dev.endAsync(true));
  const say = (device: string, r: CommandResult) =>
    dev.publishAsync(`aimlock/v1/cc/${device}/command/result`, JSON.stringify(r), { qos: 1 });
  // The fake device: drone-a answers with strays first, then interim, final, and a second final; drone-b never.
  dev.on('message', async (_topic, payload) => {
    const c = JSON.parse(payload.toString()) as SignedCommand;
    if (c.device !== 'drone-a') return;
    await say('drone-x', result(c, { device: 'drone-x', status: 'refused', code: 'forged' })); // other topic+device
    await say('drone-x', result(c, { status: 'refused', code: 'forged' })); // topic of another device
    await say(
      'drone-a',
      result({ id: 'not-ours', device: 'drone-a' }, { status: 'refused', code: 'forged' }),
    );
    await say('drone-a', { ...result(c, {}), status: 'weird' as 'done' }); // outside the schema
    await say('drone-a', result(c, { status: 'accepted', code: 'landing_in_progress', detail: 'landing' }));
    await say('drone-a', result(c, {}));
    await say('drone-a', result(c, { status: 'refused', code: 'late' }));
  });
  await dev.subscribeAsync('aimlock/v1/cc/+/command', { qos: 1 });

  const client = await CommandClient.connect(broker.url, { fleet: 'cc' });
  t.teardown(() => client.close());
  const events: CommandEvent[] = [];
  const started = Date.now();
  const outcomes = await client.send({
    action: 'hold',
    args: { reason: 'r', for: 30 },
    devices: ['drone-a', 'drone-b'],
    key: createPrivateKey(pair.privatePem),
    keyId: 'ops',
    timeoutMs: 2500,
    ttlMs: 60_000,
    onEvent: (e) => events.push(e),
  });
  t.ok(Date.now() - started >= 2500, 'the wait lasted until the timeout for the silent device');
  t.match(outcomes[0], {
    device: 'drone-a',
    state: 'final',
    result: { status: 'done', code: 'ok' },
    interim: { status: 'accepted', code: 'landing_in_progress' },
  });
  t.match(outcomes[1], { device: 'drone-b', state: 'timeout', interim: null, offline: false });
  const kinds = events.filter((e) => e.device === 'drone-a').map((e) => e.type);
  t.same(
    kinds,
    ['sent', 'interim', 'final'],
    'strays, an invalid answer and the late second final were ignored',
  );
});

t.test('the live line', async (t) => {
  const ev = (device: string, status: CommandResult['status'], code = 'ok'): CommandEvent =>
    status === 'accepted'
      ? { type: 'interim', device, result: result({ id: device, device }, { status, code }) }
      : { type: 'final', device, result: result({ id: device, device }, { status, code }) };
  t.equal(
    liveLineText(500, 'held', [
      ev('drone-01', 'done'),
      ev('drone-02', 'done'),
      ev('drone-05', 'accepted', 'landing_in_progress'),
      { type: 'status', device: 'drone-09', offline: true },
      { type: 'status', device: 'drone-10', offline: true },
      { type: 'status', device: 'drone-11', offline: true },
    ]),
    '2/500 held; drone-05 landing, held after it; 3 offline',
  );
  t.equal(
    liveLineText(3, 'held', [
      ev('a', 'done'),
      ev('b', 'refused', 'capability_missing'),
      ev('c', 'accepted', 'x'),
      ev('c', 'done'),
    ]),
    '2/3 held; 1 refused',
    'a landing that ended leaves the line',
  );
  t.equal(
    liveLineText(2, 'held', [ev('d\x1b[2J', 'accepted', 'land\x1b]0;x\x07')]),
    '0/2 held; d\\x1b[2J land\\x1b]0;x\\x07, held after it',
    'a device id or code from the network cannot paint on the terminal',
  );
});
