// Which operator keys this board trusts and what each may sign, as one list of rows (`aimlock keys list`).
//
// INVARIANT: the listing cannot disagree with the agent. It reads keys_dir with the agent's own loaders, in the
// agent's own order (agent/trust.ts: loadTrustedKeys, then loadAllCapabilities for the keys it kept), and only
// adds what the agent never looks at: `.caps` files with no `.pub` beside them (orphans), which grant nothing.
// It shows what the agent trusts after its next start or reload (SIGHUP), which is also what it trusts now
// unless someone changed keys_dir since.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  CAPABILITIES,
  type Capability,
  isValidKeyId,
  KEY_ID_PATTERN,
  keyFingerprint,
  loadAllCapabilities,
  loadTrustedKeys,
} from '../sign/index.js';

/** What a row's capabilities come from; `unusable` and `none` grant nothing. */
export type CapsSource = 'caps_file' | 'default' | 'unusable' | 'none';

export interface KeyRow {
  /** The file name without `.pub` (or `.caps` for an orphan): what pushes and commands carry as key_id. */
  key_id: string;
  /** True when the agent verifies signatures with this key. */
  trusted: boolean;
  /** `SHA256:…` of the public key (as `aimlock keys generate` prints it); null when the key is not trusted. */
  fingerprint: string | null;
  /** What the key may sign, in CONTRACT §9's order; empty when it may sign nothing. */
  capabilities: Capability[];
  caps_source: CapsSource;
  /** The `.caps` file behind the capabilities, or null (no file: push only; an untrusted key: nothing). */
  caps_file: string | null;
  /** Why the key may sign nothing (or less than its files suggest) and what to do; null when all is well. */
  problem: string | null;
}

export interface KeyInventory {
  keys_dir: string;
  keys: KeyRow[];
  /** Rows with a problem. */
  problems: number;
  /** Set when keys_dir itself cannot be listed: then keys is empty and the agent refuses every signed message. */
  dir_error?: string;
}

/** Every trusted key, every skipped `.pub`, every orphan `.caps` in `dir`, sorted by key id. Never throws. */
export function keyInventory(dir: string): KeyInventory {
  const trusted = loadTrustedKeys(dir);
  if (trusted.dirError) return { keys_dir: dir, keys: [], problems: 0, dir_error: trusted.dirError };
  const caps = loadAllCapabilities(dir, trusted.keys.keys());
  const rows: KeyRow[] = [];
  for (const [id, key] of trusted.keys) {
    const c = caps.get(id)!;
    rows.push({
      key_id: id,
      trusted: true,
      fingerprint: keyFingerprint(key),
      capabilities: CAPABILITIES.filter((cap) => c.caps.has(cap)),
      caps_source: c.problem ? 'unusable' : c.source === 'default' ? 'default' : 'caps_file',
      caps_file: c.source === 'default' ? null : c.source,
      problem: c.problem ?? null,
    });
  }
  for (const s of trusted.skipped) {
    const next = isValidKeyId(s.id)
      ? `signatures by key ${s.id} are refused unknown_key until it is an ed25519 public key (then systemctl reload aimlockd)`
      : 'no signature can name it: rename it to ID.pub with a key id as ID (then systemctl reload aimlockd)';
    rows.push(untrusted(s.id, null, `${s.problem}: ${next}`));
  }
  const pubs = new Set([...trusted.keys.keys(), ...trusted.skipped.map((s) => s.id)]);
  const noCaps = [...trusted.keys.keys()].filter((id) => caps.get(id)?.source === 'default');
  for (const id of orphanCaps(dir, pubs)) {
    rows.push(untrusted(id, join(dir, `${id}.caps`), orphanProblem(dir, id, noCaps)));
  }
  rows.sort((a, b) => (a.key_id < b.key_id ? -1 : a.key_id > b.key_id ? 1 : 0));
  return { keys_dir: dir, keys: rows, problems: rows.filter((r) => r.problem !== null).length };
}

function untrusted(id: string, capsFile: string | null, problem: string): KeyRow {
  return {
    key_id: id,
    trusted: false,
    fingerprint: null,
    capabilities: [],
    caps_source: 'none',
    caps_file: capsFile,
    problem,
  };
}

/** Ids of the `*.caps` files with no `.pub` of that id at all (a `.pub` the agent skipped is not an orphan's). */
function orphanCaps(dir: string, pubs: ReadonlySet<string>): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return []; // listed a moment ago by loadTrustedKeys; gone since: nothing more to say than it said
  }
  return names
    .filter((n) => n.endsWith('.caps') && !n.startsWith('.'))
    .map((n) => n.slice(0, -'.caps'.length))
    .filter((id) => !pubs.has(id));
}

function orphanProblem(dir: string, id: string, noCaps: readonly string[]): string {
  const path = join(dir, `${id}.caps`);
  const head = `${path} has no ${id}.pub beside it, so it grants nothing`;
  if (!isValidKeyId(id)) {
    return `${head} (and "${id}" is not a key id: it must match ${KEY_ID_PATTERN.source}); rename or remove it`;
  }
  // The likely story: ops-2026.caps saved as ops2026.caps, and ops-2026 is left with the default, push only.
  const near = noCaps.filter((k) => nearMiss(k, id));
  if (near.length) {
    const k = near[0]!;
    return `${head}; did you mean ${k}.caps? (${k} has no .caps file, so it may only push): mv ${path} ${join(dir, `${k}.caps`)}, then systemctl reload aimlockd`;
  }
  return `${head}: rename it to match its key's .pub (names are case-sensitive), or remove it`;
}

/**
 * Same letters but for case, or a few edits apart (optimal string alignment: a swap of two neighbours is one
 * edit, as in feild/field): the typos a file name picks up. Short ids allow fewer edits, or every two-letter id
 * would be a near miss of every other.
 */
export function nearMiss(a: string, b: string): boolean {
  if (a.toLowerCase() === b.toLowerCase()) return true;
  const shorter = Math.min(a.length, b.length);
  const max = shorter >= 6 ? 2 : shorter >= 3 ? 1 : 0;
  if (Math.abs(a.length - b.length) > max) return false;
  // d[i][j]: edits between a's first i and b's first j characters.
  const d = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const row = d[i]!;
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min(d[i - 1]![j]! + 1, row[j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        row[j] = Math.min(row[j]!, d[i - 2]![j - 2]! + 1);
      }
    }
  }
  return d[a.length]![b.length]! <= max;
}
