// Links planted in the state directory by the agent's user (a real second uid, `aimlock-test`, which owns it as
// on a board) against a root technician's commands. Proves that root follows none of them — a victim file or
// folder of root's outside the board is unchanged — and that a command that cannot do its job without one
// refuses with `unsafe_path`, naming the file, why, and what to do; and that a link where a record belongs is
// never read through (its target's bytes would end up in the audit log, which the agent's user reads).
import {
  linkSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { aimlock, GOOD_CONFIG, makeBoard, type TestBoard } from './helpers/board.js';
import { cannotSwitchUsers, ensureTestUser, handBoardTo, runAs, type TestUser } from './helpers/users.js';

// Needs root (a second uid for the agent); skips with the reason elsewhere, except in CI, where it must run.
const why = cannotSwitchUsers();
if (why && process.env.CI) t.fail(`CI must run the ownership tests, but: ${why}`);
// Short: V8 quotes a short input whole in JSON.parse's message (a long one only by its first 10 characters).
const VICTIM_TEXT = 'SECRET:0:0\n';

interface Scene {
  board: TestBoard;
  user: TestUser;
  victim: string;
  elsewhere: string;
  local: string;
}

function scene(t: Test): Scene {
  const dir = t.testdir();
  const user = ensureTestUser();
  const board = makeBoard(join(dir, 'board'));
  handBoardTo(t, board, user);
  const rootOnly = join(dir, 'root-only');
  mkdirSync(rootOnly, { mode: 0o755 });
  const victim = join(rootOnly, 'victim');
  writeFileSync(victim, VICTIM_TEXT, { mode: 0o600 });
  const elsewhere = join(rootOnly, 'elsewhere');
  mkdirSync(elsewhere);
  return { board, user, victim, elsewhere, local: board.writeJson('local.json', GOOD_CONFIG) };
}

/** As the agent's user: `name` (relative to the state dir) becomes a symlink to `target`. */
function plant(s: Scene, name: string, target: string): string {
  const path = join(s.board.stateDir, name);
  runAs(s.user, 'mkdir', ['-p', join(path, '..')]);
  runAs(s.user, 'ln', ['-sfn', target, path]);
  return path;
}

function untouched(t: Test, s: Scene): void {
  t.equal(readFileSync(s.victim, 'utf8'), VICTIM_TEXT, "root's victim file is unchanged");
  t.same(readdirSync(s.elsewhere), [], "root's other folder is still empty");
}

const apply = (s: Scene) => ['apply', s.local, '--reason', 'hotfix'];
const release = ['release', '--force', '--reason', 'ticket 12'];
const hold = ['hold', '--reason', 'gimbal swap'];

const refusals: Array<{ link: string; to: 'victim' | 'elsewhere'; cmd: (s: Scene) => string[] }> = [
  { link: 'audit.jsonl', to: 'victim', cmd: () => hold },
  { link: 'aim_lock_config.conf.lock', to: 'victim', cmd: apply },
  { link: 'state.json', to: 'victim', cmd: apply },
  { link: 'aim_lock_config.conf', to: 'victim', cmd: apply },
  { link: 'aim_lock_config.conf', to: 'victim', cmd: () => ['show'] },
  { link: 'locks/aim_lock_config/intents', to: 'elsewhere', cmd: () => release },
  { link: 'locks', to: 'elsewhere', cmd: () => release },
  { link: 'history', to: 'elsewhere', cmd: apply },
  { link: 'deferred-events', to: 'elsewhere', cmd: () => release },
];

for (const { link, to, cmd } of refusals) {
  t.test(
    `${link} → ${to}, aimlock ${cmd({ local: 'FILE' } as Scene)[0]}: root refuses, names it, touches nothing`,
    { skip: why ?? false },
    async (t) => {
      const s = scene(t);
      plant(s, link, to === 'victim' ? s.victim : s.elsewhere);
      const r = await aimlock(s.board, cmd(s));
      t.equal(r.code, 1, `exit 1: ${r.stderr}`);
      t.match(r.stderr, /^aimlock: unsafe_path: refusing to use \S+/m, 'says it refused (unsafe_path)');
      t.match(r.stderr, link.split('/').at(-1)!, 'names the file');
      t.match(r.stderr, /symbolic link/, 'says why');
      t.match(r.stderr, /remove it/, 'says what to do');
      t.notMatch(r.stdout + r.stderr, /SECRET/, 'and shows none of what the link points at');
      untouched(t, s);
    },
  );
}

t.test(
  'hold.json → victim: the hold replaces the link, never writes through it',
  { skip: why ?? false },
  async (t) => {
    const s = scene(t);
    const path = plant(s, 'hold.json', s.victim);
    const r = await aimlock(s.board, hold);
    t.equal(r.code, 0, r.stderr);
    t.ok(lstatSync(path).isFile(), 'hold.json is now a regular file');
    t.equal(lstatSync(path).uid, s.user.uid, "and the agent's user owns it");
    plant(s, 'hold.json', s.victim);
    const resumed = await aimlock(s.board, ['resume', '--json']);
    t.equal(resumed.code, 0, 'resume removes the link itself');
    t.notMatch(resumed.stdout, /SECRET/, 'without reading through it');
    untouched(t, s);
  },
);

t.test(
  'owner.json → victim: never read through (nothing of it reaches the audit log)',
  { skip: why ?? false },
  async (t) => {
    const s = scene(t);
    plant(s, 'locks/aim_lock_config/owner.json', s.victim);
    runAs(s.user, 'sh', ['-c', `echo 1 > ${join(s.board.lockDir, 'conf_locked')}`]);
    const locks = await aimlock(s.board, ['locks', '--json']);
    t.notMatch(locks.stdout + locks.stderr, /SECRET/, 'aimlock locks does not show it');
    const r = await aimlock(s.board, release);
    t.equal(r.code, 0, `release --force clears bit and the planted link: ${r.stderr}`);
    t.notMatch(readFileSync(s.board.audit, 'utf8'), /SECRET/, 'the audit log holds none of its bytes');
    untouched(t, s);
  },
);

t.test('audit.jsonl hard-linked to a root file: refused', { skip: why ?? false }, async (t) => {
  // protected_hardlinks=1 stops the agent's user making this link; a board without it would not. Made by root.
  const s = scene(t);
  linkSync(s.victim, s.board.audit);
  const r = await aimlock(s.board, hold);
  t.equal(r.code, 1, r.stderr);
  t.match(r.stderr, /unsafe_path: .*audit\.jsonl.*2 hard links/, 'names the file and why');
  untouched(t, s);
});

t.test(
  "the agent's socket → another service's socket: root sends it nothing",
  { skip: why ?? false },
  async (t) => {
    // Unix socket paths must be short: both live in /tmp, the agent's runtime folder handed to its user.
    const user = ensureTestUser();
    const run = mkdtempSync(join(tmpdir(), 'al-run-'));
    const other = mkdtempSync(join(tmpdir(), 'al-other-'));
    t.teardown(() => {
      rmSync(run, { recursive: true, force: true });
      rmSync(other, { recursive: true, force: true });
    });
    const board = makeBoard(t.testdir(), { paths: { socket: join(run, 'aimlockd.sock') } });
    handBoardTo(t, board, user);
    const heard: string[] = [];
    const server = createServer((c) => c.on('data', (d) => heard.push(String(d))));
    await new Promise<void>((r) => server.listen(join(other, 'service.sock'), r));
    t.teardown(() => new Promise<void>((r) => server.close(() => r())));
    runAs(user, 'ln', ['-s', join(other, 'service.sock'), join(run, 'aimlockd.sock')]);

    const r = await aimlock(board, hold);
    t.equal(r.code, 1, r.stderr);
    t.match(
      r.stderr,
      /unsafe_path: .*aimlockd\.sock: the control socket is a symbolic link/,
      'refused, says why',
    );
    t.same(heard, [], 'the other service heard nothing from root');
  },
);

t.test('state.json as a FIFO: root refuses at once instead of hanging', { skip: why ?? false }, async (t) => {
  const s = scene(t);
  runAs(s.user, 'mkfifo', [join(s.board.stateDir, 'state.json')]);
  const r = await aimlock(s.board, ['status'], { timeout: 10000 });
  t.equal(r.code, 1, `exit 1, not killed after 10 s: ${r.stderr}`);
  t.match(r.stderr, /unsafe_path: .*state\.json: it is not a regular file/, 'names it and says why');
});
