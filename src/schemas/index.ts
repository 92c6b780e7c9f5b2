// Validation against the JSON Schemas of schemas/ (the contract's single source), their defaults, and the
// TypeScript types generated from them (`npm run schemas:types`).
import { type SchemaError, toSchemaErrors } from './errors.js';
import type { SchemaName } from './files.js';
import type {
  AgentSettings,
  AimConfig,
  CommandEnvelope,
  CommandResult,
  Limits,
  PushEnvelope,
  Result,
  Status,
  Telemetry,
} from './types.gen.js';
import { validator } from './validators.js';

export { applyDefaults, schemaDefaults } from './defaults.js';
export { type Envelope, underConfig, validateEnvelope } from './envelope.js';
export { MAX_ERRORS, type SchemaError } from './errors.js';
export { SCHEMA_NAMES, type SchemaName, schemaDir } from './files.js';
export type * from './types.gen.js';

/** The generated type of each schema, for `validate<SchemaTypes['push']>('push', x)`. */
export interface SchemaTypes {
  'aim-config': AimConfig;
  push: PushEnvelope;
  result: Result;
  telemetry: Telemetry;
  status: Status;
  'agent-settings': AgentSettings;
  limits: Limits;
  command: CommandEnvelope;
  'command-result': CommandResult;
}

export type ValidationResult<T> = { ok: true; value: T } | { ok: false; errors: SchemaError[] };

/**
 * Checks `value` against schema `name`. On success `value` is returned as is (never completed by defaults,
 * never copied); on failure the errors are deduplicated, sorted by path and at most MAX_ERRORS.
 */
export function validate<T = unknown>(name: SchemaName, value: unknown): ValidationResult<T> {
  const fn = validator(name);
  if (fn(value)) return { ok: true, value: value as T };
  return { ok: false, errors: toSchemaErrors(fn.errors) };
}
