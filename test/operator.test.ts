// The operator's MQTT side (src/fleet/operator.ts) against a real Mosquitto, with a plain MQTT client playing
// the devices: waitFinal semantics (deferred is progress, early results count, timeouts carry the last
// answer, many waits at once), retained snapshots, envelopes and versions.
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import mqtt from 'mqtt';
import t from 'tap';
import {
  buildEnvelope,
  isFinal,
  nextVersion,
  OperatorClient,
  type Status,
  signedPush,
} from '../src/fleet/operator.js';
import { validate } from '../src/schemas/index.js';
import { verifyEnvelope } from '../src/sign/index.js';
import { GOOD_CONFIG } from './helpers/board.js';
import { startMosquitto } from './helpers/mosquitto.js';

const P = 'aimlock/v1/alpha';

function result(device: string, id: string, status: string, code: string, version = 1) {
  return {
    kind: 'aimlock.result/v1',
    device,
    id,
    version,
    status,
    code,
    detail: `${status} ${code}`,
    ts: new Date().toISOString(),
  };
}

function status(device: string, state: string, version: number | null): Status {
  return {
    kind: 'aimlock.status/v1',
    device,
    state: state as Status['state'],
    applied: version === null ? null : { id: randomUUID(), version, sha256: 'a'.repeat(64) },
    lock: { verdict: 'FREE' },
    agent_version: '0.1.0',
    ts: new Date().toISOString(),
  };
}

t.test('waitFinal and snapshots against a real broker', async (t) => {
  const broker = await startMosquitto(t);
  const dev = await mqtt.connectAsync(broker.url, { clientId: `dev-${randomUUID()}` });
  t.teardown(() => dev.endAsync(true));
  const answer = (doc: Record<string, unknown>) =>
    dev.publishAsync(`${P}/${String(doc.device)}/config/result`, JSON.stringify(doc), { qos: 1 });

  // Retained statuses first: the snapshot must collect both, and ignore another fleet's.
  await dev.publishAsync(`${P}/drone-01/status`, JSON.stringify(status('drone-01', 'online', 3)), {
    qos: 1,
    retain: true,
  });
  await dev.publishAsync(`${P}/drone-02/status`, JSON.stringify(status('drone-02', 'offline', null)), {
    qos: 1,
    retain: true,
  });
  await dev.publishAsync('aimlock/v1/beta/drone-09/status', JSON.stringify(status('drone-09', 'online', 1)), {
    qos: 1,
    retain: true,
  });
  await dev.publishAsync(`${P}/drone-02/config/push`, JSON.stringify({ device: 'drone-02', version: 7 }), {
    qos: 1,
    retain: true,
  });

  const op = await OperatorClient.connect(broker.url, { fleet: 'alpha' });
  t.teardown(() => op.close());

  const statuses = await op.statuses({ waitMs: 200 });
  t.same([...statuses.keys()].sort(), ['drone-01', 'drone-02'], 'both devices of the fleet, not beta');
  t.equal(statuses.get('drone-01')?.applied?.version, 3);
  t.equal(statuses.get('drone-02')?.state, 'offline');
  const one = await op.statuses({ device: 'drone-01' });
  t.same([...one.keys()], ['drone-01'], 'a single-device view');
  const desired = await op.desired({ device: 'drone-02', waitMs: 200 });
  t.equal(desired.get('drone-02')?.version, 7, 'the retained push is the desired state');
  t.same(nextVersion(statuses.get('drone-02'), desired.get('drone-02')), {
    version: 8,
    applied: null,
    desired: 7,
  });

  // A cleared retained status drops the device, live.
  const cleared = new Promise((r) => op.once('status', (d, s) => r([d, s])));
  await dev.publishAsync(`${P}/drone-01/status`, '', { qos: 1, retain: true });
  t.same(await cleared, ['drone-01', null]);
  t.notOk((await op.statuses()).has('drone-01'), 'cleared status removed');

  t.test('deferred is progress; the final answer resolves', async (t) => {
    const id = randomUUID();
    const updates: string[] = [];
    const waiting = op.waitFinal('drone-01', id, { timeoutMs: 5000, onUpdate: (r) => updates.push(r.code) });
    await answer(result('drone-01', id, 'deferred', 'hold'));
    await answer(result('drone-01', id, 'deferred', 'lock_hot'));
    await answer(result('drone-01', id, 'applied', 'ok'));
    const out = await waiting;
    t.equal(out.timedOut, false);
    t.equal(!out.timedOut && out.result.code, 'ok');
    t.same(updates, ['hold', 'lock_hot'], 'each deferred answer reported once, in order');
  });

  t.test('answers that came before the wait are not lost', async (t) => {
    const id = randomUUID();
    await answer(result('drone-01', id, 'deferred', 'hold'));
    await answer(result('drone-01', id, 'rejected', 'lock_mismatch'));
    // Wait until the client has both (the broker delivers in order).
    for (let i = 0; i < 100 && op.resultsFor(id).length < 2; i++) await new Promise((r) => setTimeout(r, 10));
    const updates: string[] = [];
    const out = await op.waitFinal('drone-01', id, { timeoutMs: 100, onUpdate: (r) => updates.push(r.code) });
    t.equal(!out.timedOut && out.result.code, 'lock_mismatch');
    t.same(updates, ['hold'], 'the earlier deferred answer is replayed to onUpdate');
  });

  t.test('timeout carries the last deferred answer; other devices do not count', async (t) => {
    const id = randomUUID();
    const waiting = op.waitFinal('drone-01', id, { timeoutMs: 400 });
    await answer(result('drone-01', id, 'deferred', 'deferred_update_window'));
    await answer(result('drone-02', id, 'applied', 'ok'));
    const out = await waiting;
    t.equal(out.timedOut, true);
    t.equal(out.timedOut && out.last?.code, 'deferred_update_window');
    t.equal(op.pendingWaits, 0, 'the waiter is gone');
  });

  t.test('duplicate and superseded are final', async (t) => {
    for (const [s, c] of [
      ['duplicate', 'duplicate'],
      ['superseded', 'superseded'],
    ] as const) {
      const id = randomUUID();
      const waiting = op.waitFinal('drone-01', id, { timeoutMs: 3000 });
      await answer(result('drone-01', id, s, c));
      const out = await waiting;
      t.equal(!out.timedOut && out.result.status, s);
    }
    t.ok(isFinal('applied') && isFinal('rejected') && !isFinal('deferred'));
  });

  t.test('hundreds of concurrent waits share one subscription and one handler', async (t) => {
    const ids = Array.from({ length: 300 }, (_, i) => ({ device: `d-${i}`, id: randomUUID() }));
    const waits = ids.map(({ device, id }) => op.waitFinal(device, id, { timeoutMs: 10000 }));
    t.equal(op.pendingWaits, 300);
    t.equal(op.client.listenerCount('message'), 1);
    await Promise.all(ids.map(({ device, id }) => answer(result(device, id, 'applied', 'ok'))));
    const outs = await Promise.all(waits);
    t.equal(outs.filter((o) => !o.timedOut && o.result.status === 'applied').length, 300);
    t.equal(op.pendingWaits, 0);
    t.equal(op.lastResults.get('d-299')?.status, 'applied', 'last result per device');
  });

  t.test('close() ends pending waits as timed out', async (t) => {
    const other = await OperatorClient.connect(broker.url, { fleet: 'alpha' });
    const waiting = other.waitFinal('drone-01', randomUUID(), { timeoutMs: 60000 });
    await other.close();
    t.same(await waiting, { timedOut: true, last: null });
  });

  t.test('publishPush is retained: a later subscriber sees the desired state', async (t) => {
    const env = buildEnvelope({ device: 'drone-05', version: 4, config: GOOD_CONFIG as never });
    await op.publishPush(env);
    const later = await OperatorClient.connect(broker.url, { fleet: 'alpha' });
    t.teardown(() => later.close());
    t.equal((await later.desired({ device: 'drone-05' })).get('drone-05')?.id, env.id);
    await op.clearDesired('drone-05');
  });
});

