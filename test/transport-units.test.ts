// The transport's parts that need no broker: topic names, client options (secrets, TLS, will), backoff,
// and what the Transport logs.
import { EventEmitter } from 'node:events';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import pino from 'pino';
import t from 'tap';
import { applyDefaults } from '../src/schemas/index.js';
import type { Settings } from '../src/settings/load.js';
import { Outbox } from '../src/store/outbox.js';
import {
  attachBackoff,
  buildConnectOptions,
  fleetWildcards,
  parseDeviceTopic,
  redactOptions,
  Transport,
  topicsFor,
} from '../src/transport/index.js';

function settings(broker: Record<string, unknown> = {}): Settings {
  return applyDefaults<Settings>('agent-settings', { device: 'drone-07', fleet: 'north', broker });
}

t.test('topics', async (t) => {
  t.strictSame(topicsFor('aimlock/v1', 'north', 'drone-07'), {
    push: 'aimlock/v1/north/drone-07/config/push',
    result: 'aimlock/v1/north/drone-07/config/result',
    telemetry: 'aimlock/v1/north/drone-07/telemetry',
    status: 'aimlock/v1/north/drone-07/status',
    command: 'aimlock/v1/north/drone-07/command',
    commandResult: 'aimlock/v1/north/drone-07/command/result',
  });
  t.strictSame(fleetWildcards('aimlock/v1', 'north'), {
    status: 'aimlock/v1/north/+/status',
    result: 'aimlock/v1/north/+/config/result',
  });
  for (const bad of ['', 'a/b', 'a+', '#'])
    t.throws(() => topicsFor('p', 'f', bad), RangeError, `device ${JSON.stringify(bad)} refused`);
  t.throws(() => fleetWildcards('p', '+'), RangeError);
  t.strictSame(parseDeviceTopic('aimlock/v1', 'north', 'aimlock/v1/north/d9/config/result'), {
    device: 'd9',
    kind: 'result',
  });
  t.strictSame(parseDeviceTopic('aimlock/v1', 'north', 'aimlock/v1/north/d9/command/result'), {
    device: 'd9',
    kind: 'commandResult',
  });
  t.equal(parseDeviceTopic('aimlock/v1', 'north', 'aimlock/v1/south/d9/status'), null, 'other fleet');
  t.equal(parseDeviceTopic('aimlock/v1', 'north', 'aimlock/v1/north/d9/other'), null, 'unknown leaf');
});

t.test('connect options: session, will, credentials, TLS', async (t) => {
  const dir = t.testdir();
  const pw = join(dir, 'pw');
  writeFileSync(pw, 'pa ss\n');
  for (const f of ['ca', 'cert', 'key']) writeFileSync(join(dir, f), `-----${f}-----\n`);

  const now = () => new Date('2026-01-02T03:04:05.000Z');
  const plain = buildConnectOptions(settings({ keepalive_s: 7 }), { agentVersion: '1.2.3', now });
  t.equal(plain.url, 'mqtt://127.0.0.1:1883', 'schema default url');
  t.match(plain.options, {
    clientId: 'drone-07',
    clean: false,
    protocolVersion: 4,
    keepalive: 7,
    resubscribe: false,
    // mqtt-packet's 65,536-Buffer number cache (≈ 6 MiB of the agent's heap) is never built.
    writeCache: false,
  });
  t.equal(plain.options.username, undefined);
  t.equal(plain.options.password, undefined);
  t.equal(plain.options.ca, undefined);
  t.match(plain.options.will, { topic: 'aimlock/v1/north/drone-07/status', qos: 1, retain: true });
  t.strictSame(JSON.parse(plain.options.will!.payload!.toString()), {
    kind: 'aimlock.status/v1',
    device: 'drone-07',
    state: 'offline',
    applied: null,
    lock: null,
    agent_version: '1.2.3',
    ts: '2026-01-02T03:04:05.000Z',
  });
  t.equal(
    buildConnectOptions(settings(), { agentVersion: 'x', protocolVersion: 5 }).options.protocolVersion,
    5,
  );

  const tls = buildConnectOptions(
    settings({
      url: 'mqtts://broker.example:8883',
      username: 'drone-07',
      password_file: pw,
      ca_file: join(dir, 'ca'),
      cert_file: join(dir, 'cert'),
      key_file: join(dir, 'key'),
    }),
    { agentVersion: 'x' },
  );
  t.equal(tls.options.username, 'drone-07');
  t.equal(tls.options.password?.toString(), 'pa ss', 'trailing newline dropped, inner space kept');
  t.equal(tls.options.ca?.toString(), '-----ca-----\n');
  t.equal(tls.options.cert?.toString(), '-----cert-----\n');
  t.equal(tls.options.key?.toString(), '-----key-----\n');
  t.equal(tls.options.rejectUnauthorized, true);
  const shown = JSON.stringify(redactOptions(tls.options));
  t.notMatch(shown, 'pa ss', 'no password in the loggable view');
  t.notMatch(shown, '-----key-----', 'no private key in the loggable view');
  t.match(shown, '[redacted]');
});

