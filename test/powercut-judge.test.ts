// The power-cut harness's host side (scripts/vm/powercut/), without a VM: the dm-log-writes reader and
// replayer on a log written here in the kernel's documented format, the check points it picks, and the crash
// state checks on boards built here — each check seen failing on the state it exists to catch.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { checkState } from '../scripts/vm/powercut/check.mjs';
import { checkPoints } from '../scripts/vm/powercut/judge.mjs';
import { FLAG, openLog, Replayer } from '../scripts/vm/powercut/logwrites.mjs';
import { filesOf } from '../scripts/vm/powercut/state-files.mjs';
import { configSha256, renderConf } from '../src/store/conf.js';
import { GOOD_CONFIG } from './helpers/board.js';

const S = 512;

/** A log in the kernel's format: super, then per entry a header sector (+ mark name) and the data. */
function writeLog(
  path: string,
  entries: Array<{ sector?: number; data?: Buffer; flags?: number; mark?: string; sectors?: number }>,
) {
  const parts: Buffer[] = [];
  const sb = Buffer.alloc(S);
  sb.writeBigUInt64LE(0x6a736677736872n, 0);
  sb.writeBigUInt64LE(1n, 8);
  sb.writeBigUInt64LE(BigInt(entries.length), 16);
  sb.writeUInt32LE(S, 24);
  parts.push(sb);
  for (const e of entries) {
    const h = Buffer.alloc(S);
    const nr = e.sectors ?? (e.data ? e.data.length / S : 0);
    h.writeBigUInt64LE(BigInt(e.sector ?? 0), 0);
    h.writeBigUInt64LE(BigInt(nr), 8);
    h.writeBigUInt64LE(BigInt((e.flags ?? 0) | (e.mark ? FLAG.MARK : 0)), 16);
    h.writeBigUInt64LE(BigInt(e.mark ? e.mark.length : 0), 24);
    if (e.mark) h.write(e.mark, 32, 'latin1');
    parts.push(h);
    if (e.data) parts.push(e.data);
  }
  writeFileSync(path, Buffer.concat(parts));
}

t.test(
  'replay: writes land at their sectors in log order; discards zero; marks and flushes carry nothing',
  async (t) => {
    const dir = t.testdir();
    const log = join(dir, 'log');
    const img = join(dir, 'img');
    writeFileSync(img, Buffer.alloc(8 * S, 0x11));
    writeLog(log, [
      { sector: 1, data: Buffer.alloc(2 * S, 0xaa) },
      { flags: FLAG.FLUSH },
      { sector: 2, data: Buffer.alloc(S, 0xbb), flags: FLAG.FUA },
      { mark: 'pc-0' },
      { sector: 5, sectors: 2, flags: FLAG.DISCARD },
      { sector: 7, data: Buffer.alloc(S, 0xcc) },
    ]);
    const l = openLog(log);
    t.equal(l.sectorSize, S);
    const entries = [...l.entries()];
    t.same(
      entries.map((e) => [e.index, e.sector, e.nrSectors, e.flags, e.mark]),
      [
        [0, 1, 2, 0, null],
        [1, 0, 0, FLAG.FLUSH, null],
        [2, 2, 1, FLAG.FUA, null],
        [3, 0, 0, FLAG.MARK, 'pc-0'],
        [4, 5, 2, FLAG.DISCARD, null],
        [5, 7, 1, 0, null],
      ],
      'every header read back as written',
    );
    const r = new Replayer(l, img);
    for (const e of entries) r.apply(e);
    r.close();
    l.close();
    const out = readFileSync(img);
    const at = (s: number) => out[s * S];
    t.same(
      [0, 1, 2, 3, 4, 5, 6, 7].map(at),
      [0x11, 0xaa, 0xbb, 0x11, 0x11, 0, 0, 0xcc],
      'the later write wins; the discard zeroes; untouched sectors keep the base',
    );
    t.throws(() => openLog(img), /not a dm-log-writes log/, 'a file without the magic is refused');
  },
);

t.test('check points: every FLUSH/FUA/MARK, and the middle of each stretch of plain writes', async (t) => {
  const e = (index: number, flags = 0) => ({
    index,
    flags,
    sector: 0,
    nrSectors: 1,
    mark: null,
    dataPos: 0,
    dataLen: S,
  });
  const entries = [e(0), e(1), e(2), e(3, FLAG.FLUSH), e(4), e(5, FLAG.FUA), e(6, FLAG.MARK), e(7), e(8)];
  t.same(
    checkPoints(entries, 1).map((p) => `${p.index}${p.kind[0]}`),
    ['0b', '3f', '5f', '6f', '7b'],
    'a stretch of one write has no state strictly inside it',
  );
  t.equal(checkPoints(entries, 2).filter((p) => p.kind === 'between').length, 3);
});

function conf(version: number, sensitivity = 0.5): string {
  return renderConf({ ...GOOD_CONFIG, aim: { ...GOOD_CONFIG.aim, sensitivity } } as never, {
    device: 'drone-07',
    at: '2026-11-29T00:00:00.000Z',
    id: `push-${version}`,
    version,
  });
}

