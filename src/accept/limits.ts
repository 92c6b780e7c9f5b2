// Local hard limits (limits.json): a technician's per-board narrowing of the schema bounds that no push may
// exceed. Loaded once (and again on SIGHUP); checked after the schema, so every value here is well typed.
import { readFileSync } from 'node:fs';
import { type AimConfig, type Limits, type SchemaError, validate } from '../schemas/index.js';

export class LimitsFileError extends Error {}

/**
 * The board's limits. Missing, unreadable, not JSON or off-schema: LimitsFileError, never "no limits" — the
 * limits are a safety input, and every install ships the file (`{}` is how a board says "no narrowing"), so a
 * file that is gone is a safety input gone, not a board without limits. Callers fail closed on it.
 */
export function loadLimits(path: string): Limits {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new LimitsFileError(
        `${path} does not exist; restore it (a board without narrowing has {} in it), then systemctl reload aimlockd`,
      );
    }
    throw new LimitsFileError(
      `${path} cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); check its owner and mode`,
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new LimitsFileError(`${path} is not JSON (${(err as Error).message}); fix it`);
  }
  const result = validate<Limits>('limits', raw);
  if (!result.ok) {
    throw new LimitsFileError(`${path}: ${result.errors.map((e) => `${e.path} ${e.message}`).join('; ')}`);
  }
  return result.value;
}

interface Bound {
  min?: number;
  max?: number;
  allowed?: readonly string[];
}

/** Every value of `config` outside `limits`, as JSON pointers under `prefix` (e.g. `/config`). */
export function checkLimits(config: AimConfig, limits: Limits, prefix = ''): SchemaError[] {
  const errors: SchemaError[] = [];
  const sections = limits as Record<string, unknown>;
  const values = config as unknown as Record<string, unknown>;
  for (const [section, spec] of Object.entries(sections)) {
    if (!spec || typeof spec !== 'object') continue;
    // update_window is a top-level key: its bound sits directly under its name.
    const pairs: Array<[string, Bound, unknown]> =
      'allowed' in spec || 'min' in spec || 'max' in spec
        ? [[`/${section}`, spec as Bound, values[section]]]
        : Object.entries(spec as Record<string, Bound>).map(([key, bound]) => [
            `/${section}/${key}`,
            bound,
            (values[section] as Record<string, unknown> | undefined)?.[key],
          ]);
    for (const [path, bound, value] of pairs) {
      const message = violation(value, bound);
      if (message) errors.push({ path: prefix + path, message });
    }
  }
  return errors;
}

function violation(value: unknown, bound: Bound): string | null {
  if (typeof value === 'number') {
    if (bound.min !== undefined && value < bound.min)
      return `${value} is below this board's limit ${bound.min}`;
    if (bound.max !== undefined && value > bound.max)
      return `${value} is above this board's limit ${bound.max}`;
  }
  if (typeof value === 'string' && bound.allowed && !bound.allowed.includes(value)) {
    return `"${value}" is not allowed on this board (allowed: ${bound.allowed.join(', ')})`;
  }
  return null;
}
