// The agent over TLS against a real Mosquitto: (a) mutual TLS with a client certificate as the identity,
// (b) server-authenticated TLS with username + password from a file, (c) the same with a wrong password —
// the agent stays up, keeps retrying, never goes online, and never logs the password.
// Certificates are made per run with openssl (EC P-256); the board's settings name them by relative paths,
// which must resolve against the settings file (the agent runs with another working directory).
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import t, { type Test } from 'tap';
import { agentBoard, envelope, prefix, type RunningAgent, startAgent } from './helpers/agent.js';
import { startMosquitto } from './helpers/mosquitto.js';
import { makePki } from './helpers/pki.js';

const MOSQUITTO_PASSWD = process.env.MOSQUITTO_PASSWD ?? 'mosquitto_passwd';
const PASSWORD = `pw-${randomUUID()}`;
const WRONG_PASSWORD = `wrong-${randomUUID()}`;

// ---- a throwaway PKI (helpers/pki.ts): CA, server cert for 127.0.0.1/localhost, client certs for the board and
// the operator

const pki = makePki(t);
const P = pki.path;
pki.issue('drone', 'drone-07', 'client');
pki.issue('ops', 'ops-console', 'client');

// The broker's password file (mosquitto_passwd hashes in place; -c creates it).
execFileSync(MOSQUITTO_PASSWD, ['-b', '-c', P('passwd'), 'drone-07', PASSWORD], { stdio: 'pipe' });
execFileSync(MOSQUITTO_PASSWD, ['-b', P('passwd'), 'ops', 'ops-pass'], { stdio: 'pipe' });

const serverTls = pki.serverTls;

/** Copies PKI files into the board (dir/tls/…), to be named by paths relative to the settings file. */
function installTls(boardDir: string, files: string[]): void {
  mkdirSync(join(boardDir, 'tls'), { recursive: true });
  for (const f of files) copyFileSync(P(f), join(boardDir, 'tls', f));
}

// ---- an operator-side client with TLS material / credentials (the shared helper speaks plain MQTT only)

interface TlsOperator {
  client: MqttClient;
  results: Array<Record<string, unknown>>;
  statuses: Array<Record<string, unknown>>;
  waitFor<T>(what: string, find: () => T | undefined, timeoutMs?: number): Promise<T>;
}

