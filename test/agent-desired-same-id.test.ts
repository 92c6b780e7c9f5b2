// A push that repeats the id of the one waiting to land. Only the same id at the same version is the same
// desire (the retained push redelivered on a reconnect) and gets no second answer; the same id at another
// version is another push, and every push gets an answer (desired.ts INVARIANTS): the older of the two is
// `superseded`, the newer lands. The board, its lock and applyConfig are real; landings wait in a burst
// settle window (settle()) so that both pushes are offered before either lands.
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { DesiredState } from '../src/agent/desired.js';
import type { ResultFields } from '../src/agent/messages.js';
import { openBoard } from '../src/board/open.js';
import { loadSettings } from '../src/settings/load.js';
import { envelope } from './helpers/agent.js';
import { configWith, makeBoard } from './helpers/board.js';

function harness(t: Test) {
  const tb = makeBoard(join(t.testdir(), 'b'));
  const board = openBoard(loadSettings(tb.settingsFile), 'aimlockd');
  t.teardown(() => board.tree.close());
  const answers: ResultFields[] = [];
  const desired = new DesiredState({
    board,
    answer: async (f) => {
      answers.push(f);
    },
    onMismatch: async () => {},
    onHookFailed: async () => {},
    hold: async () => null,
    later: () => {},
    onError: (err) => t.fail(`landing pass threw: ${String(err)}`),
    reclaimStale: false,
  });
  const offer = (e: Record<string, unknown>) =>
    desired.offer({ envelope: e as never, config: e.config as never });
  /** Offers every push inside one settle window, then waits until the last landing pass is over. */
  const offerAll = async (...pushes: Record<string, unknown>[]) => {
    desired.settle(200);
    for (const p of pushes) await offer(p);
    await new Promise((r) => setTimeout(r, 400));
    await desired.idle();
    return answers.map((a) => [a.version, a.code]);
  };
  return { offerAll };
}

const id = '7f3c0000-0000-4000-8000-000000000001';
const v = (version: number, sensitivity: number) =>
  envelope(null, { id, version, config: configWith((c) => (c.aim.sensitivity = sensitivity)) });

t.test('same id, same version: the redelivered desire, one answer', async (t) => {
  const { offerAll } = harness(t);
  const push = v(3, 0.5);
  t.same(await offerAll(push, push), [[3, 'ok']]);
});

t.test('same id, a higher version: the waiting one superseded, the newer applied', async (t) => {
  const { offerAll } = harness(t);
  t.same(await offerAll(v(3, 0.5), v(4, 0.6)), [
    [3, 'superseded'],
    [4, 'ok'],
  ]);
});

t.test('same id, a lower version: the newcomer superseded, the waiting one applied', async (t) => {
  const { offerAll } = harness(t);
  t.same(await offerAll(v(4, 0.6), v(3, 0.5)), [
    [3, 'superseded'],
    [4, 'ok'],
  ]);
});
