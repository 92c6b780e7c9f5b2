// Both halves of CONTRACT §9 joined: the operator CLI (`aimlock hold|resume|locks|reclaim|release --force`)
// against two real agents (compiled aimlockd) on a real Mosquitto, as an operator at a desk meets them. Real
// locks: a ghost left by a SIGKILLed aimlock holder, a live flock(1) holder. Exit statuses of §9: 0 every
// device acknowledged, 1 some refused, 3 a lock refusal of reclaim/release. A hold during a slow landing is
// shown as landing, then held.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { readHold } from '../src/board/hold.js';
import { boardPaths } from '../src/settings/board.js';
import { loadSettings } from '../src/settings/load.js';
import { generateKeyPair } from '../src/sign/index.js';
import { agentBoard, envelope, operator, startAgent } from './helpers/agent.js';
import { aimlock, CLI, plainNode, type TestBoard } from './helpers/board.js';
import { commander } from './helpers/command.js';
import { startMosquitto } from './helpers/mosquitto.js';
import { exited, spawnFlock, spawnHolder } from './helpers/procs.js';

const EVERY_CAP = 'push\nhold\nresume\nlocks\nreclaim\nrelease_force\nstatus\n';

t.test('operator CLI against two real agents', async (t) => {
  const broker = await startMosquitto(t);
  const dir = t.testdir();
  const desk = join(dir, 'desk');
  const ops = generateKeyPair();
  const weak = generateKeyPair();
  const keyFile = join(dir, 'ops-e2e.key');
  const weakFile = join(dir, 'ops-weak.key');
  writeFileSync(keyFile, ops.privatePem);
  writeFileSync(weakFile, weak.privatePem);
  const gate = join(dir, 'landing-may-end');
  const hookStarted = join(dir, 'hook-started');
  const hookFinished = join(dir, 'hook-finished');

  // The ghost collector must not beat the operator to the ghost: only the boot reclaim is automatic here.
  const lock = { gc_interval_ms: 86_400_000, auto_reclaim: 'boot' };
  const boards: Record<string, ReturnType<typeof agentBoard>> = {};
  for (const device of ['drone-a', 'drone-b']) {
    const b = agentBoard(join(dir, device), broker.url, {
      device,
      lock,
      // drone-b's landing ends when the test says so (an event, not a sleep): the hold meets it mid-landing.
      ...(device === 'drone-b'
        ? {
            apply_hook: {
              command: [
                'sh',
                '-c',
                `touch ${hookStarted}; while [ ! -e ${gate} ]; do sleep 0.05; done; touch ${hookFinished}`,
              ],
              timeout_ms: 120_000,
            },
          }
        : {}),
    });
    writeFileSync(join(b.dir, 'keys', 'ops-e2e.pub'), ops.publicPem);
    writeFileSync(join(b.dir, 'keys', 'ops-e2e.caps'), EVERY_CAP);
    writeFileSync(join(b.dir, 'keys', 'ops-weak.pub'), weak.publicPem);
    writeFileSync(join(b.dir, 'keys', 'ops-weak.caps'), 'push\nresume\nlocks\n');
    boards[device] = b;
  }
  const a = boards['drone-a']!;
  const b = boards['drone-b']!;
  for (const board of [a, b]) {
    await startAgent(t, board);
  }
  // Commands are not retained: both agents must be subscribed before the first one goes out.
  for (const device of ['drone-a', 'drone-b']) await (await commander(t, broker.url, device)).ready();

  const record = join(desk, 'commands.jsonl');
  const common = ['--fleet', 'alpha', '--broker', broker.url, '--record', record, '--timeout', '60s'];
  const cli = (args: string[], key = keyFile) => aimlock(null, [...args, ...common, '--key', key]);
  const paths = (board: TestBoard) => boardPaths(loadSettings(board.settingsFile));

  t.test('hold --devices a,b then resume: both really held, then both free', async (t) => {
    const r = await cli(['hold', '--devices', 'drone-a,drone-b', '--reason', 'e2e hold', '--for', '90s']);
    t.equal(r.code, 0, r.stderr);
    t.match(r.stdout, /^hold: 2\/2 held \(last answer after [\d.]+ s\)\n$/);
    for (const board of [a, b]) {
      const h = await readHold(paths(board).hold);
      t.equal(h?.reason, 'e2e hold', `${board.dir}: on hold`);
    }
    const resumed = await cli(['resume', '--devices', 'drone-a,drone-b', '--json']);
    t.equal(resumed.code, 0, resumed.stderr);
    t.match(JSON.parse(resumed.stdout), { action: 'resume', devices: 2, acknowledged: 2, refused: [] });
    for (const board of [a, b]) t.equal(await readHold(paths(board).hold), null, 'hold lifted');
  });

  t.test('a key whose .caps lacks hold: exit 1 naming capability_missing, nothing held', async (t) => {
    const r = await cli(['hold', '--devices', 'drone-a,drone-b', '--reason', 'no right'], weakFile);
    t.equal(r.code, 1, r.stderr);
    t.match(r.stderr, /refused by drone-a: capability_missing/);
    t.match(r.stderr, /drone-b: capability_missing/);
    for (const board of [a, b]) t.equal(await readHold(paths(board).hold), null, 'nothing was held');
    // The same key may do what its .caps names.
    const locks = await cli(['locks', '--device', 'drone-a', '--json'], weakFile);
    t.equal(locks.code, 0, locks.stderr);
  });

  t.test('reclaim --device on a ghost left by a SIGKILLed holder', async (t) => {
    const holder = await spawnHolder(t, a, 'killed mid-write');
    await holder.kill9();
    const seen = await cli(['locks', '--device', 'drone-a', '--json']);
    t.equal(seen.code, 3, `a ghost is a mismatch: ${seen.stderr}`);
    t.match(JSON.parse(seen.stdout), { device: 'drone-a', verdict: 'STALE' });
    const r = await cli(['reclaim', '--device', 'drone-a']);
    t.equal(r.code, 0, r.stderr);
    t.match(r.stdout, /^reclaimed: ghost lock on drone-a/);
    t.match(readFileSync(paths(a).audit, 'utf8'), /"event":"lock_reclaimed"/, 'the board audited it');
    const after = await cli(['locks', '--device', 'drone-a', '--json']);
    t.equal(after.code, 0, after.stderr);
    t.match(JSON.parse(after.stdout), { verdict: 'FREE', kernel_holders: [] });
    const again = await cli(['reclaim', '--device', 'drone-a']);
    t.equal(again.code, 3, 'nothing stale left: a lock refusal');
    t.match(again.stderr, /not_stale/);
  });

  t.test(
    'release --force --device: exit 3 while a flock(1) holder lives, done once it is gone',
    async (t) => {
      const flock = await spawnFlock(t, b.lockFile);
      const locks = await cli(['locks', '--device', 'drone-b']);
      t.equal(locks.code, 3, locks.stderr);
      t.match(locks.stdout, /FLOCK +WRITE +\d+ +(sh|sleep)/, 'the flock(1) holder in the table');
      const force = [
        'release',
        '--force',
        '--reason',
        'e2e ticket',
        '--hold-for',
        '5m',
        '--device',
        'drone-b',
      ];
      const refused = await cli(force);
      t.equal(refused.code, 3, refused.stderr);
      t.match(refused.stderr, /kernel_lock_held: drone-b refused release_force: kernel_lock_held/);
      flock.kill('SIGKILL');
      await exited(flock);
      const ok = await cli(force);
      t.equal(ok.code, 0, ok.stderr);
      t.not(await readHold(paths(b).hold), null, 'the bypass leaves the agent on hold (--hold-for)');
      const resumed = await cli(['resume', '--devices', 'drone-b']);
      t.equal(resumed.code, 0, resumed.stderr);
    },
  );

  t.test('hold during a landing: the CLI shows drone-b landing, then held', async (t) => {
    const op = await operator(t, broker.url, 'drone-b');
    const push = envelope(b.op, { device: 'drone-b', version: 1 });
    await op.publish(push);
    await waitUntilFile(hookStarted, 60_000);
    const args = ['hold', '--devices', 'drone-a,drone-b', '--reason', 'mid-landing', ...common];
    const child = spawn(...plainNode([CLI, ...args, '--key', keyFile]), {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    t.teardown(() => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });
    let out = '';
    let err = '';
    child.stdout!.on('data', (d) => {
      out += d;
    });
    child.stderr!.on('data', (d) => {
      err += d;
    });
    // Not a terminal: the CLI logs each answer on stderr as it comes (the terminal form redraws one line).
    await waitFor(
      () => /^drone-b: accepted\/landing_in_progress/m.test(err),
      60_000,
      `landing shown:\n${err}`,
    );
    t.notOk(existsSync(hookFinished), 'the CLI showed drone-b landing while the landing was under way');
    t.equal(child.exitCode, null, 'and it is still waiting for drone-b');
    writeFileSync(gate, '');
    await exited(child);
    t.equal(child.exitCode, 0, err);
    const lines = err.split('\n');
    const landing = lines.findIndex((l) => l.startsWith('drone-b: accepted/landing_in_progress'));
    const held = lines.findIndex((l) => l.startsWith('drone-b: done/ok'));
    t.ok(landing >= 0 && held > landing, `drone-b: landing first, held after it:\n${err}`);
    t.match(out, /^hold: 2\/2 held/);
    t.ok(existsSync(hookFinished), 'held only after the landing ended');
    t.equal((await op.result(String(push.id), 'applied', 60_000)).status, 'applied');
    t.equal((await readHold(paths(b).hold))?.reason, 'mid-landing');
    const resumed = await cli(['resume', '--devices', 'drone-a,drone-b']);
    t.equal(resumed.code, 0, resumed.stderr);
  });
});

/** Resolves once `ok()` holds, re-checking on a short tick; the only bound is the overall timeout. */
async function waitFor(ok: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const waitUntilFile = (file: string, timeoutMs: number) =>
  waitFor(() => existsSync(file), timeoutMs, `${file} to appear`);
