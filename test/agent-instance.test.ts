// One agent per board: a second aimlockd on the same state directory refuses to start (already_running, exit 3)
// and leaves the first one whole — its control socket, its outbox, its pushes. Two real agent processes.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { agentBoard, envelope, operator, startAgent } from './helpers/agent.js';
import { aimlock, plainNode, ROOT } from './helpers/board.js';
import { startMosquitto } from './helpers/mosquitto.js';
import { exited } from './helpers/procs.js';

t.test('a second agent on the same board refuses to start; the first keeps working', async (t) => {
  const broker = await startMosquitto(t);
  const board = agentBoard(t.testdir(), broker.url);
  const first = await startAgent(t, board);
  const socket = JSON.parse((await aimlock(board, ['status', '--json'])).stdout || '{}') as Record<
    string,
    unknown
  >;
  t.equal((socket.agent as { running?: boolean } | undefined)?.running, true, 'the first agent answers');

  const [node, args] = plainNode([join(ROOT, 'dist/agent/main.js'), '--settings', board.settingsFile]);
  const second = spawn(node, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let stdout = '';
  second.stderr!.on('data', (d) => {
    stderr += d;
  });
  second.stdout!.on('data', (d) => {
    stdout += d;
  });
  t.teardown(async () => {
    if (second.exitCode === null && second.signalCode === null) {
      second.kill('SIGKILL');
      await exited(second);
    }
  });
  // Either it ends by itself (now) or it gets as far as "aimlockd ready" (before: it ran on, beside the first).
  const ended = exited(second).then(() => true);
  const deadline = Date.now() + 20_000;
  while (!(await Promise.race([ended, new Promise((r) => setTimeout(() => r(false), 50))]))) {
    if (stdout.includes('aimlockd ready') || Date.now() > deadline) break;
  }
  t.notOk(stdout.includes('aimlockd ready'), 'the second agent never got ready');
  t.equal(second.exitCode, 3, 'exit 3');
  t.match(
    stderr,
    new RegExp(
      `^aimlockd: already_running: another aimlockd \\(pid ${first.child.pid}\\) already runs on `,
      'm',
    ),
  );
  t.match(stderr, /stop it first/);

  t.ok(existsSync(join(board.stateDir, 'aimlockd.instance')), 'the instance file is in the state dir');
  const status = await aimlock(board, ['status', '--json']);
  t.equal(status.code, 0, 'the first agent still answers on its socket');
  const op = await operator(t, broker.url);
  const push = envelope(board.op, { version: 1 });
  await op.publish(push);
  t.equal((await op.result(String(push.id), 'applied')).code, 'ok', 'and still lands pushes');

  t.equal(await first.stop(), 0);
  const third = await startAgent(t, board); // the lock dies with its holder: the next agent starts
  t.equal(await third.stop(), 0, 'a later agent starts once the first is gone');
});
