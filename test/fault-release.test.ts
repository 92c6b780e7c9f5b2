// A lock that cannot be given back after the push committed, caused for real: the apply hook (which runs under
// the lock, after the config's rename) marks the lock bit immutable (`chattr +i`), so clearing it at release
// fails with EPERM — as a hardening script, a technician or a failing disk would make it fail. The push is
// durable by then: the answer must stay `applied` (not "apply failed, the old config is still live"), the lock
// left behind must be reported, the agent must stay up, and a technician's force release must clear it.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { parseConf } from '../src/store/conf.js';
import { agentBoard, operator, pushVersion, startAgent } from './helpers/agent.js';
import { aimlock } from './helpers/board.js';
import { startMosquitto } from './helpers/mosquitto.js';

/** Can this machine set the immutable flag here (root, a file system with inode flags)? */
function chattrUnavailable(dir: string): string | null {
  const probe = join(dir, 'chattr-probe');
  writeFileSync(probe, '');
  const on = spawnSync('chattr', ['+i', probe], { encoding: 'utf8' });
  spawnSync('chattr', ['-i', probe]);
  return on.status === 0 ? null : `chattr +i failed: ${(on.stderr || String(on.error)).trim()}`;
}

t.test(
  'the bit cannot be cleared at release: still applied (true), the lock reported, the agent lives',
  async (t) => {
    // Outside tap's fixtures: tap removes those before our teardown could lift the flag.
    const dir = mkdtempSync(join(tmpdir(), 'aimlock-release-'));
    t.teardown(() => {
      spawnSync('chattr', ['-R', '-i', dir]);
      rmSync(dir, { recursive: true, force: true });
    });
    const why = chattrUnavailable(dir);
    if (why) {
      if (process.env.CI) t.fail(`CI must run this fault, but: ${why}`);
      else t.comment(`skipped: ${why}`);
      return;
    }
    const broker = await startMosquitto(t);
    const bit = join(dir, 'var', 'locks', 'aim_lock_config', 'conf_locked');
    const flag = join(dir, 'pin-the-bit');
    const board = agentBoard(dir, broker.url, {
      apply_hook: { command: ['sh', '-c', `if [ -e ${flag} ]; then chattr +i ${bit}; fi`], timeout_ms: 5000 },
    });
    const agent = await startAgent(t, board);
    const op = await operator(t, broker.url);
    t.equal((await pushVersion(op, board, 1)).r.code, 'ok');

    writeFileSync(flag, '');
    const { r } = await pushVersion(op, board, 2);
    t.equal(r.status, 'applied', String(r.detail));
    t.equal(r.code, 'ok');
    t.match(String(r.detail), /lock .*could not be released.*EPERM/);
    t.equal(parseConf(readFileSync(board.config, 'utf8')).meta?.version, 2, 'version 2 is live');
    const state = JSON.parse(readFileSync(join(board.stateDir, 'state.json'), 'utf8'));
    t.equal(state.applied.version, 2, 'and recorded');
    t.equal(readFileSync(bit, 'utf8').trim(), '1', 'the bit is still up');
    const mismatch = await op.event('lock_mismatch');
    t.equal(mismatch.lock_bit, 1, 'the lock left behind is reported');
    t.equal(agent.child.exitCode, null, 'the agent is still running');

    // The technician lifts the flag and clears the lock with the bypass; the next push lands.
    rmSync(flag);
    execFileSync('chattr', ['-i', bit]);
    const released = await aimlock(board, ['release', '--force', '--reason', 'bit pinned by chattr']);
    t.equal(released.code, 0, released.stderr);
    t.equal((await aimlock(board, ['resume'])).code, 0, "the bypass's hold ended");
    t.equal((await pushVersion(op, board, 3)).r.code, 'ok', 'the next push lands');
  },
);
