// Where the JSON Schemas live and how they are read. The files in the top-level schemas/ folder are the single
// source of truth (STYLE.md "Schema first"): validation, defaults and the generated types all come from them.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The schemas of the contract, by file stem: `schemas/{name}.schema.json`. */
export type SchemaName =
  | 'aim-config'
  | 'push'
  | 'result'
  | 'telemetry'
  | 'status'
  | 'agent-settings'
  | 'limits'
  | 'command'
  | 'command-result';

export const SCHEMA_NAMES: readonly SchemaName[] = [
  'aim-config',
  'push',
  'result',
  'telemetry',
  'status',
  'agent-settings',
  'limits',
  'command',
  'command-result',
];

/** A schema document as parsed from disk; only the members this module walks are typed. */
export interface SchemaDoc {
  $id?: string;
  $ref?: string;
  type?: string | string[];
  default?: unknown;
  properties?: Record<string, SchemaDoc>;
  [keyword: string]: unknown;
}

// This module sits one level under the project root both as src/schemas/*.ts (tap) and as dist/schemas/*.js
// (installed package), so ../../schemas/ is the same folder in both cases.
const DIR_URL = new URL('../../schemas/', import.meta.url);

/** Absolute path of the schemas/ folder, with a trailing separator. */
export function schemaDir(): string {
  return fileURLToPath(DIR_URL);
}

const docs = new Map<SchemaName, SchemaDoc>();

/** The parsed schema, read once and then shared: callers must not mutate it. */
export function schemaDoc(name: SchemaName): SchemaDoc {
  let doc = docs.get(name);
  if (doc === undefined) {
    doc = JSON.parse(readFileSync(new URL(`${name}.schema.json`, DIR_URL), 'utf8')) as SchemaDoc;
    docs.set(name, doc);
  }
  return doc;
}

/** The schema whose `$id` is `id` (ignoring any fragment), if it is one of ours. */
export function schemaById(id: string): SchemaDoc | undefined {
  const bare = id.split('#')[0];
  for (const name of SCHEMA_NAMES) {
    const doc = schemaDoc(name);
    if (doc.$id === bare) return doc;
  }
  return undefined;
}
