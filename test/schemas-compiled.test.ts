// The validators the agent and the CLI run are Ajv's standalone code generated at build time
// (src/schemas/compiled.gen.ts). Three promises: the committed file is what the generator writes from today's
// schemas; each generated validator answers exactly as Ajv's run-time compiler does with the same options (the
// same verdict and the same error objects, so every message an operator reads is unchanged); and neither the
// agent nor the CLI loads Ajv's compiler.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import t from 'tap';
import { schemaCompiler, VALIDATOR_NAMES, type ValidatorName } from '../src/schemas/compile.js';
import { DERIVED } from '../src/schemas/derived.js';
import { type SchemaDoc, type SchemaName, schemaById, schemaDoc } from '../src/schemas/files.js';
import { validator } from '../src/schemas/validators.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SEED = 20261129;
const RUNS = 300;

t.test('compiled.gen.ts is generated from the schemas of today', async (t) => {
  const out = join(t.testdir({}), 'compiled.gen.ts');
  execFileSync(
    process.execPath,
    ['--import', '@tapjs/typescript/import', join(ROOT, 'scripts', 'schema-validators.ts'), '--out', out],
    { cwd: ROOT, stdio: 'pipe' },
  );
  const fresh = readFileSync(out, 'utf8');
  t.ok(fresh.startsWith('// GENERATED FILE'), 'banner');
  t.equal(
    readFileSync(join(ROOT, 'src', 'schemas', 'compiled.gen.ts'), 'utf8'),
    fresh,
    'src/schemas/compiled.gen.ts is up to date (run `npm run schemas:validators`)',
  );
});

