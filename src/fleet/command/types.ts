// The two messages of CONTRACT §9 as the operator side sees them (schemas/command.schema.json and
// schemas/command-result.schema.json are the source; these types follow them by hand until the generated ones
// land with the device side, src/schemas/types.gen.ts).
import type { EnvelopeSignature } from '../../sign/index.js';

export type CommandAction = 'hold' | 'resume' | 'locks' | 'reclaim' | 'release_force' | 'status';

export const COMMAND_ACTIONS: readonly CommandAction[] = [
  'hold',
  'resume',
  'locks',
  'reclaim',
  'release_force',
  'status',
];

/** `hold`: reason + for (s); `release_force`: reason + hold_for (s); the others: {}. */
export interface CommandArgs {
  reason?: string;
  for?: number;
  hold_for?: number;
}

export interface UnsignedCommand {
  kind: 'aimlock.command/v1';
  id: string;
  device: string;
  issued_at: string;
  expires_at: string;
  action: CommandAction;
  args: CommandArgs;
}

export type SignedCommand = UnsignedCommand & { signature: EnvelopeSignature };

/** `accepted` is interim (a final answer follows); `done`, `refused` and `duplicate` are final. */
export type CommandStatus = 'accepted' | 'done' | 'refused' | 'duplicate';

export interface CommandResult {
  kind: 'aimlock.command-result/v1';
  device: string;
  id: string;
  action: CommandAction | null;
  status: CommandStatus;
  code: string;
  detail: string;
  key_id?: string;
  data?: Record<string, unknown>;
  ts: string;
}

export const isFinalCommandStatus = (s: string): boolean =>
  s === 'done' || s === 'refused' || s === 'duplicate';
