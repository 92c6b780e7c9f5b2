// The two messages of CONTRACT §9 as the operator side sees them: the one set of types, generated from
// schemas/command.schema.json and schemas/command-result.schema.json (src/schemas/types.gen.ts) and shared
// with the device side (src/command/envelope.ts). Only what the operator alone needs is defined here.

export {
  COMMAND_ACTIONS,
  type CommandAction,
  type CommandArgs,
  type SignedCommand,
  type UnsignedCommand,
} from '../../command/envelope.js';
export type { CommandStatus } from '../../errors.js';
export type { CommandResult } from '../../schemas/index.js';

/** `accepted` is interim (a final answer follows); `done`, `refused` and `duplicate` are final. */
export const isFinalCommandStatus = (s: string): boolean =>
  s === 'done' || s === 'refused' || s === 'duplicate';
