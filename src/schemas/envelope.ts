// The push envelope checked apart from what it carries: the first schema step of screening (DESIGN "Flow of
// one push": envelope schema → device → expiry → signature → id/version → aim-config schema → limits).
// schemas/push.schema.json stays the one description of a whole push; this is it with `config` and
// `signature` loosened to their shape (derived.ts), so that a push from the wrong device, expired, unsigned or badly signed
// is refused for that before its config is judged, and a malformed signature is `signature_invalid`.
import { type SchemaError, toSchemaErrors } from './errors.js';
import type { ValidationResult } from './index.js';
import type { PushEnvelope } from './types.gen.js';
import { validator } from './validators.js';

/** An envelope whose own members are valid; `config` is an object of sections, not yet checked. */
export type Envelope = Omit<PushEnvelope, 'config' | 'signature'> & { config: object; signature?: object };

export function validateEnvelope(value: unknown): ValidationResult<Envelope> {
  const fn = validator('push-envelope');
  if (fn(value)) return { ok: true, value: value as Envelope };
  return { ok: false, errors: toSchemaErrors(fn.errors) };
}

/** Errors of a config found inside a push, as pointers into the push (`/config/aim/sensitivity`). */
export function underConfig(errors: SchemaError[]): SchemaError[] {
  return errors.map((e) => ({ ...e, path: `/config${e.path}` }));
}