async function tlsOperator(tt: Test, url: string, auth: IClientOptions): Promise<TlsOperator> {
  const client = await mqtt.connectAsync(url, {
    clientId: `op-${randomUUID()}`,
    clean: true,
    reconnectPeriod: 200,
    connectTimeout: 20_000,
    ca: readFileSync(P('ca.pem')),
    rejectUnauthorized: true,
    ...auth,
  });
  tt.teardown(() => client.endAsync(true));
  const results: Array<Record<string, unknown>> = [];
  const statuses: Array<Record<string, unknown>> = [];
  client.on('message', (topic, payload) => {
    const doc = JSON.parse(payload.toString()) as Record<string, unknown>;
    if (topic.endsWith('/config/result')) results.push(doc);
    else if (topic.endsWith('/status')) statuses.push(doc);
  });
  await client.subscribeAsync([`${prefix()}/config/result`, `${prefix()}/status`], { qos: 1 });
  return {
    client,
    results,
    statuses,
    async waitFor(what, find, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = find();
        if (found !== undefined) return found;
        if (Date.now() > deadline)
          throw new Error(`no ${what} within ${timeoutMs} ms; results ${JSON.stringify(results)}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
  };
}

/** Online status, then a signed push is applied, then a clean stop; and no secret in any log line. */
async function worksEndToEnd(
  tt: Test,
  agent: RunningAgent,
  op: TlsOperator,
  board: ReturnType<typeof agentBoard>,
) {
  await agent.waitLog(/^connected to the MQTT broker$/, 30_000);
  const online = await op.waitFor('online status', () => op.statuses.find((s) => s.state === 'online'));
  tt.equal(online.device, 'drone-07', 'retained online status');
  const push = envelope(board.op, { version: 1 });
  await op.client.publishAsync(`${prefix()}/config/push`, JSON.stringify(push), { qos: 1 });
  const r = await op.waitFor('applied result', () =>
    op.results.find((x) => x.id === push.id && x.status === 'applied'),
  );
  tt.equal(r.code, 'ok', 'a signed push is applied over TLS');
  tt.match(readFileSync(board.config, 'utf8'), /sensitivity = 0.62/);
  tt.equal(await agent.stop(), 0, 'SIGTERM: clean exit 0');
  await op.waitFor('offline status', () => op.statuses.find((s) => s.state === 'offline'));
}

const noSecrets = (tt: Test, logs: string[]) => {
  const all = logs.join('\n');
  tt.notOk(all.includes(PASSWORD), 'the password never appears in the logs');
  tt.notOk(all.includes(WRONG_PASSWORD), 'nor the wrong one');
  tt.notOk(all.includes('PRIVATE KEY'), 'nor a private key');
};

t.test('(a) mutual TLS: the client certificate is the identity', async (t) => {
  const broker = await startMosquitto(t, {
    tls: true,
    extraConfig: [...serverTls, 'require_certificate true', 'use_identity_as_username true'],
  });
  t.match(broker.url, /^mqtts:\/\/127\.0\.0\.1:\d+$/);
  const dir = t.testdir();
  installTls(dir, ['ca.pem', 'drone.pem', 'drone.key']);
  const board = agentBoard(dir, broker.url, {
    broker: {
      url: broker.url,
      keepalive_s: 5,
      ca_file: 'tls/ca.pem',
      cert_file: 'tls/drone.pem',
      key_file: 'tls/drone.key',
    },
  });
  const op = await tlsOperator(t, broker.url, {
    cert: readFileSync(P('ops.pem')),
    key: readFileSync(P('ops.key')),
  });
  const agent = await startAgent(t, board);
  await worksEndToEnd(t, agent, op, board);
  noSecrets(t, agent.logs);

  // Without a client certificate the broker refuses the handshake (proves require_certificate is live).
  const bare = mqtt.connect(broker.url, {
    ca: readFileSync(P('ca.pem')),
    reconnectPeriod: 0,
    connectTimeout: 20_000,
  });
  const outcome = await new Promise<string>((resolve) => {
    bare.once('connect', () => resolve('connected'));
    bare.on('error', (e) => resolve(`error: ${e.message}`));
    bare.once('close', () => resolve('closed'));
  });
  bare.end(true);
  t.not(outcome, 'connected', `no client certificate, no connection (${outcome})`);
});

/** A password-protected TLS broker, a board whose password file holds `password`, its agent and an operator. */
async function passwordBoard(t: Test, password: string) {
  const broker = await startMosquitto(t, {
    tls: true,
    extraConfig: [...serverTls, `password_file ${P('passwd')}`, 'allow_anonymous false'],
  });
  const dir = t.testdir();
  installTls(dir, ['ca.pem']);
  writeFileSync(join(dir, 'tls', 'mqtt.password'), `${password}\n`, { mode: 0o600 });
  const board = agentBoard(dir, broker.url, {
    broker: {
      url: broker.url,
      keepalive_s: 5,
      username: 'drone-07',
      password_file: 'tls/mqtt.password',
      ca_file: 'tls/ca.pem',
    },
  });
  const op = await tlsOperator(t, broker.url, { username: 'ops', password: 'ops-pass' });
  const agent = await startAgent(t, board);
  return { board, op, agent };
}

t.test('(b) TLS + username and password from a file', async (t) => {
  const { board, op, agent } = await passwordBoard(t, PASSWORD);
  const connecting = await agent.waitLog(/^connecting to the MQTT broker$/);
  // Masked twice over: redactOptions() and the logger's own redact paths (which win: "[Redacted]").
  t.match(
    (connecting.options as { password?: string }).password,
    /^\[redacted\]$/i,
    'logged options mask the password',
  );
  await worksEndToEnd(t, agent, op, board);
  noSecrets(t, agent.logs);
});

t.test('(c) a wrong password: refused, retried, never online, never logged', async (t) => {
  const { op, agent } = await passwordBoard(t, WRONG_PASSWORD);
  // Every refused attempt logs "MQTT error" with the CONNACK refusal; MQTT.js emits `offline` (→ the
  // "unreachable" lines) once per outage, not per attempt. Wait for two refusals: it keeps retrying.
  const records = () =>
    agent.logs.flatMap((l) => {
      try {
        return [JSON.parse(l) as { msg?: unknown; err?: { message?: unknown } }];
      } catch {
        return [];
      }
    });
  const refusals = () =>
    records().filter((r) => r.msg === 'MQTT error' && /not authori[sz]ed/i.test(String(r.err?.message)));
  const deadline = Date.now() + 45_000;
  while (refusals().length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  t.ok(
    refusals().length >= 2,
    `the broker's refusal is logged, and again on the retry (${refusals().length} refusals)`,
  );
  t.ok(
    records().some((r) => /^MQTT broker unreachable/.test(String(r.msg))),
    'logs that the broker is unreachable',
  );
  t.equal(agent.child.exitCode, null, 'the agent stays up');
  t.notOk(
    agent.logs.some((l) => /"msg":"connected to the MQTT broker"/.test(l)),
    'never logs a connection',
  );
  t.same(
    op.statuses.filter((s) => s.state === 'online'),
    [],
    'the operator never sees an online status',
  );
  noSecrets(t, agent.logs);
  t.equal(await agent.stop(), 0, 'SIGTERM while still refused: clean exit 0');
});
