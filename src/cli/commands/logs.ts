import { createInterface } from 'node:readline';
import { EXIT } from '../../errors.js';
import type { Command } from '../command.js';
import { prettyLine } from '../pretty-log.js';

export const logs: Command = {
  name: 'logs',
  summary: "pretty, coloured view of the agent's JSON log lines from stdin",
  usage: 'journalctl -u aimlockd -o cat -f | aimlock logs [--no-color]',
  options: { 'no-color': { type: 'boolean' } },
  help: `
Reads the agent's log lines — pino JSON, or "message {json}" as aimlockd writes them to journald (journalctl
-o cat) — and prints each as
"time LEVEL device message key=value …", coloured by level. Lock mismatches are marked with a red banner so
they stand out in a scrolling log. Lines without a log record are passed through unchanged.
Colour is on when stdout is a terminal; --no-color or NO_COLOR turns it off.

Exit: 0.`,
  async run(ctx) {
    const colour = ctx.values['no-color'] !== true && !process.env.NO_COLOR && ctx.io.stdout.isTTY === true;
    const lines = createInterface({ input: ctx.io.stdin, crlfDelay: Number.POSITIVE_INFINITY });
    for await (const line of lines) ctx.io.stdout.write(`${prettyLine(line, colour)}\n`);
    return EXIT.ok;
  },
};
