// A config's two gates, in order: the schema (aim-config), then this board's hard limits.
import { type AimConfig, type Limits, type SchemaError, validate } from '../schemas/index.js';
import { checkLimits } from './limits.js';

export type ConfigCheck =
  | { ok: true; config: AimConfig }
  | { ok: false; code: 'schema_invalid' | 'limits_exceeded'; errors: SchemaError[] };

/** `prefix` places the error pointers inside a larger document (`/config` in a push envelope). */
export function checkConfig(value: unknown, limits: Limits, prefix = ''): ConfigCheck {
  const schema = validate<AimConfig>('aim-config', value);
  if (!schema.ok) {
    return {
      ok: false,
      code: 'schema_invalid',
      errors: schema.errors.map((e) => ({ ...e, path: prefix + e.path })),
    };
  }
  const errors = checkLimits(schema.value, limits, prefix);
  return errors.length ? { ok: false, code: 'limits_exceeded', errors } : { ok: true, config: schema.value };
}
