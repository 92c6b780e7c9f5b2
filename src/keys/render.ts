// How a technician sees the trusted keys: one aligned row per key, then each problem as a whole sentence (a
// sentence with a path and the next step does not fit a table cell). Key ids, file names and problem sentences
// come from file names and file contents, so every one is escaped (term-safe.ts) before it is measured.
import { basename } from 'node:path';
import { table } from '../cli/lock-view.js';
import { termSafe } from '../term-safe.js';
import type { KeyInventory, KeyRow } from './inventory.js';

function maySign(r: KeyRow): string {
  if (r.capabilities.length) return r.capabilities.join(', ');
  if (!r.trusted) return r.caps_file !== null ? `NOTHING (no ${r.key_id}.pub)` : 'NOTHING (key not trusted)';
  if (r.caps_source === 'unusable') return 'NOTHING (caps file unusable)';
  // A caps file of comments only: valid, and how an installer parks a key without removing it.
  return 'nothing (its caps file grants nothing)';
}

function from(r: KeyRow): string {
  if (r.caps_source === 'default') return `default: push only (no ${r.key_id}.caps)`;
  if (r.caps_file === null) return `${r.key_id}.pub skipped`;
  const name = basename(r.caps_file);
  if (r.caps_source === 'unusable') return `${name} UNUSABLE`;
  return r.trusted ? name : `${name} ORPHAN`;
}

export function renderKeys(inv: KeyInventory): string {
  const trusted = inv.keys.filter((r) => r.trusted).length;
  const head = `keys_dir ${termSafe(inv.keys_dir)}: ${trusted} trusted key${trusted === 1 ? '' : 's'}, ${inv.problems} problem${inv.problems === 1 ? '' : 's'}`;
  const out = [head, ''];
  if (inv.keys.length === 0) {
    out.push(
      'no keys: every signed push and command is refused unknown_key. Copy an operator key here',
      '(ID.pub from aimlock keys generate, optionally ID.caps), then: systemctl reload aimlockd',
    );
  } else {
    out.push(
      table([
        ['KEY', 'FINGERPRINT', 'MAY SIGN', 'FROM'],
        ...inv.keys.map((r) => [r.key_id, r.fingerprint ?? '-', maySign(r), from(r)]),
      ]),
    );
  }
  const problems = inv.keys.filter((r) => r.problem !== null);
  if (problems.length) {
    out.push('', 'problems:');
    for (const r of problems) out.push(`  ${termSafe(r.key_id)}: ${termSafe(r.problem)}`);
  }
  out.push(
    '',
    'The agent reads keys_dir at start and on reload (systemctl reload aimlockd): a change made since is not in force yet.',
  );
  return out.join('\n');
}
