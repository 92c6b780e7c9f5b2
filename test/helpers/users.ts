// A real second user for the ownership tests: the agent runs as `aimlock-test` (a system user made here, once,
// idempotently — never one named `aimlock`, which a board's package owns), the technician's CLI as root. A
// board is handed to that user the way systemd's StateDirectory= hands /var/lib/aimlock to `aimlock`.
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { TestBoard } from './board.js';

export const TEST_USER = 'aimlock-test';

interface Teardown {
  teardown(fn: () => void | Promise<void>): void;
}

export interface TestUser {
  name: string;
  uid: number;
  gid: number;
}

/** Why these tests cannot run here (not root, no useradd), or null. */
export function cannotSwitchUsers(): string | null {
  if (process.getuid?.() !== 0) return 'needs root: the agent must run as another uid than the CLI';
  const which = spawnSync('sh', ['-c', 'command -v useradd'], { encoding: 'utf8' });
  return which.status === 0 ? null : 'needs useradd (passwd package) to make the test user';
}

/** The test user, made when missing (a system user without home or shell). */
export function ensureTestUser(): TestUser {
  const id = () => spawnSync('id', ['-u', TEST_USER], { encoding: 'utf8' });
  if (id().status !== 0) {
    const made = spawnSync(
      'useradd',
      ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', '--user-group', TEST_USER],
      { encoding: 'utf8' },
    );
    // Another test file may have made it in the meantime (exit 9: already exists): fine.
    if (made.status !== 0 && id().status !== 0) throw new Error(`useradd ${TEST_USER}: ${made.stderr}`);
  }
  const uid = Number(execFileSync('id', ['-u', TEST_USER], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', TEST_USER], { encoding: 'utf8' }).trim());
  return { name: TEST_USER, uid, gid };
}

function chownTree(path: string, user: TestUser): void {
  const st = lstatSync(path);
  if (st.isSymbolicLink()) return;
  chownSync(path, user.uid, user.gid);
  if (st.isDirectory()) for (const name of readdirSync(path)) chownTree(join(path, name), user);
}

/**
 * The board's state directory (made here when missing) and the agent's socket folder now belong to `user`, as
 * systemd's StateDirectory=/RuntimeDirectory= leave them on a real board.
 */
export function handBoardTo(t: Teardown, board: TestBoard, user: TestUser): void {
  mkdirSync(board.stateDir, { recursive: true });
  chownTree(board.stateDir, user);
  const settings = JSON.parse(readFileSync(board.settingsFile, 'utf8')) as { paths: { socket: string } };
  const runDir = dirname(resolve(dirname(board.settingsFile), settings.paths.socket));
  mkdirSync(runDir, { recursive: true });
  chownSync(runDir, user.uid, user.gid);
  // agentBoard's socket folder is in /tmp (socket paths must be short): leave none of the user's files there.
  if (runDir.startsWith(`${tmpdir()}/`)) t.teardown(() => rmSync(runDir, { recursive: true, force: true }));
}

/**
 * Every path under `dir` that `user` could NOT write (files opened for writing, directories checked with
 * access(W_OK|X_OK)), asked of the kernel by a process that really runs as `user`. Symlinks are listed too:
 * nothing in a state directory should be one.
 */
export function notWritableBy(dir: string, user: TestUser): string[] {
  const script = `
    const fs = require('node:fs'); const path = require('node:path'); const bad = [];
    const walk = (p) => {
      const st = fs.lstatSync(p);
      if (st.isSymbolicLink()) { bad.push(p + ' (symlink)'); return; }
      if (st.isDirectory()) {
        try { fs.accessSync(p, fs.constants.W_OK | fs.constants.X_OK); } catch { bad.push(p + ' (dir)'); }
        for (const n of fs.readdirSync(p)) walk(path.join(p, n));
        return;
      }
      try { fs.closeSync(fs.openSync(p, fs.constants.O_WRONLY | fs.constants.O_APPEND)); } catch (e) { bad.push(p + ' (' + e.code + ')'); }
    };
    walk(process.argv[1]);
    process.stdout.write(JSON.stringify(bad));`;
  const r = spawnSync(process.execPath, ['-e', script, dir], {
    uid: user.uid,
    gid: user.gid,
    encoding: 'utf8',
    env: { PATH: process.env.PATH },
  });
  if (r.status !== 0) throw new Error(`walk as ${user.name} failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as string[];
}

/** Runs `cmd args` as `user` (to plant links the way the agent's user could). */
export function runAs(user: TestUser, cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { uid: user.uid, gid: user.gid, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} as ${user.name}: ${r.stderr}`);
}
