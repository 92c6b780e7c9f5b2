// The technician's side of a running agent: `aimlock status` (agent up and down), a hold that ends by itself,
// `aimlock release --force` against a DETACHED lock and against a live flock(1) holder, SIGHUP reloading keys
// and limits, and systemd readiness/watchdog notifications through NOTIFY_SOCKET.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { agentBoard, envelope, operator, type RunningAgent, startAgent } from './helpers/agent.js';
import { aimlock, configWith } from './helpers/board.js';
import { startMosquitto } from './helpers/mosquitto.js';
import { plantLiveOwner } from './helpers/owner.js';
import { exited, spawnFlock, spawnHolder, waitForLine } from './helpers/procs.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(ok: () => boolean, what: string, timeoutMs = 20000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(25);
  }
}

const logCount = (agent: RunningAgent, msg: RegExp) =>
  agent.logs.filter((l) => {
    try {
      return msg.test(String((JSON.parse(l) as { msg?: unknown }).msg));
    } catch {
      return false;
    }
  }).length;

/** `dig(doc, 'agent.applied.version')`: a value deep in parsed JSON output, or undefined. */
function dig(doc: unknown, path: string): unknown {
  let at = doc;
  for (const key of path.split('.')) {
    at = at !== null && typeof at === 'object' ? (at as Record<string, unknown>)[key] : undefined;
  }
  return at;
}

const out = (r: { stdout: string }, path: string) => dig(JSON.parse(r.stdout), path);

t.test('status with the agent running and stopped; a hold that ends by itself', async (t) => {
  const broker = await startMosquitto(t);
  const board = agentBoard(t.testdir(), broker.url);
  const agent = await startAgent(t, board);
  const op = await operator(t, broker.url);

  const first = envelope(board.op, { version: 1 });
  await op.publish(first);
  await op.result(String(first.id), 'applied');

  const up = await aimlock(board, ['status', '--json']);
  t.equal(up.code, 0, `running: exit 0 ${up.stderr}`);
  t.equal(out(up, 'agent.running'), true, 'agent running');
  t.equal(out(up, 'agent.state'), 'online');
  t.equal(out(up, 'agent.applied.version'), 1, 'the agent reports the applied version');
  t.equal(out(up, 'applied.version'), 1, 'state.json: applied version');
  t.equal(out(up, 'lock.verdict'), 'FREE', 'lock verdict');
  const text = await aimlock(board, ['status']);
  t.equal(text.code, 0);
  t.match(text.stdout, /agent\s+running \(online\)/);
  t.match(text.stdout, /applied\s+version 1 /);
  t.match(text.stdout, /lock\s+FREE/);

  // A hold with an end: the push is deferred (hold) and then lands by itself — no resume.
  const hold = await aimlock(board, ['hold', '--reason', 'x', '--for', '3s', '--json']);
  t.equal(hold.code, 0, hold.stderr);
  const until = Date.parse(String(out(hold, 'hold.until')));
  t.ok(await op.event('hold'), 'hold telemetry');
  const held = envelope(board.op, { version: 2, config: configWith((c) => (c.aim.sensitivity = 0.45)) });
  await op.publish(held);
  const deferred = await op.result(String(held.id), 'deferred');
  t.equal(deferred.code, 'hold', 'deferred while the hold lasts');
  t.equal(out(await aimlock(board, ['status', '--json']), 'agent.state'), 'hold', 'status: on hold');
  const landed = await op.result(String(held.id), 'applied', 30000);
  t.equal(landed.code, 'ok', 'the deferred push lands when the hold ends, without resume');
  t.ok(Date.now() >= until, 'not before the hold ended');
  t.ok(await op.event('resume'), 'resume telemetry when the hold ends');
  t.match(readFileSync(board.config, 'utf8'), /^sensitivity = 0\.45$/m);
  t.equal(out(await aimlock(board, ['status', '--json']), 'agent.state'), 'online', 'status: online again');

  t.equal(await agent.stop(), 0);
  const down = await aimlock(board, ['status', '--json']);
  t.equal(down.code, 4, 'stopped: exit 4');
  t.equal(out(down, 'agent.running'), false, 'agent not running');
  t.equal(out(down, 'applied.version'), 2, 'still prints the applied version from the files');
  t.equal(out(down, 'lock.verdict'), 'FREE', 'still prints the lock verdict');
  t.equal(out(down, 'hold'), null, 'the expired hold is not reported');
  const downText = await aimlock(board, ['status']);
  t.equal(downText.code, 4);
  t.match(downText.stdout, /NOT RUNNING/);
  t.match(downText.stdout, /applied\s+version 2 /);
});

