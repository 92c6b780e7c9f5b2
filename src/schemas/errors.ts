// Ajv's errors turned into what an operator reads: a JSON pointer into the instance and a short sentence that
// names the bound. The pointer of an unknown or missing key includes that key, so `/config/aim/foo` is the
// thing to delete and `/config/aim/smoothing` the thing to add.
import type { ErrorObject } from 'ajv';

export interface SchemaError {
  /** JSON pointer (RFC 6901) into the validated value; "" is the value itself. */
  path: string;
  message: string;
}

/** Enough to fix a document; a runaway list only hides the first mistake. */
export const MAX_ERRORS = 20;

function pointerToken(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

function typeName(t: string): string {
  switch (t) {
    case 'integer':
      return 'an integer';
    case 'object':
    case 'array':
      return `an ${t}`;
    case 'null':
      return 'null';
    default:
      return `a ${t}`;
  }
}

function list(values: unknown): string {
  return Array.isArray(values) ? values.map((v) => JSON.stringify(v)).join(', ') : String(values);
}

/** One Ajv error as a SchemaError, or undefined for errors that only repeat another (if/then bookkeeping). */
function convert(e: ErrorObject): SchemaError | undefined {
  const p = e.params as Record<string, unknown>;
  const at = e.instancePath;
  switch (e.keyword) {
    case 'additionalProperties':
      return { path: `${at}/${pointerToken(String(p.additionalProperty))}`, message: 'unknown key' };
    case 'required':
      return { path: `${at}/${pointerToken(String(p.missingProperty))}`, message: 'is required' };
    case 'type': {
      const types = String(p.type).split(',');
      return { path: at, message: `must be ${types.map(typeName).join(' or ')}` };
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return { path: at, message: `must be ${String(p.comparison)} ${String(p.limit)}` };
    case 'multipleOf':
      return { path: at, message: `must be a multiple of ${String(p.multipleOf)}` };
    case 'enum':
      return { path: at, message: `must be one of ${list(p.allowedValues)}` };
    case 'const':
      return { path: at, message: `must be ${JSON.stringify(p.allowedValue)}` };
    case 'minLength':
      return { path: at, message: `must be at least ${String(p.limit)} characters long` };
    case 'maxLength':
      return { path: at, message: `must be at most ${String(p.limit)} characters long` };
    case 'minItems':
      return { path: at, message: `must have at least ${String(p.limit)} items` };
    case 'maxItems':
      return { path: at, message: `must have at most ${String(p.limit)} items` };
    case 'uniqueItems':
      return { path: at, message: 'must not contain duplicates' };
    case 'pattern':
      return { path: at, message: `must match ${String(p.pattern)}` };
    case 'format':
      return { path: at, message: `must be a ${String(p.format)}` };
    case 'if':
      // "must match then schema": the failing `then` keywords are reported on their own.
      return undefined;
    default:
      return { path: at, message: e.message ?? `fails ${e.keyword}` };
  }
}

/** Converted, deduplicated, sorted by path (then message), at most MAX_ERRORS. */
export function toSchemaErrors(errors: readonly ErrorObject[] | null | undefined): SchemaError[] {
  const seen = new Map<string, SchemaError>();
  for (const e of errors ?? []) {
    const s = convert(e);
    if (s !== undefined) seen.set(`${s.path}\u0000${s.message}`, s);
  }
  const out = [...seen.values()];
  out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.message < b.message ? -1 : 1));
  return out.slice(0, MAX_ERRORS);
}
