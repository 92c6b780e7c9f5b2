// Nothing lost while apart: pushes sent while the agent is down reach it through its persistent session (only
// the newest lands, the rest are superseded, nothing twice); results produced while the broker is down wait in
// the outbox and arrive, in order, after it comes back.
import { join } from 'node:path';
import t from 'tap';
import { waitingOnDisk } from '../src/store/outbox-journal.js';
import { agentBoard, envelope, operator, startAgent } from './helpers/agent.js';
import { aimlock, configWith } from './helpers/board.js';
import { startMosquitto } from './helpers/mosquitto.js';

t.test(
  'agent stopped, five pushes published, agent started: newest applied, others superseded',
  async (t) => {
    const broker = await startMosquitto(t);
    const board = agentBoard(t.testdir(), broker.url);
    const op = await operator(t, broker.url);
    const agent = await startAgent(t, board); // registers the persistent session with the broker
    t.equal(await agent.stop(), 0);

    const pushes = [1, 2, 3, 4, 5].map((v) =>
      envelope(board.op, { version: v, config: configWith((c) => (c.aim.sensitivity = v / 10)) }),
    );
    for (const p of pushes) await op.publish(p);
    await startAgent(t, board);
    const newest = pushes[4]!;
    t.equal((await op.result(String(newest.id), 'applied')).code, 'ok', 'the newest lands');
    for (const p of pushes.slice(0, 4)) {
      t.equal(
        (await op.result(String(p.id), 'superseded')).code,
        'superseded',
        `version ${String(p.version)} superseded`,
      );
    }
    await new Promise((r) => setTimeout(r, 500));
    const applied = op.results.filter((r) => r.status === 'applied');
    t.same(
      applied.map((r) => r.version),
      [5],
      'exactly one apply, of the newest',
    );
    const history = JSON.parse((await aimlock(board, ['history', '--json'])).stdout);
    t.same(
      history.history.map((h: { version: number }) => h.version),
      [5],
      'history shows one landing',
    );
  },
);

t.test(
  'broker restarted while the agent runs: results produced meanwhile arrive after reconnect, in order',
  async (t) => {
    const broker = await startMosquitto(t, { persistence: true });
    const board = agentBoard(t.testdir(), broker.url);
    const agent = await startAgent(t, board);
    // A persistent operator session: the broker queues for it across its own restart.
    const op = await operator(t, broker.url, 'drone-07', true);
    await broker.stop();
    // With the broker down, technicians' holds still produce telemetry; a reclaim of nothing produces none.
    for (const reason of ['one', 'two', 'three']) {
      t.equal((await aimlock(board, ['hold', '--reason', reason])).code, 0);
      t.equal((await aimlock(board, ['resume'])).code, 0);
    }
    t.equal(agent.child.exitCode, null, 'the agent stays up without its broker');
    const queued = waitingOnDisk(join(board.stateDir, 'outbox'));
    t.ok(queued.length >= 6, `telemetry waits in the outbox while the broker is down (${queued.length})`);
    await broker.restart();
    const deadline = Date.now() + 20000;
    while (op.telemetry.length < 6 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const events = op.telemetry.map((e) => e.event);
    t.same(
      events.slice(0, 6),
      ['hold', 'resume', 'hold', 'resume', 'hold', 'resume'],
      'in the order produced',
    );
    t.same(
      op.telemetry.filter((e) => e.event === 'hold').map((e) => e.reason),
      ['one', 'two', 'three'],
    );
    // An item leaves the outbox on its PUBACK, which the agent may read just after the operator got the message.
    const left = () => waitingOnDisk(join(board.stateDir, 'outbox'));
    const drainBy = Date.now() + 10000;
    while (left().length && Date.now() < drainBy) await new Promise((r) => setTimeout(r, 50));
    t.same(left(), [], 'outbox drained');
  },
);
