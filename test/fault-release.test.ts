// A lock that cannot be given back after the push committed, caused for real: the apply hook (which runs under
// the lock, after the config's rename) makes the lock bit immutable (`chattr +i`), so the release fails with
// EPERM — as a hardening script, a technician or a failing disk would make it fail. The push is durable by then:
// the answer must stay `applied` (not "apply failed, the old config is still live"), the kernel locks must go
// anyway, the lock left behind must be reported, the agent must stay up — also through a restart whose boot
// reclaim fails the same way — and once the cause is gone the next push must land. The folder of the intents
// pinned the same way costs only the intents: landings and releases go on without them. Audit lines that
// cannot be written never turn a reclaim, a hold, the bypass or a resume into a reported failure, and an undone
// landing says its line is missing.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { parseConf } from '../src/store/conf.js';
import { agentBoard, operator, pushVersion, startAgent } from './helpers/agent.js';
import { aimlock, configWith } from './helpers/board.js';
import { startMosquitto } from './helpers/mosquitto.js';
import { spawnHolder } from './helpers/procs.js';

/**
 * A board directory whose files a test may make immutable, outside tap's fixtures (tap removes those before
 * our teardown could lift the flag); null, with the reason said, where chattr +i does not work (not root, a file
 * system without inode flags) — except in CI, where that fails the test.
 */
function pinnableDir(t: Test): string | null {
  const dir = mkdtempSync(join(tmpdir(), 'aimlock-release-'));
  t.teardown(() => {
    spawnSync('chattr', ['-R', '-i', dir]);
    rmSync(dir, { recursive: true, force: true });
  });
  const probe = join(dir, 'chattr-probe');
  writeFileSync(probe, '');
  const on = spawnSync('chattr', ['+i', probe], { encoding: 'utf8' });
  spawnSync('chattr', ['-i', probe]);
  if (on.status === 0) return dir;
  const why = `chattr +i failed: ${(on.stderr || String(on.error)).trim()}`;
  if (process.env.CI) t.fail(`CI must run this fault, but: ${why}`);
  else t.comment(`skipped: ${why}`);
  return null;
}

/**
 * A board whose apply hook makes `path` immutable once `pin()` was called (the hook runs under the lock, after
 * the config's rename); `unpin()` lifts both. `fail`: the hook then also fails — once, not again when it runs
 * after the restore — so the landing is undone.
 */
function pinningBoard(dir: string, brokerUrl: string, path: string, opts: { fail?: boolean } = {}) {
  const flag = join(dir, 'pin-it');
  const then = opts.fail
    ? `if [ -e ${flag} ] && [ -z "$AIMLOCK_RESTORED" ]; then chattr +i ${path}; echo reload refused >&2; exit 1; fi`
    : `if [ -e ${flag} ]; then chattr +i ${path}; fi`;
  const board = agentBoard(dir, brokerUrl, { apply_hook: { command: ['sh', '-c', then], timeout_ms: 5000 } });
  return {
    board,
    pin: () => writeFileSync(flag, ''),
    unpin: () => {
      rmSync(flag);
      execFileSync('chattr', ['-i', path]);
    },
  };
}

/**
 * A running agent on a pinningBoard whose pinned file is `at(dir)`, version 1 already landed; null where
 * chattr cannot pin (pinnableDir said why).
 */
async function pinnedAgent(t: Test, at: (dir: string) => string, opts: { fail?: boolean } = {}) {
  const dir = pinnableDir(t);
  if (dir === null) return null;
  const broker = await startMosquitto(t);
  const pinning = pinningBoard(dir, broker.url, at(dir), opts);
  const agent = await startAgent(t, pinning.board);
  const op = await operator(t, broker.url);
  t.equal((await pushVersion(op, pinning.board, 1)).r.code, 'ok');
  return { dir, ...pinning, agent, op };
}