t.test('release --force on a DETACHED lock with the agent running, then resume', async (t) => {
  const broker = await startMosquitto(t);
  const board = agentBoard(t.testdir(), broker.url, { lock: { auto_reclaim: 'never' } });
  plantLiveOwner(board.lockDir);
  const agent = await startAgent(t, board);
  const op = await operator(t, broker.url);
  t.equal(out(await aimlock(board, ['locks', '--json']), 'verdict'), 'DETACHED');

  const push = envelope(board.op, { version: 1 });
  await op.publish(push);
  const rejected = await op.result(String(push.id), 'rejected');
  t.equal(rejected.code, 'lock_mismatch', 'the agent leaves a DETACHED lock alone');
  t.equal((rejected.lock as { verdict: string }).verdict, 'DETACHED');

  const reason = 'owner wedged during update, ticket 4411';
  const r = await aimlock(board, ['release', '--force', '--reason', reason, '--json'], {
    env: { ...process.env, SUDO_USER: 'alice' },
  });
  t.equal(r.code, 0, r.stderr);
  t.equal(out(r, 'previous.verdict'), 'DETACHED');
  t.equal(readFileSync(join(board.lockDir, 'conf_locked'), 'utf8'), '0\n', 'bit cleared');

  const event = await op.event('lock_force_released');
  t.equal(event.reason, reason, 'telemetry: why');
  t.equal(dig(event, 'actor.sudo_user'), 'alice', 'telemetry: who');
  t.equal(dig(event, 'previous.owner.pid'), process.pid, 'telemetry: previous owner');

  const audit = readFileSync(board.audit, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  const entry = audit.find((e) => e.event === 'lock_force_released');
  t.ok(entry, 'audited');
  t.equal(dig(entry, 'reason'), reason, 'audit: why');
  t.equal(dig(entry, 'actor.sudo_user'), 'alice', 'audit: who');
  t.equal(typeof dig(entry, 'actor.uid'), 'number');
  t.ok(dig(entry, 'ts') ?? dig(entry, 'at'), 'audit: when');
  t.equal(dig(entry, 'previous.owner.pid'), process.pid, 'audit: previous owner');

  const status = await aimlock(board, ['status', '--json']);
  t.equal(status.code, 0);
  t.equal(out(status, 'agent.state'), 'hold', 'the agent is on hold');
  t.match(String(out(status, 'hold.reason')), /release --force/);
  const deferred = await op.result(String(push.id), 'deferred');
  t.equal(deferred.code, 'hold', 'the desired push now waits for the hold');
  t.notOk(
    op.results.some((x) => x.id === push.id && x.status === 'applied'),
    'nothing lands while on hold',
  );

  t.equal((await aimlock(board, ['resume'])).code, 0);
  t.equal((await op.result(String(push.id), 'applied')).code, 'ok', 'the deferred push lands after resume');
  t.ok(await op.event('resume'), 'resume telemetry');
  t.equal(out(await aimlock(board, ['status', '--json']), 'agent.state'), 'online', 'status: online again');
  t.equal(await agent.stop(), 0);
});

t.test('release --force while flock(1) holds the lock file: exit 3, names the holder', async (t) => {
  const broker = await startMosquitto(t);
  const board = agentBoard(t.testdir(), broker.url);
  await startAgent(t, board);
  const foreign = await spawnFlock(t, board.lockFile);
  const r = await aimlock(board, ['release', '--force', '--reason', 'try']);
  t.equal(r.code, 3, 'exit 3: kernel lock still held');
  t.match(r.stderr, /^aimlock: kernel_lock_held: /m);
  t.match(r.stderr, new RegExp(`pid ${foreign.pid}\\b`), 'names the holder pid');
  const audit = readFileSync(board.audit, 'utf8');
  t.match(audit, /"event":"lock_force_release_refused"/, 'the refused attempt is audited');
});

t.test('SIGHUP reloads trusted keys and limits', async (t) => {
  const broker = await startMosquitto(t);
  const board = agentBoard(t.testdir(), broker.url);
  const pub = join(board.dir, 'keys', 'ops-test.pub');
  const aside = join(board.dir, 'ops-test.pub.aside');
  renameSync(pub, aside); // the agent starts without the operator's key
  const agent = await startAgent(t, board);
  const op = await operator(t, broker.url);
  const loaded = /^trusted keys and limits loaded$/;
  t.equal(logCount(agent, loaded), 1);

  const before = envelope(board.op, { version: 1 });
  await op.publish(before);
  t.equal((await op.result(String(before.id), 'rejected')).code, 'unknown_key');

  renameSync(aside, pub);
  agent.child.kill('SIGHUP');
  await waitFor(() => logCount(agent, loaded) >= 2, 'the second "trusted keys and limits loaded"');
  const after = envelope(board.op, { version: 1 }); // the same push, a new id
  await op.publish(after);
  t.equal((await op.result(String(after.id), 'applied')).code, 'ok', 'applied once the key is trusted');

  const wide = envelope(board.op, { version: 2 }); // sensitivity 0.62
  board.writeJson('limits.json', { aim: { sensitivity: { max: 0.5 } } });
  agent.child.kill('SIGHUP');
  await waitFor(() => logCount(agent, loaded) >= 3, 'the third "trusted keys and limits loaded"');
  await op.publish(wide);
  const over = await op.result(String(wide.id), 'rejected');
  t.equal(over.code, 'limits_exceeded', 'the tightened limits apply after SIGHUP');
  t.equal((over.errors as Array<{ path: string }>)[0]?.path, '/config/aim/sensitivity');
  const within = envelope(board.op, { version: 2, config: configWith((c) => (c.aim.sensitivity = 0.5)) });
  await op.publish(within);
  t.equal((await op.result(String(within.id), 'applied')).code, 'ok', 'a push within the limits lands');
  t.equal(agent.child.exitCode, null, 'SIGHUP does not stop the agent');
  t.equal(await agent.stop(), 0);
});

/** A unix datagram socket served by python3 that prints every datagram it receives as a JSON string. */
async function notifySocket(t: {
  teardown(fn: () => void | Promise<void>): void;
}): Promise<{ path: string; datagrams: string[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'al-notify-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'notify.sock');
  const code = [
    'import json, socket, sys',
    's = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)',
    's.bind(sys.argv[1])',
    "print('listening', flush=True)",
    'while True:',
    "    print(json.dumps(s.recv(65536).decode('utf-8', 'replace')), flush=True)",
  ].join('\n');
  const child: ChildProcess = spawn('python3', ['-c', code, path], { stdio: ['ignore', 'pipe', 'pipe'] });
  t.teardown(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited(child);
    }
  });
  const datagrams: string[] = [];
  let partial = '';
  child.stdout!.on('data', (d) => {
    partial += d;
    const lines = partial.split('\n');
    partial = lines.pop() ?? '';
    for (const l of lines) if (l.startsWith('"')) datagrams.push(JSON.parse(l) as string);
  });
  await waitForLine(child, /^listening/);
  return { path, datagrams };
}

