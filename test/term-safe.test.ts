// Nothing that came from the network or a file reaches a terminal unescaped: a push id like
// `x\e[2J\e[31mEVIL` (plus an 8-bit CSI and a bidi override) is shown as visible escapes by every terminal sink —
// `aimlock logs`, the locks/history/status tables, the fleet table, rollout progress and summary, and the
// one-line errors (text and --json).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { renderFleet } from '../src/cli/commands/fleet.js';
import { renderSummary } from '../src/cli/rollout/terminal.js';
import { lineProgress } from '../src/fleet/rollout/progress.js';
import { jsonSafe, termSafe, termSafeLines } from '../src/term-safe.js';
import { aimlock, GOOD_CONFIG, makeBoard, plainNode, ROOT, run } from './helpers/board.js';

/** ESC sequences, an 8-bit CSI (U+009B), a right-to-left override, a BEL and a carriage return. */
const HOSTILE = 'x\u001b[2J\u001b[31mEVIL\u009b31m\u202eLIVE\u0007\rEND';

/** Any control character but the line break, any C1 control, any bidi control: what must never get out. */
// (Written out here, not taken from the helper: the test must not share the helper's idea of "unsafe".)
const RAW = {
  test: (s: string) =>
    [...s].some((ch) => {
      const c = ch.codePointAt(0)!;
      return (
        (c < 0x20 && c !== 0x0a) ||
        (c >= 0x7f && c <= 0x9f) ||
        [0x061c, 0x200e, 0x200f, 0x2028, 0x2029].includes(c) ||
        (c >= 0x202a && c <= 0x202e) ||
        (c >= 0x2066 && c <= 0x2069)
      );
    }),
};

function clean(t: Test, out: string, what: string): void {
  t.notOk(RAW.test(out), `${what}: no raw control character`);
  t.ok(out.includes('\\x1b[2J'), `${what}: the escape is shown, visibly`);
}

t.test(
  'the helper: visible escapes, newlines only where we put them, idempotent, same JSON value',
  async (t) => {
    t.equal(termSafe(HOSTILE), 'x\\x1b[2J\\x1b[31mEVIL\\u009b31m\\u202eLIVE\\x07\\rEND');
    t.equal(termSafe('a\nb\tc\u2066d'), 'a\\nb\\tc\\u2066d');
    t.equal(termSafeLines('a\nb\u001b'), 'a\nb\\x1b');
    t.equal(termSafe(termSafe(HOSTILE)), termSafe(HOSTILE), 'idempotent');
    t.equal(termSafe('drone-07 ü ✓ 日本'), 'drone-07 ü ✓ 日本', 'ordinary text untouched');
    const doc = { id: HOSTILE, n: [1, null] };
    t.notOk(RAW.test(jsonSafe(doc)), 'jsonSafe: no raw control');
    t.same(JSON.parse(jsonSafe(doc)), doc, 'jsonSafe: the same value');
  },
);

t.test('aimlock logs: fields, keys, device, message and non-JSON lines are escaped', async (t) => {
  const lines = [
    JSON.stringify({
      level: 30,
      time: 0,
      device: HOSTILE,
      msg: `push ${HOSTILE}`,
      id: HOSTILE,
      [HOSTILE]: 1,
    }),
    JSON.stringify({ level: HOSTILE, time: HOSTILE, msg: 'x', detail: `with space ${HOSTILE}` }),
    `not json ${HOSTILE}`,
  ];
  const r = await aimlock(null, ['logs'], { input: `${lines.join('\n')}\n` });
  t.equal(r.code, 0);
  clean(t, r.stdout, 'logs');
  // (readline splits the non-JSON line at its lone \r: two lines out, both escaped.)
});

