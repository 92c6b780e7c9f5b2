// The persistent half of the lock: lock bit, owner record and generation counter, beside each other in
// `{state_dir}/locks/{config name}/`. Unlike kernel locks they survive their writer — which is exactly how
// ghosts are born — so every write here is atomic (temp file + rename) and only ever made while both kernel
// locks are held: the bit is written last on acquire and cleared first on release.
import { mkdir, readdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { atomicWrite } from '../store/atomic.js';
import type { IntentRecord, LockBit, OwnerRead, OwnerRecord } from './types.js';

const OWNER_KEYS: Array<[keyof OwnerRecord, 'number' | 'string']> = [
  ['pid', 'number'],
  ['pid_start', 'number'],
  ['boot_id', 'string'],
  ['generation', 'number'],
  ['heartbeat_at', 'string'],
];

async function readOrNull(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/** Parses the bit file. Anything but a clear `0` counts as set: an unreadable bit must not look free. */
export function parseBit(text: string | null): LockBit {
  if (text === null) return null;
  return text.trim() === '0' ? 0 : 1;
}

/** Parses an owner record; a record that cannot name a process incarnation is `corrupt`. */
export function parseOwner(text: string | null): OwnerRead {
  if (text === null) return { state: 'absent' };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { state: 'corrupt', error: `not JSON: ${(err as Error).message}` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { state: 'corrupt', error: 'not a JSON object' };
  }
  const record = value as Record<string, unknown>;
  for (const [key, type] of OWNER_KEYS) {
    if (typeof record[key] !== type) return { state: 'corrupt', error: `"${key}" is not a ${type}` };
  }
  return { state: 'ok', record: record as unknown as OwnerRecord };
}

export class LockFiles {
  readonly bitPath: string;
  readonly ownerPath: string;
  readonly generationPath: string;
  readonly intentsDir: string;

  constructor(readonly dir: string) {
    this.bitPath = join(dir, 'conf_locked');
    this.ownerPath = join(dir, 'owner.json');
    this.generationPath = join(dir, 'generation');
    this.intentsDir = join(dir, 'intents');
  }

  /**
   * Each process writes only its own intent file, so no lock is needed. Renamed into place so an observer
   * never reads a half-written one (that would make a compliant holder look like a stranger). Not fsync'd on
   * purpose: an intent only vouches for a live process, and after a crash or power cut its writer is gone.
   */
  async writeIntent(intent: IntentRecord): Promise<void> {
    await mkdir(this.intentsDir, { recursive: true });
    const temp = join(this.intentsDir, `.${intent.pid}.tmp`);
    await writeFile(temp, JSON.stringify(intent));
    await rename(temp, join(this.intentsDir, `${intent.pid}.json`));
  }

  async removeIntent(pid: number): Promise<void> {
    await unlink(join(this.intentsDir, `${pid}.json`)).catch(() => {});
  }

  async readIntent(pid: number): Promise<IntentRecord | null> {
    try {
      const value = JSON.parse(await readFile(join(this.intentsDir, `${pid}.json`), 'utf8')) as IntentRecord;
      return typeof value.pid_start === 'number' && typeof value.at === 'string' ? value : null;
    } catch {
      return null;
    }
  }

  /** Pids with an intent file (left behind by processes killed mid-transition, among others). */
  async intentPids(): Promise<number[]> {
    const names = await readdir(this.intentsDir).catch(() => [] as string[]);
    return names.map((n) => Number.parseInt(n, 10)).filter((n) => Number.isSafeInteger(n) && n > 0);
  }

  async readBit(): Promise<LockBit> {
    return parseBit(await readOrNull(this.bitPath));
  }

  async readOwner(): Promise<OwnerRead> {
    return parseOwner(await readOrNull(this.ownerPath));
  }

  async readGeneration(): Promise<number> {
    const n = Number.parseInt((await readOrNull(this.generationPath)) ?? '0', 10);
    return Number.isSafeInteger(n) && n >= 0 ? n : 0;
  }

  /** Caller holds both kernel locks. */
  async writeGeneration(n: number): Promise<void> {
    await atomicWrite(this.generationPath, `${n}\n`);
  }

  /** Caller holds both kernel locks. */
  async writeBit(bit: 0 | 1): Promise<void> {
    await atomicWrite(this.bitPath, `${bit}\n`);
  }

  /**
   * Caller holds both kernel locks. An absent bit reads as free (CONTRACT §3), and an unlink needs no free
   * space: the way to clear the bit when a full disk refuses writeBit(0)'s temporary file.
   */
  async removeBit(): Promise<void> {
    await unlink(this.bitPath).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
    });
  }

  /** Caller holds both kernel locks (or is the owner refreshing its heartbeat). */
  async writeOwner(record: OwnerRecord): Promise<void> {
    await atomicWrite(this.ownerPath, `${JSON.stringify(record, null, 2)}\n`);
  }

  /** Caller holds both kernel locks. */
  async removeOwner(): Promise<void> {
    await unlink(this.ownerPath).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
    });
  }
}
