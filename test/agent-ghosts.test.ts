// The ghost story end to end, with a real broker and the agent as a real process: a lock bit left set by a
// SIGKILLed owner is reclaimed on boot (audited, lock_reclaimed telemetry) and a push then lands; an agent
// killed mid-apply leaves a whole config and a ghost that the restarted agent reclaims before the desired push
// lands.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { parseConf } from '../src/store/conf.js';
import { agentBoard, envelope, operator, startAgent } from './helpers/agent.js';
import { aimlock, configWith, plainNode, ROOT } from './helpers/board.js';
import { startMosquitto } from './helpers/mosquitto.js';
import { spawnHolder } from './helpers/procs.js';

const auditEvents = (path: string) =>
  readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

t.test('boot reclaim: a ghost from a kill -9ed owner is cleared at start, then a push lands', async (t) => {
  const broker = await startMosquitto(t);
  const board = agentBoard(t.testdir(), broker.url);
  const holder = await spawnHolder(t, board, 'apply push 7f3c v42');
  await holder.kill9();
  const before = await aimlock(board, ['locks', '--json']);
  t.equal(JSON.parse(before.stdout).verdict, 'STALE', 'a ghost before the agent starts');

  const op = await operator(t, broker.url);
  const agent = await startAgent(t, board);
  const reclaimed = await op.event('lock_reclaimed');
  t.equal(
    (reclaimed.previous as { owner: { pid: number } }).owner.pid,
    holder.pid,
    'telemetry names the dead owner',
  );
  await agent.waitLog(/^ghost lock reclaimed$/);
  const audit = auditEvents(board.audit).find((e) => e.event === 'lock_reclaimed');
  t.match(audit?.reason, /boot reclaim/);

  const push = envelope(board.op, { version: 1 });
  await op.publish(push);
  const r = await op.result(String(push.id), 'applied');
  t.equal(
    (r.lock as { generation: number }).generation,
    holder.generation + 1,
    'fencing token moved past the ghost',
  );
});

t.test(
  'kill -9 of the agent mid-apply: config whole, ghost reclaimed on restart, desired push lands',
  async (t) => {
    const broker = await startMosquitto(t);
    const dir = t.testdir();
    // The hook blocks the landing (lock held) until the agent is killed.
    const board = agentBoard(dir, broker.url, {
      apply_hook: { command: ['sleep', '20'], timeout_ms: 60000 },
    });
    const op = await operator(t, broker.url);
    const agent = await startAgent(t, board);
    const first = envelope(board.op, { version: 1, config: configWith((c) => (c.aim.sensitivity = 0.3)) });
    await op.publish(first, { retain: true });
    await agent.waitLog(/^taking lock$/);
    await new Promise((r) => setTimeout(r, 300));
    const during = await aimlock(board, ['locks', '--json']);
    t.equal(JSON.parse(during.stdout).verdict, 'HELD', 'the agent holds the lock while its hook runs');
    await agent.kill9();

    const text = readFileSync(board.config, 'utf8');
    t.equal(
      parseConf(text).config.aim.sensitivity,
      0.3,
      'the config on disk is whole (the new one, hook pending)',
    );
    const ghost = await aimlock(board, ['locks', '--json']);
    t.equal(JSON.parse(ghost.stdout).verdict, 'STALE', 'the killed agent left a ghost');

    // Restart without the blocking hook: boot reclaim, then the retained desired push lands.
    board.writeJson('agent.json', {
      ...JSON.parse(readFileSync(board.settingsFile, 'utf8')),
      apply_hook: { command: [] },
    });
    await startAgent(t, board);
    await op.event('lock_reclaimed');
    const r = await op.result(String(first.id), 'applied', 30000);
    t.equal(r.code, 'ok');
    t.equal(JSON.parse((await aimlock(board, ['locks', '--json'])).stdout).verdict, 'FREE');
  },
);

t.test(
  "a technician's apply killed in its hook: the agent reclaims the ghost and sweeps the records it had staged",
  async (t) => {
    const broker = await startMosquitto(t);
    const dir = t.testdir();
    // Slow only while `slow` exists: the agent's own landings afterwards are not.
    const hook = `if [ -e ${dir}/slow ]; then touch ${dir}/asleep; exec sleep 60; fi`;
    const board = agentBoard(dir, broker.url, {
      apply_hook: { command: ['sh', '-c', hook], timeout_ms: 60000 },
    });
    const op = await operator(t, broker.url);
    const agent = await startAgent(t, board);
    const first = envelope(board.op, { version: 1 });
    await op.publish(first);
    await op.result(String(first.id), 'applied');

    writeFileSync(join(dir, 'slow'), '');
    const [file, argv] = plainNode([
      join(ROOT, 'dist/cli/main.js'),
      'apply',
      board.writeJson(
        'c.json',
        configWith((c) => (c.aim.sensitivity = 0.4)),
      ),
      '--reason',
      'slow',
      '--settings',
      board.settingsFile,
    ]);
    // Its own process group, so that the kill takes its hook too.
    const writer = spawn(file, argv, { detached: true, stdio: 'ignore' });
    const gone = new Promise((r) => writer.once('exit', r));
    await until(() => existsSync(join(dir, 'asleep')));
    rmSync(join(dir, 'slow'));
    const history = join(board.stateDir, 'history');
    const temps = () =>
      [board.stateDir, history].flatMap((d) => readdirSync(d).filter((n) => n.includes('.tmp-')));
    t.equal(temps().length, 2, `asleep in its hook, the writer has its records staged: ${temps()}`);

    process.kill(-writer.pid!, 'SIGKILL');
    await gone;
    const reclaimed = await op.event('lock_reclaimed');
    t.equal((reclaimed.previous as { owner: { pid: number } }).owner.pid, writer.pid, 'the ghost reclaimed');
    await agent.waitLog(/^removed temporary files of writers killed mid-write$/);
    // One such line per folder swept (state folder first, history after): the first can come before the last.
    await until(() => temps().length === 0);
    t.same(temps(), [], 'no temporary left in the state folder or in history');

    const next = envelope(board.op, { version: 3 });
    await op.publish(next);
    t.equal((await op.result(String(next.id), 'applied')).code, 'ok', 'and the next push lands');
  },
);

async function until(ready: () => boolean): Promise<void> {
  for (let i = 0; i < 400 && !ready(); i++) await new Promise((r) => setTimeout(r, 25));
}
