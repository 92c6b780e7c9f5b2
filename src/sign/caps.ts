// What each trusted key may sign (CONTRACT §9): `{keys_dir}/{key_id}.caps` beside `{key_id}.pub`, one
// capability per line, `#` starts a comment, blank lines ignored. No `.caps` file: the key may only push (every
// key could push before capabilities existed, and must keep doing so).
//
// INVARIANT: fail closed, per key. A `.caps` file that cannot be read (permissions, a directory, too big) or
// that names a word we do not know leaves its key with NO capability, not even `push`, until it is fixed and
// the agent reloaded (SIGHUP). Why not drop just the unknown word: a caps file is how an installer narrows a
// key, and we cannot tell a typo of a grant from a typo of the whole intent; why not fall back to "push only":
// a file that exists was meant to say something, and guessing what is exactly the silent widening or narrowing
// a technician would not notice. The reason is kept and named in every refusal for that key.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const CAPABILITIES = [
  'push',
  'hold',
  'resume',
  'locks',
  'reclaim',
  'release_force',
  'status',
] as const;
export type Capability = (typeof CAPABILITIES)[number];

/** What a key without a `.caps` file may do. */
export const DEFAULT_CAPABILITIES: readonly Capability[] = ['push'];

/** A caps file is a handful of words; anything bigger is not one. */
const MAX_CAPS_FILE_BYTES = 4 * 1024;

export interface KeyCapabilities {
  caps: ReadonlySet<Capability>;
  /** Where they came from: the `.caps` file, or `default` (no file: push only). */
  source: string;
  /** Set when the `.caps` file is unusable: caps is then empty (fail closed) and this says why and what to do. */
  problem?: string;
}

const isCapability = (w: string): w is Capability => (CAPABILITIES as readonly string[]).includes(w);

/** The words of a caps file's text, or the first problem found (with its line number). */
export function parseCapabilities(text: string): { caps: Set<Capability> } | { problem: string } {
  const caps = new Set<Capability>();
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const word = (lines[i] ?? '').replace(/#.*/, '').trim();
    if (word === '') continue;
    if (!isCapability(word)) {
      return {
        problem: `line ${i + 1}: ${JSON.stringify(word.slice(0, 40))} is not a capability (known: ${CAPABILITIES.join(', ')})`,
      };
    }
    caps.add(word);
  }
  return { caps };
}

/** The capabilities of key `keyId` in `dir`. Never throws: an unusable file is a KeyCapabilities with a problem. */
export function loadCapabilities(dir: string, keyId: string): KeyCapabilities {
  const path = join(dir, `${keyId}.caps`);
  const closed = (why: string): KeyCapabilities => ({
    caps: new Set(),
    source: path,
    problem: `${path} ${why}; key ${keyId} may sign nothing until it is fixed (then systemctl reload aimlockd)`,
  });
  let text: string;
  try {
    const st = statSync(path);
    if (!st.isFile()) return closed('is not a regular file');
    if (st.size > MAX_CAPS_FILE_BYTES) return closed(`is ${st.size} bytes: too big for a caps file`);
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { caps: new Set(DEFAULT_CAPABILITIES), source: 'default' };
    return closed(`cannot be read (${code ?? (err as Error).message})`);
  }
  const parsed = parseCapabilities(text);
  if ('problem' in parsed) return closed(`is not a caps file: ${parsed.problem}`);
  return { caps: parsed.caps, source: path };
}

/** loadCapabilities for every key id, in one map (the agent loads it beside the keys, once and on SIGHUP). */
export function loadAllCapabilities(dir: string, keyIds: Iterable<string>): Map<string, KeyCapabilities> {
  const out = new Map<string, KeyCapabilities>();
  for (const id of keyIds) out.set(id, loadCapabilities(dir, id));
  return out;
}

/**
 * Null when key `keyId` may use `cap`, else the sentence of the `capability_missing` refusal. A key absent
 * from the map (caps not loaded: a caller that never loads them) has the default, push only.
 */
export function missingCapability(
  caps: ReadonlyMap<string, KeyCapabilities> | undefined,
  keyId: string,
  cap: Capability,
): string | null {
  const k = caps?.get(keyId);
  const has = k ? k.caps.has(cap) : DEFAULT_CAPABILITIES.includes(cap);
  if (has) return null;
  if (k?.problem) return `key ${keyId} may not ${cap}: ${k.problem}`;
  const where = k && k.source !== 'default' ? k.source : `no ${keyId}.caps file, so push only`;
  return `key ${keyId} lacks the capability "${cap}" (${where}); add the line "${cap}" to ${keyId}.caps in keys_dir if it should have it`;
}
