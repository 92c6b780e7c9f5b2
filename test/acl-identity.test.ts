// The fleet broker of examples/mosquitto.conf + examples/mosquitto-*acl.conf, run as shipped (only paths and
// ports swapped) on a real Mosquitto with mutual TLS and real certificates made with openssl:
// - drone-08's real agent works end to end with its own certificate; an operator certificate publishes pushes
//   and reads results;
// - a client holding drone-07's certificate, even connecting with client id "drone-08", reads none of
//   drone-08's pushes, cannot publish its results, status or telemetry (nor a push to it), and does not kick
//   drone-08's agent off (use_username_as_clientid);
// - no certificate, or a certificate of the other CA, is refused on each listener;
// - a packet far over the push limit never reaches the agent; one just over it is answered `too_large`.
// The first test runs the ACL this file replaced (`pattern … %c`) and shows the very same spy reading
// drone-08's push there: the hole is real, and the spy would see it.
import { randomUUID } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import t, { type Test } from 'tap';
import { agentBoard, envelope, prefix, startAgent } from './helpers/agent.js';
import { ROOT } from './helpers/board.js';
import { freePort, startMosquitto } from './helpers/mosquitto.js';
import { makePki, type Pki } from './helpers/pki.js';

// Device CA: the broker's server certificate and one certificate per drone (CN = device id).
const dev = makePki(t, 'aimlock-device-ca');
dev.issue('drone-07', 'drone-07', 'client');
dev.issue('drone-08', 'drone-08', 'client');
// A device certificate whose CN is the operators' name: the per-listener ACL must give it nothing extra.
dev.issue('fake-op', 'aimlock-operator', 'client');
// Operator CA: the operators' certificates.
const ops = makePki(t, 'aimlock-operator-ca');
ops.issue('operator', 'aimlock-operator', 'client');

const D08 = prefix('drone-08');
const D07 = prefix('drone-07');

/** examples/mosquitto.conf, with this run's ports, certificates, ACL paths and persistence dir. */
function exampleConfig(devicePort: number, operatorPort: number, dir: string): string[] {
  const text = readFileSync(join(ROOT, 'examples/mosquitto.conf'), 'utf8');
  const swap: Array<[RegExp, string]> = [
    [/^listener 8883$/, `listener ${devicePort} 127.0.0.1`],
    [/^listener 8884$/, `listener ${operatorPort} 127.0.0.1`],
    [/^certfile .*\/server\.pem$/, `certfile ${dev.path('server.pem')}`],
    [/^keyfile .*\/server\.key$/, `keyfile ${dev.path('server.key')}`],
    [/^cafile .*\/device-ca\.pem$/, `cafile ${dev.path('ca.pem')}`],
    [/^cafile .*\/operator-ca\.pem$/, `cafile ${ops.path('ca.pem')}`],
    [/^acl_file .*\/mosquitto-acl\.conf$/, `acl_file ${join(ROOT, 'examples/mosquitto-acl.conf')}`],
    [
      /^acl_file .*\/mosquitto-operators-acl\.conf$/,
      `acl_file ${join(ROOT, 'examples/mosquitto-operators-acl.conf')}`,
    ],
    [/^persistence_location .*$/, `persistence_location ${dir}/`],
  ];
  const lines = text.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#'));
  const used = new Set<RegExp>();
  const out = lines.map((l) => {
    const hit = swap.find(([re]) => re.test(l));
    if (!hit) return l;
    used.add(hit[0]);
    return hit[1];
  });
  // The example changed shape: this test must follow it rather than silently test something else.
  for (const [re] of swap) if (!used.has(re)) throw new Error(`examples/mosquitto.conf has no line ${re}`);
  return out;
}

/** An MQTT client with the certificate `name` of `pki`, collecting every message it receives. */
interface Client {
  client: MqttClient;
  got: Array<{ topic: string; payload: string; retain: boolean }>;
  waitFor(what: string, pred: (m: { topic: string; payload: string }) => boolean): Promise<void>;
}

