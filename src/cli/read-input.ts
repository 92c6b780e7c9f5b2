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

const isPushEnvelope = (value: unknown) =>
  typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'aimlock.push/v1';

/** A push envelope (kind aimlock.push/v1) is checked whole; anything else as a bare config. */
export function checkInput(value: unknown, limits: Limits): InputCheck {
  const isEnvelope = isPushEnvelope(value);
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
    // Fail closed: a config cannot be called valid (or land) against limits nobody can read.
    if (err instanceof LimitsFileError) throw new CliError('limits_unreadable', err.message);
    if (ctx.string('settings') !== undefined || !(err instanceof CliError)) throw err;
    ctx.note(`note: no settings at ${ctx.settingsFile}; checking the schema only, not this board's limits`);
    return {};
  }
}

/**
 * The config an operator command (push, rollout) publishes, from a config file or an envelope file, of which
 * only the config is used. Checked against the schema — a board's limits are the board's business — before
 * anything leaves this machine.
 */
export async function readConfigToPublish(ctx: Context, file: string): Promise<AimConfig> {
  const doc = await readJsonFile(file);
  const isEnvelope = isPushEnvelope(doc);
  const check = checkConfig(
    isEnvelope ? (doc as { config?: unknown }).config : doc,
    {},
    isEnvelope ? '/config' : '',
  );
  if (!check.ok) {
    throw new CliError(
      'invalid',
      `${file} is not a valid config (${check.code}); nothing published:\n${formatErrors(check.errors)}`,
      { result: check.code, errors: check.errors },
    );
  }
  if (isEnvelope)
    ctx.note(`note: ${file} is an envelope; only its config is used (new id, version, signature)`);
  return check.config;
}

export function formatErrors(errors: SchemaError[]): string {
  return errors.map((e) => `  ${e.path || '/'}: ${e.message}`).join('\n');
}
