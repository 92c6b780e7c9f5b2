// A hold asked for while a push is landing (CONTRACT §9: acknowledged only once in place, never in the middle
// of a landing): the device answers `accepted` / landing_in_progress at once, and `done` only after the landing
// finished — proven by the apply hook's own "finished" mark existing when `done` arrives. A hook that hangs is
// bounded by apply_hook.timeout_ms: the answer still comes.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { agentBoard, envelope, operator, startAgent } from './helpers/agent.js';
import { command, commander } from './helpers/command.js';
import { startMosquitto } from './helpers/mosquitto.js';
import { until } from './helpers/until.js';

async function setup(t: Test, hook: string, timeoutMs: number, persistent = false) {
  const broker = await startMosquitto(t, { persistence: persistent });
  const dir = t.testdir();
  const board = agentBoard(dir, broker.url, {
    apply_hook: { command: ['sh', '-c', hook], timeout_ms: timeoutMs },
  });
  writeFileSync(join(board.dir, 'keys', 'ops-test.caps'), 'push\nhold\n');
  const agent = await startAgent(t, board);
  const cmd = await commander(t, broker.url, 'drone-07', persistent);
  await cmd.ready(); // the push below is not retained: the agent must be subscribed first
  return { board, dir, broker, agent, cmd, op: await operator(t, broker.url) };
}

t.test('hold during a slow landing: accepted, then done after the landing', async (t) => {
  const started = join(t.testdirName, 'hook-started');
  const finished = join(t.testdirName, 'hook-finished');
  const { board, cmd, op } = await setup(t, `touch ${started}; sleep 3; touch ${finished}`, 30_000);
  const push = envelope(board.op, { version: 1 });
  await op.publish(push);
  await until('the apply hook to start', () => existsSync(started), 30_000);

  const hold = command(board.op, 'hold', { reason: 'during a landing', for: 300 });
  const from = cmd.answers.length;
  await cmd.publish(hold);
  const interim = await cmd.answer(String(hold.id), 'accepted', 30_000, from);
  t.match(interim, { status: 'accepted', code: 'landing_in_progress', action: 'hold' });
  t.notOk(existsSync(finished), 'the interim answer came while the landing was still under way');
  const done = await cmd.answer(String(hold.id), 'done', 60_000, from);
  t.ok(existsSync(finished), 'done only after the landing finished (the hook had ended)');
  const mine = cmd.answers.slice(from).filter((a) => a.id === hold.id);
  t.same(
    mine.map((a) => a.status),
    ['accepted', 'done'],
    'accepted, then done, nothing else',
  );
  const applied = await op.result(String(push.id), 'applied');
  t.ok(
    Date.parse(String(done.ts)) >= Date.parse(String(applied.ts)),
    'the push was answered before the hold',
  );
  const next = envelope(board.op, { version: 2 });
  await op.publish(next);
  t.equal((await op.result(String(next.id), 'deferred')).code, 'hold', 'and the hold is in force');
});

t.test('hold while the apply hook hangs: the hook timeout bounds it, the answer comes', async (t) => {
  const started = join(t.testdirName, 'hook-started');
  const { board, cmd, op } = await setup(t, `touch ${started}; exec sleep 1000`, 3000);
  const push = envelope(board.op, { version: 1 });
  await op.publish(push);
  await until('the apply hook to start', () => existsSync(started), 30_000);
  const hold = command(board.op, 'hold', { reason: 'hook hung', for: 300 });
  const from = cmd.answers.length;
  await cmd.publish(hold);
  t.match(await cmd.answer(String(hold.id), 'accepted', 30_000, from), { code: 'landing_in_progress' });
  const done = await cmd.answer(String(hold.id), 'done', 60_000, from);
  t.match(done, { code: 'ok' }, 'done once the hung landing was given up on');
  const r = await op.result(String(push.id), 'rejected');
  t.equal(r.code, 'rolled_back', 'the hung hook rolled the push back');
});

t.test('a final answer produced while the broker is away is sent on reconnect (outbox)', async (t) => {
  const started = join(t.testdirName, 'hook-started');
  const { board, cmd, op, broker, agent } = await setup(t, `touch ${started}; sleep 3`, 30_000, true);
  const push = envelope(board.op, { version: 1 });
  await op.publish(push);
  await until('the apply hook to start', () => existsSync(started), 30_000);
  const hold = command(board.op, 'hold', { reason: 'across an outage', for: 300 });
  const from = cmd.answers.length;
  await cmd.publish(hold);
  await cmd.answer(String(hold.id), 'accepted', 30_000, from);
  await broker.stop();
  await agent.waitLog(/^command hold done/, 60_000);
  t.notOk(
    cmd.answers.some((a) => a.id === hold.id && a.status === 'done'),
    'done was produced with the broker away',
  );
  await broker.restart();
  t.match(await cmd.answer(String(hold.id), 'done', 60_000, from), { code: 'ok' }, 'delivered on reconnect');
});