/**
 * Why systemd-notify(1) cannot be tested here, or null: it must be installed and must deliver to a plain
 * NOTIFY_SOCKET outside systemd (it is not PID 1 in a container, and systemd-notify could refuse).
 */
async function systemdNotifyProblem(): Promise<string | null> {
  try {
    execFileSync('sh', ['-c', 'command -v systemd-notify'], { stdio: 'pipe' });
  } catch {
    return 'systemd-notify(1) is not installed (the agent sends readiness through it)';
  }
  const cleanups: Array<() => void | Promise<void>> = [];
  try {
    const sock = await notifySocket({ teardown: (fn) => cleanups.push(fn) });
    execFileSync('systemd-notify', ['--status=probe'], {
      env: { ...process.env, NOTIFY_SOCKET: sock.path },
      stdio: 'pipe',
      timeout: 10000,
    });
    await waitFor(() => sock.datagrams.some((d) => /^STATUS=probe$/m.test(d)), 'the probe datagram', 10000);
    return null;
  } catch (err) {
    return `systemd-notify does not deliver to NOTIFY_SOCKET outside systemd: ${(err as Error).message}`;
  } finally {
    for (const fn of cleanups.reverse()) await fn();
  }
}

const notifyProblem = await systemdNotifyProblem();

t.test(
  'systemd notify: READY=1 and periodic WATCHDOG=1 through NOTIFY_SOCKET',
  { skip: notifyProblem ?? false },
  async (t) => {
    const sock = await notifySocket(t);
    const broker = await startMosquitto(t);
    const board = agentBoard(t.testdir(), broker.url);
    const agent = await startAgent(t, board, {
      env: { NOTIFY_SOCKET: sock.path, WATCHDOG_USEC: '1000000' },
    });
    await waitFor(() => sock.datagrams.some((d) => /^READY=1$/m.test(d)), 'READY=1');
    t.pass('READY=1 arrived');
    t.ok(
      sock.datagrams.some((d) => /^STATUS=applied nothing$/m.test(d)),
      'a STATUS line came with it',
    );
    const watchdogs = () => sock.datagrams.filter((d) => /^WATCHDOG=1$/m.test(d)).length;
    await waitFor(() => watchdogs() >= 3, 'three WATCHDOG=1 pings', 30000);
    const seen = watchdogs();
    await waitFor(() => watchdogs() > seen, 'yet another WATCHDOG=1 ping', 30000);
    t.pass(`WATCHDOG=1 keeps arriving (${watchdogs()} so far, every WATCHDOG_USEC/2)`);
    const ready = sock.datagrams.findIndex((d) => /^READY=1$/m.test(d));
    const firstPing = sock.datagrams.findIndex((d) => /^WATCHDOG=1$/m.test(d));
    t.ok(ready < firstPing, 'READY=1 before the first WATCHDOG=1');

    t.equal(await agent.stop(), 0);
    t.ok(
      sock.datagrams.some((d) => /^STOPPING=1$/m.test(d)),
      'STOPPING=1 on SIGTERM',
    );
  },
);

