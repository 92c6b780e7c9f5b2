// The apply hook as a source of faults, with real child processes: a hook that hangs while a grandchild keeps
// its stderr open, a hook that backgrounds work and exits 0, a hook killed by a signal, a hook that fails
// (the previous config is restored and the controller told by a second run), and the lease ceiling that
// keeps a stuck holder from looking healthy for ever.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { runHook } from '../src/accept/hook.js';
import { openBoard } from '../src/board/open.js';
import { loadSettings } from '../src/settings/load.js';
import { agentBoard, envelope, operator, pushVersion, startAgent } from './helpers/agent.js';
import { aimlock, configWith, makeBoard } from './helpers/board.js';
import { startMosquitto } from './helpers/mosquitto.js';
import { until } from './helpers/until.js';

/** A pid that no longer runs: absent, or a zombie nobody reaped yet. */
function gone(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true;
  }
}

function within<T>(ms: number, p: Promise<T>, what: string): Promise<T> {
  return Promise.race([
    p,
    new Promise<T>((_, reject) =>
      setTimeout(() => reject(new Error(`${what}: still pending after ${ms} ms`)), ms).unref(),
    ),
  ]);
}

/** Kills a leftover pid at the end of the test, whatever happened. */
function reap(t: Test, pidFile: string): void {
  t.teardown(() => {
    try {
      process.kill(Number(readFileSync(pidFile, 'utf8')), 'SIGKILL');
    } catch {}
  });
}

t.test(
  'a hanging hook whose grandchild holds stderr: timed out, the whole group killed, settled in time',
  async (t) => {
    const pidFile = join(t.testdir(), 'grandchild.pid');
    reap(t, pidFile);
    const started = Date.now();
    const out = await within(
      8000,
      runHook(['sh', '-c', `sleep 300 & echo $! > ${pidFile}; exec sleep 300`], 500, {}),
      'runHook',
    );
    t.equal(out.ok, false);
    t.match(out.detail, /timed out after 500 ms/);
    t.ok(Date.now() - started < 500 + 2500, `settled ${Date.now() - started} ms after the start`);
    const grandchild = Number(readFileSync(pidFile, 'utf8'));
    await until('the grandchild dies with its group', () => gone(grandchild), 10_000);
    t.pass('the grandchild that held stderr is dead too');
  },
);

t.test(
  'a hook that backgrounds work and exits 0 succeeds at its exit, not when its stderr closes',
  async (t) => {
    const pidFile = join(t.testdir(), 'bg.pid');
    reap(t, pidFile);
    const started = Date.now();
    const out = await within(
      8000,
      runHook(['sh', '-c', `sleep 5 & echo $! > ${pidFile}; exit 0`], 2000, {}),
      'runHook',
    );
    t.equal(out.ok, true, out.detail);
    t.ok(Date.now() - started < 1500, `decided ${Date.now() - started} ms after the start`);
  },
);

t.test('a hook killed by a signal is a failure that says so', async (t) => {
  const out = await runHook(['sh', '-c', 'echo dying >&2; kill -9 $$'], 5000, {});
  t.equal(out.ok, false);
  t.match(out.detail, /SIGKILL/);
});

/** A hook whose one argument is past the kernel's limit for a single string (MAX_ARG_STRLEN, 128 KiB): E2BIG. */
const UNSTARTABLE = ['sh', '-c', `: ${'x'.repeat(140_000)}`];

t.test('a hook that cannot even be started (E2BIG) is a failure that says so', async (t) => {
  const out = await runHook(UNSTARTABLE, 5000, {});
  t.equal(out.ok, false);
  t.match(out.detail, /could not start.*E2BIG/);
});

t.test(
  'agent: a hook that cannot be started after the rename — rolled_back (true), the previous config restored, the agent lives',
  async (t) => {
    const broker = await startMosquitto(t);
    const board = agentBoard(t.testdir(), broker.url);
    let agent = await startAgent(t, board);
    const op = await operator(t, broker.url);
    t.equal((await pushVersion(op, board, 1)).r.code, 'ok');
    const before = readFileSync(board.config);
    t.equal(await agent.stop(), 0);
    const settings = JSON.parse(readFileSync(board.settingsFile, 'utf8'));
    settings.apply_hook = { command: UNSTARTABLE, timeout_ms: 5000 };
    writeFileSync(board.settingsFile, JSON.stringify(settings));
    agent = await startAgent(t, board);

    const { r } = await pushVersion(op, board, 2);
    t.equal(r.code, 'rolled_back', String(r.detail));
    t.match(String(r.detail), /could not start.*E2BIG/);
    t.same(readFileSync(board.config), before, 'version 1, byte for byte');
    t.equal(agent.child.exitCode, null, 'the agent is still running');
    const locks = JSON.parse((await aimlock(board, ['locks', '--json'])).stdout) as { verdict: string };
    t.equal(locks.verdict, 'FREE');
  },
);

