// Every command action carried out by the real agent (compiled, real Mosquitto), each through the board's own
// path, and checked where it lands: the hold file and deferred pushes, `aimlock locks --json`'s evidence, the
// lock bit after reclaim and force release, telemetry, and the audit log (who = key id, command id, action,
// reason, outcome).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { CAPABILITIES } from '../src/sign/index.js';
import { agentBoard, envelope, operator, startAgent } from './helpers/agent.js';
import { aimlock, configWith } from './helpers/board.js';
import { command, commander, type Doc } from './helpers/command.js';
import { startMosquitto } from './helpers/mosquitto.js';
import { myStart, ownerRecord, plantLiveOwner } from './helpers/owner.js';
import { exited, spawnFlock } from './helpers/procs.js';

const auditOf = (path: string) =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Doc);

const data = (a: Doc) => a.data as Doc;

t.test('status, locks, hold, resume, reclaim and release_force', async (t) => {
  const broker = await startMosquitto(t);
  // auto_reclaim never: the ghost planted below stays for the operator's reclaim.
  const board = agentBoard(t.testdir(), broker.url, { lock: { auto_reclaim: 'never' } });
  writeFileSync(join(board.dir, 'keys', 'ops-test.caps'), `# everything\n${CAPABILITIES.join('\n')}\n`);
  await startAgent(t, board);
  const cmd = await commander(t, broker.url);
  const op = await operator(t, broker.url);

  t.test('status: the device status document', async (t) => {
    const a = await cmd.send(command(board.op, 'status'));
    t.match(a, { status: 'done', code: 'ok', action: 'status', key_id: 'ops-test', device: 'drone-07' });
    t.match(data(a), { kind: 'aimlock.status/v1', device: 'drone-07', state: 'online' });
  });

  t.test('locks: the same evidence aimlock locks --json prints', async (t) => {
    const a = await cmd.send(command(board.op, 'locks'));
    const local = await aimlock(board, ['locks', '--json']);
    t.equal(local.code, 0);
    t.match(a, { status: 'done', code: 'ok' });
    t.same(data(a), JSON.parse(local.stdout), 'one shape, one content');
    t.equal(data(a).verdict, 'FREE');
  });

  t.test('hold: in place when answered; pushes deferred; resume lands them', async (t) => {
    const hold = command(board.op, 'hold', { reason: 'operator: gimbal check', for: 600 });
    const a = await cmd.send(hold);
    t.match(a, { status: 'done', code: 'ok', action: 'hold' });
    const h = data(a).hold as Doc;
    t.equal(h.reason, 'operator: gimbal check');
    t.ok(Math.abs(Date.parse(String(h.until)) - Date.now() - 600_000) < 60_000, 'until ≈ now + for');
    const file = JSON.parse(readFileSync(join(board.stateDir, 'hold.json'), 'utf8'));
    t.equal(file.reason, 'operator: gimbal check', 'the hold file, as aimlock hold writes it');
    t.match(file.origin, new RegExp(`command ${hold.id} \\(hold\\) signed by key ops-test`));
    t.ok(await op.event('hold'), 'hold telemetry');
    const push = envelope(board.op, { version: 1, config: configWith((c) => (c.aim.sensitivity = 0.4)) });
    await op.publish(push);
    t.equal((await op.result(String(push.id), 'deferred')).code, 'hold', 'a push meanwhile is deferred');

    const r = await cmd.send(command(board.op, 'resume'));
    t.match(r, { status: 'done', code: 'ok', detail: 'hold ended: pushes apply again' });
    t.equal(data(r).resumed, true);
    t.notOk(existsSync(join(board.stateDir, 'hold.json')), 'hold file gone');
    t.equal((await op.result(String(push.id), 'applied')).code, 'ok', 'the deferred push lands');
    const again = await cmd.send(command(board.op, 'resume'));
    t.match(again, { status: 'done', detail: 'there was no hold' });
  });

  t.test('reclaim: refused with the verdict unless STALE; a ghost is cleared', async (t) => {
    const free = await cmd.send(command(board.op, 'reclaim'));
    t.match(free, { status: 'refused', code: 'not_stale' });
    t.equal((data(free).lock as Doc).verdict, 'FREE', 'the verdict in data');

    // A ghost: the bit set by a record whose process incarnation is gone (same pid, other start time).
    mkdirSync(board.lockDir, { recursive: true });
    writeFileSync(
      join(board.lockDir, 'owner.json'),
      JSON.stringify(ownerRecord({ pid_start: myStart() + 1 })),
    );
    writeFileSync(join(board.lockDir, 'conf_locked'), '1\n');
    const a = await cmd.send(command(board.op, 'reclaim'));
    t.match(a, { status: 'done', code: 'ok', action: 'reclaim' });
    t.equal((data(a).lock as Doc).verdict, 'STALE');
    t.equal(readFileSync(join(board.lockDir, 'conf_locked'), 'utf8'), '0\n', 'lock bit cleared');
    t.ok(await op.event('lock_reclaimed'), 'lock_reclaimed telemetry');
  });

  t.test('release_force: refused while flock(1) holds the lock; clears a DETACHED lock', async (t) => {
    plantLiveOwner(board.lockDir);
    const foreign = await spawnFlock(t, board.lockFile);
    const held = await cmd.send(
      command(board.op, 'release_force', { reason: 'controller hung', hold_for: 300 }),
    );
    t.match(held, { status: 'refused', code: 'kernel_lock_held' });
    t.match(String(held.detail), /FLOCK pid \d+ \(sleep\)/);
    t.ok(data(held).lock, 'the lock evidence in data');
    t.equal(readFileSync(join(board.lockDir, 'conf_locked'), 'utf8'), '1\n', 'nothing cleared');
    foreign.kill('SIGKILL');
    await exited(foreign);

    const a = await cmd.send(
      command(board.op, 'release_force', { reason: 'controller hung, ticket 12', hold_for: 300 }),
    );
    t.match(a, { status: 'done', code: 'ok', action: 'release_force' });
    t.equal((data(a).previous as Doc).verdict, 'DETACHED');
    t.match(String((data(a).hold as Doc).reason), /release --force: controller hung, ticket 12/);
    t.equal(readFileSync(join(board.lockDir, 'conf_locked'), 'utf8'), '0\n', 'lock bit cleared');
    t.ok(await op.event('lock_force_released'), 'lock_force_released telemetry');
    t.match(await cmd.send(command(board.op, 'resume')), { status: 'done' });
  });

  t.test('the audit log names key, command, action, reason and outcome', async (t) => {
    const entries = auditOf(board.audit).filter((e) => e.event === 'command');
    t.same(
      entries.map((e) => [e.action, e.outcome, e.code]),
      [
        ['status', 'done', 'ok'],
        ['locks', 'done', 'ok'],
        ['hold', 'done', 'ok'],
        ['resume', 'done', 'ok'],
        ['resume', 'done', 'ok'],
        ['reclaim', 'refused', 'not_stale'],
        ['reclaim', 'done', 'ok'],
        ['release_force', 'refused', 'kernel_lock_held'],
        ['release_force', 'done', 'ok'],
        ['resume', 'done', 'ok'],
      ],
    );
    t.ok(
      entries.every((e) => e.key_id === 'ops-test' && typeof e.id === 'string'),
      'key id and id on each',
    );
    t.equal(entries[2]!.reason, 'operator: gimbal check');
    const reclaimed = auditOf(board.audit).find((e) => e.event === 'lock_reclaimed');
    t.match(String(reclaimed?.reason), /signed by key ops-test/, "the Locksmith's own line names the key");
  });
});
