// The live config file, aim_lock_config.conf (CONTRACT §6): an INI-like text the aim controller reads.
//
// INVARIANTS
// - One table (FIELDS) fixes every section, key, type and their order; the renderer and the parser both walk
//   it, so they cannot drift apart.
// - Round trip: parse(render(x)).config deep-equals x and render(parse(render(x))) === render(x). Numbers are
//   written with String(n), which JavaScript guarantees to read back to the same double.
// - The renderer refuses what the parser would refuse (non-finite numbers, meta with whitespace), so it never
//   writes a file the agent itself could not read back — and a push id cannot inject lines into the file.
// - The parser is strict: unknown/duplicate/missing section or key, a bad number or enum value throw a
//   ConfParseError naming the line. A file that does not parse is never guessed at.
//
// Hand edits: blank lines, `#` comment lines, spaces/tabs around tokens and CRLF line ends are accepted, and
// keys and sections may come in any order; inline comments (`= 0.5 # note`) are not (the value must be a
// number). `update_window` lives in its own `[update]` section as `window = …`, so every value has a section.
import { createHash } from 'node:crypto';

// mirrors schemas/aim-config.schema.json
export interface AimConfig {
  aim: { sensitivity: number; deadzone_deg: number; smoothing: number; max_slew_dps: number };
  safety: {
    max_yaw_rate_dps: number;
    max_pitch_deg: number;
    min_battery_pct: number;
    geofence_radius_m: number;
    min_separation_m: number;
    failsafe: 'hover' | 'return_home' | 'land';
  };
  update_window: 'any' | 'hover' | 'grounded';
}

/** Who last wrote the file, from its second comment line. */
export interface ConfMeta {
  device: string;
  at: string;
  id: string;
  version: number;
}

export const CONF_FILE_NAME = 'aim_lock_config.conf';

export class ConfParseError extends Error {
  constructor(
    readonly line: number,
    readonly reason: string,
  ) {
    super(`line ${line}: ${reason}`);
    this.name = 'ConfParseError';
  }
}

type FieldType = { kind: 'number' } | { kind: 'integer' } | { kind: 'enum'; values: readonly string[] };

interface Field {
  section: string;
  key: string;
  /** Where the value sits in AimConfig: [group, key] or [key] for a top-level value. */
  path: readonly [string, string] | readonly [string];
  type: FieldType;
}

const NUM: FieldType = { kind: 'number' };

export const FIELDS: readonly Field[] = [
  { section: 'aim', key: 'sensitivity', path: ['aim', 'sensitivity'], type: NUM },
  { section: 'aim', key: 'deadzone_deg', path: ['aim', 'deadzone_deg'], type: NUM },
  { section: 'aim', key: 'smoothing', path: ['aim', 'smoothing'], type: NUM },
  { section: 'aim', key: 'max_slew_dps', path: ['aim', 'max_slew_dps'], type: NUM },
  { section: 'safety', key: 'max_yaw_rate_dps', path: ['safety', 'max_yaw_rate_dps'], type: NUM },
  { section: 'safety', key: 'max_pitch_deg', path: ['safety', 'max_pitch_deg'], type: NUM },
  {
    section: 'safety',
    key: 'min_battery_pct',
    path: ['safety', 'min_battery_pct'],
    type: { kind: 'integer' },
  },
  { section: 'safety', key: 'geofence_radius_m', path: ['safety', 'geofence_radius_m'], type: NUM },
  { section: 'safety', key: 'min_separation_m', path: ['safety', 'min_separation_m'], type: NUM },
  {
    section: 'safety',
    key: 'failsafe',
    path: ['safety', 'failsafe'],
    type: { kind: 'enum', values: ['hover', 'return_home', 'land'] },
  },
  {
    section: 'update',
    key: 'window',
    path: ['update_window'],
    type: { kind: 'enum', values: ['any', 'hover', 'grounded'] },
  },
];

const SECTIONS: readonly string[] = [...new Set(FIELDS.map((f) => f.section))];
const META_RE = /^# last touched by (\S+) @ (\S+) push (\S+) version (\d+)$/;
const NUMBER_RE = /^-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

function getValue(config: AimConfig, path: Field['path']): unknown {
  const root = config as unknown as Record<string, unknown>;
  if (path.length === 1) return root[path[0]];
  return (root[path[0]] as Record<string, unknown> | undefined)?.[path[1]];
}

function setValue(target: Record<string, unknown>, path: Field['path'], value: unknown): void {
  if (path.length === 1) {
    target[path[0]] = value;
    return;
  }
  if (target[path[0]] === undefined) target[path[0]] = {};
  (target[path[0]] as Record<string, unknown>)[path[1]] = value;
}

