// The agent's MQTT 5 session against a real Mosquitto: it lives across a disconnect (Session Expiry Interval;
// without it `clean: false` keeps nothing under MQTT 5), so a push sent while the agent was down is delivered
// on reconnect; and the agent's Maximum Packet Size makes the broker drop a megabyte publish before it reaches
// the agent — the agent never buffers it, stays connected and still gets the next push.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import mqtt from 'mqtt';
import pino from 'pino';
import t, { type Test } from 'tap';
import { applyDefaults } from '../src/schemas/index.js';
import type { Settings } from '../src/settings/load.js';
import { Outbox } from '../src/store/outbox.js';
import { Transport } from '../src/transport/index.js';
import { agentBoard, envelope, operator, startAgent } from './helpers/agent.js';
import { type Broker, startMosquitto } from './helpers/mosquitto.js';
import { until } from './helpers/until.js';

const log = pino({ level: 'silent' });

function agentTransport(t: Test, broker: Broker, device: string, dir: string) {
  const pushes: Buffer[] = [];
  const connects: boolean[] = [];
  const transport = new Transport({
    settings: applyDefaults<Settings>('agent-settings', {
      device,
      fleet: 'f5',
      broker: { url: broker.url, keepalive_s: 5 },
    }),
    outbox: new Outbox(join(dir, 'outbox')),
    log,
    agentVersion: '0.0.0-test',
    protocolVersion: 5,
    onPush: async (payload) => {
      pushes.push(payload);
    },
    statusNow: () => ({}),
  });
  transport.on('connect', ({ sessionPresent }) => connects.push(sessionPresent));
  t.teardown(() => transport.mqttClient?.end(true));
  return { transport, pushes, connects };
}

async function publisher(t: Test, broker: Broker) {
  const client = await mqtt.connectAsync(broker.url, { clientId: `op-${randomUUID()}`, protocolVersion: 5 });
  t.teardown(() => client.endAsync(true));
  return client;
}

t.test('MQTT 5: a push sent while the agent was down is delivered on reconnect', async (t) => {
  const broker = await startMosquitto(t);
  const dir = t.testdir();
  const first = agentTransport(t, broker, 'd5', dir);
  first.transport.start();
  await until('first connect', () => first.connects.length > 0);
  await first.transport.stop();

  const op = await publisher(t, broker);
  await op.publishAsync('aimlock/v1/f5/d5/config/push', 'while-away', { qos: 1 }); // not retained

  const again = agentTransport(t, broker, 'd5', dir);
  again.transport.start();
  await until('reconnect', () => again.connects.length > 0);
  t.equal(again.connects[0], true, 'the broker kept the session');
  await until('the queued push', () => again.pushes.length > 0);
  t.equal(again.pushes[0]?.toString(), 'while-away');
  await again.transport.stop();
});

t.test(
  'MQTT 5: a 1 MiB publish is dropped by the broker, the agent stays up and gets the next push',
  async (t) => {
    const broker = await startMosquitto(t);
    const agent = agentTransport(t, broker, 'd6', t.testdir());
    agent.transport.start();
    await until('connect', () => agent.connects.length > 0);
    const op = await publisher(t, broker);
    await op.publishAsync('aimlock/v1/f5/d6/config/push', Buffer.alloc(1024 * 1024, 'x'), { qos: 1 });
    await op.publishAsync('aimlock/v1/f5/d6/config/push', 'small', { qos: 1 });
    await until('the small push', () => agent.pushes.some((p) => p.toString() === 'small'));
    t.notOk(
      agent.pushes.some((p) => p.length > 64 * 1024),
      'the megabyte never reached the agent (before: it was buffered and handed over)',
    );
    t.equal(agent.connects.length, 1, 'no disconnect, no reconnect');
    t.ok(agent.transport.connected, 'still connected');
    await agent.transport.stop();
  },
);

t.test(
  'MQTT 3.1.1 (the agent as shipped): a 1 MiB push is answered too_large and the agent stays up',
  async (t) => {
    // 3.1.1 has no Maximum Packet Size: MQTT.js buffers the packet, the screen refuses it by size first (before
    // any parsing), the buffer is garbage once the PUBACK is out. Cap it on the broker (message_size_limit).
    const broker = await startMosquitto(t);
    const board = agentBoard(t.testdir(), broker.url);
    const agent = await startAgent(t, board);
    const op = await operator(t, broker.url);
    const big = JSON.stringify({ id: 'big-1', version: 1, pad: 'x'.repeat(1024 * 1024) });
    await op.publish(big);
    const r = await op.result('', 'rejected'); // too big to be parsed: no id to echo
    t.equal(r.code, 'too_large');
    t.match(String(r.detail), /push is 10\d{5} bytes; the limit is 65536/);
    const next = envelope(board.op, { version: 1 });
    await op.publish(next);
    t.equal(
      (await op.result(String(next.id), 'applied')).code,
      'ok',
      'the agent is up and lands the next push',
    );
    t.equal(await agent.stop(), 0);
  },
);
