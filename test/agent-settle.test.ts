// The settle window after a (re)connect is opened only when the broker resumed our session, i.e. when pushes
// may be queued for us and arrive at once (then only the newest of them lands). A new session gets at most the
// one retained push: nothing to wait for, so the first push after connect lands without the window.
import t from 'tap';
import { agentBoard, envelope, operator, startAgent } from './helpers/agent.js';
import { startMosquitto } from './helpers/mosquitto.js';

const RESUMED = /^session resumed: landings wait/;

t.test(
  'settle only on a resumed session: a new one lands at once, a queue lands only its newest',
  async (t) => {
    const broker = await startMosquitto(t);
    const board = agentBoard(t.testdir(), broker.url);
    const op = await operator(t, broker.url);

    // A new session (first connect to this broker): no window.
    const first = await startAgent(t, board);
    await first.waitLog(/^connected to the MQTT broker/);
    const v1 = envelope(board.op, { version: 1 });
    // Retained: "connected" is logged before the subscription is in place; a new session is delivered the
    // retained push on subscribing (a plain publish could come too early and reach nobody).
    await op.publish(v1, { retain: true });
    t.equal((await op.result(String(v1.id), 'applied', 60_000)).code, 'ok');
    t.notOk(
      first.logs.some((l) => l.includes('session resumed')),
      'a new session opens no settle window',
    );
    t.equal(await first.stop(), 0);

    // Pushes queued for the kept session while the agent is down: the window, and only the newest lands.
    const queued = [2, 3, 4, 5].map((version) => envelope(board.op, { version }));
    for (const doc of queued) await op.publish(doc);
    const second = await startAgent(t, board);
    await second.waitLog(RESUMED, 60_000);
    const newest = queued[queued.length - 1]!;
    t.equal((await op.result(String(newest.id), 'applied', 60_000)).code, 'ok', 'the newest lands');
    for (const doc of queued.slice(0, -1))
      t.equal(
        (await op.result(String(doc.id), undefined, 60_000)).code,
        'superseded',
        `v${doc.version}: superseded`,
      );
    t.equal(await second.stop(), 0);
  },
);
