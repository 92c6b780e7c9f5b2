// "A liveness check that cannot see is a lie" (DESIGN.md), with real blindness instead of a fake /proc:
// - pid namespace: the CLI and the agent run under `unshare -p -f --mount-proc`; the lock's owner lives
//   outside, where they cannot see it;
// - hidepid: a second proc instance mounted with hidepid=2 on /proc in a private mount namespace (`unshare -m`),
//   the CLI and the agent running there as an unprivileged user; the owner is root's, hidden from them.
// In both, the owner is a live process holding no kernel lock (DETACHED as the host sees it): to the blind
// observer it looks dead, i.e. the lock looks STALE. It must not be reclaimed — not by `aimlock reclaim`, not by
// `aimlock apply`, not by the agent's boot reclaim or its collector — and `aimlock locks` must say why (exit 3).
// Then the owner really dies: still not reclaimable from inside (dead cannot be told from hidden), while the
// host, which sees everything, reclaims it.
// The planted owner record has no `pid_ns`, so the visibility check alone stands guard (records written by
// the Locksmith carry `pid_ns`, a second, independent guard against the pid-namespace case).
// Needs root, util-linux unshare/setpriv and a kernel with per-mount proc options (5.8+); skips where the
// machine forbids it, fails instead under CI.
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { startAgent } from './helpers/agent.js';
import { CLI, GOOD_CONFIG, makeBoard, run, type TestBoard } from './helpers/board.js';
import { ownerRecord } from './helpers/owner.js';
import { exited } from './helpers/procs.js';

/** An unprivileged user for the hidepid case (nobody). */
const UID = 65534;

interface Blindness {
  name: string;
  /** argv that runs `argv` blind. */
  wrap(argv: string[]): [string, string[]];
  /** What `aimlock locks` must name as the reason it cannot see. */
  why: RegExp;
  /** The board must belong to the user who runs blind. */
  owner?: number;
}

const NODE = ['env', '-u', 'NODE_OPTIONS', process.execPath];

const PIDNS: Blindness = {
  name: 'pid namespace (unshare -p -f --mount-proc)',
  // --kill-child: the agent dies with the unshare process the test holds (its teardown SIGKILLs that one).
  wrap: (argv) => ['unshare', ['-p', '-f', '--kill-child', '--mount-proc', ...argv]],
  why: /pid namespace/,
};

const HIDEPID: Blindness = {
  name: `hidepid=2 proc mount, as uid ${UID}`,
  // `exec` all the way down: the pid the test holds is the program's own (SIGTERM reaches the agent).
  wrap: (argv) => [
    'unshare',
    [
      '-m',
      'sh',
      '-c',
      `mount -t proc -o hidepid=2 proc /proc && exec setpriv --reuid=${UID} --regid=${UID} --clear-groups -- "$@"`,
      'blind',
      ...argv,
    ],
  ],
  why: /hidepid=(2|invisible)/,
  owner: UID,
};

/** Why this machine cannot make `b` (null: it can). */
function cannot(b: Blindness): string | null {
  if (process.getuid?.() !== 0) return 'needs root';
  const [file, args] = b.wrap(['sh', '-c', 'exit 0']);
  const r = spawnSync(file, args, { encoding: 'utf8' });
  return r.status === 0 ? null : `${file} ${args.slice(0, 3).join(' ')}… failed: ${r.stderr || r.error}`;
}

/** A live root process outside, holding nothing: the owner the blind observer cannot see. */
function liveOutsider(t: Test): ChildProcess {
  const child = spawn('sleep', ['3600'], { stdio: 'ignore' });
  t.teardown(async () => {
    child.kill('SIGKILL');
    await exited(child);
  });
  return child;
}

function startOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
}

/** A board in its own temp dir (short socket path), owned by `uid` when given. */
function blindBoard(t: Test, uid?: number): TestBoard {
  const dir = mkdtempSync(join(tmpdir(), 'aimlock-blind-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const board = makeBoard(dir, {
    broker: { url: 'mqtt://127.0.0.1:9', keepalive_s: 5 },
    lock: { gc_interval_ms: 200, auto_reclaim: 'always' },
    paths: { socket: 'run/aimlockd.sock' },
  });
  mkdirSync(board.lockDir, { recursive: true });
  if (uid !== undefined) execFileSync('chown', ['-R', `${uid}:${uid}`, dir]);
  return board;
}

function plant(board: TestBoard, pid: number, uid?: number): string {
  // No pid_ns in it (ownerRecord writes none): the visibility check is the only guard under test.
  const text = JSON.stringify(ownerRecord({ pid, pid_start: startOf(pid), purpose: 'outside owner' }));
  writeFileSync(join(board.lockDir, 'owner.json'), text);
  writeFileSync(join(board.lockDir, 'conf_locked'), '1\n');
  if (uid !== undefined) execFileSync('chown', ['-R', `${uid}:${uid}`, board.dir]);
  return text;
}

