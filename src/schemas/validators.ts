// The validators of every schema, as Ajv's standalone code generated at build time (compiled.gen.ts, written by
// `npm run schemas:validators` from src/schemas/compile.ts): the same functions Ajv would compile at run time,
// without loading its compiler or compiling anything when a board starts.
import type { ErrorObject } from 'ajv';
import * as compiled from './compiled.gen.js';
import type { DerivedName } from './derived.js';
import type { SchemaName } from './files.js';

/** What Ajv's generated validators are: true or false, with the reasons in `errors` after a false. */
export interface ValidateFunction {
  (data: unknown): boolean;
  errors?: ErrorObject[] | null;
}

const table = compiled as unknown as Readonly<Record<string, ValidateFunction | undefined>>;

/** The validator of schema `name`, or of a derived schema (derived.ts). */
export function validator(name: SchemaName | DerivedName): ValidateFunction {
  const fn = table[name.replace(/-/g, '_')];
  if (fn === undefined) throw new Error(`no compiled validator for ${name}: run npm run schemas:validators`);
  return fn;
}
