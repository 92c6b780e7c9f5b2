// Every result code of CONTRACT §5, provoked from the MQTT side against a real Mosquitto and the agent as a
// real process; for every rejection the live config is byte-for-byte unchanged.
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { validate } from '../src/schemas/index.js';
import { signEnvelope } from '../src/sign/index.js';
import { agentBoard, envelope, type Operator, operator, startAgent } from './helpers/agent.js';
import { aimlock, configWith } from './helpers/board.js';
import { startMosquitto } from './helpers/mosquitto.js';
import { spawnFlock, spawnHolder } from './helpers/procs.js';

t.test('every result code, from the MQTT side', async (t) => {
  const broker = await startMosquitto(t);
  const board = agentBoard(t.testdir(), broker.url, { lock: { wait_ms: 300, gc_interval_ms: 300 } });
  board.writeJson('limits.json', { aim: { sensitivity: { max: 0.8 } } });
  const agent = await startAgent(t, board);
  const op = await operator(t, broker.url);
  const live = () => readFileSync(board.config);

  const rejectedKeepsConfig = async (
    o: Operator,
    doc: Record<string, unknown> | Buffer | string,
    code: string,
    id = '',
  ) => {
    const before = live();
    const from = o.results.length;
    await o.publish(doc);
    const pushId = id || (typeof doc === 'object' && !Buffer.isBuffer(doc) ? String(doc.id) : '');
    const r = await o.result(pushId, /rejected|duplicate/, 20000, from);
    t.equal(r.code, code, `${code}: ${String(r.detail)}`);
    t.same(live(), before, `${code}: live config unchanged`);
    return r;
  };

  const first = envelope(board.op, { version: 1 });
  await op.publish(first);
  const applied = await op.result(String(first.id), 'applied');
  t.equal(applied.code, 'ok');
  t.match(live().toString(), /sensitivity = 0.62/);
  t.equal((await aimlock(board, ['show', '--json'])).code, 0);

  await rejectedKeepsConfig(op, first, 'duplicate');
  await rejectedKeepsConfig(op, envelope(board.op, { version: 1 }), 'stale_version');
  await rejectedKeepsConfig(op, 'not json {', 'invalid_json');
  await rejectedKeepsConfig(op, Buffer.alloc(65 * 1024, 0x20), 'too_large');
  const bad = await rejectedKeepsConfig(
    op,
    envelope(board.op, { version: 2, config: configWith((c) => (c.aim.sensitivity = 2)) }),
    'schema_invalid',
  );
  t.same(
    bad.errors,
    [{ path: '/config/aim/sensitivity', message: 'must be <= 1' }],
    'the error names the JSON pointer',
  );
  await rejectedKeepsConfig(op, envelope(board.op, { version: 2, device: 'drone-99' }), 'wrong_device');
  await rejectedKeepsConfig(
    op,
    envelope(board.op, { version: 2, expires_at: new Date(Date.now() - 1000).toISOString() }),
    'expired',
  );
  await rejectedKeepsConfig(op, envelope(null, { version: 2 }), 'signature_missing');
  const tampered = envelope(board.op, { version: 2 });
  (tampered.config as { aim: { sensitivity: number } }).aim = {
    ...(tampered.config as { aim: object }).aim,
    sensitivity: 0.7,
  } as never;
  await rejectedKeepsConfig(op, tampered, 'signature_invalid');
  const stranger = generateKeyPairSync('ed25519').privateKey;
  await rejectedKeepsConfig(
    op,
    signEnvelope(envelope(null, { version: 2 }), stranger, 'ops-unknown') as Record<string, unknown>,
    'unknown_key',
  );
  const over = await rejectedKeepsConfig(
    op,
    envelope(board.op, { version: 2, config: configWith((c) => (c.aim.sensitivity = 0.9)) }),
    'limits_exceeded',
  );
  t.equal((over.errors as Array<{ path: string }>)[0]?.path, '/config/aim/sensitivity');

  // hold → deferred/hold; a newer push while held supersedes the waiting one; resume → the newest lands.
  t.equal((await aimlock(board, ['hold', '--reason', 'gimbal swap'])).code, 0);
  const held = envelope(board.op, { version: 5 });
  await op.publish(held);
  t.equal((await op.result(String(held.id), 'deferred')).code, 'hold');
  const newer = envelope(board.op, { version: 6, config: configWith((c) => (c.aim.sensitivity = 0.4)) });
  await op.publish(newer);
  t.equal((await op.result(String(held.id), 'superseded')).code, 'superseded');
  t.equal((await op.result(String(newer.id), 'deferred')).code, 'hold');
  t.ok(await op.event('hold'), 'hold telemetry');
  // The retained status tells the operator what waits (so its next version goes above it) and the last answer.
  t.match(
    await op.retainedStatus(),
    {
      state: 'hold',
      desired: { id: newer.id, version: 6, code: 'hold' },
      last_result: { id: newer.id, status: 'deferred', code: 'hold' },
    },
    'status: v6 waits on the hold',
  );
  t.equal((await aimlock(board, ['resume'])).code, 0);
  t.equal(
    (await op.result(String(newer.id), 'applied')).code,
    'ok',
    'the newest deferred push lands after resume',
  );
  t.match(live().toString(), /sensitivity = 0.4\n/);

  // update window: grounded-only config while flying → deferred; the vehicle lands → applied.
  mkdirSync(join(board.dir, 'run'), { recursive: true });
  writeFileSync(join(board.dir, 'run/vehicle_state'), 'flying\n');
  const grounded = envelope(board.op, {
    version: 7,
    config: configWith((c) => (c.update_window = 'grounded')),
  });
  await op.publish(grounded);
  t.equal((await op.result(String(grounded.id), 'deferred')).code, 'deferred_update_window');
  writeFileSync(join(board.dir, 'run/vehicle_state'), 'grounded\n');
  t.equal((await op.result(String(grounded.id), 'applied')).code, 'ok', 'lands once the vehicle is grounded');

  // a consistent holder: deferred/lock_hot, then it lands when the holder lets go.
  const holder = await spawnHolder(t, board, 'slow technician apply');
  const hot = envelope(board.op, { version: 8 });
  await op.publish(hot);
  const deferredHot = await op.result(String(hot.id), 'deferred');
  t.equal(deferredHot.code, 'lock_hot');
  t.equal((deferredHot.lock as { verdict: string }).verdict, 'HELD');
  await holder.release();
  t.equal((await op.result(String(hot.id), 'applied')).code, 'ok', 'lands when the lock frees');

  // a live foreign flock holder: rejected/lock_mismatch, telemetry and the log line; lands once it is gone.
  const before = live();
  const foreign = await spawnFlock(t, board.lockFile);
  const blocked = envelope(board.op, { version: 9 });
  await op.publish(blocked);
  const mismatch = await op.result(String(blocked.id), 'rejected');
  t.equal(mismatch.code, 'lock_mismatch');
  t.same(live(), before, 'lock_mismatch: live config unchanged');
  const event = await op.event('lock_mismatch');
  t.equal(event.state, 'HOT');
  t.equal(event.verdict, 'UNOWNED');
  t.same(
    (event.kernel_holders as Array<{ pid: number }>).map((h) => h.pid),
    [foreign.pid],
  );
  const line = await agent.waitLog(/^lock mismatch: aim_lock_config.conf HOT$/);
  t.match(
    line,
    { level: 40, verdict: 'UNOWNED', lock: { verdict: 'UNOWNED' } },
    'warn, with verdict and evidence',
  );
  foreign.kill('SIGKILL');
  t.equal(
    (await op.result(String(blocked.id), 'applied')).code,
    'ok',
    'the desired push lands without a new push',
  );

  // Every rejection is in the audit log too (CONTRACT §2: "applies, rejects, …"), with its code.
  const audited = readFileSync(board.audit, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { event: string; code?: string; id?: string });
  const answered = op.results.filter((r) => r.status === 'rejected');
  t.same(
    audited.filter((e) => e.event === 'rejected').map((e) => `${e.id}:${e.code}`),
    answered.map((r) => `${String(r.id)}:${String(r.code)}`),
    `each of the ${answered.length} rejections audited, in order`,
  );
  for (const doc of [...op.results, ...op.telemetry]) {
    const r = validate(doc.kind === 'aimlock.result/v1' ? 'result' : 'telemetry', doc);
    if (!r.ok) t.fail(`message breaks its schema: ${JSON.stringify(r.errors)}`);
  }
  const status = await op.retainedStatus();
  t.equal(status?.state, 'online');
  t.equal((status?.applied as { version: number } | undefined)?.version, 9);
  t.equal(await agent.stop(), 0, 'SIGTERM: clean exit 0');
  t.equal((await op.retainedStatus())?.state, 'offline', 'offline status after stop');
});

