// Who is acting, for the audit log: a force release at 03:12 must say which human did it, even through sudo.
import { readlinkSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';

export interface Actor {
  uid: number;
  user: string;
  sudo_user: string | null;
  tty: string | null;
  pid: number;
  host: string;
  /** `aimlock` (a technician's command) or `aimlockd` (the agent). */
  program: string;
}

function ttyName(): string | null {
  try {
    const target = readlinkSync('/proc/self/fd/0');
    return target.startsWith('/dev/pts/') || target.startsWith('/dev/tty') ? target : null;
  } catch {
    return null;
  }
}

export function currentActor(program: string): Actor {
  let user = String(process.getuid?.() ?? '?');
  try {
    user = userInfo().username;
  } catch {
    // a uid without a passwd entry (containers): the number is the best we have
  }
  return {
    uid: process.getuid?.() ?? -1,
    user,
    sudo_user: process.env.SUDO_USER ?? null,
    tty: ttyName(),
    pid: process.pid,
    host: hostname(),
    program,
  };
}
