import { CliError } from '../../errors.js';
import type { Command } from '../command.js';
import { land } from '../land.js';
import { checkInput, formatErrors, limitsFor, readJsonFile } from '../read-input.js';

export const apply: Command = {
  name: 'apply',
  summary: "apply a local config through the agent's lock-aware path (technician's hotfix)",
  usage: 'aimlock apply FILE --reason TEXT [--json]',
  options: { reason: { type: 'string' } },
  positionals: [1, 1],
  help: `
Validates FILE (a bare config or a push envelope) like aimlock validate, then lands it exactly as the agent
lands a push: takes the lock (a ghost is reclaimed when auto_reclaim is "always"; a live holder is waited for
up to lock.wait_ms; any other mismatch refuses at once), replaces the live file atomically, runs the apply hook
with AIMLOCK_GENERATION, restores the previous file if the hook fails, records history and state. The new
version is the applied version + 1, so an operator's next push must be newer still. Audited.

Exit: 0 applied; 1 invalid or rolled back; 3 the lock could not be taken (nothing written).
Example: aimlock apply shadow.json --reason "field test: lower sensitivity"`,
  async run(ctx) {
    const reason = ctx.need('reason', 'a local apply is audited: say why');
    const file = ctx.positionals[0]!;
    const checked = checkInput(await readJsonFile(file), limitsFor(ctx));
    if (!checked.ok) {
      throw new CliError(
        'invalid',
        `${file} is not a valid ${checked.kind} (${checked.code}):\n${formatErrors(checked.errors)}`,
        {
          result: checked.code,
          errors: checked.errors,
        },
      );
    }
    return land(ctx, checked.config, 'local', reason);
  },
};