t.test('a failing apply hook rolls back: rolled_back, and apply_hook_failed telemetry', async (t) => {
  const broker = await startMosquitto(t);
  const board = agentBoard(t.testdir(), broker.url, {
    apply_hook: { command: ['sh', '-c', 'exit 7'], timeout_ms: 5000 },
  });
  await startAgent(t, board);
  const op = await operator(t, broker.url);
  const push = envelope(board.op, { version: 1 });
  await op.publish(push);
  const r = await op.result(String(push.id), 'rejected');
  t.equal(r.code, 'rolled_back');
  t.match(String(r.detail), /exit 7/);
  t.throws(() => readFileSync(board.config), 'no config existed before, none after');
  const staged = [board.stateDir, join(board.stateDir, 'history')].flatMap((d) =>
    readdirSync(d).filter((n) => n.includes('.tmp-')),
  );
  t.same(staged, [], 'the history entry and state record it had staged are gone');
  t.same(readdirSync(join(board.stateDir, 'history')), [], 'and no entry of the undone version');
  t.ok(await op.event('apply_hook_failed'));
});

t.test('a write that fails is apply_failed', async (t) => {
  const broker2 = await startMosquitto(t);
  const board2 = agentBoard(t.testdir(), broker2.url);
  mkdirSync(board2.config, { recursive: true }); // the config path is a directory: the rename must fail
  await startAgent(t, board2);
  const op2 = await operator(t, broker2.url);
  const push2 = envelope(board2.op, { version: 1 });
  await op2.publish(push2);
  t.equal((await op2.result(String(push2.id), 'rejected')).code, 'apply_failed');
});

