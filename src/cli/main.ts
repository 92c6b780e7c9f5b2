#!/usr/bin/env node
// `aimlock`: the technician's and operator's command line. One file per command under commands/; this file
// only dispatches, prints help and turns errors into `aimlock: CODE: sentence` and an exit status.
import { CLI_ERRORS, CliError, EXIT } from '../errors.js';
import { UnsafePathError } from '../store/owned.js';
import { jsonSafe, termSafe } from '../term-safe.js';
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

/** Options every command takes may also come before the command: `aimlock --settings F locks`. */
function commandFirst(argv: string[]): string[] {
  const leading: string[] = [];
  let i = 0;
  while (i < argv.length) {
    const a = argv[i]!;
    if (a === '--json') leading.push(a);
    else if (a === '--settings' && i + 1 < argv.length) leading.push(a, argv[++i]!);
    else if (a.startsWith('--settings=')) leading.push(a);
    else break;
    i++;
  }
  const [name, ...rest] = argv.slice(i);
  return name === undefined ? leading : [name, ...rest, ...leading];
}

/** CONTRACT §7: an error is one line. A list (schema errors, one per line) is joined with "; ". */
function oneLine(message: string): string {
  return message
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .join('; ')
    .replace(/:; /g, ': ');
}

export async function main(argv: string[], io: Io): Promise<number> {
  const [name, ...rest] = commandFirst(argv);
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
    const e =
      err instanceof CliError
        ? err
        : err instanceof UnsafePathError
          ? new CliError('unsafe_path', err.message, { path: err.path })
          : new CliError(
              'internal',
              `${(err as Error).message ?? String(err)} (a bug: please report it with the output of AIMLOCK_DEBUG=1 aimlock …)`,
            );
    if (!(err instanceof CliError) && process.env.AIMLOCK_DEBUG) io.stderr.write(`${(err as Error).stack}\n`);
    io.stderr.write(
      json
        ? `${jsonSafe({ error: { code: e.code, message: e.message, ...e.details } })}\n`
        : // The message quotes file contents, ids and reasons from the network: escaped (term-safe.ts).
          `aimlock: ${e.code}: ${termSafe(oneLine(e.message))}\n`,
    );
    return CLI_ERRORS[e.code].exit;
  }
}

// A reader that went away (`aimlock logs | head`) ends the command quietly, as it ends any Unix filter.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin }).then(
  (code) => {
    process.exitCode = code;
  },
);
