import { CliError, EXIT } from '../../errors.js';
import { parseConf } from '../../store/conf.js';
import { explainLink } from '../../store/owned.js';
import { readBytes } from '../../store/owned-read.js';
import type { Command } from '../command.js';

export const show: Command = {
  name: 'show',
  summary: 'print the live config (parsed back from aim_lock_config.conf)',
  usage: 'aimlock show [--json]',
  help: `
Reads the live config file, parses it strictly (a hand edit that breaks the format is reported with its line)
and prints it; --json prints {config, meta} where meta says which device, push and version last wrote it.

Exit: 0; 1 when the file is missing or does not parse.`,
  async run(ctx) {
    const board = ctx.board();
    const path = board.paths.config;
    let text: string;
    try {
      // Not through a link the agent's user planted: root would print whatever it points at.
      text = (await readBytes(path, board.tree)).toString('utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw explainLink(err, path);
      throw new CliError('not_found', `${path} does not exist yet: nothing has been applied on this board`);
    }
    try {
      const parsed = parseConf(text);
      ctx.emit(parsed, text);
    } catch (err) {
      throw new CliError('invalid', `${path} does not parse: ${(err as Error).message}`);
    }
    return EXIT.ok;
  },
};
