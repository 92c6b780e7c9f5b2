#!/usr/bin/env node
// Generates src/schemas/types.gen.ts from the JSON Schemas in schemas/, so that the types are derived from the
// schemas and never written twice (STYLE.md "Schema first").
//
//   npm run schemas:types                      rewrite src/schemas/types.gen.ts
//   node scripts/schema-types.mjs --out FILE   write elsewhere (the freshness test compares the two)
//
// Naming: a schema's root becomes the interface named in TYPES below; a nested object with a `title` becomes a
// named interface too (`Aim tuning` -> AimTuning); titles of scalar members are dropped, they would only make
// aliases such as `type AimSensitivity = number`. Every `$ref` to another schema file is resolved from the local
// schemas/ folder (never fetched by its https `$id`), and is declared only by the file that owns it, so
// PushEnvelope.config is the one AimConfig.
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compile } from 'json-schema-to-typescript';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SCHEMAS = join(ROOT, 'schemas');
const DEFAULT_OUT = join(ROOT, 'src', 'schemas', 'types.gen.ts');

/** file stem -> generated root type name, in output order. */
const TYPES = [
  ['aim-config', 'AimConfig'],
  ['push', 'PushEnvelope'],
  ['result', 'Result'],
  ['telemetry', 'Telemetry'],
  ['status', 'Status'],
  ['agent-settings', 'AgentSettings'],
  ['limits', 'Limits'],
  ['command', 'CommandEnvelope'],
  ['command-result', 'CommandResult'],
];
const NAME_OF = new Map(TYPES);

function isObjectSchema(node) {
  const t = node.type;
  return t === 'object' || (Array.isArray(t) && t.includes('object'));
}

function shape(node, isRoot) {
  if (Array.isArray(node)) return node.map((n) => shape(n, false));
  if (node === null || typeof node !== 'object') return node;
  // Siblings of $ref are annotations for readers of the JSON; they would rename the referenced type.
  if (typeof node.$ref === 'string') return { $ref: node.$ref };
  const out = {};
  for (const [key, value] of Object.entries(node)) {
    // Data, not schemas: copy verbatim.
    if (key === 'default' || key === 'examples' || key === 'enum' || key === 'const') out[key] = value;
    else if (key === 'properties' || key === 'definitions') {
      out[key] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shape(v, false)]));
    } else out[key] = shape(value, false);
  }
  if (!isRoot && !isObjectSchema(node)) delete out.title;
  return out;
}

function load(stem) {
  const schema = shape(JSON.parse(readFileSync(join(SCHEMAS, `${stem}.schema.json`), 'utf8')), true);
  schema.title = NAME_OF.get(stem);
  return schema;
}

const localSchemas = {
  order: 1,
  canRead: /\.schema\.json$/,
  read(file) {
    return JSON.stringify(load(basename(new URL(file.url, 'file:///').pathname, '.schema.json')));
  },
};

const OPTIONS = {
  bannerComment: '',
  cwd: SCHEMAS,
  declareExternallyReferenced: true,
  additionalProperties: false,
  unknownAny: true,
  strictIndexSignatures: true,
  $refOptions: { resolve: { aimlock: localSchemas, http: false, file: false } },
  // Matches biome.json, so that the generated file passes `biome check` unchanged.
  style: {
    singleQuote: true,
    semi: true,
    printWidth: 110,
    tabWidth: 2,
    useTabs: false,
    trailingComma: 'all',
    bracketSpacing: true,
  },
};

// Top-level declarations of one compile, each with its doc comment, keyed by the declared name.
// A block starts at a column-0 `/**` or `export` that does not follow a doc comment's own lines.
function declarations(text) {
  const blocks = [];
  let current = [];
  let previous = '';
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const inDoc = previous.startsWith('/**') || previous.startsWith(' *');
    if (/^(\/\*\*|export )/.test(line) && !inDoc && current.length > 0) {
      blocks.push(current.join('\n'));
      current = [];
    }
    current.push(line);
    previous = line;
  }
  if (current.length > 0) blocks.push(current.join('\n'));
  return blocks.map((block) => {
    const m = /^export (?:interface|type|enum|const enum) (\w+)/m.exec(block);
    if (m === null) throw new Error(`unexpected generated block:\n${block}`);
    return { name: m[1], block };
  });
}

export async function generate() {
  // A type another schema references (AimConfig inside PushEnvelope) comes out of both compiles: keep the
  // first, and insist that the two are the same declaration, so no type is ever two things.
  const kept = new Map();
  for (const [stem, name] of TYPES) {
    for (const { name: declared, block } of declarations(await compile(load(stem), name, OPTIONS))) {
      const earlier = kept.get(declared);
      if (earlier === undefined) kept.set(declared, block);
      else if (earlier !== block) throw new Error(`type ${declared} is generated twice, differently`);
    }
  }
  const text = `${[...kept.values()].join('\n\n')}\n`;
  const banner = [
    '// GENERATED FILE, DO NOT EDIT: generated from schemas/*.schema.json by `npm run schemas:types`',
    '// (scripts/schema-types.mjs, json-schema-to-typescript). Edit the schemas and run it again;',
    '// test/schemas.test.ts fails while this file is out of date.',
    '',
  ].join('\n');
  return `${banner}\n${text}`;
}

const isMain = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const i = process.argv.indexOf('--out');
  const out = i > 0 && process.argv[i + 1] !== undefined ? resolve(process.argv[i + 1]) : DEFAULT_OUT;
  writeFileSync(out, await generate());
  process.stdout.write(`wrote ${relative(process.cwd(), out) || out}\n`);
}
