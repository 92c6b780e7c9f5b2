// One registry, one documented table: every code in src/errors.ts is in the README with the same exit/status
// and meaning, and every code the README documents exists. CONTRACT §5's result codes are all present.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { CLI_ERRORS, COMMAND_CODES, RESULT_CODES } from '../src/errors.js';
import { ROOT } from './helpers/board.js';

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');

function tableBetween(marker: string): Map<string, [string, string]> {
  const section = readme.split(`<!-- ${marker}:start -->`)[1]?.split(`<!-- ${marker}:end -->`)[0] ?? '';
  const rows = new Map<string, [string, string]>();
  for (const line of section.split('\n')) {
    const m = /^\| `([a-z_]+)` \| ([^|]+) \| ([^|]+) \|$/.exec(line.trim());
    if (m) rows.set(m[1]!, [m[2]!.trim(), m[3]!.trim()]);
  }
  return rows;
}

t.test('every CLI error code is documented with its exit status and meaning, and vice versa', async (t) => {
  const documented = tableBetween('cli-codes');
  t.ok(documented.size > 0, 'README has the CLI code table');
  for (const [code, { exit, meaning }] of Object.entries(CLI_ERRORS)) {
    t.same(documented.get(code), [String(exit), meaning], `README documents ${code}`);
  }
  for (const code of documented.keys())
    t.ok(code in CLI_ERRORS, `${code} documented in README exists in src/errors.ts`);
});

t.test('every result code is documented with its status and meaning, and vice versa', async (t) => {
  const documented = tableBetween('result-codes');
  for (const [code, { status, meaning }] of Object.entries(RESULT_CODES)) {
    t.same(documented.get(code), [status, meaning], `README documents ${code}`);
  }
  for (const code of documented.keys())
    t.ok(code in RESULT_CODES, `${code} documented in README exists in src/errors.ts`);
});

t.test('every command code is documented with its status and meaning, and vice versa', async (t) => {
  const documented = tableBetween('command-codes');
  t.ok(documented.size > 0, 'README has the command code table');
  for (const [code, { status, meaning }] of Object.entries(COMMAND_CODES)) {
    t.same(documented.get(code), [status, meaning], `README documents ${code}`);
  }
  for (const code of documented.keys())
    t.ok(code in COMMAND_CODES, `${code} documented in README exists in src/errors.ts`);
});

t.test('a command code shared with the push or CLI tables keeps its meaning there (no reuse)', async (t) => {
  // CONTRACT §9: new codes join the registry, none is reused. A shared word must be the same idea: the screening
  // codes are the push's (same step, same cause), not_stale and kernel_lock_held the CLI's.
  const shared = Object.keys(COMMAND_CODES).filter((c) => c in RESULT_CODES || c in CLI_ERRORS);
  t.same(shared.sort(), [
    'capability_missing',
    'duplicate',
    'expired',
    'invalid_json',
    'kernel_lock_held',
    'keys_unreadable',
    'not_stale',
    'ok',
    'schema_invalid',
    'signature_invalid',
    'signature_missing',
    'too_large',
    'unknown_key',
    'wrong_device',
  ]);
});

t.test(
  'the result codes are those of CONTRACT §5 plus the added ones, and the result schema agrees',
  async (t) => {
    // The shared folder sits beside the main checkout (/work/shared) and two levels up from a worktree.
    const shared = [join(ROOT, '..', 'shared'), join(ROOT, '..', '..', 'shared')].find((d) =>
      existsSync(join(d, 'CONTRACT.md')),
    );
    const contract = readFileSync(join(shared ?? join(ROOT, '..', 'shared'), 'CONTRACT.md'), 'utf8');
    const line = contract.split('\n').find((l) => l.startsWith('Codes (stable'));
    const listed = [
      ...(contract.slice(contract.indexOf(line ?? '')).split('\n\n')[0] ?? '').matchAll(/`([a-z_]+)`/g),
    ].map((m) => m[1]);
    t.ok(listed.length >= 19, 'found the code list in CONTRACT.md');
    // CONTRACT §5: codes are stable, never reused; new ones may join. Each addition is named here on purpose.
    const added = ['apply_incomplete', 'limits_unreadable', 'keys_unreadable', 'capability_missing'];
    t.same(new Set(Object.keys(RESULT_CODES)), new Set([...listed, ...added]));
    const schema = JSON.parse(readFileSync(join(ROOT, 'schemas/result.schema.json'), 'utf8'));
    t.same(
      new Set(schema.properties.code.enum),
      new Set(Object.keys(RESULT_CODES)),
      'result.schema.json code enum',
    );
  },
);
