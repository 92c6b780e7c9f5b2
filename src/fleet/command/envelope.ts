// Building and signing a command envelope on the operator's side: ed25519 over the RFC 8785 canonical JSON
// without `signature`, exactly as a push (src/sign/envelope.ts). The device side exports the same pair from
// src/command/envelope.ts; this one is the operator's until both live in one place.
import { type KeyObject, randomUUID } from 'node:crypto';
import { signEnvelope } from '../../sign/index.js';
import type { CommandAction, CommandArgs, SignedCommand, UnsignedCommand } from './types.js';

/** CONTRACT §9: expires_at is at most 10 minutes after issued_at. */
export const MAX_COMMAND_TTL_MS = 10 * 60 * 1000;

export interface CommandFields {
  device: string;
  action: CommandAction;
  args?: CommandArgs;
  /** expires_at = issued_at + ttlMs (1 ms … 10 min). */
  ttlMs: number;
  now?: number;
  id?: string;
}

/** Throws a RangeError for a ttl every device would refuse: better said once at the desk than 500 times. */
export function buildCommand(f: CommandFields): UnsignedCommand {
  if (!(f.ttlMs > 0 && f.ttlMs <= MAX_COMMAND_TTL_MS)) {
    throw new RangeError(`command ttl ${f.ttlMs} ms is outside 1 ms … 10 min`);
  }
  const now = f.now ?? Date.now();
  return {
    kind: 'aimlock.command/v1',
    id: f.id ?? randomUUID(),
    device: f.device,
    issued_at: new Date(now).toISOString(),
    // Whole milliseconds: the device's Date.parse gives back exactly what was signed.
    expires_at: new Date(now + Math.ceil(f.ttlMs)).toISOString(),
    action: f.action,
    args: f.args ?? {},
  };
}

export function signCommand(envelope: UnsignedCommand, key: KeyObject, keyId: string): SignedCommand {
  return signEnvelope(envelope, key, keyId) as SignedCommand;
}
