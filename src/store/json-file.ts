// Small JSON records on disk (state, history entries, outbox items): read with a clear error naming the file,
// written atomically and durably. An absent file and a corrupt one are different answers on purpose: absent
// means "nothing yet", corrupt means someone must look — it is never silently treated as empty.
import { readFile } from 'node:fs/promises';
import { type AtomicWriteOptions, atomicWrite } from './atomic.js';

export class CorruptFileError extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${path} is corrupt: ${reason}`);
    this.name = 'CorruptFileError';
  }
}

/** The parsed content of `path`, or null when it does not exist. Throws CorruptFileError when it is not JSON. */
export async function readJsonFile(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new CorruptFileError(path, `not JSON (${(err as Error).message})`);
  }
}

export async function writeJsonFile(path: string, value: unknown, opts?: AtomicWriteOptions): Promise<void> {
  await atomicWrite(path, `${JSON.stringify(value, null, 2)}\n`, opts);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
