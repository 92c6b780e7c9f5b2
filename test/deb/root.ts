// A throwaway Debian 12 root to install the package in for real (dpkg, apt, maintainer scripts), never this
// machine itself. The base (mmdebstrap --variant=apt, with the package's dependencies already in) is made once
// from Debian's mirror and cached under .deb/cache/; each test copies it. Commands run through
// `unshare --mount` so the /proc and /dev mounts they need vanish with them, whatever happens.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Already in the base, so installing the package needs no network: its Depends and what tests call. */
const INCLUDE = ['adduser', 'systemd', 'libstdc++6', 'libgcc-s1', 'init-system-helpers', 'util-linux'];
const MIRRORS = [
  'deb http://deb.debian.org/debian bookworm main',
  'deb http://deb.debian.org/debian bookworm-updates main',
  'deb http://deb.debian.org/debian-security bookworm-security main',
];

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(cmd: string, args: string[], input?: string): Run {
  const r = spawnSync(cmd, args, { encoding: 'utf8', input, maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function must(cmd: string, args: string[]): void {
  const r = run(cmd, args);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.code}: ${r.stderr.slice(-2000)}`);
}

/** The cached base root, made on first use (~1–2 min from the mirror). */
export function baseRoot(cacheDir: string): string {
  const base = join(cacheDir, 'bookworm-amd64');
  if (existsSync(join(base, 'etc', 'debian_version'))) return base;
  mkdirSync(cacheDir, { recursive: true });
  const tmp = `${base}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  must('mmdebstrap', [
    '--quiet',
    '--variant=apt',
    `--include=${INCLUDE.join(',')}`,
    'bookworm',
    tmp,
    ...MIRRORS,
  ]);
  renameSync(tmp, base);
  return base;
}

export interface DebianRoot {
  dir: string;
  /** `sh -c script` inside the root as root, with /proc and /dev mounted for this call only. */
  sh(script: string): Run;
  remove(): void;
}

/** A fresh copy of the base at `dir`. */
export function debianRoot(cacheDir: string, dir: string): DebianRoot {
  const base = baseRoot(cacheDir);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dirname(dir), { recursive: true });
  must('cp', ['-a', base, dir]);
  const inner = `mount -t proc proc "$1/proc" && mount --rbind /dev "$1/dev" && exec chroot "$1" /bin/sh -c "$2"`;
  return {
    dir,
    sh: (script) =>
      run('unshare', [
        '--mount',
        '--propagation',
        'private',
        '--fork',
        'env',
        '-i',
        'PATH=/usr/sbin:/usr/bin:/sbin:/bin',
        'DEBIAN_FRONTEND=noninteractive',
        'LC_ALL=C',
        'sh',
        '-c',
        inner,
        'sh',
        dir,
        script,
      ]),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
