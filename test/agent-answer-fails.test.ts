// A landing whose answer cannot be given (the result's outbox write or the state re-read after it fails: a
// simulator out of descriptors answered 1,718 pushes that way in the 10,000-drone run) is not a landing
// failure. The push has landed and is finished: the failure goes to onError as it is, the push is not
// answered again — not `superseded` by a newer push that came meanwhile, which lands next on its own.
// The board, its lock and applyConfig are real; only the agent's answer is made to fail.
import { join } from 'node:path';
import t from 'tap';
import { DesiredState } from '../src/agent/desired.js';
import type { ResultFields } from '../src/agent/messages.js';
import { openBoard } from '../src/board/open.js';
import { loadSettings } from '../src/settings/load.js';
import { envelope } from './helpers/agent.js';
import { configWith, makeBoard } from './helpers/board.js';

t.test('an answer that throws after a landing: reported as it is, nothing answered twice', async (t) => {
  const tb = makeBoard(join(t.testdir(), 'b'));
  const board = openBoard(loadSettings(tb.settingsFile), 'aimlockd');
  const answers: ResultFields[] = [];
  const errors: unknown[] = [];
  let failNext = true;
  let desired: DesiredState;
  const newer = envelope(null, { version: 2, config: configWith((c) => (c.aim.sensitivity = 0.6)) });
  let landedNewer: () => void;
  const newerDone = new Promise<void>((r) => (landedNewer = r));
  desired = new DesiredState({
    board,
    answer: async (f) => {
      answers.push(f);
      if (f.version === 2) landedNewer();
      if (failNext) {
        failNext = false;
        // A newer push arrives while the first one's answer is being given, and the answer then fails.
        await desired.offer({ envelope: newer as never, config: newer.config as never });
        throw Object.assign(new Error('EMFILE: too many open files, open state.json'), { code: 'EMFILE' });
      }
    },
    onMismatch: async () => {},
    onHookFailed: async () => {},
    hold: async () => null,
    later: () => {},
    onError: (err) => errors.push(err),
    reclaimStale: false,
  });
  const first = envelope(null, { version: 1 });
  await desired.offer({ envelope: first as never, config: first.config as never });
  await newerDone;
  await desired.idle();
  t.same(
    answers.map((a) => [a.version, a.code]),
    [
      [1, 'ok'],
      [2, 'ok'],
    ],
    'version 1 answered once (applied), never superseded; version 2 landed after it',
  );
  t.equal(errors.length, 1, 'the failure went to onError');
  t.match(errors[0], { code: 'EMFILE' }, 'as it was, not a TypeError');
});