async function tlsClient(
  tt: Test,
  url: string,
  cert: { pki: Pki; name: string },
  opts: IClientOptions = {},
  subs: string[] = [],
): Promise<Client> {
  const client = await mqtt.connectAsync(url, {
    clientId: `c-${randomUUID().slice(0, 8)}`,
    clean: true,
    reconnectPeriod: 0,
    connectTimeout: 20_000,
    ca: readFileSync(dev.path('ca.pem')),
    cert: readFileSync(cert.pki.path(`${cert.name}.pem`)),
    key: readFileSync(cert.pki.path(`${cert.name}.key`)),
    rejectUnauthorized: true,
    ...opts,
  });
  tt.teardown(() => client.endAsync(true));
  const got: Client['got'] = [];
  client.on('message', (topic, payload, packet) => {
    got.push({ topic, payload: payload.toString(), retain: packet.retain });
  });
  if (subs.length) await client.subscribeAsync(subs, { qos: 1 });
  return {
    client,
    got,
    async waitFor(what, pred) {
      const deadline = Date.now() + 30_000;
      while (!got.some(pred)) {
        if (Date.now() > deadline) throw new Error(`no ${what} within 30 s; got ${JSON.stringify(got)}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
  };
}

/** 'connected', or how the connection failed. */
async function tryConnect(url: string, opts: IClientOptions): Promise<string> {
  const c = mqtt.connect(url, {
    ca: readFileSync(dev.path('ca.pem')),
    rejectUnauthorized: true,
    reconnectPeriod: 0,
    connectTimeout: 20_000,
    ...opts,
  });
  const outcome = await new Promise<string>((resolve) => {
    c.once('connect', () => resolve('connected'));
    c.on('error', (e) => resolve(`error: ${e.message}`));
    c.once('close', () => resolve('closed'));
  });
  c.end(true);
  return outcome;
}

const certOf = (pki: Pki, name: string): IClientOptions => ({
  cert: readFileSync(pki.path(`${name}.pem`)),
  key: readFileSync(pki.path(`${name}.key`)),
});

t.test('the old ACL (pattern … %c): drone-07 calls itself drone-08 and reads its push', async (t) => {
  const oldAcl = join(t.testdir(), 'old-acl.conf');
  // Verbatim the device lines of the ACL this commit replaced; the pusher is a device-CA cert named "operator".
  writeFileSync(
    oldAcl,
    [
      'user operator',
      'topic readwrite aimlock/v1/#',
      'pattern read aimlock/v1/alpha/%c/config/push',
      'pattern write aimlock/v1/alpha/%c/config/result',
      'pattern write aimlock/v1/alpha/%c/telemetry',
      'pattern write aimlock/v1/alpha/%c/status',
      '',
    ].join('\n'),
  );
  dev.issue('old-op', 'operator', 'client');
  const broker = await startMosquitto(t, {
    tls: true,
    extraConfig: [
      ...dev.serverTls,
      'require_certificate true',
      'use_identity_as_username true',
      'allow_anonymous false',
      `acl_file ${oldAcl}`,
    ],
  });
  const pusher = await tlsClient(t, broker.url, { pki: dev, name: 'old-op' });
  const push = JSON.stringify({ id: randomUUID(), device: 'drone-08' });
  await pusher.client.publishAsync(`${D08}/config/push`, push, { qos: 1, retain: true });
  const spy = await tlsClient(t, broker.url, { pki: dev, name: 'drone-07' }, { clientId: 'drone-08' }, [
    `${D08}/config/push`,
  ]);
  await spy.waitFor("drone-08's push", (m) => m.payload === push);
  t.pass("with %c, drone-07's certificate read drone-08's push: the ACL pinned nothing");
});

t.test('examples/mosquitto.conf: identity-pinned ACL, mutual TLS, size limit', async (t) => {
  const operatorPort = await freePort();
  const broker = await startMosquitto(t, {
    tls: true,
    rawConfig: (port, dir) => exampleConfig(port, operatorPort, dir),
  });
  const deviceUrl = broker.url;
  const operatorUrl = `mqtts://127.0.0.1:${operatorPort}`;

  // drone-08's agent, with its own certificate on the device listener.
  const dir = t.testdir();
  mkdirSync(join(dir, 'tls'), { recursive: true });
  copyFileSync(dev.path('ca.pem'), join(dir, 'tls', 'ca.pem'));
  copyFileSync(dev.path('drone-08.pem'), join(dir, 'tls', 'drone-08.pem'));
  copyFileSync(dev.path('drone-08.key'), join(dir, 'tls', 'drone-08.key'));
  const board = agentBoard(dir, deviceUrl, {
    device: 'drone-08',
    broker: {
      url: deviceUrl,
      keepalive_s: 5,
      ca_file: 'tls/ca.pem',
      cert_file: 'tls/drone-08.pem',
      key_file: 'tls/drone-08.key',
    },
  });
  // The operator watches the whole fleet, as `aimlock fleet` does.
  const op = await tlsClient(t, operatorUrl, { pki: ops, name: 'operator' }, {}, ['aimlock/v1/alpha/#']);
  const agent = await startAgent(t, board);
  await agent.waitLog(/^connected to the MQTT broker$/, 30_000);
  // The transport logs each (re)connection once, with its component; a takeover of the client id would show
  // as a second one (the broker drops the older connection, the agent reconnects).
  const connects = () =>
    agent.logs.filter((l) => /"component":"mqtt".*"msg":"connected to the MQTT broker"/.test(l)).length;
  await op.waitFor(
    'online status of drone-08',
    (m) => m.topic === `${D08}/status` && /"online"/.test(m.payload),
  );

  const pushTo08 = async (version: number) => {
    const p = envelope(board.op, { device: 'drone-08', version });
    await op.client.publishAsync(`${D08}/config/push`, JSON.stringify(p), { qos: 1, retain: true });
    await op.waitFor(
      `applied v${version}`,
      (m) =>
        m.topic === `${D08}/config/result` && m.payload.includes(String(p.id)) && /"applied"/.test(m.payload),
    );
    return p;
  };

  await t.test('drone-08 works end to end; the operator pushes and reads results', async (t) => {
    await pushTo08(1);
    t.match(readFileSync(board.config, 'utf8'), /sensitivity = 0.62/, "drone-08's config landed");
  });

  await t.test("drone-07's certificate, as client id drone-08: reads nothing of drone-08's", async (t) => {
    const spy = await tlsClient(
      t,
      deviceUrl,
      { pki: dev, name: 'drone-07' },
      { clientId: 'drone-08', clean: false },
      [`${D08}/config/push`, `${D08}/command`, 'aimlock/v1/#', `${D07}/config/push`],
    );
    const p = await pushTo08(2);
    // Sentinel: a message the spy may read, published after drone-08's push and answered after it; once the
    // spy has it, drone-08's push (retained or live) would have reached it too.
    const sentinel = `sentinel-${randomUUID()}`;
    await op.client.publishAsync(`${D07}/config/push`, sentinel, { qos: 1 });
    await spy.waitFor('its own push topic (sentinel)', (m) => m.payload === sentinel);
    t.same(
      spy.got.filter((m) => m.payload !== sentinel),
      [],
      `the spy read nothing else (drone-08's push ${p.id} included)`,
    );
    t.equal(connects(), 1, "drone-08's agent was not kicked off (its client id stays its own)");
  });

  await t.test(
    "drone-07's certificate cannot publish drone-08's result, status, telemetry or push",
    async (t) => {
      const spy = await tlsClient(t, deviceUrl, { pki: dev, name: 'drone-07' }, { clientId: 'drone-08' });
      const fake = `fake-${randomUUID()}`;
      const before = agent.logs.length;
      for (const [topic, retain] of [
        [`${D08}/config/result`, false],
        [`${D08}/status`, true],
        [`${D08}/telemetry`, false],
        [`${D08}/command/result`, false],
        [`${D08}/config/push`, true],
        [`${D07}/config/push`, true],
      ] as const)
        await spy.client.publishAsync(topic, JSON.stringify({ fake, device: 'drone-08', state: 'online' }), {
          qos: 1,
          retain,
        });
      // The spy's own telemetry is allowed: once the operator reads it, the fakes published before it would be
      // there too, had the broker let them through.
      const sentinel = `sentinel-${randomUUID()}`;
      await spy.client.publishAsync(`${D07}/telemetry`, sentinel, { qos: 1 });
      await op.waitFor("the spy's own telemetry (sentinel)", (m) => m.payload === sentinel);
      t.same(
        op.got.filter((m) => m.payload.includes(fake)),
        [],
        'no fake result, status, telemetry or push reached the operator',
      );
      t.notOk(
        agent.logs.slice(before).some((l) => l.includes(fake)),
        'nor the agent',
      );
      const retained = await tlsClient(t, operatorUrl, { pki: ops, name: 'operator' }, {}, [`${D08}/status`]);
      await retained.waitFor("drone-08's retained status", (m) => m.topic === `${D08}/status`);
      t.notOk(retained.got[0]!.payload.includes(fake), "the retained status is still drone-08's own");
      t.equal(connects(), 1, 'and drone-08 stayed connected');
    },
  );

  await t.test('a device certificate named like the operators gets nothing extra', async (t) => {
    const spy = await tlsClient(t, deviceUrl, { pki: dev, name: 'fake-op' }, {}, ['aimlock/v1/#']);
    const fake = `fake-${randomUUID()}`;
    await spy.client.publishAsync(`${D08}/config/push`, fake, { qos: 1, retain: true });
    const p = await pushTo08(3);
    const sentinel = `sentinel-${randomUUID()}`;
    await op.client.publishAsync(`${prefix('aimlock-operator')}/config/push`, sentinel, { qos: 1 });
    await spy.waitFor('its own push topic (sentinel)', (m) => m.payload === sentinel);
    t.same(
      spy.got.filter((m) => m.payload !== sentinel),
      [],
      `it read nothing (drone-08's push ${p.id} included)`,
    );
    t.notOk(
      op.got.some((m) => m.payload === fake),
      'and its push to drone-08 went nowhere',
    );
  });

  await t.test('no certificate, or one of the wrong CA, is refused on each listener', async (t) => {
    for (const [name, url, opts] of [
      ['device listener, no certificate', deviceUrl, {}],
      ['device listener, no certificate but a username', deviceUrl, { username: 'drone-08' }],
      ['device listener, operator certificate', deviceUrl, certOf(ops, 'operator')],
      ['operator listener, no certificate', operatorUrl, {}],
      ['operator listener, device certificate', operatorUrl, certOf(dev, 'drone-07')],
    ] as const) {
      const outcome = await tryConnect(url, opts);
      t.not(outcome, 'connected', `${name}: refused (${outcome})`);
    }
    t.equal(
      await tryConnect(deviceUrl, certOf(dev, 'drone-07')),
      'connected',
      'while a device certificate gets in',
    );
  });

  await t.test(
    'max_packet_size: a 200 KiB push never reaches the agent; 65 KiB is answered too_large',
    async (t) => {
      const results = () => op.got.filter((m) => m.topic === `${D08}/config/result`).length;
      const before = results();
      const big = await tlsClient(t, operatorUrl, { pki: ops, name: 'operator' });
      const closed = new Promise<void>((r) => big.client.once('close', () => r()));
      big.client.publish(`${D08}/config/push`, Buffer.alloc(200 * 1024, 0x20), { qos: 1 });
      await closed;
      t.pass('the broker disconnected the client that sent 200 KiB');
      await op.client.publishAsync(`${D08}/config/push`, Buffer.alloc(65 * 1024, 0x7b), { qos: 1 });
      await op.waitFor(
        'too_large',
        (m) => m.topic === `${D08}/config/result` && /"too_large"/.test(m.payload),
      );
      t.equal(results(), before + 1, 'one answer only: the 200 KiB packet never reached drone-08');
    },
  );

  t.equal(agent.child.exitCode, null, 'the agent is up');
  t.equal(await agent.stop(), 0, 'and stops cleanly');
});
