// A drone out of radio range, made with network namespaces (test/helpers/netns.ts, ../shared/FAULTS.md): the
// broker in namespace a, the agent in namespace b, one veth link between them.
// - Blackhole: the link goes dark without a FIN or a reset, so the agent's TCP connection stays half-open and
//   only MQTT keepalive can notice. What happens on the drone meanwhile (a deferred push landing, technicians'
//   holds) waits in the outbox and arrives in the order it happened; a push published meanwhile lands after.
// - Loss: 30% of the packets entering either end are dropped; every push still lands exactly once.
// Needs root, iproute2 and nftables; skips with the reason elsewhere, except in CI, where it must run.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { waitingOnDisk } from '../src/store/outbox-journal.js';
import { agentBoard, envelope, prefix, startAgent } from './helpers/agent.js';
import { aimlock, configWith } from './helpers/board.js';
import {
  type Link,
  makeLink,
  netnsUnavailable,
  type Recorder,
  record,
  startNsBroker,
} from './helpers/netns.js';

type Board = ReturnType<typeof agentBoard>;

const why = netnsUnavailable();
if (why && process.env.CI) t.fail(`CI must run the network-fault tests, but: ${why}`);
else if (why) t.plan(0, `network faults need namespaces: ${why}`);
else {
  t.test('blackholed link: keepalive notices, nothing is lost, everything arrives in order', async (t) => {
    const { link, board, agent, rec, push } = await droneAcrossLink(t, 2);
    const v1 = await push(1);
    await rec.waitFor(applied(v1), 'v1 applied');
    t.equal((await aimlock(board, ['hold', '--reason', 'gimbal check'])).code, 0);
    const v2 = await push(2);
    await rec.waitFor((m) => m.doc.id === v2 && m.doc.status === 'deferred', 'v2 deferred by the hold');

    const cut = Date.now();
    link.blackhole();
    await agent.waitLog(/^MQTT broker unreachable/, 30_000);
    t.comment(`keepalive 2 s: the dead link was noticed after ${Date.now() - cut} ms`);
    const seenBefore = rec.messages.length;

    // On the drone, while apart: the hold ends and v2 lands; another hold comes and goes.
    t.equal((await aimlock(board, ['resume'])).code, 0);
    t.equal(await appliedSoon(board, 2), 2, 'v2 lands on the drone while its link is dark');
    t.equal((await aimlock(board, ['hold', '--reason', 'prop swap'])).code, 0);
    t.equal((await aimlock(board, ['resume'])).code, 0);
    t.ok(outbox(board).length >= 4, `what happened waits in the outbox (${outbox(board).length} messages)`);
    // The operator, on the broker's side, publishes v3 while the drone is away.
    const v3 = await push(3);
    t.equal(agent.child.exitCode, null, 'the agent stays up');

    link.restore();
    await rec.waitFor(applied(v3), 'v3 applied after the link is back', 90_000);
    t.equal(appliedVersion(board), 3);
    const story = rec.messages
      .slice(seenBefore)
      .filter((m) => /\/(config\/result|telemetry)$/.test(m.topic))
      .map((m) => (m.doc.event ? `${m.doc.event}` : `${m.doc.status} v${m.doc.version}`));
    t.same(
      story.filter((s) => s !== 'duplicate v3'),
      ['resume', 'applied v2', 'hold', 'resume', 'applied v3'],
      'what happened while apart arrives in the order it happened, then the push sent meanwhile lands',
    );
    t.same(auditedApplies(board), [1, 2, 3], 'each version landed once (audit log)');
    await waitEmpty(board);
    t.same(outbox(board), [], 'outbox drained');
  });

  t.test('30% packet loss each way: every push lands exactly once, in order', async (t) => {
    const { link, board, agent, rec, push } = await droneAcrossLink(t, 2);
    link.loss(30);
    const started = Date.now();
    const versions = [1, 2, 3, 4, 5, 6, 7, 8];
    for (const v of versions) {
      const id = await push(v);
      await rec.waitFor(applied(id), `v${v} applied`, 60_000);
    }
    const connects = agent.logs.filter(
      (l) => l.includes('"component":"mqtt"') && l.includes('"msg":"connected to the MQTT broker"'),
    ).length;
    t.comment(
      `${versions.length} pushes over a lossy link in ${Date.now() - started} ms, ${connects} connect(s)`,
    );
    t.equal(appliedVersion(board), versions.length);
    t.same(auditedApplies(board), versions, 'each version landed once, in order (audit log)');
  });
}

/** Broker in namespace a, agent in b (keepalive `keepaliveS`), and a recorder of the drone's topics in a. */
async function droneAcrossLink(t: Test, keepaliveS: number) {
  const link: Link = makeLink(t);
  const broker = await startNsBroker(t, link);
  const board: Board = agentBoard(t.testdir(), broker.url, {
    broker: { url: broker.url, keepalive_s: keepaliveS },
  });
  const agent = await startAgent(t, board, { wrap: (argv) => link.exec(link.b, argv) });
  const rec: Recorder = await record(t, link, `${prefix()}/#`);
  await rec.waitFor((m) => m.topic.endsWith('/status') && m.doc.state === 'online', 'online status');
  /** Publishes version `version` (retained, as the operator does) from the broker's side; returns its id. */
  const push = async (version: number): Promise<string> => {
    const doc = envelope(board.op, {
      version,
      config: configWith((c) => (c.aim.sensitivity = 0.3 + version / 100)),
    });
    const sent = await broker.publish(`${prefix()}/config/push`, JSON.stringify(doc), { retain: true });
    if (sent.code !== 0) throw new Error(`mosquitto_pub failed: ${sent.stderr}`);
    return String(doc.id);
  };
  return { link, board, agent, rec, push };
}

const applied = (id: string) => (m: { doc: Record<string, unknown> }) =>
  m.doc.id === id && m.doc.status === 'applied';

function appliedVersion(board: Board): number {
  return (
    JSON.parse(readFileSync(join(board.stateDir, 'state.json'), 'utf8')) as { applied: { version: number } }
  ).applied.version;
}

/** The applied version once it is `version` (resume answers before the deferred push has landed). */
async function appliedSoon(board: Board, version: number): Promise<number> {
  const deadline = Date.now() + 10_000;
  while (appliedVersion(board) !== version && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 25));
  return appliedVersion(board);
}

/** The versions the audit log says were applied, in its order. */
function auditedApplies(board: Board): number[] {
  return readFileSync(board.audit, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { event?: string; version?: number })
    .filter((e) => e.event === 'applied')
    .map((e) => e.version ?? -1);
}

const outbox = (board: Board) => waitingOnDisk(join(board.stateDir, 'outbox'));

/** An item leaves the outbox on its PUBACK, which may come just after the recorder saw the message. */
async function waitEmpty(board: Board): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (outbox(board).length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
}