t.test(
  'a waiting push is judged again when it lands: expired, or a newer version landed meanwhile',
  async (t) => {
    const broker = await startMosquitto(t);
    const dir = t.testdir();
    // Every apply (the technician's and the agent's) runs a hook that takes 1.5 s, under the lock.
    const board = agentBoard(dir, broker.url, {
      lock: { wait_ms: 10_000 },
      apply_hook: { command: ['sleep', '1.5'], timeout_ms: 5000 },
    });
    await startAgent(t, board);
    const op = await operator(t, broker.url);
    const live = () => readFileSync(board.config, 'utf8');

    // Expiry: deferred by a hold, the push expires while it waits and is answered then, without a resume.
    t.equal((await aimlock(board, ['hold', '--reason', 'expiry check'])).code, 0);
    const brief = envelope(board.op, { version: 1, expires_at: new Date(Date.now() + 1500).toISOString() });
    await op.publish(brief);
    t.equal((await op.result(String(brief.id), 'deferred')).code, 'hold');
    const late = await op.result(String(brief.id), 'rejected', 10_000);
    t.equal(late.code, 'expired', 'answered expired once its time is up, still on hold');
    t.equal((await aimlock(board, ['resume'])).code, 0);
    await new Promise((r) => setTimeout(r, 500));
    t.throws(() => live(), 'and it never lands after the hold ends');

    // The technician's apply lands version 1 while push v1 waits for the lock: the push is stale once it is
    // the lock's turn, and must not land as a second version 1.
    const local = join(dir, 'local.json');
    writeFileSync(local, JSON.stringify(configWith((c) => (c.aim.sensitivity = 0.33))));
    const technician = aimlock(board, ['apply', local, '--reason', 'hotfix']);
    // The technician's command is a fresh Node process: ~0.3 s here, several seconds under ARM emulation (the
    // lane). The wait ends as soon as it holds the lock; the deadline only bounds a command that never does.
    const heldBy = Date.now() + 60_000;
    const bit = () => {
      try {
        return readFileSync(join(board.lockDir, 'conf_locked'), 'utf8').trim();
      } catch {
        return 'absent';
      }
    };
    while (Date.now() < heldBy && bit() !== '1') await new Promise((r) => setTimeout(r, 10));
    t.equal(bit(), '1', 'the technician holds the lock when the push arrives (the race this case is about)');
    const racing = envelope(board.op, { version: 1 });
    await op.publish(racing);
    t.equal((await technician).code, 0, 'the technician applied version 1');
    const r = await op.result(String(racing.id), /rejected|applied/, 15_000);
    t.equal(r.code, 'stale_version', `the waiting push is stale: ${String(r.detail)}`);
    t.match(live(), /sensitivity = 0.33/, "the technician's config stays live");
    const history = JSON.parse((await aimlock(board, ['history', '--json'])).stdout) as {
      history: Array<{ version: number; source: string }>;
    };
    t.same(
      history.history.map((h) => [h.version, h.source]),
      [[1, 'local']],
      'one version 1, the local one',
    );

    // Clearing the retained push on the broker (an empty retained publish) is no push: no answer, nothing moves.
    const before = op.results.length;
    await op.publish('', { retain: true });
    await new Promise((r) => setTimeout(r, 700));
    t.same(op.results.slice(before), [], 'no answer to an empty retained publish');
    t.match(live(), /sensitivity = 0.33/);
  },
);
