// EIO. This host's kernel has no device-mapper (no /dev/mapper/control, so no dm-flakey/dm-error on a loop
// device), so the error is injected at the system-call boundary instead: the real agent runs under
// `strace --inject`, which makes every fsync(2) on the config directory fail with EIO — the directory fsync
// that makes the config's rename durable, i.e. a failure AFTER the point of no return. The trace also
// proves that no fsync is retried after EIO (apply.ts / atomic.ts: the data may be gone, a retry may lie).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { parseConf } from '../src/store/conf.js';
import { agentBoard, operator, pushVersion, startAgent } from './helpers/agent.js';
import { startMosquitto } from './helpers/mosquitto.js';
import { tracedPid } from './helpers/strace.js';

/** Runs the agent under strace with every `call` (on files under `path`, when given) failing with EIO. */
const failingWithEio =
  (trace: string, call: 'fsync' | 'fdatasync', path?: string) =>
  (argv: string[]): [string, string[]] => [
    'strace',
    [
      '-f',
      '-qq',
      '-o',
      trace,
      '-e',
      `trace=${call}`,
      '-e',
      `inject=${call}:error=EIO`,
      ...(path ? ['-P', path] : []),
      '--',
      ...argv,
    ],
  ];

/** The calls strace made fail, one line each (a retried one would be a line more). */
const injectedFailures = (trace: string) =>
  readFileSync(trace, 'utf8')
    .split('\n')
    .filter((l) => /EIO .*INJECTED/.test(l));

const straceMissing = spawnSync('strace', ['-V']).status === 0 ? null : 'strace is not installed';

if (straceMissing && process.env.CI) t.fail(`CI must run the EIO test, but ${straceMissing}`);
else if (straceMissing) t.comment(`skipped the EIO test: ${straceMissing}`);
else
  t.test(
    'EIO on the config dir fsync after the rename: rolled back, not retried; the next push lands',
    async (t) => {
      const broker = await startMosquitto(t);
      const dir = t.testdir();
      const cfg = join(dir, 'cfg');
      const trace = join(dir, 'strace.out');
      const board = agentBoard(dir, broker.url, { paths: { config: 'cfg/aim_lock_config.conf' } });
      board.config = join(cfg, 'aim_lock_config.conf');
      const op = await operator(t, broker.url);
      const push = async (version: number) => (await pushVersion(op, board, version, 30_000)).r;

      const healthy = await startAgent(t, board);
      t.equal((await push(1)).code, 'ok');
      const v1 = readFileSync(board.config);
      t.equal(await healthy.stop(), 0);

      const faulty = await startAgent(t, board, {
        wrap: failingWithEio(trace, 'fsync', cfg),
      });
      const agentPid = tracedPid(t, faulty.child.pid);
      const r = await push(2);
      t.equal(r.code, 'rolled_back', String(r.detail));
      t.match(String(r.detail), /version 2 was renamed into place but .*EIO/);
      t.match(String(r.detail), /previous config was restored/);
      t.match(String(r.detail), /not confirmed durable/, 'says the restore itself is not known durable');
      t.same(readFileSync(board.config), v1, 'version 1 is what readers see, whole');
      const state = JSON.parse(readFileSync(join(board.stateDir, 'state.json'), 'utf8'));
      t.equal(state.applied.version, 1, 'state.json parses and says version 1');
      t.equal(faulty.child.exitCode, null, 'the agent (under strace) is alive');
      process.kill(agentPid, 'SIGTERM');
      await new Promise<void>((resolve) => faulty.child.once('exit', () => resolve()));
      const injected = injectedFailures(trace);
      t.equal(
        injected.length,
        2,
        `two fsyncs failed (apply, restore), none retried:\n${injected.join('\n')}`,
      );

      await startAgent(t, board);
      t.equal((await push(3)).code, 'ok', 'the fault gone, the next push lands');
      t.equal(parseConf(readFileSync(board.config, 'utf8')).meta?.version, 3);
    },
  );

