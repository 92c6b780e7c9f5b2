import { appendFileSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { appendAudit, readAudit } from '../src/store/audit.js';
import type { AimConfig } from '../src/store/conf.js';
import { History, type HistoryEntry } from '../src/store/history.js';
import { CorruptFileError } from '../src/store/json-file.js';
import { type AgentState, readState, rememberSeen, SEEN_LIMIT, writeState } from '../src/store/state.js';
import { buildStore, exitOf, spawnFixture, waitForWord } from './fixtures/store-child.js';

const CONFIG: AimConfig = {
  aim: { sensitivity: 0.62, deadzone_deg: 0.5, smoothing: 0.3, max_slew_dps: 180 },
  safety: {
    max_yaw_rate_dps: 90,
    max_pitch_deg: 25,
    min_battery_pct: 20,
    geofence_radius_m: 500,
    min_separation_m: 5,
    failsafe: 'hover',
  },
  update_window: 'any',
};

t.test('state record', async (t) => {
  const dir = t.testdir({
    'corrupt.json': '{"applied": nul',
    'wrong.json': '{"applied": null, "seen_ids": "x"}',
  });
  const path = join(dir, 'state.json');
  t.strictSame(await readState(path), { applied: null, seen_ids: [] }, 'absent file: empty state');

  const state: AgentState = {
    applied: {
      id: 'p-1',
      version: 42,
      sha256: 'ab'.repeat(32),
      at: '2026-11-24T03:12:00.000Z',
      source: 'push',
    },
    seen_ids: ['p-0', 'p-1'],
  };
  await writeState(path, state);
  t.strictSame(await readState(path), state, 'written record reads back');
  t.strictSame(JSON.parse(readFileSync(path, 'utf8')), state, 'plain JSON on disk');
  t.strictSame(readdirSync(dir).sort(), ['corrupt.json', 'state.json', 'wrong.json'], 'no temporaries');

  await t.rejects(readState(join(dir, 'corrupt.json')), {
    name: 'CorruptFileError',
    message: /corrupt\.json is corrupt: not JSON/,
  });
  await t.rejects(readState(join(dir, 'wrong.json')), {
    message: /wrong\.json is corrupt: seen_ids is not an array/,
  });
  const badSource = { ...state, applied: { ...state.applied!, source: 'magic' } } as unknown as AgentState;
  await t.rejects(writeState(path, badSource), /applied\.source/, 'an invalid record is never written');
  t.strictSame(await readState(path), state, 'and the good one stays');
});

t.test('rememberSeen: pure, newest last, no duplicates, bounded', async (t) => {
  const empty: AgentState = { applied: null, seen_ids: [] };
  const one = rememberSeen(empty, 'a');
  t.strictSame(empty.seen_ids, [], 'input untouched');
  t.strictSame(rememberSeen(rememberSeen(one, 'b'), 'a').seen_ids, ['b', 'a'], 'a seen id moves to the end');
  let s = empty;
  for (let i = 0; i < SEEN_LIMIT + 5; i++) s = rememberSeen(s, `id-${i}`);
  t.equal(s.seen_ids.length, SEEN_LIMIT);
  t.equal(s.seen_ids[0], 'id-5', 'the oldest fall off');
  t.equal(s.seen_ids.at(-1), `id-${SEEN_LIMIT + 4}`, 'newest last');
});

t.test('history keeps the newest N and knows what a rollback restores', async (t) => {
  const dir = join(t.testdir(), 'history');
  const history = new History(dir, 3);
  const entry = (version: number): HistoryEntry => ({
    version,
    id: `p-${version}`,
    sha256: String(version).repeat(64).slice(0, 64),
    applied_at: new Date(Date.UTC(2026, 10, 24, 0, version)).toISOString(),
    source: version === 4 ? 'rollback' : 'push',
    reason: version === 4 ? 'rollback to version 2' : undefined,
    config: { ...CONFIG, aim: { ...CONFIG.aim, sensitivity: version / 10 } },
  });
  t.strictSame(await history.list(), [], 'no directory yet: empty');
  t.equal(await history.previous(10), null);
  for (const v of [1, 2, 4, 7, 9]) await history.record(entry(v));

  t.strictSame(
    readdirSync(dir).sort(),
    ['000000004.json', '000000007.json', '000000009.json'],
    'pruned to 3, padded',
  );
  t.strictSame(
    (await history.list()).map((e) => e.version),
    [9, 7, 4],
    'newest first',
  );
  const four = await history.get(4);
  t.strictSame(four, JSON.parse(JSON.stringify(entry(4))), 'entry comes back whole');
  t.equal(four?.reason, 'rollback to version 2');
  t.notOk('reason' in (await history.get(7))!, 'no reason: key omitted');
  t.equal(await history.get(2), null, 'pruned version is gone');
  t.equal((await history.previous(9))?.version, 7, 'previous of the live version');
  t.equal((await history.previous(8))?.version, 7, 'previous of a version not kept');
  t.equal((await history.previous(100))?.version, 9);
  t.equal(await history.previous(4), null, 'nothing older is kept');
  t.equal(new History(dir).keep, 5, 'default N is 5');
  t.throws(() => new History(dir, 0), RangeError);

  writeFileSync(join(dir, '000000007.json'), '{"version": 7, "trunc');
  await t.rejects(history.get(7), CorruptFileError, 'a corrupt entry is reported, not skipped');
});

t.test('audit: ts added, mode 0640, torn lines never hide entries', async (t) => {
  const dir = t.testdir();
  const path = join(dir, 'audit.jsonl');
  t.strictSame(await readAudit(path), [], 'absent log is empty');
  await appendAudit(path, { event: 'applied', version: 42 });
  await appendAudit(path, { event: 'hold', ts: '2026-01-01T00:00:00.000Z', note: 'multi\nline' });
  await appendAudit(path, { event: 'resume' });
  t.equal(statSync(path).mode & 0o777, 0o640);

  const lines = readFileSync(path, 'utf8').split('\n');
  t.equal(lines.length, 4, 'three lines, newline-terminated (a newline in a value is escaped)');
  t.match(lines[0], /^\{"ts":"\d{4}-\d\d-\d\dT[^"]+Z","event":"applied","version":42\}$/, 'ts first, added');
  const entries = await readAudit(path);
  t.equal(entries[1]?.ts, '2026-01-01T00:00:00.000Z', 'a given ts is kept');
  t.equal(entries[1]?.note, 'multi\nline');

  appendFileSync(path, '{"ts":"2026-01-01T00:00:01.000Z","event":"tor');
  t.strictSame(
    (await readAudit(path)).map((e) => e.event),
    ['applied', 'hold', 'resume'],
    'torn last line skipped',
  );
  await appendAudit(path, { event: 'after-crash' });
  appendFileSync(path, '{"torn": ');
  await appendAudit(path, { event: 'after-crash-2' });
  t.strictSame(
    (await readAudit(path)).map((e) => e.event),
    ['applied', 'hold', 'resume', 'after-crash', 'after-crash-2'],
    'an append after a torn line starts a new line',
  );
});

t.test('audit: two processes appending 200 lines each give 400 whole lines', async (t) => {
  const dir = t.testdir();
  const store = buildStore(join(dir, 'store'));
  const path = join(dir, 'audit.jsonl');
  const writers = ['a', 'b'].map((w) => spawnFixture('store-appender.mjs', [store, path, w, '200']));
  await Promise.all(writers.map((c) => waitForWord(c, 'ready')));
  for (const c of writers) c.stdin!.write('go\n');
  t.strictSame(await Promise.all(writers.map(exitOf)), [0, 0], 'both writers finished');

  const lines = readFileSync(path, 'utf8').split('\n');
  t.equal(lines.pop(), '', 'ends with a newline');
  t.equal(lines.length, 400, '400 lines');
  const parsed = lines.map((l) => {
    try {
      return JSON.parse(l) as { writer: string; n: number; pad: string };
    } catch {
      return null;
    }
  });
  t.equal(parsed.filter((e) => e === null).length, 0, 'every line is whole JSON');
  for (const w of ['a', 'b']) {
    const mine = parsed.filter((e) => e?.writer === w);
    t.strictSame(
      mine.map((e) => e!.n),
      Array.from({ length: 200 }, (_, i) => i),
      `writer ${w}: all 200, in order`,
    );
    t.ok(
      mine.every((e) => e!.pad === w.repeat(e!.n % 10 === 0 ? 70_000 : 50)),
      `writer ${w}: long lines intact`,
    );
  }
  // Without overlap the test would prove nothing about interleaving: count writer switches along the file.
  const switches = parsed.filter((e, i) => i > 0 && e?.writer !== parsed[i - 1]?.writer).length;
  t.comment(`${switches} switches between writers`);
  t.ok(switches > 1, 'the writers really did append at the same time');
});
