// A landing on a lock that is down does not read /proc/locks (src/lock/locksmith.ts acquire, lookFromInside).
// Reading it makes the kernel take its file-lock semaphore for writing, which waits for an RCU grace period
// after a quiet spell: 13 ms here, on the event loop, for the first push after a pause (bench: --gap 100,
// p50 17–21 ms before, 7.5–8 ms after). With the bit down a foreign holder makes the non-blocking flock or fcntl
// fail and the look happens then (lock-self-check and agent-codes hold that path); under our own exclusive
// locks nobody else can hold one. The real agent runs under strace; its opens of /proc/locks are counted per
// applied push, between the instants the results arrived, the collector kept out of the way.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { agentBoard, operator, pushVersion, startAgent } from './helpers/agent.js';
import { startMosquitto } from './helpers/mosquitto.js';
import { tracedPid } from './helpers/strace.js';

const PUSHES = 5;
const straceMissing = spawnSync('strace', ['-V']).status === 0 ? null : 'strace is not installed';

if (straceMissing && process.env.CI) t.fail(`CI must count the /proc/locks reads, but ${straceMissing}`);
else if (straceMissing) t.comment(`skipped: ${straceMissing}`);
else
  t.test('an applied push on a free lock reads /proc/locks not once', async (t) => {
    const broker = await startMosquitto(t);
    const dir = t.testdir();
    const trace = join(dir, 'strace.out');
    // The collector looks on its own interval (it reads /proc/locks, as it must): kept out of the windows.
    const board = agentBoard(dir, broker.url, { lock: { gc_interval_ms: 600_000 } });
    const op = await operator(t, broker.url);
    const push = (version: number) => pushVersion(op, board, version);
    const agent = await startAgent(t, board, {
      wrap: (argv) => [
        'strace',
        ['-f', '-qq', '-ttt', '-o', trace, '-e', 'trace=open,openat', '--', ...argv],
      ],
    });
    const agentPid = tracedPid(t, agent.child.pid);
    const first = await push(1);
    t.equal(first.r.code, 'ok', String(first.r.detail));
    const bounds = [first.at];
    for (let v = 2; v <= PUSHES + 1; v++) {
      await new Promise((r) => setTimeout(r, 50)); // a quiet spell, as between a drone's pushes
      const { r, at } = await push(v);
      t.equal(r.code, 'ok', `push ${v} applied: ${String(r.detail)}`);
      bounds.push(at);
    }
    process.kill(agentPid, 'SIGTERM');
    await new Promise<void>((resolve) => agent.child.once('exit', () => resolve()));

    const opens = readFileSync(trace, 'utf8')
      .split('\n')
      .map((l) => l.replace(/^\d+\s+/, ''))
      .map((l) => ({ at: Number(l.split(' ')[0]) * 1000, line: l }));
    const inWindow = (i: number, what: string) =>
      opens.filter((o) => o.at > bounds[i]! && o.at <= bounds[i + 1]! && o.line.includes(what)).length;
    const windows = Array.from({ length: PUSHES }, (_, i) => i);
    // The trace covers each landing: the state record is opened in every window.
    t.ok(
      windows.every((i) => inWindow(i, 'state.json') > 0),
      'strace saw each landing open its state record',
    );
    const perPush = windows.map((i) => inWindow(i, '"/proc/locks"'));
    t.same(perPush, Array(PUSHES).fill(0), `reads of /proc/locks per applied push: ${perPush.join(', ')}`);
  });
