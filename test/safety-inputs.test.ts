// The board's own safety inputs fail closed: a limits.json that is broken, unreadable or missing, and a keys_dir
// that cannot be read, refuse every push with their own codes (limits_unreadable, keys_unreadable) — at start and
// after SIGHUP — until a reload reads them again; `aimlock validate`/`apply` say why and exit 2. A push that
// waited (a hold) is screened again before it lands: a key revoked or a limit tightened by SIGHUP stops it.
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { agentBoard, envelope, operator, type RunningAgent, startAgent } from './helpers/agent.js';
import { aimlock, GOOD_CONFIG, makeBoard } from './helpers/board.js';
import { startMosquitto } from './helpers/mosquitto.js';

async function waitFor(ok: () => boolean, what: string, timeoutMs = 20000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const loads = (agent: RunningAgent) =>
  agent.logs.filter((l) => l.includes('"msg":"trusted keys and limits loaded"')).length;

async function sighup(agent: RunningAgent): Promise<void> {
  const before = loads(agent);
  agent.child.kill('SIGHUP');
  await waitFor(() => loads(agent) > before, 'the reload after SIGHUP');
}

t.test('validate and apply refuse to judge against limits nobody can read (exit 2)', async (t) => {
  const board = makeBoard(t.testdir());
  const config = board.writeJson('c.json', GOOD_CONFIG);
  const limits = join(board.dir, 'limits.json');
  rmSync(limits);
  const missing = await aimlock(board, ['validate', config]);
  t.equal(missing.code, 2, 'missing limits.json: not "valid"');
  t.match(missing.stderr, /^aimlock: limits_unreadable: .*limits\.json does not exist; restore it/m);
  writeFileSync(limits, '{"aim": {"sensitivity": {"max": 0.8}');
  const broken = await aimlock(board, ['apply', config, '--reason', 'hotfix']);
  t.equal(broken.code, 2);
  t.match(broken.stderr, /^aimlock: limits_unreadable: .*limits\.json is not JSON/m);
  t.throws(() => readFileSync(board.config), 'nothing applied');
  writeFileSync(limits, '{}\n');
  t.equal((await aimlock(board, ['validate', config])).code, 0, 'valid once the file is back');
});

t.test('a broken limits.json at start or at SIGHUP refuses every push until it parses', async (t) => {
  const broker = await startMosquitto(t);
  const board = agentBoard(t.testdir(), broker.url);
  writeFileSync(join(board.dir, 'limits.json'), '{"aim": ');
  const agent = await startAgent(t, board);
  const op = await operator(t, broker.url);

  const first = envelope(board.op, { version: 1 });
  await op.publish(first);
  const refused = await op.result(String(first.id), 'rejected');
  t.equal(refused.code, 'limits_unreadable', 'broken at start: refused, not applied without limits');
  t.match(String(refused.detail), /limits\.json is not JSON/);
  t.throws(() => readFileSync(board.config), 'nothing applied');

  board.writeJson('limits.json', { aim: { sensitivity: { max: 0.8 } } });
  await sighup(agent);
  const second = envelope(board.op, { version: 1 });
  await op.publish(second);
  t.equal((await op.result(String(second.id), 'applied')).code, 'ok', 'lands once the file parses');

  // Broken again on SIGHUP: not "the limits loaded before" (a looser limit the technician meant to replace).
  writeFileSync(join(board.dir, 'limits.json'), '{"aim": {"sensitivity": {"max": "low"}}}');
  await sighup(agent);
  const third = envelope(board.op, { version: 2 });
  await op.publish(third);
  t.equal((await op.result(String(third.id), 'rejected')).code, 'limits_unreadable');

  rmSync(join(board.dir, 'limits.json'));
  await sighup(agent);
  const fourth = envelope(board.op, { version: 2 });
  await op.publish(fourth);
  const gone = await op.result(String(fourth.id), 'rejected');
  t.equal(gone.code, 'limits_unreadable', 'a missing limits.json is a safety input gone');
  t.match(String(gone.detail), /does not exist/);
  t.equal(agent.child.exitCode, null, 'the agent stays up');
  t.equal(await agent.stop(), 0);
});

t.test('an unreadable keys_dir refuses signed pushes with keys_unreadable', async (t) => {
  const broker = await startMosquitto(t);
  const board = agentBoard(t.testdir(), broker.url);
  const keys = join(board.dir, 'keys');
  renameSync(keys, join(board.dir, 'keys.aside'));
  writeFileSync(keys, 'not a directory\n'); // ENOTDIR: as unreadable as a directory without permission
  const agent = await startAgent(t, board);
  const op = await operator(t, broker.url);
  const push = envelope(board.op, { version: 1 });
  await op.publish(push);
  const r = await op.result(String(push.id), 'rejected');
  t.equal(r.code, 'keys_unreadable');
  t.match(String(r.detail), /keys_dir .* cannot be read \(ENOTDIR\)/);

  rmSync(keys);
  renameSync(join(board.dir, 'keys.aside'), keys);
  await sighup(agent);
  const again = envelope(board.op, { version: 1 });
  await op.publish(again);
  t.equal((await op.result(String(again.id), 'applied')).code, 'ok');
  t.equal(await agent.stop(), 0);
});

t.test(
  'a push deferred by a hold is screened again when it lands (revoked key, tightened limits)',
  async (t) => {
    const broker = await startMosquitto(t);
    const board = agentBoard(t.testdir(), broker.url);
    const agent = await startAgent(t, board);
    const op = await operator(t, broker.url);
    t.equal((await aimlock(board, ['hold', '--reason', 'maintenance'])).code, 0);

    // Revoked key.
    const revoked = envelope(board.op, { version: 1 });
    await op.publish(revoked);
    t.equal((await op.result(String(revoked.id), 'deferred')).code, 'hold');
    const pub = join(board.dir, 'keys', 'ops-test.pub');
    const aside = join(board.dir, 'ops-test.pub.aside');
    renameSync(pub, aside);
    await sighup(agent);
    t.equal((await aimlock(board, ['resume'])).code, 0);
    const r1 = await op.result(String(revoked.id), 'rejected');
    t.equal(r1.code, 'unknown_key', 'the revoked key stops the waiting push');
    t.throws(() => readFileSync(board.config), 'not applied');

    // Tightened limits.
    renameSync(aside, pub);
    await sighup(agent);
    t.equal((await aimlock(board, ['hold', '--reason', 'maintenance'])).code, 0);
    const wide = envelope(board.op, { version: 2 }); // sensitivity 0.62
    await op.publish(wide);
    t.equal((await op.result(String(wide.id), 'deferred')).code, 'hold');
    board.writeJson('limits.json', { aim: { sensitivity: { max: 0.5 } } });
    await sighup(agent);
    t.equal((await aimlock(board, ['resume'])).code, 0);
    const r2 = await op.result(String(wide.id), 'rejected');
    t.equal(r2.code, 'limits_exceeded', 'the tightened limit stops the waiting push');
    t.equal((r2.errors as Array<{ path: string }>)[0]?.path, '/config/aim/sensitivity');
    t.throws(() => readFileSync(board.config), 'not applied');
    t.equal(await agent.stop(), 0);
  },
);
