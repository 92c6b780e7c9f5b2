// What a command is, and what every command gets: parsed options, the board (lazily: `validate` and `logs`
// must work without a settings file), and one way to print data, text or JSON.
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { type Board, openBoard } from '../board/open.js';
import { CliError } from '../errors.js';
import { DEFAULT_SETTINGS_FILE, type LoadedSettings, loadSettings } from '../settings/load.js';
import { jsonSafe, termSafeLines } from '../term-safe.js';

export type Options = NonNullable<ParseArgsConfig['options']>;
export type Values = Record<string, string | boolean | string[] | undefined>;

export interface Command {
  name: string;
  /** One line for `aimlock --help`. */
  summary: string;
  /** `aimlock NAME …` synopsis. */
  usage: string;
  /** What it does, when to use it, exit statuses, an example. */
  help: string;
  options?: Options;
  /** [min, max] positional arguments. */
  positionals?: [number, number];
  run(ctx: Context): Promise<number>;
}

export const COMMON_OPTIONS: Options = {
  settings: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
};

export interface Io {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream;
}

export class Context {
  private loaded?: LoadedSettings;
  private opened?: Board;

  constructor(
    readonly values: Values,
    readonly positionals: string[],
    readonly io: Io,
  ) {}

  get json(): boolean {
    return this.values.json === true;
  }

  get settingsFile(): string {
    return (
      (this.values.settings as string | undefined) ?? process.env.AIMLOCK_SETTINGS ?? DEFAULT_SETTINGS_FILE
    );
  }

  settings(): LoadedSettings {
    this.loaded ??= loadSettings(this.settingsFile);
    return this.loaded;
  }

  board(): Board {
    this.opened ??= openBoard(this.settings(), 'aimlock');
    return this.opened;
  }

  string(name: string): string | undefined {
    const v = this.values[name];
    return typeof v === 'string' ? v : undefined;
  }

  /** A required --option: a usage error that says which, when it is missing. */
  need(name: string, why: string): string {
    const v = this.string(name);
    if (v === undefined || v.trim() === '') {
      throw new CliError(name === 'reason' ? 'reason_required' : 'usage', `--${name} is required: ${why}`);
    }
    return v;
  }

  /**
   * Prints `data` as one JSON object with --json, else the human text. Both are escaped for a terminal
   * (term-safe.ts): the text is composed of ids, names and reasons that came from the network or a file.
   */
  emit(data: unknown, text: string): void {
    const safe = termSafeLines(text);
    this.io.stdout.write(this.json ? `${jsonSafe(data)}\n` : safe.endsWith('\n') ? safe : `${safe}\n`);
  }

  /** Progress and notes for humans: stderr, so that stdout stays clean data. Escaped as emit's text. */
  note(text: string): void {
    if (!this.json) this.io.stderr.write(`${termSafeLines(text)}\n`);
  }
}

export function parse(command: Command, argv: string[]): { values: Values; positionals: string[] } {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: argv,
      options: { ...COMMON_OPTIONS, ...command.options },
      allowPositionals: true,
      strict: true,
    });
  } catch (err) {
    throw new CliError(
      'usage',
      `${(err as Error).message.split('\n')[0]}; see aimlock ${command.name} --help`,
    );
  }
  const [min, max] = command.positionals ?? [0, 0];
  if (!parsed.values.help && (parsed.positionals.length < min || parsed.positionals.length > max)) {
    throw new CliError('usage', `expected: ${command.usage}; see aimlock ${command.name} --help`);
  }
  return { values: parsed.values as Values, positionals: parsed.positionals };
}