if (!straceMissing)
  t.test(
    'config and state record in one directory: EIO on its one shared fsync (the commit) rolls back both, nothing retried',
    async (t) => {
      const broker = await startMosquitto(t);
      const dir = t.testdir();
      const trace = join(dir, 'strace.out');
      const board = agentBoard(dir, broker.url);
      const op = await operator(t, broker.url);
      const push = async (version: number) => (await pushVersion(op, board, version, 30_000)).r;

      const healthy = await startAgent(t, board);
      t.equal((await push(1)).code, 'ok');
      const v1 = readFileSync(board.config);
      t.equal(await healthy.stop(), 0);

      // Only fsyncs of the state directory itself fail: the temp files' own fsyncs succeed, so the failure
      // lands after both renames — the one directory fsync that would have committed config and record.
      const faulty = await startAgent(t, board, {
        wrap: failingWithEio(trace, 'fsync', board.stateDir),
      });
      const agentPid = tracedPid(t, faulty.child.pid);
      const r = await push(2);
      t.equal(r.code, 'rolled_back', String(r.detail));
      t.match(String(r.detail), /version 2 could not be recorded .*EIO/);
      t.same(readFileSync(board.config), v1, 'version 1 is what readers see, whole');
      const state = JSON.parse(readFileSync(join(board.stateDir, 'state.json'), 'utf8'));
      t.equal(state.applied.version, 1, 'state.json is put back to version 1 too');
      t.notOk(state.seen_ids.includes(String(r.id)), 'the rolled-back push is not remembered as seen');
      process.kill(agentPid, 'SIGTERM');
      await new Promise<void>((resolve) => faulty.child.once('exit', () => resolve()));
      const injected = injectedFailures(trace);
      t.equal(
        injected.length,
        3,
        `three fsyncs failed (the commit, the record put back, the config put back), none retried:\n${injected.join('\n')}`,
      );

      await startAgent(t, board);
      t.equal((await push(3)).code, 'ok', 'the fault gone, the next push lands');
      t.equal(parseConf(readFileSync(board.config, 'utf8')).meta?.version, 3);
    },
  );

if (!straceMissing)
  t.test(
    'EIO on the outbox fdatasync: each result sent once, the agent logs the missing durable copy and runs on',
    async (t) => {
      const broker = await startMosquitto(t);
      const dir = t.testdir();
      const trace = join(dir, 'strace.out');
      const board = agentBoard(dir, broker.url);
      const op = await operator(t, broker.url);
      // The outbox journal is the only file the agent fdatasyncs on a landing (an `applied` audit line is not
      // synced): every result's durable copy fails, after its line was written and it went out (outbox.ts).
      const faulty = await startAgent(t, board, {
        wrap: failingWithEio(trace, 'fdatasync'),
      });
      const agentPid = tracedPid(t, faulty.child.pid);
      const ids: string[] = [];
      for (const version of [1, 2, 3]) {
        const { r } = await pushVersion(op, board, version, 30_000);
        t.equal(r.code, 'ok', `version ${version} applied`);
        ids.push(String(r.id));
      }
      // A second copy of a result (sent again from the outbox) would follow the first within moments.
      await new Promise((r) => setTimeout(r, 500));
      for (const id of ids)
        t.equal(
          op.results.filter((r) => r.id === id).length,
          1,
          `push ${id.slice(0, 8)} answered exactly once`,
        );
      await faulty.waitLog(/outbox fdatasync failed; message queued without a durable copy/);
      t.equal(faulty.child.exitCode, null, 'the agent (under strace) is alive');
      process.kill(agentPid, 'SIGTERM');
      await new Promise<void>((resolve) => faulty.child.once('exit', () => resolve()));
      const injected = injectedFailures(trace);
      t.ok(injected.length >= 3, `the results' fdatasyncs failed (${injected.length})`);
    },
  );
