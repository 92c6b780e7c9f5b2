// Build time only: compiles every schema (and the derived ones) with Ajv into standalone validation code, so the
// agent and the CLI run plain generated functions and never load Ajv's compiler (README "Performance": it was a
// fifth of the agent's start and megabytes of its heap). scripts/schema-validators.ts writes the result to
// compiled.gen.ts; a test keeps the two equal and checks the generated validators against this compiler.
import { Ajv, type Options } from 'ajv';
import standalone from 'ajv/dist/standalone/index.js';
import formats from 'ajv-formats';
import { DERIVED, type DerivedName } from './derived.js';
import { SCHEMA_NAMES, type SchemaName, schemaDoc } from './files.js';

export type ValidatorName = SchemaName | DerivedName;

export const VALIDATOR_NAMES: readonly ValidatorName[] = [
  ...SCHEMA_NAMES,
  ...(Object.keys(DERIVED) as DerivedName[]),
];

/** The name a validator is exported under from compiled.gen.ts (`aim-config` → `aim_config`). */
export function exportName(name: ValidatorName): string {
  return name.replace(/-/g, '_');
}

const OPTIONS: Options = {
  strict: true,
  allErrors: true,
  // Never: a push must state its whole config, it may not be completed by the validator. Settings get their
  // defaults explicitly from applyDefaults(), which walks the same schema.
  useDefaults: false,
  // `"type": ["string", "null"]` is how the schemas spell a nullable value; strict mode otherwise refuses it.
  allowUnionTypes: true,
};

// Keywords that only document: the generated code embeds the schema objects it compares against, and the
// descriptions would be most of their bytes. Validation and error objects do not read them.
const ANNOTATIONS = new Set(['title', 'description', 'examples', 'default', '$comment']);
// Keywords whose value is data, copied as is (a property may well be called "description").
const DATA = new Set(['enum', 'const', 'required']);
// Keywords whose value maps names to schemas.
const MAPS = new Set(['properties', 'patternProperties', 'definitions', '$defs', 'dependencies']);

function bare(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(bare);
  if (typeof schema !== 'object' || schema === null) return schema;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (ANNOTATIONS.has(key)) continue;
    if (DATA.has(key)) out[key] = value;
    else if (MAPS.has(key) && typeof value === 'object' && value !== null) {
      out[key] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, bare(v)]));
    } else out[key] = bare(value);
  }
  return out;
}

/** One Ajv instance holding every schema and every derived schema (so cross-file `$ref`s resolve by `$id`). */
export function schemaCompiler(opts: { source: boolean }): { ajv: Ajv; ids: Map<ValidatorName, string> } {
  const ajv = new Ajv({ ...OPTIONS, code: { source: opts.source, esm: true, lines: true } });
  formats.default(ajv);
  const ids = new Map<ValidatorName, string>();
  const add = (name: ValidatorName, doc: object) => {
    const id = (doc as { $id?: unknown }).$id;
    if (typeof id !== 'string') throw new Error(`schema ${name} has no $id`);
    ajv.addSchema(bare(doc) as object);
    ids.set(name, id);
  };
  for (const name of SCHEMA_NAMES) add(name, schemaDoc(name));
  for (const [name, build] of Object.entries(DERIVED)) add(name as DerivedName, build());
  return { ajv, ids };
}

const BANNER = `// GENERATED FILE: do not edit. \`npm run schemas:validators\` writes it from schemas/ (src/schemas/compile.ts);
// test/schemas-compiled.test.ts fails when it is not current.
// Ajv's standalone validation code: the validators without Ajv's compiler (src/schemas/validators.ts).
// @ts-nocheck
import { createRequire } from 'node:module';

// The generated code require()s Ajv's small runtime helpers and ajv-formats' format checks.
const require = createRequire(import.meta.url);
`;

/** The text of compiled.gen.ts. */
export function validatorsSource(): string {
  const { ajv, ids } = schemaCompiler({ source: true });
  const refs: Record<string, string> = {};
  for (const name of VALIDATOR_NAMES) refs[exportName(name)] = ids.get(name)!;
  return `${BANNER}${standalone.default(ajv, refs)}\n`;
}
