// The command schemas, compiled once in the process's one Ajv instance (src/schemas/ajv.ts). Until the
// device side registers them by name (src/schemas/files.ts), they are read here and compiled as derived
// schemas (without their `$id`, which derivedValidator requires).
import { readFileSync } from 'node:fs';
import { derivedValidator } from '../../schemas/ajv.js';
import { toSchemaErrors } from '../../schemas/errors.js';
import { type SchemaError, schemaDir } from '../../schemas/index.js';
import type { CommandResult, SignedCommand } from './types.js';

function loaded(name: string): object {
  const doc = JSON.parse(readFileSync(`${schemaDir()}${name}.schema.json`, 'utf8')) as Record<
    string,
    unknown
  >;
  const { $id: _id, $schema: _schema, ...rest } = doc;
  return rest;
}

type Checked<T> = { ok: true; value: T } | { ok: false; errors: SchemaError[] };

function check<T>(name: string, value: unknown): Checked<T> {
  const fn = derivedValidator(`fleet-command:${name}`, () => loaded(name));
  if (fn(value)) return { ok: true, value: value as T };
  return { ok: false, errors: toSchemaErrors(fn.errors) };
}

export const checkCommand = (value: unknown) => check<SignedCommand>('command', value);
export const checkCommandResult = (value: unknown) => check<CommandResult>('command-result', value);