t.test(
  'agent: a hook that hangs (grandchild on stderr) is killed at its timeout; the previous config is restored, the controller told, the lock freed',
  async (t) => {
    const broker = await startMosquitto(t);
    const dir = t.testdir();
    const hookLog = join(dir, 'hook.log');
    const hang = join(dir, 'hang');
    const pidFile = join(dir, 'grandchild.pid');
    reap(t, pidFile);
    const hook = [
      `echo "$AIMLOCK_VERSION \${AIMLOCK_RESTORED:-0}" >> ${hookLog}`,
      `if [ -e ${hang} ] && [ -z "$AIMLOCK_RESTORED" ]; then sleep 300 & echo $! > ${pidFile}; exec sleep 300; fi`,
    ].join('; ');
    const board = agentBoard(dir, broker.url, {
      lock: { wait_ms: 300, heartbeat_ttl_ms: 5000 },
      apply_hook: { command: ['sh', '-c', hook], timeout_ms: 800 },
    });
    await startAgent(t, board);
    const op = await operator(t, broker.url);
    const v1 = envelope(board.op, { version: 1 });
    await op.publish(v1, { retain: true });
    t.equal((await op.result(String(v1.id), 'applied')).code, 'ok');
    const before = readFileSync(board.config);

    writeFileSync(hang, '');
    const v2 = envelope(board.op, { version: 2, config: configWith((c) => (c.aim.sensitivity = 0.4)) });
    await op.publish(v2);
    const r = await op.result(String(v2.id), 'rejected', 10_000);
    t.equal(r.code, 'rolled_back', String(r.detail));
    t.match(String(r.detail), /timed out after 800 ms/);
    t.match(String(r.detail), /previous config was restored and the controller reloaded/);
    t.same(readFileSync(board.config), before, 'version 1, byte for byte');
    t.same(
      readFileSync(hookLog, 'utf8').trim().split('\n'),
      ['1 0', '2 0', '1 1'],
      'the hook ran again for version 1',
    );
    await until('the grandchild dies', () => gone(Number(readFileSync(pidFile, 'utf8'))), 10_000);
    const locks = JSON.parse((await aimlock(board, ['locks', '--json'])).stdout) as { verdict: string };
    t.equal(locks.verdict, 'FREE', 'the lock is not held by the dead hook');
    t.ok(await op.event('apply_hook_failed'));

    rmSync(hang);
    const v3 = envelope(board.op, { version: 3 });
    await op.publish(v3);
    t.equal((await op.result(String(v3.id), /applied|rejected/)).code, 'ok', 'the next push lands');
  },
);

t.test('agent: a second hook failure after the restore is reported, never hidden', async (t) => {
  const broker = await startMosquitto(t);
  const dir = t.testdir();
  const fail = join(dir, 'fail');
  const board = agentBoard(dir, broker.url, {
    apply_hook: {
      command: ['sh', '-c', `if [ -e ${fail} ]; then echo "controller down" >&2; exit 4; fi`],
      timeout_ms: 5000,
    },
  });
  await startAgent(t, board);
  const op = await operator(t, broker.url);
  const v1 = envelope(board.op, { version: 1 });
  await op.publish(v1, { retain: true });
  t.equal((await op.result(String(v1.id), 'applied')).code, 'ok');
  writeFileSync(fail, '');
  const v2 = envelope(board.op, { version: 2, config: configWith((c) => (c.aim.sensitivity = 0.4)) });
  await op.publish(v2);
  const r = await op.result(String(v2.id), 'rejected');
  t.equal(r.code, 'rolled_back');
  t.match(String(r.detail), /running the hook again failed too/);
  t.match(String(r.detail), /controller may still run the new config/);
  const event = await op.event('apply_hook_failed');
  t.match(String(event.detail), /reload after restore: .*exit 4.*controller down/);
});

t.test('lease ceiling: past it the heartbeat stops and observers see HUNG, not a healthy HELD', async (t) => {
  const board = makeBoard(t.testdir(), { lock: { heartbeat_ms: 50, heartbeat_ttl_ms: 400 } });
  const lib = openBoard(loadSettings(board.settingsFile), 'aimlock');
  const lease = await lib.locksmith.acquire({
    waitMs: 0,
    purpose: 'stuck apply',
    reclaimStale: false,
    actor: lib.actor,
    maxHoldMs: 300,
  });
  t.teardown(() => lease.release());
  t.equal((await lib.locksmith.observe()).verdict, 'HELD', 'HELD while within its ceiling');
  await until('HUNG after the ceiling', async () => (await lib.locksmith.observe()).verdict === 'HUNG', 5000);
  t.pass('HUNG once the ceiling passed');
});
