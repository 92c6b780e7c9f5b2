// Real disk faults under the real agent (compiled, against a real Mosquitto): a state dir that fills
// (ENOSPC), a config dir that fills, a history dir that fills after the config was renamed into place, a
// config dir that the apply hook fills (the previous config cannot be restored), a read-only state dir, and
// EACCES (the agent without CAP_DAC_OVERRIDE). Each time: the answer is true, nothing is torn (config whole,
// state.json parses), the agent stays up, and the next push lands once the fault is gone.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { parseConf } from '../src/store/conf.js';
import {
  agentBoard,
  envelope,
  type Operator,
  operator,
  type RunningAgent,
  startAgent,
} from './helpers/agent.js';
import { aimlock, configWith, type TestBoard } from './helpers/board.js';
import { startMosquitto } from './helpers/mosquitto.js';
import { faultDir, mountsUnavailable, unfill } from './helpers/mounts.js';

/** The live config's version (it must parse: whole), or null when there is none. */
function liveVersion(board: TestBoard): number | null {
  if (!existsSync(board.config)) return null;
  return parseConf(readFileSync(board.config, 'utf8')).meta?.version ?? null;
}

/** state.json's applied version (it must parse). */
function stateVersion(board: TestBoard): number | null {
  const state = JSON.parse(readFileSync(join(board.stateDir, 'state.json'), 'utf8')) as {
    applied: { version: number } | null;
  };
  return state.applied?.version ?? null;
}

async function push(
  board: ReturnType<typeof agentBoard>,
  op: Operator,
  version: number,
  status: string | RegExp = /applied|rejected/,
) {
  const doc = envelope(board.op, {
    version,
    config: configWith((c) => (c.aim.sensitivity = 0.1 + version / 100)),
  });
  const from = op.results.length;
  await op.publish(doc, { retain: true }); // retained: a push published before the first subscription still lands
  return op.result(String(doc.id), status, 30_000, from);
}

function alive(t: Test, agent: RunningAgent) {
  t.equal(agent.child.exitCode, null, 'the agent is still running');
  t.equal(agent.child.signalCode, null, 'the agent was not killed');
}

