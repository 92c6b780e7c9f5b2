// `aimlock keys list`: the board side of `aimlock keys`. Reads the agent's settings for keys_dir and lists what
// the agent trusts (src/keys/inventory.ts); it never asks the agent, so it works while the agent is down.
import { CliError, EXIT } from '../errors.js';
import { keyInventory } from '../keys/inventory.js';
import { renderKeys } from '../keys/render.js';
import type { Context } from './command.js';

export function keysList(ctx: Context): number {
  const settings = ctx.settings();
  const inv = keyInventory(settings.paths.keys_dir);
  if (inv.dir_error !== undefined) {
    throw new CliError(
      'keys_unreadable',
      `${inv.dir_error} (paths.keys_dir in ${settings.file}); until then the agent refuses every signed push and command`,
      { keys_dir: inv.keys_dir },
    );
  }
  ctx.emit(inv, renderKeys(inv));
  // A key that may sign less than its files say (or nothing) is what breaks the 03:12 hold: a script must see it.
  return inv.problems === 0 ? EXIT.ok : EXIT.invalid;
}