const blindCli = (b: Blindness, board: TestBoard, args: string[]) =>
  run(...b.wrap([...NODE, CLI, ...args, '--settings', board.settingsFile]));
const hostCli = (board: TestBoard, args: string[]) =>
  run(process.execPath, [CLI, ...args, '--settings', board.settingsFile]);

const lockUntouched = (t: Test, board: TestBoard, record: string, what: string) => {
  t.equal(readFileSync(join(board.lockDir, 'conf_locked'), 'utf8'), '1\n', `${what}: lock bit still set`);
  t.equal(readFileSync(join(board.lockDir, 'owner.json'), 'utf8'), record, `${what}: owner record untouched`);
  const audit = existsSync(board.audit) ? readFileSync(board.audit, 'utf8') : '';
  t.notMatch(audit, /"event":"lock_reclaimed"/, `${what}: no reclaim in the audit log`);
};

for (const b of [PIDNS, HIDEPID]) {
  const reason = cannot(b);
  t.test(
    b.name,
    { skip: reason && !process.env.CI ? `this machine cannot: ${reason}` : false },
    async (t) => {
      if (reason) throw new Error(`CI must run this: ${reason}`);
      const board = blindBoard(t, b.owner);
      const outsider = liveOutsider(t);
      const record = plant(board, outsider.pid!, b.owner);

      const host = JSON.parse((await hostCli(board, ['locks', '--json'])).stdout) as { verdict: string };
      t.equal(host.verdict, 'DETACHED', 'the host sees the owner alive (DETACHED: bit set, no kernel lock)');

      const locks = await blindCli(b, board, ['locks', '--json']);
      const seen = JSON.parse(locks.stdout) as {
        verdict: string;
        reason: string;
        visibility: { complete: boolean; reason: string };
      };
      t.equal(locks.code, 3, 'blind `aimlock locks` exits 3 (mismatch)');
      t.not(seen.verdict, 'STALE', `blind, the owner is not taken for dead (${seen.verdict})`);
      t.equal(seen.visibility.complete, false, 'it knows it cannot see every process');
      t.match(seen.visibility.reason, b.why, 'and says why');
      t.match(seen.reason, /cannot see every process/, 'the verdict says the death is unproven');
      const table = await blindCli(b, board, ['locks']);
      t.match(table.stdout, /warning: .*auto-reclaim is disabled/, 'the table warns the technician');

      const reclaim = await blindCli(b, board, ['reclaim']);
      t.equal(reclaim.code, 3, 'blind `aimlock reclaim` exits 3');
      t.match(reclaim.stderr, /^aimlock: not_stale: /, 'not_stale');
      const cfg = join(board.dir, 'hotfix.json');
      writeFileSync(cfg, JSON.stringify(GOOD_CONFIG));
      if (b.owner !== undefined) chownSync(cfg, b.owner, b.owner);
      const apply = await blindCli(b, board, ['apply', cfg, '--reason', 'blind hotfix']);
      t.equal(apply.code, 3, `blind \`aimlock apply\` exits 3 (${apply.stderr.trim()})`);
      t.notOk(existsSync(board.config), 'and writes no config');
      lockUntouched(t, board, record, 'after the blind CLI');

      // The agent, blind. Its start awaits the boot reclaim and the collector's first look before it logs
      // "ready" (startAgent waits for that); the collector then looks every 200 ms with the same code.
      const agent = await startAgent(t, board, { wrap: (argv) => b.wrap(argv) });
      const warned = await agent.waitLog(/^lock mismatch: aim_lock_config\.conf HOT/, 20_000);
      t.match(JSON.stringify(warned), /cannot see every process/, 'the agent logs the mismatch and why');
      const status = await blindCli(b, board, ['status', '--json']);
      t.match(
        status.stdout,
        /"verdict":"(DETACHED|UNOWNED|HUNG)"/,
        `its status tells the verdict (exit ${status.code})`,
      );
      await agent.kill9();
      lockUntouched(t, board, record, 'after the blind agent');

      // Now the owner dies for real: a ghost to the host, still unprovable to the blind observer.
      outsider.kill('SIGKILL');
      await exited(outsider);
      const after = JSON.parse((await blindCli(b, board, ['locks', '--json'])).stdout) as { verdict: string };
      t.not(after.verdict, 'STALE', `a real ghost stays unproven when blind (${after.verdict})`);
      t.equal((await blindCli(b, board, ['reclaim'])).code, 3, 'blind reclaim still refuses (exit 3)');
      lockUntouched(t, board, record, 'after the owner died');
      const hostReclaim = await hostCli(board, ['reclaim', '--reason', 'seen from the host']);
      t.equal(
        hostReclaim.code,
        0,
        `the host, which sees every process, reclaims it (${hostReclaim.stderr.trim()})`,
      );
    },
  );
}
