// connectMqtt (src/transport/client.ts) against a real Mosquitto: a plain and a TLS broker are reached without
// loading MQTT.js's WebSocket transport (ws, http, https, zlib) or its SOCKS code (unless a proxy is set: then
// through MQTT.js's own builder); a broker whose certificate is not trusted is refused; URLs it does not narrow
// go through mqtt.connect() unchanged.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { MqttClient } from 'mqtt';
import t, { type Test } from 'tap';
import { connectMqtt } from '../src/transport/client.js';
import { streamBuilder } from '../src/transport/streams.js';
import { startMosquitto } from './helpers/mosquitto.js';
import { makePki } from './helpers/pki.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

function connected(client: MqttClient, t: Test): Promise<void> {
  t.teardown(() => client.endAsync(true));
  return new Promise((resolve, reject) => {
    client.once('connect', () => resolve());
    client.once('error', reject);
  });
}

/** The first error the client reports. */
function firstError(client: MqttClient, t: Test): Promise<Error> {
  t.teardown(() => client.endAsync(true));
  return new Promise((resolve) => client.once('error', resolve));
}

t.test('plain mqtt://: connects and round-trips a QoS 1 message', async (t) => {
  const broker = await startMosquitto(t);
  const client = connectMqtt(broker.url, { clientId: 'client-plain', clean: true, reconnectPeriod: 0 });
  await connected(client, t);
  t.equal(client.options.protocol, 'mqtt');
  t.equal(client.options.port, broker.port);
  await client.subscribeAsync('aimlock/test/echo', { qos: 1 });
  const got = new Promise<string>((resolve) => client.once('message', (_t, p) => resolve(p.toString())));
  await client.publishAsync('aimlock/test/echo', 'hello', { qos: 1 });
  t.equal(await got, 'hello');
  // localhost by name too (the TLS test below needs the name for the certificate).
  const byName = connectMqtt(`mqtt://localhost:${broker.port}`, {
    clientId: 'client-name',
    reconnectPeriod: 0,
  });
  await connected(byName, t);
  t.equal(byName.options.host, 'localhost');
});

t.test(
  "a connected agent-side client has loaded neither MQTT.js's WebSocket nor its SOCKS code",
  async (t) => {
    const broker = await startMosquitto(t);
    // In a process of its own (this one has loaded everything): connect, then list what is loaded.
    const probe = `
    const { createRequire } = await import('node:module');
    const { connectMqtt } = await import('./dist/transport/client.js');
    const client = connectMqtt(${JSON.stringify(broker.url)}, { clientId: 'probe', reconnectPeriod: 0 });
    await new Promise((resolve, reject) => { client.once('connect', resolve); client.once('error', reject); });
    const files = Object.keys(createRequire(import.meta.url).cache).map((f) => f.replace(/.*node_modules\\//, ''));
    const builtins = process.moduleLoadList.filter((m) => /^NativeModule (https?|zlib|dns|tls)$/.test(m));
    process.stdout.write(JSON.stringify({ files, builtins }));
    await client.endAsync(true);
  `;
    const env = { ...process.env };
    delete env.NODE_OPTIONS;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', probe], { cwd: ROOT, env });
    const { files, builtins } = JSON.parse(out.toString()) as { files: string[]; builtins: string[] };
    t.same(
      files.filter((f) => f.startsWith('ws/') || f.includes('connect/ws.js')),
      [],
      'no ws, no connect/ws.js',
    );
    t.same(
      files.filter((f) => f.startsWith('socks/') || /connect\/(tcp|tls|socks)\.js$/.test(f)),
      [],
      "no socks, none of MQTT.js's TCP, TLS or SOCKS builder modules",
    );
    t.same(builtins, [], 'no http, https, zlib, dns or tls');
  },
);

t.test("with a SOCKS proxy set, MQTT.js's own builders (with their proxy support) are used", async (t) => {
  const req = createRequire(import.meta.url);
  const socksProxy = 'socks5://127.0.0.1:1080';
  for (const module of ['tcp', 'tls'] as const) {
    t.equal(
      streamBuilder(module, { socksProxy }),
      (req(`mqtt/lib/connect/${module}`) as { default: unknown }).default,
      `${module}: MQTT.js's builder`,
    );
    t.not(
      streamBuilder(module, {}),
      (req(`mqtt/lib/connect/${module}`) as { default: unknown }).default,
      `${module}: without a proxy, the agent's own`,
    );
  }
});

t.test('mqtts://: reaches a TLS broker with its CA, refuses it without', async (t) => {
  const pki = makePki(t);
  const broker = await startMosquitto(t, { tls: true, extraConfig: pki.serverTls });
  t.match(broker.url, /^mqtts:/);
  const url = `mqtts://localhost:${broker.port}`;
  const ca = readFileSync(pki.path('ca.pem'));
  const good = connectMqtt(url, { clientId: 'tls-good', ca, rejectUnauthorized: true, reconnectPeriod: 0 });
  await connected(good, t);
  t.equal(good.options.protocol, 'mqtts');
  t.equal(
    (good.options as { servername?: string }).servername,
    'localhost',
    'SNI and name check on the host',
  );

  const untrusted = connectMqtt(url, { clientId: 'tls-bad', reconnectPeriod: 0 });
  const err = await firstError(untrusted, t);
  t.match(err.message, /self[- ]signed|unable to verify|certificate/i, `refused: ${err.message}`);
  t.notOk(untrusted.connected);
});

t.test('URLs it does not narrow go through mqtt.connect()', async (t) => {
  const broker = await startMosquitto(t);
  const withAuth = connectMqtt(`mqtt://someone:secret@127.0.0.1:${broker.port}`, {
    clientId: 'client-auth',
    reconnectPeriod: 0,
  });
  await connected(withAuth, t);
  t.equal(withAuth.options.username, 'someone', 'mqtt.connect() took the credentials from the URL');
  t.equal(withAuth.options.password, 'secret');
});
