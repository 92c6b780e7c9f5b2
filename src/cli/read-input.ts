// Reading a config or envelope file the way the agent reads a push: JSON first, then the schemas.
import { readFile } from 'node:fs/promises';
import { checkConfig } from '../accept/check-config.js';
import { LimitsFileError, loadLimits } from '../accept/limits.js';
import { CliError } from '../errors.js';
import type { AimConfig, Limits, SchemaError } from '../schemas/index.js';
import { validate } from '../schemas/index.js';
import type { Context } from './command.js';

export type InputCheck =
  | { ok: true; kind: 'config' | 'push'; config: AimConfig; document: Record<string, unknown> }
  | { ok: false; kind: 'config' | 'push' | 'unknown'; code: string; errors: SchemaError[] };

export async function readJsonFile(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new CliError(
      'not_found',
      `${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new CliError('invalid', `${path} is not JSON: ${(err as Error).message}`, {
      errors: [{ path: '', message: 'not JSON' }],
    });
  }
}

/** A push envelope (kind aimlock.push/v1) is checked whole; anything else as a bare config. */
export function checkInput(value: unknown, limits: Limits): InputCheck {
  const isEnvelope =
    typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'aimlock.push/v1';
  if (isEnvelope) {
    const envelope = validate<{ config: unknown }>('push', value);
    if (!envelope.ok) return { ok: false, kind: 'push', code: 'schema_invalid', errors: envelope.errors };
  }
  const check = checkConfig(
    isEnvelope ? (value as { config: unknown }).config : value,
    limits,
    isEnvelope ? '/config' : '',
  );
  const kind = isEnvelope ? 'push' : 'config';
  return check.ok
    ? { ok: true, kind, config: check.config, document: value as Record<string, unknown> }
    : { ok: false, kind, code: check.code, errors: check.errors };
}

/** The board's limits when settings are at hand; without settings, validation is schema-only (said on stderr). */
export function limitsFor(ctx: Context): Limits {
  try {
    return loadLimits(ctx.settings().paths.limits);
  } catch (err) {
    if (err instanceof LimitsFileError)
      throw new CliError('settings_invalid', `${err.message}; fix limits.json`);
    if (ctx.string('settings') !== undefined || !(err instanceof CliError)) throw err;
    ctx.note(`note: no settings at ${ctx.settingsFile}; checking the schema only, not this board's limits`);
    return {};
  }
}

export function formatErrors(errors: SchemaError[]): string {
  return errors.map((e) => `  ${e.path || '/'}: ${e.message}`).join('\n');
}
