import { CliError, EXIT } from '../../errors.js';
import type { Command } from '../command.js';
import { checkInput, formatErrors, limitsFor, readJsonFile } from '../read-input.js';

export const validateCmd: Command = {
  name: 'validate',
  summary: "check a config or push envelope against the schemas and this board's limits",
  usage: 'aimlock validate FILE [--settings FILE] [--json]',
  positionals: [1, 1],
  help: `
FILE is either a bare config ({"aim": …, "safety": …, "update_window": …}) or a whole push envelope
(kind aimlock.push/v1). Checks, in the agent's order: JSON, schema, then the local hard limits of the board
whose settings are given (limits.json). Every error names its place as a JSON pointer. Changes nothing.
Signatures are not checked here (that needs the trusted keys: the agent does it).

Exit: 0 valid; 1 invalid.
Example: aimlock validate new-aim.json`,
  async run(ctx) {
    const file = ctx.positionals[0]!;
    const result = checkInput(await readJsonFile(file), limitsFor(ctx));
    if (!result.ok) {
      throw new CliError(
        'invalid',
        `${file} is not a valid ${result.kind} (${result.code}):\n${formatErrors(result.errors)}`,
        {
          result: result.code,
          errors: result.errors,
        },
      );
    }
    ctx.emit({ valid: true, kind: result.kind }, `${file}: valid ${result.kind}`);
    return EXIT.ok;
  },
};