const why = mountsUnavailable();
if (why && process.env.CI) t.fail(`CI must run the file-system fault tests, but: ${why}`);
else if (why) t.comment(`skipped the tmpfs fault tests: ${why}`);
else {
  t.test(
    'ENOSPC: the state dir is full — apply_failed (true), the agent lives, the next push lands',
    async (t) => {
      const fault = faultDir(t);
      const { dir } = fault;
      const broker = await startMosquitto(t);
      const mount = await fault.tmpfs('var', 1024);
      const board = agentBoard(dir, broker.url);
      const agent = await startAgent(t, board);
      const op = await operator(t, broker.url);
      t.equal((await push(board, op, 1)).code, 'ok');
      const before = readFileSync(board.config);

      const fill = mount.fill();
      const r = await push(board, op, 2);
      t.equal(r.status, 'rejected');
      t.equal(r.code, 'apply_failed', String(r.detail));
      t.match(String(r.detail), /ENOSPC|no space/i);
      t.match(String(r.detail), /old config is still live/);
      t.same(readFileSync(board.config), before, 'the live config is the old one, byte for byte');
      t.equal(stateVersion(board), 1, 'state.json parses and says version 1');
      alive(t, agent);

      unfill(fill);
      t.equal((await push(board, op, 3)).code, 'ok', 'once there is room again the next push lands');
      t.equal(liveVersion(board), 3);
      t.equal(stateVersion(board), 3);
      alive(t, agent);
    },
  );

  t.test(
    'ENOSPC: the config dir is full — apply_failed, the old config stays, the next push lands',
    async (t) => {
      const fault = faultDir(t);
      const { dir } = fault;
      const broker = await startMosquitto(t);
      const mount = await fault.tmpfs('cfg', 64);
      const board = agentBoard(dir, broker.url, { paths: { config: 'cfg/aim_lock_config.conf' } });
      board.config = join(dir, 'cfg', 'aim_lock_config.conf');
      const agent = await startAgent(t, board);
      const op = await operator(t, broker.url);
      t.equal((await push(board, op, 1)).code, 'ok');
      const before = readFileSync(board.config);
      const fill = mount.fill();
      const r = await push(board, op, 2);
      t.equal(r.code, 'apply_failed', String(r.detail));
      t.match(String(r.detail), /old config is still live/);
      t.same(readFileSync(board.config), before, 'the old config, whole');
      t.equal(stateVersion(board), 1);
      alive(t, agent);
      unfill(fill);
      t.equal((await push(board, op, 3)).code, 'ok');
      t.equal(liveVersion(board), 3);
    },
  );

  t.test(
    'ENOSPC in the history dir: stopped before the rename — apply_failed (true), the hook never ran for it, nothing left behind',
    async (t) => {
      const fault = faultDir(t);
      const { dir } = fault;
      const broker = await startMosquitto(t);
      const hookLog = join(dir, 'hook.log');
      const board = agentBoard(dir, broker.url, {
        apply_hook: {
          command: ['sh', '-c', `echo "$AIMLOCK_VERSION \${AIMLOCK_RESTORED:-0}" >> ${hookLog}`],
          timeout_ms: 5000,
        },
      });
      const mount = await fault.tmpfs('var/history', 64);
      const agent = await startAgent(t, board);
      const op = await operator(t, broker.url);
      t.equal((await push(board, op, 1)).code, 'ok');
      const before = readFileSync(board.config);
      const fill = mount.fill();

      const r = await push(board, op, 2);
      t.equal(r.code, 'apply_failed', String(r.detail));
      t.match(String(r.detail), /could not write version 2 \(.*history.*ENOSPC/);
      t.match(String(r.detail), /the old config is still live/);
      t.same(
        readFileSync(board.config),
        before,
        'the previous config never stopped being live, byte for byte',
      );
      t.equal(stateVersion(board), 1, 'state.json still says version 1 — and that is true');
      t.same(
        readdirSync(board.stateDir).filter((n) => n.includes('.tmp-')),
        [],
        'the config and the state record staged beside the failed entry were removed',
      );
      t.same(
        readFileSync(hookLog, 'utf8').trim().split('\n'),
        ['1 0'],
        'the controller was never told about version 2 (no hook run, no restore)',
      );
      const status = await op.retainedStatus();
      t.equal((status?.applied as { version: number } | null)?.version, 1, 'the status says version 1');
      alive(t, agent);

      unfill(fill);
      t.equal((await push(board, op, 3)).code, 'ok');
      t.equal(liveVersion(board), 3);
      t.equal(stateVersion(board), 3);
    },
  );

  t.test(
    'the hook fills the config dir and fails: the previous config cannot be restored — apply_incomplete says the new one is live; start settles state.json',
    async (t) => {
      const fault = faultDir(t);
      const { dir } = fault;
      const broker = await startMosquitto(t);
      const cfg = join(dir, 'cfg');
      const flag = join(dir, 'fail-next');
      const hook = `if [ -e ${flag} ] && [ -z "$AIMLOCK_RESTORED" ]; then dd if=/dev/zero of=${cfg}/fill bs=4k 2>/dev/null; exit 3; fi`;
      await fault.tmpfs('cfg', 64);
      const board = agentBoard(dir, broker.url, {
        paths: { config: 'cfg/aim_lock_config.conf' },
        apply_hook: { command: ['sh', '-c', hook], timeout_ms: 5000 },
      });
      board.config = join(cfg, 'aim_lock_config.conf');
      let agent = await startAgent(t, board);
      const op = await operator(t, broker.url);
      t.equal((await push(board, op, 1)).code, 'ok');

      writeFileSync(flag, '');
      const r = await push(board, op, 2);
      t.equal(r.code, 'apply_incomplete', String(r.detail));
      t.match(String(r.detail), /exit 3/);
      t.match(String(r.detail), /the new config is still live/);
      t.equal(liveVersion(board), 2, 'version 2 is live (whole)');
      t.equal(stateVersion(board), 1, 'state.json (parses) could not be told yet');
      const status = await op.retainedStatus();
      t.equal(
        (status?.applied as { version: number } | null)?.version,
        2,
        'the agent does not believe the old version is applied',
      );
      t.ok(await op.event('apply_hook_failed'), 'apply_hook_failed telemetry');
      alive(t, agent);

      t.equal(await agent.stop(), 0);
      agent = await startAgent(t, board);
      await agent.waitLog(/state\.json now says what is live/);
      t.equal(stateVersion(board), 2, 'at start, state.json is settled from the live config');

      rmSync(flag);
      unfill(join(cfg, 'fill'));
      t.equal((await push(board, op, 3)).code, 'ok', 'the fault gone, the next push lands');
      t.equal(liveVersion(board), 3);
      t.equal(stateVersion(board), 3);
    },
  );

  t.test(
    'a read-only state dir: apply_failed, the agent lives; writable again, the next push lands',
    async (t) => {
      const fault = faultDir(t);
      const { dir } = fault;
      const broker = await startMosquitto(t);
      const mount = await fault.tmpfs('var', 2048);
      const board = agentBoard(dir, broker.url);
      const agent = await startAgent(t, board);
      const op = await operator(t, broker.url);
      t.equal((await push(board, op, 1)).code, 'ok');
      const before = readFileSync(board.config);
      await mount.remount('ro');
      t.teardown(() => mount.remount('rw').catch(() => {}));
      const r = await push(board, op, 2);
      t.equal(r.code, 'apply_failed', String(r.detail));
      t.match(String(r.detail), /EROFS|read-only/i);
      t.same(readFileSync(board.config), before);
      t.equal(stateVersion(board), 1);
      alive(t, agent);
      await mount.remount('rw');
      t.equal((await push(board, op, 3)).code, 'ok');
      t.equal(liveVersion(board), 3);
      const locks = await aimlock(board, ['locks', '--json']);
      t.equal(JSON.parse(locks.stdout).verdict, 'FREE', 'no ghost left behind');
    },
  );
}

t.test(
  'EACCES in the history dir (not writable): apply_failed before the rename, the previous config never left',
  async (t) => {
    const fault = faultDir(t);
    const { dir } = fault;
    const broker = await startMosquitto(t);
    const board = agentBoard(dir, broker.url);
    // Root ignores modes; the agent runs as root without CAP_DAC_OVERRIDE, as a confined service would.
    const wrap = (argv: string[]): [string, string[]] => [
      'setpriv',
      ['--bounding-set=-dac_override,-dac_read_search', '--', ...argv],
    ];
    try {
      execFileSync('setpriv', ['--bounding-set=-dac_override', 'true']);
    } catch (err) {
      if (process.env.CI) t.fail(`setpriv cannot drop capabilities here: ${(err as Error).message}`);
      else t.comment(`skipped: setpriv cannot drop capabilities here: ${(err as Error).message}`);
      return;
    }
    const agent = await startAgent(t, board, { wrap });
    const op = await operator(t, broker.url);
    t.equal((await push(board, op, 1)).code, 'ok');
    const before = readFileSync(board.config);
    const history = join(board.stateDir, 'history');
    mkdirSync(history, { recursive: true });
    chmodSync(history, 0o555);
    t.teardown(() => chmodSync(history, 0o755));
    const r = await push(board, op, 2);
    t.equal(r.code, 'apply_failed', String(r.detail));
    t.match(String(r.detail), /EACCES|permission denied/i);
    t.same(readFileSync(board.config), before, 'the previous config, untouched');
    t.equal(stateVersion(board), 1);
    alive(t, agent);
    chmodSync(history, 0o755);
    t.equal((await push(board, op, 3)).code, 'ok');
    t.equal(liveVersion(board), 3);
  },
);
