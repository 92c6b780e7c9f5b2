// Building and signing a command envelope (CONTRACT §9, schemas/command.schema.json). Shared by the operator's
// command client and the tests; the device verifies the same shape with the push's verifier (src/sign), so a
// command is signed exactly as a push is: ed25519 over the RFC 8785 canonical JSON without `signature`.
import { type KeyObject, randomUUID } from 'node:crypto';
import type { CommandEnvelope } from '../schemas/index.js';
import { CAPABILITIES, type EnvelopeSignature, signEnvelope } from '../sign/index.js';

export type CommandAction = CommandEnvelope['action'];
export type CommandArgs = CommandEnvelope['args'];

/** Every action, in the schema's order: the capability words of a key's `.caps` file (sign/caps.ts) but push. */
export const COMMAND_ACTIONS: readonly CommandAction[] = CAPABILITIES.filter(
  (c): c is CommandAction => c !== 'push',
);

/** CONTRACT §9: expires_at is at most 10 minutes after issued_at. */
export const MAX_COMMAND_TTL_MS = 10 * 60 * 1000;
/** What an operator gets without asking: long enough for a slow link, short enough to be useless to a replayer. */
export const DEFAULT_COMMAND_TTL_MS = 2 * 60 * 1000;

/** A command envelope before signing. */
export type UnsignedCommand = Omit<CommandEnvelope, 'signature'>;
export type SignedCommand = UnsignedCommand & { signature: EnvelopeSignature };

export interface CommandFields {
  device: string;
  action: CommandAction;
  /** `hold`: { reason, for }; `release_force`: { reason, hold_for }; the others: {} (the default). */
  args?: CommandArgs;
  /** expires_at = issued_at + ttlMs (default DEFAULT_COMMAND_TTL_MS; at most MAX_COMMAND_TTL_MS). */
  ttlMs?: number;
  /** Default: now. */
  now?: Date | number;
  /** Default: a random UUID. */
  id?: string;
}

/**
 * An unsigned command envelope. Throws a RangeError for a ttl the device would refuse (not positive, or more
 * than 10 minutes): better the operator hears it at once than a `schema_invalid` from every device.
 */
export function buildCommand(f: CommandFields): UnsignedCommand {
  const now = f.now === undefined ? Date.now() : typeof f.now === 'number' ? f.now : f.now.getTime();
  const ttl = f.ttlMs ?? DEFAULT_COMMAND_TTL_MS;
  if (!(ttl > 0 && ttl <= MAX_COMMAND_TTL_MS)) {
    throw new RangeError(`command ttl ${ttl} ms is outside 1 ms … ${MAX_COMMAND_TTL_MS} ms (10 min)`);
  }
  // Whole milliseconds, so that the device's Date.parse gives back exactly what was signed.
  const expires = now + Math.ceil(ttl);
  return {
    kind: 'aimlock.command/v1',
    id: f.id ?? randomUUID(),
    device: f.device,
    issued_at: new Date(now).toISOString(),
    expires_at: new Date(expires).toISOString(),
    action: f.action,
    args: f.args ?? {},
  };
}

/** A copy of `envelope` signed with `privateKey` as `keyId` (the `.pub` file name on the boards). */
export function signCommand(envelope: UnsignedCommand, privateKey: KeyObject, keyId: string): SignedCommand {
  return signEnvelope(envelope, privateKey, keyId) as SignedCommand;
}
