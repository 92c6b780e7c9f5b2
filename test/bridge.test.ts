// Across a Mosquitto bridge (examples/mosquitto-bridge.conf): a real agent on the edge broker, the operator on
// the core. A push lands and its result comes back; the retained status (and the last will) reach the core and
// `aimlock fleet` on the core shows them; the link's own state is retained on the core.
import { readFileSync } from 'node:fs';
import t from 'tap';
import { agentBoard, envelope, operator, startAgent } from './helpers/agent.js';
import { aimlock, configWith } from './helpers/board.js';
import { startBridged } from './helpers/bridge.js';

/** Resolves once the retained status of drone-07 on the core matches `pred`. */
async function coreStatus(
  op: Awaited<ReturnType<typeof operator>>,
  pred: (s: Record<string, unknown>) => boolean,
  what: string,
  timeoutMs = 20000,
): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  let last: Record<string, unknown> | null = null;
  for (;;) {
    last = await op.retainedStatus();
    if (last && pred(last)) return last;
    if (Date.now() > deadline) throw new Error(`core status never ${what}: ${JSON.stringify(last)}`);
  }
}

t.test('a push from the core lands on an edge drone; status and last will reach the core', async (t) => {
  const net = await startBridged(t);
  const board = agentBoard(t.testdir(), net.edge.url);
  const agent = await startAgent(t, board);
  const op = await operator(t, net.core.url);

  const online = await coreStatus(op, (s) => s.state === 'online', 'online');
  t.equal(online.device, 'drone-07', 'the retained status crossed the bridge retained');

  const push = envelope(board.op, { version: 1, config: configWith((c) => (c.aim.sensitivity = 0.42)) });
  await op.publish(push, { retain: true });
  const result = await op.result(String(push.id), 'applied');
  t.equal(result.code, 'ok');
  t.match(
    readFileSync(board.config, 'utf8'),
    /sensitivity = 0.42/,
    'the config on the board is the pushed one',
  );
  const applied = await coreStatus(
    op,
    (s) => (s.applied as { id?: string } | null)?.id === push.id,
    'applied',
  );
  t.equal((applied.applied as { version: number }).version, 1);

  // The fleet view on the core, as an operator runs it.
  const view = await aimlock(null, ['fleet', '--fleet', 'alpha', '--broker', net.core.url, '--json']);
  t.equal(view.code, 0, view.stderr);
  const rows = (JSON.parse(view.stdout) as { devices: Array<Record<string, unknown>> }).devices;
  t.same(
    rows.map((r) => [r.device, r.state, (r.applied as { version: number } | null)?.version]),
    [['drone-07', 'online', 1]],
  );

  // The last will is published by the edge broker when the drone drops, and crosses like any message.
  await agent.kill9();
  const gone = await coreStatus(op, (s) => s.state === 'offline', 'offline');
  t.equal(gone.device, 'drone-07');
});

t.test('the core sees its edge go: the retained link state turns 0 when the edge broker dies', async (t) => {
  const net = await startBridged(t);
  const board = agentBoard(t.testdir(), net.edge.url);
  await startAgent(t, board);
  const op = await operator(t, net.core.url);
  await coreStatus(op, (s) => s.state === 'online', 'online');

  // Power lost on the edge box: no goodbye from the edge broker.
  process.kill(net.edge.pid, 'SIGKILL');
  await net.edge.stop();
  // The core publishes the bridge's will: the link is down. The drone's own status cannot say so — the edge
  // broker that would publish its last will is gone — and stays `online` on the core.
  await net.linkState('edge-01', '0');
  const stale = await op.retainedStatus();
  t.equal(
    stale?.state,
    'online',
    `${JSON.stringify(stale)}: a drone behind a dead edge still reads online on the core (README says so)`,
  );

  await net.edge.restart();
  await net.linkState('edge-01', '1');
});