t.test(
  'with auto_reclaim never: the collector still reports the ghost; aimlock reclaim is published',
  async (t) => {
    const broker = await startMosquitto(t);
    const board = agentBoard(t.testdir(), broker.url, {
      lock: { auto_reclaim: 'never', gc_interval_ms: 200 },
    });
    const agent = await startAgent(t, board);
    const op = await operator(t, broker.url);
    // A ghost made after the agent started: a holder killed with SIGKILL.
    const holder = await spawnHolder(t, board, 'doomed writer');
    await holder.kill9();
    const mismatch = await op.event('lock_mismatch');
    t.match(mismatch, { verdict: 'STALE', state: 'HOT' }, 'reported by the collector, not reclaimed');
    t.equal(logCount(agent, /^ghost lock reclaimed/), 0, 'the agent leaves it to a technician');

    const r = await aimlock(board, ['reclaim', '--reason', 'ghost after crash', '--json']);
    t.equal(r.code, 0, r.stderr);
    t.equal(out(r, 'agent_told'), true);
    const published = await op.event('lock_reclaimed');
    t.match(
      published,
      { reason: 'ghost after crash', previous: { verdict: 'STALE' }, actor: { user: userInfo().username } },
      'lock_reclaimed telemetry, with who and why',
    );
    t.match(await op.retainedStatus(), { lock: { verdict: 'FREE' } }, 'and the status shows the lock free');
  },
);

t.test('a reclaim while the agent is down is published when it next starts', async (t) => {
  const broker = await startMosquitto(t);
  const board = agentBoard(t.testdir(), broker.url);
  const holder = await spawnHolder(t, board, 'doomed writer');
  await holder.kill9();
  const r = await aimlock(board, ['reclaim', '--reason', 'ghost found on the bench', '--json']);
  t.equal(r.code, 0, r.stderr);
  t.equal(out(r, 'agent_told'), false, 'no agent to tell');
  const left = join(board.stateDir, 'deferred-events');
  t.equal(readdirSync(left).length, 1, 'the event waits for the agent');

  const op = await operator(t, broker.url);
  await startAgent(t, board);
  t.match(
    await op.event('lock_reclaimed'),
    { reason: 'ghost found on the bench', previous: { verdict: 'STALE' }, occurred_at: String },
    'published at start, with when it happened',
  );
  t.same(readdirSync(left), [], 'and removed');
});