/** The schema node at `$ref` (our files and local definitions), for building samples. */
function resolve(node: SchemaDoc, root: SchemaDoc): [SchemaDoc, SchemaDoc] {
  if (typeof node.$ref !== 'string') return [node, root];
  const url = new URL(node.$ref, root.$id ?? 'https://invalid/');
  const target = node.$ref.startsWith('#') ? root : schemaById(url.href);
  if (target === undefined) return [{}, root];
  let walked: unknown = target;
  for (const key of url.hash.replace(/^#\/?/, '').split('/').filter(Boolean)) {
    walked = (walked as Record<string, unknown> | undefined)?.[key];
  }
  return [(walked ?? {}) as SchemaDoc, target];
}

/** A plausible instance: examples, defaults and bounds, every property present. Valid or nearly so. */
function sample(node: SchemaDoc, root: SchemaDoc, depth = 0): unknown {
  const [n, r] = resolve(node, root);
  const leaf = (v: unknown) => typeof v !== 'object' || v === null;
  // An object's example or default may leave members out: built from its properties instead.
  if (Array.isArray(n.examples) && leaf(n.examples[0])) return n.examples[0];
  if (n.default !== undefined && leaf(n.default)) return n.default;
  if ('const' in n) return n.const;
  if (Array.isArray(n.enum)) return n.enum[0];
  const type = Array.isArray(n.type) ? n.type[0] : n.type;
  if (n.properties !== undefined || type === 'object') {
    const out: Record<string, unknown> = {};
    if (depth < 6)
      for (const [k, sub] of Object.entries(n.properties ?? {})) out[k] = sample(sub, r, depth + 1);
    return out;
  }
  if (type === 'array') return [];
  if (type === 'string') return n.format === 'date-time' ? '2026-11-29T10:00:00Z' : 'x';
  if (type === 'integer' || type === 'number') return typeof n.minimum === 'number' ? n.minimum : 1;
  if (type === 'boolean') return true;
  return null;
}

function baseOf(name: ValidatorName): unknown {
  const doc = (
    name in DERIVED ? DERIVED[name as keyof typeof DERIVED]() : schemaDoc(name as SchemaName)
  ) as SchemaDoc;
  return sample(doc, doc);
}

/** Every path (as keys) to an object member in `v`. */
function paths(v: unknown, at: string[] = []): string[][] {
  if (typeof v !== 'object' || v === null) return [];
  const out: string[][] = [];
  for (const [k, sub] of Object.entries(v)) {
    out.push([...at, k]);
    out.push(...paths(sub, [...at, k]));
  }
  return out;
}

type Mutation = { kind: 'set' | 'delete' | 'add'; pick: number; value: unknown };

function mutate(base: unknown, muts: Mutation[]): unknown {
  const doc = structuredClone(base);
  for (const m of muts) {
    const all = paths(doc);
    if (all.length === 0) return m.value;
    const path = all[m.pick % all.length]!;
    const parent = path.slice(0, -1).reduce<Record<string, unknown>>((o, k) => o[k] as never, doc as never);
    const key = path[path.length - 1]!;
    if (m.kind === 'delete') delete parent[key];
    else if (m.kind === 'set') parent[key] = m.value;
    else if (typeof parent[key] === 'object' && parent[key] !== null) {
      (parent[key] as Record<string, unknown>).surplus = m.value;
    }
  }
  return doc;
}

const mutation = fc.record({
  kind: fc.constantFrom('set', 'delete', 'add') as fc.Arbitrary<Mutation['kind']>,
  pick: fc.nat(),
  value: fc.oneof(
    fc.jsonValue({ maxDepth: 2 }),
    fc.double(),
    fc.integer({ min: -10, max: 10_000 }),
    fc.constantFrom('', 'x'.repeat(300), '2026-13-40T99:00:00Z', '2026-11-29T10:00:00Z', 'hover', null),
  ),
});

t.test('each generated validator answers as the run-time compiler does', async (t) => {
  const { ajv, ids } = schemaCompiler({ source: false });
  for (const name of VALIDATOR_NAMES) {
    const reference = ajv.getSchema(ids.get(name)!)!;
    const generated = validator(name);
    const base = baseOf(name);
    let valid = 0;
    fc.assert(
      fc.property(fc.array(mutation, { maxLength: 4 }), (muts) => {
        const value = mutate(base, muts);
        const want = reference(value);
        const got = generated(structuredClone(value));
        if (want) valid++;
        // Error objects, not only the verdict: the operator's messages are made from them (errors.ts).
        return got === want && isDeepStrictEqual(generated.errors ?? null, reference.errors ?? null);
      }),
      { seed: SEED, numRuns: RUNS },
    );
    t.pass(`${name}: ${RUNS} documents, ${valid} valid, same verdicts and errors`);
  }
});

t.test("neither the agent nor the CLI loads Ajv's compiler", async (t) => {
  // The modules of a start (settings, screening of pushes and commands, outgoing messages) exercised once, then
  // the CommonJS modules loaded so far listed: Ajv's compiler is CommonJS, so it would be there.
  const probe = `
    const { createRequire } = await import('node:module');
    const { validate, validateEnvelope, applyDefaults } = await import('./dist/schemas/index.js');
    await import('./dist/agent/agent.js');
    await import('./dist/command/screen.js');
    validate('agent-settings', applyDefaults('agent-settings', {}));
    validate('push', {});
    validateEnvelope({});
    const loaded = Object.keys(createRequire(import.meta.url).cache);
    process.stdout.write(JSON.stringify(loaded.filter((f) => /node_modules\\/ajv\\//.test(f))));
  `;
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', probe], { cwd: ROOT, env });
  const ajvFiles = (JSON.parse(out.toString()) as string[]).map((f) => f.replace(/.*node_modules\//, ''));
  t.ok(ajvFiles.length > 0, `the probe sees Ajv's run-time helpers (${ajvFiles.join(', ')})`);
  t.same(
    ajvFiles.filter((f) => !f.startsWith('ajv/dist/runtime/')),
    [],
    'only ajv/dist/runtime/ helpers, never ajv/dist/core or ajv/dist/compile',
  );
});
