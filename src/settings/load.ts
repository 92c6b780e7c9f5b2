// Agent settings: read once, validated against schemas/agent-settings.schema.json (the single source of keys,
// units and defaults), relative paths resolved against the settings file's own directory, then frozen.
// A bad file is refused before anything runs, with the file, the JSON pointer and what was expected.
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { CliError } from '../errors.js';
import { type AgentSettings, applyDefaults, validate } from '../schemas/index.js';

export const DEFAULT_SETTINGS_FILE = '/etc/aimlock/agent.json';

/** Keys holding file paths; each resolves against the settings file's directory when relative. */
const PATH_KEYS = {
  broker: ['password_file', 'ca_file', 'cert_file', 'key_file'],
  paths: ['config', 'state_dir', 'limits', 'keys_dir', 'socket', 'vehicle_state'],
} as const;

/** Every key present: the schema gives each a default, and loadSettings fills them before validating. */
type Complete<T> = {
  [K in keyof T]-?: Exclude<T[K], undefined> extends object
    ? Exclude<T[K], undefined> extends readonly unknown[]
      ? Exclude<T[K], undefined>
      : Complete<Exclude<T[K], undefined>>
    : Exclude<T[K], undefined>;
};
export type Settings = Complete<AgentSettings>;

export interface LoadedSettings extends Settings {
  /** Absolute path of the file these settings came from. */
  readonly file: string;
}

export function loadSettings(file: string = DEFAULT_SETTINGS_FILE): LoadedSettings {
  const path = resolve(file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new CliError(
      'settings_invalid',
      code === 'ENOENT'
        ? `${path} does not exist; create it (see examples/agent.json) or pass --settings FILE`
        : `${path} cannot be read (${code}); check its permissions`,
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new CliError('settings_invalid', `${path} is not JSON: ${(err as Error).message}`);
  }
  const result = validate<AgentSettings>('agent-settings', applyDefaults('agent-settings', raw));
  if (!result.ok) {
    const where = result.errors.map((e) => `${e.path || '/'} ${e.message}`).join('; ');
    throw new CliError('settings_invalid', `${path}: ${where}`, { file: path, errors: result.errors });
  }
  const settings = result.value as Settings;
  const crossed = crossFieldProblems(settings);
  if (crossed.length) {
    throw new CliError(
      'settings_invalid',
      `${path}: ${crossed.map((e) => `${e.path} ${e.message}`).join('; ')}`,
      {
        file: path,
        errors: crossed,
      },
    );
  }
  return deepFreeze({ ...resolvePaths(settings, dirname(path)), file: path });
}

/** What one key's schema cannot say: bounds between keys. */
function crossFieldProblems(s: Settings): Array<{ path: string; message: string }> {
  const out: Array<{ path: string; message: string }> = [];
  const { heartbeat_ms: beat, heartbeat_ttl_ms: ttl } = s.lock;
  if (ttl < 2 * beat) {
    // A TTL within one beat makes every holder HUNG between two beats, and HUNG is never resolved by itself.
    out.push({
      path: '/lock/heartbeat_ttl_ms',
      message: `${ttl} must be at least twice /lock/heartbeat_ms (${beat}), or a working holder looks HUNG between two heartbeats; raise it to ${2 * beat} or more`,
    });
  }
  return out;
}

function resolvePaths(settings: Settings, base: string): Settings {
  const out = structuredClone(settings);
  for (const [section, keys] of Object.entries(PATH_KEYS) as Array<
    [keyof typeof PATH_KEYS, readonly string[]]
  >) {
    const obj = out[section] as unknown as Record<string, string | null>;
    for (const key of keys) {
      const value = obj[key];
      if (typeof value === 'string' && !isAbsolute(value)) obj[key] = resolve(base, value);
    }
  }
  return out;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
