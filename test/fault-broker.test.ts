// Broker-side faults with a real Mosquitto: a publish the broker refuses (ACL deny, MQTT 5 PUBACK reason code
// 0x87), and a broker restart while the agent is in the middle of an apply.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import mqtt from 'mqtt';
import pino from 'pino';
import t from 'tap';
import { applyDefaults } from '../src/schemas/index.js';
import type { Settings } from '../src/settings/load.js';
import { parseConf } from '../src/store/conf.js';
import { Outbox } from '../src/store/outbox.js';
import { Transport } from '../src/transport/index.js';
import { agentBoard, envelope, operator, startAgent } from './helpers/agent.js';
import { startMosquitto } from './helpers/mosquitto.js';
import { until } from './helpers/until.js';

t.test(
  'a publish the broker refuses (ACL, MQTT 5 reason 0x87): set aside once, never re-sent, the queue moves on',
  async (t) => {
    const dir = t.testdir();
    const acl = join(dir, 'acl');
    // Anonymous clients may read everything and write only results, status and pushes of d1: telemetry is denied.
    writeFileSync(
      acl,
      [
        'topic read #',
        'topic write aimlock/v1/f1/d1/config/result',
        'topic write aimlock/v1/f1/d1/config/push',
        'topic write aimlock/v1/f1/d1/status',
        '',
      ].join('\n'),
    );
    const broker = await startMosquitto(t, { extraConfig: [`acl_file ${acl}`] });
    const op = await mqtt.connectAsync(broker.url, { clientId: 'op-acl', protocolVersion: 5 });
    t.teardown(() => op.endAsync(true));
    const got: Array<{ topic: string; body: Record<string, unknown> }> = [];
    op.on('message', (topic, payload) => got.push({ topic, body: JSON.parse(payload.toString()) }));
    await op.subscribeAsync('aimlock/v1/f1/d1/#', { qos: 1 });

    const outbox = new Outbox(join(dir, 'outbox'));
    const lines: Array<Record<string, unknown>> = [];
    const log = pino({ level: 'info' }, { write: (l: string) => lines.push(JSON.parse(l)) });
    const transport = new Transport({
      settings: applyDefaults<Settings>('agent-settings', {
        device: 'd1',
        fleet: 'f1',
        broker: { url: broker.url, keepalive_s: 5 },
      }),
      outbox,
      log,
      agentVersion: '0.0.0-test',
      protocolVersion: 5,
      onPush: async () => {},
      statusNow: () => ({ kind: 'aimlock.status/v1', device: 'd1', state: 'online' }),
    });
    t.teardown(() => transport.mqttClient?.end(true));
    transport.start();
    await until('connected', () => transport.connected);
    let telemetryPublishes = 0;
    transport.mqttClient!.on('packetsend', (p) => {
      if (p.cmd === 'publish' && p.topic.endsWith('/telemetry')) telemetryPublishes++;
    });

    await transport.send('telemetry', { n: 1, event: 'hold' });
    await transport.send('result', { n: 2 });
    await until('the result behind the refused message arrives', () =>
      got.some((m) => m.topic.endsWith('/config/result') && m.body.n === 2),
    );
    await until('the outbox is empty', async () => (await outbox.size()) === 0);
    await transport.send('result', { n: 3 });
    await until('the next result arrives too', () => got.some((m) => m.body.n === 3));
    t.equal(telemetryPublishes, 1, 'the refused message was published once: no spin');
    t.notOk(
      got.some((m) => m.topic.endsWith('/telemetry')),
      'the broker did refuse it (nothing on telemetry)',
    );
    const kept = readdirSync(join(dir, 'outbox')).filter((n) => n.startsWith('.refused-'));
    t.equal(kept.length, 1, 'kept aside in the outbox, not deleted');
    t.match(readFileSync(join(dir, 'outbox', kept[0] ?? 'none'), 'utf8'), /\\"n\\":1/);
    const said = lines.find((l) => /refused/.test(String(l.msg)));
    t.equal(said?.level, 50, 'logged at error level');
    t.equal(said?.reason_code, 0x87, 'with the reason code (0x87 not authorized)');
  },
);

t.test(
  'the broker restarts while the agent applies: the answer arrives, nothing torn, the next push lands',
  async (t) => {
    const broker = await startMosquitto(t, { persistence: true });
    const dir = t.testdir();
    const started = join(dir, 'hook-started');
    const go = join(dir, 'go');
    t.teardown(() => writeFileSync(go, ''));
    const hook = `if [ "$AIMLOCK_VERSION" = 1 ]; then touch ${started}; while [ ! -e ${go} ]; do sleep 0.05; done; fi`;
    const board = agentBoard(dir, broker.url, {
      apply_hook: { command: ['sh', '-c', hook], timeout_ms: 60_000 },
    });
    const agent = await startAgent(t, board);
    const op = await operator(t, broker.url, 'drone-07', true);
    const v1 = envelope(board.op, { version: 1 });
    // The agent subscribes before it publishes its online status (one connection, in order): once the status
    // is there, the push cannot miss the subscription. Retained, as operators publish the desired state.
    await until('the agent is online', async () => (await op.retainedStatus())?.state === 'online');
    await op.publish(v1, { retain: true });
    await until('the apply is under way (hook running)', () => existsSync(started)).catch((e) => {
      throw new Error(`${e}\n${agent.logs.join('\n')}`);
    });
    await broker.restart();
    writeFileSync(go, '');
    const r = await op.result(String(v1.id), /applied|rejected/, 30_000);
    t.equal(r.code, 'ok', String(r.detail));
    t.equal(parseConf(readFileSync(board.config, 'utf8')).meta?.version, 1, 'config whole, version 1');
    const state = JSON.parse(readFileSync(join(board.stateDir, 'state.json'), 'utf8'));
    t.equal(state.applied.version, 1, 'state.json parses, version 1');
    t.equal(agent.child.exitCode, null, 'the agent is alive');
    const v2 = envelope(board.op, { version: 2 });
    await op.publish(v2, { retain: true });
    t.equal((await op.result(String(v2.id), /applied|rejected/, 30_000)).code, 'ok', 'the next push lands');
  },
);
