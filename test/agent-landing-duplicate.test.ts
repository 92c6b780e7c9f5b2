// A push is screened on arrival and, unless keys or limits were reloaded since, not again before it lands
// (src/agent/trust.ts). What can change meanwhile is settled under the lock (src/accept/apply.ts): here, a push
// whose id lands while it waits. Push A is landing (its hook waits for a go file) when B arrives, then A again
// with a higher version: screened, its id is not applied yet, and it supersedes B. Once A has landed, the second
// A must be answered `duplicate` (CONTRACT §5: an id already applied is not applied again), not applied twice.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { agentBoard, envelope, operator, startAgent } from './helpers/agent.js';
import { startMosquitto } from './helpers/mosquitto.js';
import { until } from './helpers/until.js';

t.test('an id that lands while its second push waits is answered duplicate, not applied again', async (t) => {
  const broker = await startMosquitto(t);
  const started = join(t.testdirName, 'hook-started');
  const go = join(t.testdirName, 'go');
  const board = agentBoard(t.testdir(), broker.url, {
    apply_hook: {
      command: ['sh', '-c', `touch ${started}; while [ ! -e ${go} ]; do sleep 0.05; done`],
      timeout_ms: 30_000,
    },
  });
  await startAgent(t, board);
  const op = await operator(t, broker.url);

  const a = envelope(board.op, { version: 10 });
  await op.publish(a);
  await until("A's apply hook to start", () => existsSync(started), 30_000);
  const b = envelope(board.op, { version: 11 });
  await op.publish(b);
  const again = envelope(board.op, { id: a.id, version: 12 });
  await op.publish(again);
  t.equal((await op.result(String(b.id), 'superseded')).code, 'superseded', 'B gave way to the second A');

  writeFileSync(go, '');
  await op.result(String(a.id), 'applied');
  const second = await op.result(String(a.id), 'duplicate');
  t.equal(second.version, 12, 'the second A is answered duplicate');
  t.notOk(
    op.results.some((r) => r.id === a.id && r.version === 12 && r.status === 'applied'),
    'and never applied',
  );
  const state = JSON.parse(readFileSync(join(board.stateDir, 'state.json'), 'utf8')) as {
    applied: { id: string; version: number };
  };
  t.same({ id: state.applied.id, version: state.applied.version }, { id: a.id, version: 10 });
});
