// `aimlock keys list` as a technician runs it on a board: real key files in a test board's keys_dir, the real
// CLI as a child process. A key with caps, one without (push only), one whose caps has a typo (fail closed), an
// orphan .caps (a typo in its name), a broken .pub, file names carrying terminal escapes; text and --json; the
// exit statuses; and the listing agreeing with what the agent itself loads (agent/trust.ts).
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import t from 'tap';
import { TrustInputs } from '../src/agent/trust.js';
import { keyInventory, nearMiss } from '../src/keys/inventory.js';
import { generateKeyPair } from '../src/sign/index.js';
import { aimlock, makeBoard, type TestBoard } from './helpers/board.js';

const ESC = '\x1b';
const pair = () => generateKeyPair().publicPem;

/** A board whose keys_dir holds every kind of row `keys list` shows. */
function messyBoard(dir: string): TestBoard & { keys: string } {
  const board = makeBoard(dir);
  const keys = join(board.dir, 'keys');
  writeFileSync(join(keys, 'ops-2026.pub'), pair());
  writeFileSync(join(keys, 'ops-2026.caps'), '# the duty operator\nhold\npush\nresume\n\nlocks  # to look\n');
  writeFileSync(join(keys, 'field.pub'), pair()); // no .caps: push only
  writeFileSync(join(keys, 'typo.pub'), pair());
  writeFileSync(join(keys, 'typo.caps'), 'push\nrelase_force\n'); // fail closed: typo may sign nothing
  writeFileSync(join(keys, 'feild.caps'), 'hold\n'); // meant for field: an orphan, and a near miss
  writeFileSync(join(keys, 'broken.pub'), 'not a key\n');
  writeFileSync(join(keys, `ev${ESC}[2Jil.pub`), pair()); // a valid key under a name no key id can have
  writeFileSync(join(keys, `x${ESC}]0;pwned\x07.caps`), 'push\n'); // an orphan with escapes in its name
  return { ...board, keys };
}

