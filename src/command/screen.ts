// The checks a command must pass before anything is done for it (CONTRACT §9), in the push's order: size →
// JSON → schema → device → expiry (and its 10-minute window) → signature (always required) → the key's
// capability for the action → id. Pure over its inputs, like the push screen (accept/screen.ts), whose
// verifier and key map it shares; no clock of its own and no I/O.
import type { KeyObject } from 'node:crypto';
import type { CommandCode } from '../errors.js';
import { type SchemaError, toSchemaErrors } from '../schemas/errors.js';
import type { CommandEnvelope } from '../schemas/index.js';
import { validator } from '../schemas/validators.js';
import { type KeyCapabilities, missingCapability, verifyEnvelope } from '../sign/index.js';
import { COMMAND_ACTIONS, type CommandAction, MAX_COMMAND_TTL_MS } from './envelope.js';

/** CONTRACT §9 / command.schema.json: a command is at most 16 KiB. */
export const MAX_COMMAND_BYTES = 16 * 1024;

export interface CommandScreenContext {
  device: string;
  now: number;
  keys: ReadonlyMap<string, KeyObject>;
  caps?: ReadonlyMap<string, KeyCapabilities>;
  keysProblem?: string | null;
  /** Is this command id already executed on this board (command/executed.ts)? */
  executed: (id: string) => boolean;
}

/** What a refusal says, with whatever could be read of the command to echo back. */
export interface CommandRefusal {
  code: CommandCode;
  detail: string;
  id: string;
  action: CommandAction | null;
  keyId?: string;
}

export type ScreenedCommand =
  | { ok: true; command: CommandEnvelope; keyId: string }
  | { ok: false; refusal: CommandRefusal };

function echo(value: unknown): Pick<CommandRefusal, 'id' | 'action' | 'keyId'> {
  const v = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const id = typeof v.id === 'string' && v.id.length <= 128 ? v.id : '';
  const action = COMMAND_ACTIONS.includes(v.action as CommandAction) ? (v.action as CommandAction) : null;
  const sig = (typeof v.signature === 'object' && v.signature !== null ? v.signature : {}) as Record<
    string,
    unknown
  >;
  const keyId =
    typeof sig.key_id === 'string' && /^[A-Za-z0-9._-]{1,64}$/.test(sig.key_id) ? sig.key_id : undefined;
  return { id, action, ...(keyId ? { keyId } : {}) };
}

const refuse = (code: CommandCode, detail: string, from: unknown): ScreenedCommand => ({
  ok: false,
  refusal: { code, detail, ...echo(from) },
});

/** The schema errors as one sentence (the command result has no `errors` member): the first few, with paths. */
export function errorSentence(errors: SchemaError[]): string {
  const shown = errors.slice(0, 3).map((e) => `${e.path || '/'} ${e.message}`);
  return `${shown.join('; ')}${errors.length > 3 ? ` (and ${errors.length - 3} more)` : ''}`;
}

export function screenCommand(payload: Buffer, ctx: CommandScreenContext): ScreenedCommand {
  if (payload.length > MAX_COMMAND_BYTES) {
    return refuse('too_large', `command is ${payload.length} bytes; the limit is ${MAX_COMMAND_BYTES}`, null);
  }
  let value: unknown;
  try {
    value = JSON.parse(payload.toString('utf8'));
  } catch (err) {
    return refuse('invalid_json', `command is not JSON: ${(err as Error).message}`, null);
  }
  // command.schema.json with `signature` loosened to any object and optional (schemas/derived.ts).
  const fn = validator('command-screen');
  if (!fn(value)) {
    const errors = toSchemaErrors(fn.errors);
    return refuse(
      'schema_invalid',
      `command does not match schemas/command.schema.json: ${errorSentence(errors)}`,
      value,
    );
  }
  const command = value as CommandEnvelope;
  if (command.device !== ctx.device) {
    return refuse(
      'wrong_device',
      `command is for device "${command.device}", this is "${ctx.device}"`,
      command,
    );
  }
  // The window is part of the command's shape (CONTRACT §9: at most 10 min after issued_at), so breaking it is
  // schema_invalid with the path, checked before `expired`: a command that could never have been valid says so.
  const issued = Date.parse(command.issued_at);
  const expires = Date.parse(command.expires_at);
  if (!(expires > issued) || expires - issued > MAX_COMMAND_TTL_MS) {
    return refuse(
      'schema_invalid',
      `command does not match schemas/command.schema.json: /expires_at must be after issued_at and at most 10 minutes after it (it is ${Math.round((expires - issued) / 1000)} s after)`,
      command,
    );
  }
  if (expires <= ctx.now) return refuse('expired', `command expired at ${command.expires_at}`, command);
  if (ctx.keysProblem) {
    return refuse('keys_unreadable', `no signature can be checked: ${ctx.keysProblem}`, command);
  }
  const sig = verifyEnvelope(command, ctx.keys);
  if (!sig.ok) return refuse(sig.code, sig.detail.replace('the push', 'the command'), command);
  const missing = missingCapability(ctx.caps, sig.keyId, command.action);
  if (missing) return refuse('capability_missing', missing, command);
  if (ctx.executed(command.id)) {
    return refuse('duplicate', `command ${command.id} was already executed; nothing done`, command);
  }
  return { ok: true, command, keyId: sig.keyId };
}
