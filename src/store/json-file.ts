// Small JSON records on disk (state, history entries, outbox items): read with a clear error naming the file,
// written atomically and durably. An absent file and a corrupt one are different answers on purpose: absent
// means "nothing yet", corrupt means someone must look — it is never silently treated as empty.
import { type AtomicWriteOptions, atomicWrite, type StagedWrite, stageWrite } from './atomic.js';
import { explainLink, type OwnedTree } from './owned.js';
import { readBytes, readBytesIfPresent } from './owned-read.js';

export class CorruptFileError extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${path} is corrupt: ${reason}`);
    this.name = 'CorruptFileError';
  }
}

/**
 * The parsed content of `path`, or null when it does not exist. Throws CorruptFileError when it is not JSON.
 * Never read through a link (a link to a root-only file would put its first bytes into the error message,
 * and from there into the audit log), nor through linked directories inside `tree`.
 */
export async function readJsonFile(path: string, tree?: OwnedTree): Promise<unknown> {
  let text: string;
  try {
    text = await readText(path, tree);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw explainLink(err, path);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new CorruptFileError(path, `not JSON (${(err as Error).message})`);
  }
}

export async function writeJsonFile(path: string, value: unknown, opts?: AtomicWriteOptions): Promise<void> {
  await atomicWrite(path, jsonText(value), opts);
}

/** writeJsonFile's first half (atomic.ts stageWrite): written and synced, renamed by place(). */
export function stageJsonFile(path: string, value: unknown, opts?: AtomicWriteOptions): Promise<StagedWrite> {
  return stageWrite(path, jsonText(value), opts);
}

const jsonText = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/** The text of a file, read without following a link at its name or (inside `tree`) in its directories. */
export async function readText(path: string, tree?: OwnedTree): Promise<string> {
  return (await readBytes(path, tree)).toString('utf8');
}

/** readText, or null when there is no file at `path` (owned-read.ts readBytesIfPresent). */
export async function readTextIfPresent(path: string, tree?: OwnedTree): Promise<string | null> {
  return (await readBytesIfPresent(path, tree))?.toString('utf8') ?? null;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