/** Why `value` cannot be written as `type`, or null when it can. */
function invalid(type: FieldType, value: unknown): string | null {
  if (type.kind === 'enum') {
    return typeof value === 'string' && type.values.includes(value)
      ? null
      : `must be one of ${type.values.join(', ')}`;
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) return 'must be a finite number';
  if (type.kind === 'integer' && !Number.isInteger(value)) return 'must be an integer';
  return null;
}

export function renderConf(config: AimConfig, meta: ConfMeta, opts: { fileName?: string } = {}): string {
  for (const [name, value] of Object.entries(meta)) {
    if (
      name === 'version'
        ? !Number.isSafeInteger(value) || (value as number) < 0
        : !/^\S+$/.test(String(value))
    ) {
      throw new TypeError(
        `conf meta ${name} ${JSON.stringify(value)} cannot be written (non-empty, no whitespace)`,
      );
    }
  }
  const lines = [
    `# ${opts.fileName ?? CONF_FILE_NAME} — managed by aimlock; edits by hand are overwritten`,
    `# last touched by ${meta.device} @ ${meta.at} push ${meta.id} version ${meta.version}`,
  ];
  let section = '';
  for (const field of FIELDS) {
    const value = getValue(config, field.path);
    const why = invalid(field.type, value);
    if (why) throw new TypeError(`config ${field.path.join('.')} ${why}, got ${JSON.stringify(value)}`);
    if (field.section !== section) {
      if (section) lines.push('');
      lines.push(`[${field.section}]`);
      section = field.section;
    }
    lines.push(`${field.key} = ${String(value)}`);
  }
  return `${lines.join('\n')}\n`;
}

function parseValue(field: Field, raw: string, line: number): number | string {
  const name = `${field.section}.${field.key}`;
  if (field.type.kind === 'enum') {
    if (!field.type.values.includes(raw)) {
      throw new ConfParseError(
        line,
        `${name} = ${JSON.stringify(raw)}: must be one of ${field.type.values.join(', ')}`,
      );
    }
    return raw;
  }
  const n = NUMBER_RE.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isFinite(n)) throw new ConfParseError(line, `${name} = ${JSON.stringify(raw)}: not a number`);
  if (field.type.kind === 'integer' && !Number.isInteger(n)) {
    throw new ConfParseError(line, `${name} = ${raw}: must be an integer`);
  }
  return n;
}

export function parseConf(text: string): { config: AimConfig; meta: ConfMeta | null } {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const sectionLine = new Map<string, number>();
  const keyLine = new Map<string, number>();
  const config: Record<string, unknown> = {};
  let meta: ConfMeta | null = null;
  let section: string | null = null;

  for (const [i, rawLine] of lines.entries()) {
    const n = i + 1;
    const line = rawLine.trim();
    if (line === '') continue;
    if (line.startsWith('#')) {
      const m = META_RE.exec(line);
      if (m && meta === null) meta = { device: m[1]!, at: m[2]!, id: m[3]!, version: Number(m[4]) };
      continue;
    }
    const header = /^\[(.*)\]$/.exec(line);
    if (header) {
      const name = header[1]!.trim();
      if (!SECTIONS.includes(name)) throw new ConfParseError(n, `unknown section [${name}]`);
      const first = sectionLine.get(name);
      if (first !== undefined)
        throw new ConfParseError(n, `duplicate section [${name}] (first at line ${first})`);
      sectionLine.set(name, n);
      section = name;
      continue;
    }
    const kv = /^([^=]*?)\s*=\s*(.*)$/.exec(line);
    if (!kv) throw new ConfParseError(n, `expected "key = value", "[section]" or a # comment`);
    const key = kv[1]!;
    if (section === null) throw new ConfParseError(n, `key ${key} before any [section]`);
    const field = FIELDS.find((f) => f.section === section && f.key === key);
    if (!field) throw new ConfParseError(n, `unknown key ${key} in [${section}]`);
    const id = `${section}.${key}`;
    const first = keyLine.get(id);
    if (first !== undefined) throw new ConfParseError(n, `duplicate key ${id} (first at line ${first})`);
    keyLine.set(id, n);
    setValue(config, field.path, parseValue(field, kv[2]!, n));
  }

  for (const field of FIELDS) {
    if (keyLine.has(`${field.section}.${field.key}`)) continue;
    // Point at the section that should hold it, or past the end when the whole section is missing.
    const at = sectionLine.get(field.section) ?? lines.length + 1;
    throw new ConfParseError(at, `missing key ${field.key} in [${field.section}]`);
  }
  return { config: config as unknown as AimConfig, meta };
}

/** The `config_sha256` of results: hex sha256 of the rendered text, exactly as written to disk. */
export function configSha256(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex');
}