t.test('locks, history and status tables, and their --json', async (t) => {
  const board = makeBoard(t.testdir());
  const apply = await aimlock(board, ['apply', board.writeJson('c.json', GOOD_CONFIG), '--reason', HOSTILE]);
  t.equal(apply.code, 0, apply.stderr);
  const history = await aimlock(board, ['history']);
  clean(t, history.stdout, 'history');
  t.notOk(RAW.test((await aimlock(board, ['history', '--json'])).stdout), 'history --json');

  t.equal((await aimlock(board, ['hold', '--reason', HOSTILE])).code, 0);
  const status = await aimlock(board, ['status']);
  clean(t, status.stdout, 'status');

  // A planted owner record (a file anyone in the aimlock group could write): holder and purpose are text.
  mkdirSync(board.lockDir, { recursive: true });
  writeFileSync(join(board.lockDir, 'conf_locked'), '1\n');
  writeFileSync(
    join(board.lockDir, 'owner.json'),
    JSON.stringify({
      pid: 999999,
      pid_start: 1,
      boot_id: HOSTILE,
      holder: HOSTILE,
      device: 'drone-07',
      purpose: HOSTILE,
      generation: 1,
      acquired_at: HOSTILE,
      heartbeat_at: HOSTILE,
      token: 't',
    }),
  );
  const locks = await aimlock(board, ['locks']);
  t.equal(locks.code, 3, 'a mismatch');
  clean(t, locks.stdout, 'locks');
  const json = await aimlock(board, ['locks', '--json']);
  t.notOk(RAW.test(json.stdout), 'locks --json');
});

t.test('errors: aimlock: CODE: sentence, and --json', async (t) => {
  const board = makeBoard(t.testdir());
  const file = join(board.dir, 'bad.json');
  writeFileSync(file, `{"id": "${HOSTILE}\u009b"`); // not JSON: the parser quotes the content
  const r = await aimlock(board, ['validate', file]);
  t.equal(r.code, 1);
  t.match(r.stderr, /^aimlock: invalid: /);
  t.notOk(RAW.test(r.stderr.trimEnd()), 'no raw control in the error line');
  t.equal(r.stderr.trimEnd().split('\n').length, 1, 'one line');
  const missing = await aimlock(board, ['validate', join(board.dir, `${HOSTILE}.json`)]);
  t.equal(missing.code, 1);
  clean(t, missing.stderr.trimEnd(), 'not_found error naming the path');
  const json = await aimlock(board, ['validate', join(board.dir, `${HOSTILE}.json`), '--json']);
  t.notOk(RAW.test(json.stderr.trimEnd()), 'the --json error');
  t.match(JSON.parse(json.stderr).error.message, HOSTILE, 'the same text, as JSON');
});

t.test('fleet table, rollout progress and summary', async (t) => {
  const fleet = renderFleet(
    [
      {
        device: HOSTILE,
        state: 'online',
        applied: { id: HOSTILE, version: 1, sha256: 'x' },
        lock: HOSTILE,
        agent_version: HOSTILE,
        status_ts: null,
        age_s: 3,
        last_result: { id: HOSTILE, version: 1, status: 'rejected', code: HOSTILE, ts: '' },
      },
    ],
    true,
  );
  const withoutOurColours = fleet.replaceAll('\u001b[31;1m', '').replaceAll('\u001b[0m', '');
  clean(t, withoutOurColours, 'fleet (our own colours aside)');

  const written: string[] = [];
  lineProgress({ write: (s: string) => written.push(s) }).note(`drone ${HOSTILE}: publishing failed`);
  clean(t, written.join(''), 'rollout progress note');

  const summary = renderSummary({
    rollout: HOSTILE,
    fleet: 'alpha',
    outcome: 'aborted',
    reason: HOSTILE,
    waves: [{ index: 0, label: 'canary', devices: [HOSTILE], status: 'failed', reason: HOSTILE }],
    devices: [
      {
        device: HOSTILE,
        wave: 0,
        version: 1,
        id: HOSTILE,
        status: 'rejected',
        code: HOSTILE,
        detail: HOSTILE,
        late: false,
        rollback: null,
        next: HOSTILE,
      },
    ],
    notes: [HOSTILE],
  });
  clean(t, summary, 'rollout summary');
});

t.test("aimlockd's own error line quotes a broken settings file escaped", async (t) => {
  const dir = t.testdir();
  const settings = join(dir, 'agent.json');
  writeFileSync(settings, `{"device": ${HOSTILE}\u009b}`); // unquoted: the parser quotes the content
  const r = await run(...plainNode([join(ROOT, 'dist/agent/main.js'), '--settings', settings]));
  t.equal(r.code, 2, 'settings_invalid');
  t.match(r.stderr, /^aimlockd: settings_invalid: /);
  t.notOk(RAW.test(r.stderr.trimEnd()), 'no raw control character');
});
