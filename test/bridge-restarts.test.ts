// Across a Mosquitto bridge when things go down: the link, the edge broker, the core broker. A real agent on the
// edge, the operator on the core, both brokers persistent (as examples/mosquitto-bridge.conf says). Each case
// ends with a push published on the core landing on the drone and the core's retained status being right.
import { readFileSync } from 'node:fs';
import t from 'tap';
import {
  agentBoard,
  envelope,
  type Operator,
  type OperatorKey,
  operator,
  startAgent,
} from './helpers/agent.js';
import { aimlock, configWith, type TestBoard } from './helpers/board.js';
import { startBridged } from './helpers/bridge.js';

/** The core's retained status of drone-07 once it matches `pred`. */
async function coreStatus(
  op: Operator,
  pred: (s: Record<string, unknown>) => boolean,
  what: string,
  timeoutMs = 30000,
): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const last = await op.retainedStatus();
    if (last && pred(last)) return last;
    if (Date.now() > deadline) throw new Error(`core status never ${what}: ${JSON.stringify(last)}`);
  }
}

const appliedId = (s: Record<string, unknown>) => (s.applied as { id?: string } | null)?.id;

/** Publishes a retained push of `version` on the core; resolves with its id once the core hears `applied`. */
async function pushAndLand(op: Operator, board: TestBoard & { op: OperatorKey }, version: number) {
  const push = envelope(board.op, {
    version,
    config: configWith((c) => (c.aim.sensitivity = 0.3 + version / 100)),
  });
  await op.publish(push, { retain: true });
  await op.result(String(push.id), 'applied', 30000);
  return String(push.id);
}

/** How many times the board applied push `id` (its audit log). */
function appliedTimes(board: TestBoard, id: string): number {
  return readFileSync(board.audit, 'utf8')
    .split('\n')
    .filter((l) => l.includes('"applied"') && l.includes(id)).length;
}

t.test('the link: a push published while it is down lands once it is back, applied once', async (t) => {
  const net = await startBridged(t);
  const board = agentBoard(t.testdir(), net.edge.url);
  await startAgent(t, board);
  const op = await operator(t, net.core.url);
  await coreStatus(op, (s) => s.state === 'online', 'online');

  net.link.cut();
  await net.linkState('edge-01', '0');
  const push = envelope(board.op, { version: 1, config: configWith((c) => (c.aim.sensitivity = 0.33)) });
  await op.publish(push, { retain: true });
  net.link.restore();
  await op.result(String(push.id), 'applied', 30000);
  t.match(readFileSync(board.config, 'utf8'), /sensitivity = 0.33/);

  // The link goes down and up again: the retained push comes again with the resubscription (QoS 1 is at least
  // once); the agent knows it is live and does nothing with it.
  net.link.cut();
  await net.linkState('edge-01', '0');
  net.link.restore();
  await net.linkState('edge-01', '1');
  const second = await pushAndLand(op, board, 2);
  t.equal(appliedTimes(board, String(push.id)), 1, 'the first push was applied exactly once');
  t.equal(appliedTimes(board, second), 1);
  const results = op.results.filter((r) => r.id === push.id);
  t.same(
    results.map((r) => r.status).filter((s) => s !== 'duplicate'),
    ['applied'],
    'one applied answer (a redelivery may add duplicate answers, never a second apply)',
  );
  t.equal(appliedId(await coreStatus(op, (s) => appliedId(s) === second, 'at v2')), second);
});

t.test('the link: a result produced while it is down reaches the core once it is back', async (t) => {
  const net = await startBridged(t);
  const board = agentBoard(t.testdir(), net.edge.url);
  await startAgent(t, board);
  const op = await operator(t, net.core.url);
  await coreStatus(op, (s) => s.state === 'online', 'online');

  // On hold the push is deferred; the landing happens (resume) while the link is down.
  t.equal((await aimlock(board, ['hold', '--reason', 'bridge test'])).code, 0);
  const push = envelope(board.op, { version: 1 });
  await op.publish(push, { retain: true });
  await op.result(String(push.id), 'deferred', 30000);
  net.link.cut();
  await net.linkState('edge-01', '0');
  t.equal((await aimlock(board, ['resume'])).code, 0);
  // Landed on the board, while the core cannot know yet.
  const deadline = Date.now() + 30000;
  while (!readFileSync(board.audit, 'utf8').includes('"applied"')) {
    if (Date.now() > deadline) throw new Error('the push never landed on the board');
    await new Promise((r) => setTimeout(r, 50));
  }
  net.link.restore();
  const r = await op.result(String(push.id), 'applied', 30000);
  t.equal(r.code, 'ok', 'the queued result crossed once the link was back');
  await coreStatus(op, (s) => appliedId(s) === push.id && s.state === 'online', 'applied');
});

t.test('the edge broker restarts (killed, like a power cut): pushes still land, status right', async (t) => {
  const net = await startBridged(t);
  const board = agentBoard(t.testdir(), net.edge.url);
  await startAgent(t, board);
  const op = await operator(t, net.core.url);
  const first = await pushAndLand(op, board, 1);

  process.kill(net.edge.pid, 'SIGKILL');
  await net.edge.stop();
  await net.linkState('edge-01', '0');
  await net.edge.restart();
  await net.linkState('edge-01', '1');

  const second = await pushAndLand(op, board, 2);
  const s = await coreStatus(op, (x) => appliedId(x) === second && x.state === 'online', 'v2 online');
  t.equal((s.applied as { version: number }).version, 2);
  t.equal(appliedTimes(board, first), 1, 'the earlier push was not applied again');
});

t.test('the core broker restarts: retained status kept, pushes still land', async (t) => {
  const net = await startBridged(t);
  const board = agentBoard(t.testdir(), net.edge.url);
  await startAgent(t, board);
  const op = await operator(t, net.core.url);
  const first = await pushAndLand(op, board, 1);
  await coreStatus(op, (x) => appliedId(x) === first, 'v1');

  await net.core.restart();
  await net.linkState('edge-01', '1');
  const kept = await coreStatus(op, (x) => appliedId(x) === first && x.state === 'online', 'kept');
  t.equal((kept.applied as { version: number }).version, 1, 'the retained status survived on the core');

  const second = await pushAndLand(op, board, 2);
  await coreStatus(op, (x) => appliedId(x) === second && x.state === 'online', 'v2 online');
  t.equal(appliedTimes(board, first), 1);
});
