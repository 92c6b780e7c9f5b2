// The command result document (schemas/command-result.schema.json), built in one place and checked against
// its schema before it leaves, as the agent's other messages are (agent/messages.ts).
import { COMMAND_CODES, type CommandCode } from '../errors.js';
import { type CommandResult, validate } from '../schemas/index.js';
import type { CommandAction } from './envelope.js';

export interface CommandAnswer {
  id: string;
  action: CommandAction | null;
  code: CommandCode;
  detail: string;
  keyId?: string;
  data?: Record<string, unknown>;
}

export class InvalidCommandResult extends Error {}

export function commandResultMessage(device: string, a: CommandAnswer, now = new Date()): CommandResult {
  const doc = {
    kind: 'aimlock.command-result/v1',
    device,
    id: a.id,
    action: a.action,
    status: COMMAND_CODES[a.code].status,
    code: a.code,
    // The schema's bound; a detail built from a long reason or path must not make the answer invalid.
    detail: a.detail.length > 2000 ? `${a.detail.slice(0, 1997)}...` : a.detail,
    ...(a.keyId ? { key_id: a.keyId } : {}),
    ...(a.data ? { data: a.data } : {}),
    ts: now.toISOString(),
  };
  const r = validate<CommandResult>('command-result', doc);
  if (!r.ok) {
    throw new InvalidCommandResult(
      `command result breaks its schema: ${r.errors.map((e) => `${e.path} ${e.message}`).join('; ')}`,
    );
  }
  return r.value;
}