t.test('envelopes: schema-valid, signed verifiably, versions', async (t) => {
  const env = buildEnvelope({
    device: 'drone-07',
    version: 3,
    config: GOOD_CONFIG as never,
    rollout: 'r-1',
    expiresInS: 60,
  });
  t.ok(validate('push', env).ok, 'valid against push.schema.json');
  t.match(env.id, /^[0-9a-f-]{36}$/);
  t.equal(Date.parse(env.expires_at!) - Date.parse(env.issued_at), 60000);
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const signed = signedPush(
    { device: 'drone-07', version: 3, config: GOOD_CONFIG as never },
    privateKey,
    'k1',
  );
  t.same(verifyEnvelope(signed, new Map([['k1', publicKey]])), { ok: true, keyId: 'k1' });
  t.same(nextVersion(undefined, undefined).version, 1);
  t.same(nextVersion(status('x', 'online', 4), { version: 2 }).version, 5);
  t.same(nextVersion(status('x', 'hold', 4), { version: 6 }).version, 7, 'above a waiting desired push');
  // An agent that says what waits: a retained push it rejected for good no longer counts (CONTRACT §8).
  const says = (waiting: Status['desired']) => ({ ...status('x', 'online', 4), desired: waiting });
  t.same(nextVersion(says(null), { version: 6 }).version, 5, 'the retained v6 was rejected: applied + 1');
  t.same(
    nextVersion(says({ id: 'p', version: 6, code: 'lock_mismatch' }), { version: 6 }).version,
    7,
    'v6 still waits (kept as desired): above it',
  );
  t.same(
    nextVersion({ ...status('x', 'offline', null), desired: null }, { version: 6 }).version,
    7,
    'a device that is down cannot say: above its retained push',
  );
});