t.test('backoff: 500 ms doubling to 30 s, reset on connect', async (t) => {
  const client = Object.assign(new EventEmitter(), { options: { reconnectPeriod: 0 } });
  const b = attachBackoff(client as unknown as MqttClient, { firstMs: 500, maxMs: 30000, jitter: 0 });
  t.equal(client.options.reconnectPeriod, 500);
  const seen: number[] = [];
  for (let i = 0; i < 9; i++) {
    client.emit('reconnect');
    seen.push(client.options.reconnectPeriod);
  }
  t.strictSame(seen, [1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000, 30000]);
  client.emit('connect');
  t.equal(client.options.reconnectPeriod, 500);
  t.equal(b.nominalMs(), 500);

  const jittered = Object.assign(new EventEmitter(), { options: { reconnectPeriod: 0 } });
  attachBackoff(jittered as unknown as MqttClient, { firstMs: 1000, maxMs: 30000, random: () => 0 });
  t.equal(jittered.options.reconnectPeriod, 800, '-20 % at the low end');
});

/** A log that keeps its lines, to look for what must (not) be in it. */
function capture() {
  const lines: string[] = [];
  const log = pino({ level: 'debug' }, { write: (s: string) => lines.push(s) });
  return { log, lines };
}

async function deadPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return port;
}

t.test('transport: never logs the password; works on while the broker is unreachable', async (t) => {
  const dir = t.testdir();
  writeFileSync(join(dir, 'pw'), 's3cr3t-pw\n');
  const { log, lines } = capture();
  const transport = new Transport({
    settings: settings({
      url: `mqtt://127.0.0.1:${await deadPort()}`,
      username: 'u',
      password_file: join(dir, 'pw'),
    }),
    outbox: new Outbox(join(dir, 'outbox')),
    log,
    agentVersion: 'x',
    onPush: async () => {},
    statusNow: () => ({}),
  });
  transport.start(); // synchronous: the connection is made (and retried) in the background
  await new Promise((r) => setTimeout(r, 700)); // a failed attempt and a retry
  t.equal(transport.connected, false);
  await transport.send('telemetry', { event: 'hold' });
  t.equal(await new Outbox(join(dir, 'outbox')).size(), 1, 'kept durably while offline');
  await transport.stop();
  const all = lines.join('');
  t.match(all, 'connecting to the MQTT broker');
  t.notMatch(all, 's3cr3t-pw', 'the password is nowhere in the log');
  t.notMatch(all, JSON.stringify([...Buffer.from('s3cr3t-pw')]).slice(1, -1), 'not even as bytes');
});

t.test('transport: a full outbox says how many it dropped', async (t) => {
  const dir = t.testdir();
  const { log, lines } = capture();
  const transport = new Transport({
    settings: settings(),
    outbox: new Outbox(join(dir, 'outbox'), { maxItems: 2 }),
    log,
    agentVersion: 'x',
    onPush: async () => {},
    statusNow: () => ({}),
  });
  for (let n = 0; n < 3; n++) await transport.send('telemetry', { n });
  const warn = lines.map((l) => JSON.parse(l)).find((l) => l.dropped !== undefined);
  t.match(warn, { level: 40, dropped: 1 });
});
