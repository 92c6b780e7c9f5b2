// A slow radio link: every byte between the agent and the broker arrives 300 ms late (a user-space delay proxy,
// FAULTS.md). Keepalive must not mistake the delay for a dead link, and every push still lands exactly once.
// The latency is reported, never asserted (timing goals belong in bench/).
import { readFileSync } from 'node:fs';
import t from 'tap';
import { agentBoard, envelope, operator, startAgent } from './helpers/agent.js';
import { configWith } from './helpers/board.js';
import { delayProxy } from './helpers/delay-proxy.js';
import { startMosquitto } from './helpers/mosquitto.js';

const DELAY_MS = 300;

t.test(`${DELAY_MS} ms each way: pushes land once each, no reconnects`, async (t) => {
  const broker = await startMosquitto(t);
  const link = await delayProxy(t, broker.port, DELAY_MS);
  const board = agentBoard(t.testdir(), link.url, { broker: { url: link.url, keepalive_s: 2 } });
  const agent = await startAgent(t, board);
  await agent.waitLog(/^connected to the MQTT broker$/);
  const op = await operator(t, broker.url);
  const latencies: number[] = [];
  for (const version of [1, 2, 3, 4, 5]) {
    const push = envelope(board.op, {
      version,
      config: configWith((c) => (c.aim.sensitivity = 0.3 + version / 100)),
    });
    const sent = Date.now();
    // Retained, as the operator's tools publish: the agent's subscription itself crosses the slow link.
    await op.publish(push, { retain: true });
    t.equal((await op.result(String(push.id), 'applied', 30_000)).code, 'ok', `v${version} applied`);
    latencies.push(Date.now() - sent);
  }
  // Long enough for keepalive (2 s) to have fired over the slow link a few times.
  await new Promise((r) => setTimeout(r, 5000));
  const connects = agent.logs.filter(
    (l) => l.includes('"component":"mqtt"') && l.includes('"msg":"connected to the MQTT broker"'),
  ).length;
  t.equal(connects, 1, 'one connection all along: keepalive took the delay for what it is');
  const applied = readFileSync(board.audit, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { event: string; version: number })
    .filter((e) => e.event === 'applied')
    .map((e) => e.version);
  t.same(applied, [1, 2, 3, 4, 5], 'each version landed once, in order (audit log)');
  t.comment(`push → applied over a ${DELAY_MS} ms link: ${latencies.join(', ')} ms`);
});
