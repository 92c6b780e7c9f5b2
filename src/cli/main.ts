#!/usr/bin/env node
// `aimlock`: the technician's and operator's command line. One file per command under commands/; this file
// only dispatches, prints help and turns errors into `aimlock: CODE: sentence` and an exit status.
import { CLI_ERRORS, CliError, EXIT } from '../errors.js';
import { type Command, Context, type Io, parse } from './command.js';
import { COMMANDS } from './commands/index.js';

const VERSION = '0.1.0';

function overview(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  const lines = COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return `aimlock ${VERSION} — lock-aware configuration for drone boards

Usage: aimlock COMMAND [options]   (aimlock COMMAND --help for details)

Commands:
${lines.join('\n')}

Options every command accepts:
  --settings FILE  agent settings (default /etc/aimlock/agent.json, or $AIMLOCK_SETTINGS)
  --json           print data (and errors) as JSON
  -h, --help       help for the command

Exit statuses: 0 ok, 1 invalid/rejected, 2 usage, 3 lock, 4 agent not running, 5 timeout, 6 rollout aborted.
First look at a board: aimlock status; aimlock locks`;
}

function commandHelp(c: Command): string {
  return `Usage: ${c.usage}\n\n${c.summary}\n\n${c.help.trim()}\n`;
}

export async function main(argv: string[], io: Io): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(`${overview()}\n`);
    return name ? EXIT.ok : EXIT.usage;
  }
  if (name === '--version') {
    io.stdout.write(`${VERSION}\n`);
    return EXIT.ok;
  }
  const command = COMMANDS.find((c) => c.name === name);
  const json = rest.includes('--json');
  try {
    if (!command) throw new CliError('usage', `unknown command "${name}"; run aimlock --help for the list`);
    const { values, positionals } = parse(command, rest);
    if (values.help) {
      io.stdout.write(commandHelp(command));
      return EXIT.ok;
    }
    return await command.run(new Context(values, positionals, io));
  } catch (err) {
    const e = err instanceof CliError ? err : new CliError('internal', (err as Error).stack ?? String(err));
    io.stderr.write(
      json
        ? `${JSON.stringify({ error: { code: e.code, message: e.message, ...e.details } })}\n`
        : `aimlock: ${e.code}: ${e.message}\n`,
    );
    return CLI_ERRORS[e.code].exit;
  }
}

main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin }).then(
  (code) => {
    process.exitCode = code;
  },
);