t.test('the bit pinned at release: still applied (true), the lock reported, the agent lives', async (t) => {
  const bitIn = (dir: string) => join(dir, 'var', 'locks', 'aim_lock_config', 'conf_locked');
  const pinned = await pinnedAgent(t, bitIn);
  if (pinned === null) return;
  const { dir, board, pin, unpin, op } = pinned;
  const bit = bitIn(dir);
  let agent = pinned.agent;

  pin();
  const { r } = await pushVersion(op, board, 2);
  t.equal(r.status, 'applied', String(r.detail));
  t.equal(r.code, 'ok');
  t.match(String(r.detail), /lock .*could not be released.*EPERM/);
  t.equal(parseConf(readFileSync(board.config, 'utf8')).meta?.version, 2, 'version 2 is live');
  const state = JSON.parse(readFileSync(join(board.stateDir, 'state.json'), 'utf8'));
  t.equal(state.applied.version, 2, 'and recorded');
  t.equal(readFileSync(bit, 'utf8').trim(), '1', 'the bit is still up');
  const locks = JSON.parse((await aimlock(board, ['locks', '--json'])).stdout);
  t.same(locks.kernel_holders, [], 'no kernel lock kept');
  const mismatch = await op.event('lock_mismatch');
  t.equal(mismatch.lock_bit, 1, 'the lock left behind is reported');
  t.equal(agent.child.exitCode, null, 'the agent is still running');

  // A restart (systemd's, after a crash or a reboot): the owner is gone now, the boot reclaim tries.
  t.equal(await agent.stop(), 0);
  agent = await startAgent(t, board);
  await agent.waitLog(/could not reclaim the ghost lock .* at start: EPERM/);
  t.equal(readFileSync(bit, 'utf8').trim(), '1', 'the ghost is still there, and the agent runs');
  // The collector (every 500 ms here) tries too: said once, then reported as a mismatch, not thrown per tick.
  await agent.waitLog(/lock collector could not reclaim a ghost: EPERM/);
  await new Promise((r) => setTimeout(r, 1500));
  t.equal(agent.logs.filter((l) => l.includes('lock collector could not reclaim')).length, 1, 'said once');
  t.ok(
    op.telemetry.some((e) => e.event === 'lock_mismatch' && e.verdict === 'STALE'),
    'the ghost it cannot clear is reported as a lock mismatch',
  );

  // The cause gone, the next push lands (reclaiming the ghost on its way, where one is left).
  unpin();
  t.equal((await pushVersion(op, board, 3)).r.code, 'ok', 'the next push lands');
  t.equal(readFileSync(bit, 'utf8').trim(), '0');

  // A technician's apply that hits the same fault is told on its terminal, not only in the agent's log.
  pin();
  const local = join(dir, 'hotfix.json');
  writeFileSync(local, JSON.stringify(configWith((c) => (c.aim.sensitivity = 0.5))));
  const applied = await aimlock(board, ['apply', local, '--reason', 'hotfix']);
  t.equal(applied.code, 0, applied.stderr);
  t.match(applied.stderr, /warning: the lock could not be released afterwards \(EPERM/);
});

t.test('the intents folder pinned: landings and their releases go on without intents', async (t) => {
  const pinned = await pinnedAgent(t, (dir) => join(dir, 'var', 'locks', 'aim_lock_config', 'intents'));
  if (pinned === null) return;
  const { dir, board, op } = pinned;
  // Pinned now, not by the hook: the agent keeps its intent file between transitions (intent-file.ts), and an
  // immutable folder still lets a file in it be written. So the file goes first, and with the folder pinned
  // before the next landing, every mark has to create it — and cannot.
  const intents = join(dir, 'var', 'locks', 'aim_lock_config', 'intents');
  for (const name of readdirSync(intents)) rmSync(join(intents, name));
  execFileSync('chattr', ['+i', intents]);
  t.teardown(() => spawnSync('chattr', ['-i', intents]));
  const { r } = await pushVersion(op, board, 2);
  t.equal(r.code, 'ok', String(r.detail));
  t.notMatch(String(r.detail), /could not be released/);
  t.equal((await pushVersion(op, board, 3)).r.code, 'ok', 'and the next, with the folder still pinned');
  t.same(readdirSync(intents), [], 'no intent could be written');
  const locks = JSON.parse((await aimlock(board, ['locks', '--json'])).stdout);
  t.equal(locks.verdict, 'FREE', 'released whole');
  t.same(locks.kernel_holders, []);
});

t.test(
  'state.json pinned: its staged record cannot be renamed — rolled_back (true), no entry or temp left',
  async (t) => {
    const pinned = await pinnedAgent(t, (dir) => join(dir, 'var', 'state.json'));
    if (pinned === null) return;
    const { dir, board, pin, unpin, agent, op } = pinned;
    const state = join(dir, 'var', 'state.json');
    const before = readFileSync(board.config);

    pin();
    const { r } = await pushVersion(op, board, 2);
    t.equal(r.code, 'rolled_back', String(r.detail));
    t.match(String(r.detail), /version 2 could not be recorded \(EPERM/);
    t.same(readFileSync(board.config), before, 'version 1 is live again, byte for byte');
    t.equal(JSON.parse(readFileSync(state, 'utf8')).applied.version, 1, 'state.json still says version 1');
    t.same(
      readdirSync(join(dir, 'var', 'history')).filter((n) => n.startsWith('000000002')),
      [],
      'no entry of v2',
    );
    t.same(
      readdirSync(join(dir, 'var')).filter((n) => n.includes('.tmp-')),
      [],
      'no staged record left behind',
    );
    t.equal(agent.child.exitCode, null, 'the agent is still running');

    unpin();
    t.equal((await pushVersion(op, board, 3)).r.code, 'ok', 'the cause gone, the next push lands');
  },
);

t.test(
  'a reclaim, a hold, the bypass and a resume whose audit line cannot be written are done, and say the line is missing',
  async (t) => {
    const dir = pinnableDir(t);
    if (dir === null) return;
    const board = agentBoard(dir, 'mqtt://127.0.0.1:1');
    const holder = await spawnHolder(t, board, 'apply push 7f3c v42');
    await holder.kill9();
    t.equal(JSON.parse((await aimlock(board, ['locks', '--json'])).stdout).verdict, 'STALE');
    writeFileSync(board.audit, '', { flag: 'a' });
    execFileSync('chattr', ['+i', board.audit]);

    const r = await aimlock(board, ['reclaim', '--reason', 'audit log pinned']);
    t.equal(r.code, 0, r.stderr);
    t.match(r.stdout, /reclaimed ghost lock .*its audit line could not be written \(EPERM/);
    t.equal(JSON.parse((await aimlock(board, ['locks', '--json'])).stdout).verdict, 'FREE', 'cleared');

    // Its siblings: a hold, the bypass (which places a hold) and a resume are done, and say the line is missing.
    const held = await aimlock(board, ['hold', '--reason', 'audit pinned']);
    t.equal(held.code, 0, held.stderr);
    t.match(
      held.stdout,
      /hold on until aimlock resume: audit pinned; its audit line could not be written \(EPERM/,
    );
    const released = await aimlock(board, ['release', '--force', '--reason', 'audit pinned']);
    t.equal(released.code, 0, released.stderr);
    t.match(
      released.stdout,
      /force-released .*its audit line could not be written \(EPERM.*hold's audit line/s,
    );
    const resumed = await aimlock(board, ['resume']);
    t.equal(resumed.code, 0, resumed.stderr);
    t.match(resumed.stdout, /hold ended: pushes apply again; its audit line could not be written \(EPERM/);
  },
);

t.test(
  'a landing undone whose audit line cannot be written is rolled_back (true), and says the line is missing',
  async (t) => {
    const pinned = await pinnedAgent(t, (dir) => join(dir, 'var', 'audit.jsonl'), { fail: true });
    if (pinned === null) return;
    const { board, pin, unpin, agent, op } = pinned;
    const before = readFileSync(board.config);

    pin();
    const { r } = await pushVersion(op, board, 2);
    t.equal(r.code, 'rolled_back', String(r.detail));
    t.match(String(r.detail), /reload refused.*; its audit line could not be written \(EPERM/s);
    t.same(readFileSync(board.config), before, 'version 1 is live again, byte for byte');
    t.equal(agent.child.exitCode, null, 'the agent is still running');

    unpin();
    t.equal((await pushVersion(op, board, 3)).r.code, 'ok', 'the cause gone, the next push lands');
  },
);