/** A board's state directory: the live config at `live`, state.json at `state`, a few records. */
function stateDir(dir: string, live: number, state: number, audit = '{"ts":"x","event":"apply"}\n') {
  mkdirSync(join(dir, 'history'), { recursive: true });
  writeFileSync(join(dir, 'aim_lock_config.conf'), conf(live));
  const applied = {
    id: `push-${state}`,
    version: state,
    sha256: configSha256(conf(state)),
    at: 'x',
    source: 'push',
  };
  writeFileSync(join(dir, 'state.json'), JSON.stringify({ applied, seen_ids: [] }));
  writeFileSync(join(dir, 'history', '000000001.json'), '{"version":1}');
  writeFileSync(join(dir, 'audit.jsonl'), audit);
  return dir;
}

t.test('crash state checks', async (t) => {
  const issued = new Set([1, 2, 3, 4]);
  const durable = (v: number) => ({ version: v, sha256: configSha256(conf(v)) });
  const check = (dir: string, d: number, next = 3) =>
    checkState(dir, { durable: durable(d), nextVersion: next, issued });
  const base = t.testdir();

  t.same(check(stateDir(join(base, 'ok'), 2, 2), 2).problems, [], 'agreeing, at the answered version');
  const landing = check(stateDir(join(base, 'landing'), 3, 2), 2);
  t.same(landing.problems, [], 'a later version being landed, state one landing behind');
  t.ok(landing.notes.includes('landing') && landing.notes.includes('state one landing behind'));

  t.match(
    check(stateDir(join(base, 'lost'), 1, 1), 2).problems.join(),
    /older than v2 answered applied/,
    'a lost answer',
  );
  t.match(
    check(stateDir(join(base, 'lost-state'), 2, 1), 2).problems.join(),
    /not durable/,
    'a state record behind the answer',
  );
  t.match(
    check(stateDir(join(base, 'far'), 4, 2), 2).problems.join(),
    /past v3/,
    'a version past the next answered one',
  );
  t.match(
    check(stateDir(join(base, 'ahead'), 2, 3), 2, 3).problems.join(),
    /older v2/,
    'state ahead of the live file',
  );

  const torn = stateDir(join(base, 'torn'), 2, 2);
  writeFileSync(join(torn, 'aim_lock_config.conf'), conf(2).slice(0, 80));
  t.match(check(torn, 2).problems.join(), /not whole/, 'a torn live config');
  const mixed = stateDir(join(base, 'mixed'), 2, 2);
  writeFileSync(
    join(mixed, 'aim_lock_config.conf'),
    conf(2).replace('sensitivity = 0.5', 'sensitivity = 0.7'),
  );
  t.match(
    check(mixed, 2).problems.join(),
    /not the bytes answered applied/,
    'a config that mixes two versions',
  );
  const badState = stateDir(join(base, 'bad-state'), 2, 2);
  writeFileSync(join(badState, 'state.json'), '{"applied": {"vers');
  t.match(check(badState, 2).problems.join(), /state.json is not whole/, 'a torn state record');

  const lastTorn = check(stateDir(join(base, 'audit-last'), 2, 2, '{"ts":"x"}\n{"ts":"y","ev'), 2);
  t.same(lastTorn.problems, [], 'a torn last audit line is tolerated');
  t.ok(lastTorn.notes.includes('torn audit line 2'), 'and reported');
  const midTorn = check(
    stateDir(join(base, 'audit-mid'), 2, 2, '{"ts":"x"}\n{"ts":"y","ev\n{"ts":"z"}\n'),
    2,
  );
  t.match(midTorn.problems.join(), /line 2 of 3 does not parse/, 'a torn line in the middle is not');

  const journal = stateDir(join(base, 'outbox'), 2, 2);
  mkdirSync(join(journal, 'outbox'));
  writeFileSync(join(journal, 'outbox', 'journal.jsonl'), '{"seq":1}\n{"seq":2,"to');
  t.ok(
    check(journal, 2).notes.includes('torn outbox journal line 2'),
    'a torn last outbox journal line is reported',
  );
  writeFileSync(join(journal, 'outbox', 'journal.jsonl'), '{"seq":1,"to\n{"seq":2}\n');
  t.match(
    check(journal, 2).problems.join(),
    /outbox journal line 1 of 2/,
    'a torn one before the last is not',
  );
});

t.test('files of an image: journal replayed on a scratch copy, tree dumped without mounting', async (t) => {
  const dir = t.testdir();
  const src = stateDir(join(dir, 'src'), 2, 2);
  const img = join(dir, 'data.img');
  spawnSync('truncate', ['-s', '16M', img]);
  const mk = spawnSync('mkfs.ext4', ['-q', '-F', '-b', '4096', '-d', src, img], { encoding: 'utf8' });
  t.equal(mk.status, 0, mk.stderr);
  const r = filesOf(img, join(dir, 'scratch.img'), join(dir, 'out'));
  t.equal(r.fsck, null, 'a clean file system');
  t.same(
    checkState(join(dir, 'out'), { durable: { version: 2 }, nextVersion: 3, issued: new Set([2]) }).problems,
    [],
  );
  t.equal(
    readFileSync(join(dir, 'out', 'aim_lock_config.conf'), 'utf8'),
    conf(2),
    'the live config, byte for byte',
  );
});