t.test(
  'text: one aligned row per key, problems spelled out, nothing raw from a file reaches the terminal',
  async (t) => {
    const board = messyBoard(t.testdir());
    const r = await aimlock(board, ['keys', 'list']);
    t.equal(r.code, 1, 'exit 1: some key has a problem');
    t.equal(r.stderr, '');
    t.notOk(
      [...r.stdout].some((ch) => (ch < ' ' && ch !== '\n') || ch === '\x7f'),
      'no control character but newlines',
    );
    const lines = r.stdout.split('\n');
    t.match(lines[0], /^keys_dir .*\/keys: 3 trusted keys, 5 problems$/);
    const header = lines.findIndex((l) => l.startsWith('KEY'));
    const rows = lines.slice(header, header + 8);
    const col = (l: string, name: string) => l.indexOf(name);
    const fpAt = col(rows[0]!, 'FINGERPRINT');
    const signAt = col(rows[0]!, 'MAY SIGN');
    const fromAt = col(rows[0]!, 'FROM');
    const row = (id: string) => rows.find((l) => l.startsWith(`${id} `)) ?? '';
    for (const l of rows.slice(1)) {
      // Aligned: every column starts where its heading does (escaped names are measured after escaping).
      t.match(l.slice(fpAt), /^(SHA256:|- )/, `fingerprint column of ${l}`);
      t.equal(l[signAt - 1], ' ', `may-sign column of ${l}`);
      t.not(l[signAt], ' ');
      t.not(l[fromAt], ' ');
    }
    t.match(row('ops-2026'), /SHA256:\S{43}\s+push, hold, resume, locks\s+ops-2026\.caps$/);
    t.match(row('field'), /SHA256:\S{43}\s+push\s+default: push only \(no field\.caps\)$/);
    t.match(row('typo'), /SHA256:\S{43}\s+NOTHING \(caps file unusable\)\s+typo\.caps UNUSABLE$/);
    t.match(row('feild'), /^feild\s+-\s+NOTHING \(no feild\.pub\)\s+feild\.caps ORPHAN$/);
    t.match(row('broken'), /^broken\s+-\s+NOTHING \(key not trusted\)\s+broken\.pub skipped$/);
    t.match(row('ev\\x1b[2Jil'), /^ev\\x1b\[2Jil\s+-\s+NOTHING \(key not trusted\)/, 'escaped, never run');
    t.match(row('x\\x1b]0;pwned\\x07'), /ORPHAN$/);

    const problems = lines.slice(lines.indexOf('problems:') + 1);
    const problem = (id: string) => problems.find((l) => l.startsWith(`  ${id}: `)) ?? '';
    t.match(problem('typo'), /typo\.caps is not a caps file: line 2: "relase_force" is not a capability/);
    t.match(
      problem('typo'),
      /key typo may sign nothing until it is fixed \(then systemctl reload aimlockd\)/,
    );
    t.match(
      problem('feild'),
      /feild\.caps has no feild\.pub beside it, so it grants nothing; did you mean field\.caps\?/,
    );
    t.match(problem('feild'), /mv \S+\/feild\.caps \S+\/field\.caps/);
    t.match(problem('broken'), /broken\.pub is not a PEM public key .*refused unknown_key until/);
    t.match(problem('ev\\x1b[2Jil'), /does not match .*rename it/);
    t.match(problem('x\\x1b]0;pwned\\x07'), /is not a key id/);
    t.equal(problem('ops-2026'), '', 'a good key has no problem line');
    t.equal(problem('field'), '', 'no .caps is no problem: it is the default');
  },
);

t.test('--json: the same rows for a script, escaped JSON, exit 1 on a problem', async (t) => {
  const board = messyBoard(t.testdir());
  const r = await aimlock(board, ['keys', 'list', '--json']);
  t.equal(r.code, 1);
  t.notMatch(r.stdout, ESC, 'JSON escapes ESC');
  const inv = JSON.parse(r.stdout);
  t.equal(inv.keys_dir, board.keys);
  t.equal(inv.problems, 5);
  const by = Object.fromEntries(inv.keys.map((k: { key_id: string }) => [k.key_id, k]));
  t.same(Object.keys(by), [
    'broken',
    `ev${ESC}[2Jil`,
    'feild',
    'field',
    'ops-2026',
    'typo',
    `x${ESC}]0;pwned\x07`,
  ]);
  t.match(by['ops-2026'], {
    trusted: true,
    fingerprint: /^SHA256:\S{43}$/,
    capabilities: ['push', 'hold', 'resume', 'locks'],
    caps_source: 'caps_file',
    caps_file: join(board.keys, 'ops-2026.caps'),
    problem: null,
  });
  t.match(by.field, {
    trusted: true,
    capabilities: ['push'],
    caps_source: 'default',
    caps_file: null,
    problem: null,
  });
  t.match(by.typo, { trusted: true, capabilities: [], caps_source: 'unusable', problem: /relase_force/ });
  t.match(by.feild, {
    trusted: false,
    fingerprint: null,
    capabilities: [],
    caps_source: 'none',
    problem: /field\.caps/,
  });
  t.match(by.broken, { trusted: false, capabilities: [], caps_file: null, problem: /not a PEM public key/ });
});

t.test('every key usable: exit 0; an empty keys_dir: exit 0 and says what that means', async (t) => {
  const board = makeBoard(t.testdir());
  const keys = join(board.dir, 'keys');
  const empty = await aimlock(board, ['keys', 'list']);
  t.equal(empty.code, 0);
  t.match(empty.stdout, /0 trusted keys, 0 problems/);
  t.match(empty.stdout, /no keys: every signed push and command is refused unknown_key/);
  writeFileSync(join(keys, 'ops.pub'), pair());
  writeFileSync(join(keys, 'ops.caps'), 'push\nstatus\n');
  writeFileSync(join(keys, 'parked.pub'), pair());
  writeFileSync(join(keys, 'parked.caps'), '# revoked for now, kept for the record\n');
  writeFileSync(join(keys, 'README'), 'not a key, ignored as the agent ignores it');
  const r = await aimlock(board, ['keys', 'list']);
  t.equal(r.code, 0, r.stdout);
  t.match(r.stdout, /2 trusted keys, 0 problems/);
  t.match(r.stdout, /^parked\s+SHA256:\S+\s+nothing \(its caps file grants nothing\)\s+parked\.caps$/m);
  t.notMatch(r.stdout, /problems:/);
  t.notMatch(r.stdout, /README/);
});

t.test('a .caps that is not a regular file fails closed with its reason', async (t) => {
  const board = makeBoard(t.testdir());
  const keys = join(board.dir, 'keys');
  writeFileSync(join(keys, 'ops.pub'), pair());
  mkdirSync(join(keys, 'ops.caps'));
  const r = await aimlock(board, ['keys', 'list', '--json']);
  t.equal(r.code, 1);
  t.match(JSON.parse(r.stdout).keys, [
    {
      key_id: 'ops',
      trusted: true,
      capabilities: [],
      caps_source: 'unusable',
      problem: /is not a regular file/,
    },
  ]);
});

t.test(
  'keys_dir missing: keys_unreadable, exit 2, says what to do; bad settings: settings_invalid',
  async (t) => {
    const board = makeBoard(t.testdir());
    rmSync(join(board.dir, 'keys'), { recursive: true });
    const r = await aimlock(board, ['keys', 'list']);
    t.equal(r.code, 2);
    t.equal(r.stdout, '');
    t.match(
      r.stderr,
      /^aimlock: keys_unreadable: keys_dir \S+\/keys cannot be read \(ENOENT\); restore it, then systemctl reload aimlockd \(paths\.keys_dir in \S+agent\.json\); until then the agent refuses every signed push and command\n$/,
    );
    const j = await aimlock(board, ['keys', 'list', '--json']);
    t.equal(j.code, 2);
    t.match(JSON.parse(j.stderr), { error: { code: 'keys_unreadable', keys_dir: join(board.dir, 'keys') } });
    writeFileSync(join(board.dir, 'keys'), 'a file, not a directory');
    t.match((await aimlock(board, ['keys', 'list'])).stderr, /keys_unreadable: .*\(ENOTDIR\)/);
    const none = await aimlock(null, ['keys', 'list', '--settings', join(board.dir, 'nope.json')]);
    t.equal(none.code, 2);
    t.match(none.stderr, /^aimlock: settings_invalid: .*nope\.json does not exist/);
  },
);

t.test('usage: the keys subcommands, generate options refused on list, help teaches list', async (t) => {
  const board = makeBoard(t.testdir());
  const bad = await aimlock(board, ['keys', 'lsit']);
  t.equal(bad.code, 2);
  t.match(bad.stderr, /unknown subcommand "lsit"; expected: aimlock keys list, or aimlock keys generate/);
  const mixed = await aimlock(board, ['keys', 'list', '--id', 'x']);
  t.equal(mixed.code, 2);
  t.match(mixed.stderr, /--id is for keys generate, not keys list/);
  const help = await aimlock(null, ['keys', '--help']);
  t.equal(help.code, 0);
  t.match(help.stdout, /^Usage: aimlock keys list \[--settings FILE\] \[--json\] \| aimlock keys generate/);
  t.match(help.stdout, /capability_missing/);
  t.match(help.stdout, /aimlock keys list --settings \/etc\/aimlock\/agent\.json --json/);
});

t.test('the listing agrees with what the agent loads (its own TrustInputs) for every key', async (t) => {
  const board = messyBoard(t.testdir());
  const trust = new TrustInputs(
    { keysDir: board.keys, limits: join(board.dir, 'limits.json') },
    pino(new Writable({ write: (_c, _e, cb) => cb() })),
  );
  trust.reload();
  const { keys, caps } = trust.signing;
  const inv = keyInventory(board.keys);
  t.same(
    inv.keys.filter((r) => r.trusted).map((r) => r.key_id),
    [...keys.keys()].sort(),
    'trusted rows are exactly the keys the agent verifies with',
  );
  for (const r of inv.keys.filter((k) => k.trusted)) {
    t.same(new Set(r.capabilities), caps?.get(r.key_id)?.caps, `${r.key_id}: the agent's capabilities`);
  }
});

t.test('near misses: case, a swap, a dropped dash; short ids need an exact shape', async (t) => {
  t.ok(nearMiss('field', 'feild'));
  t.ok(nearMiss('ops-2026', 'ops2026'));
  t.ok(nearMiss('Ops', 'ops'));
  t.notOk(nearMiss('ops-2026', 'dev-2025'));
  t.notOk(nearMiss('ab', 'ac'));
});
