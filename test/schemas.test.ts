// The JSON Schemas of schemas/ against CONTRACT.md: every bound of the config is probed on both sides, pushes are
// never completed by defaults, settings get theirs from the schema, error pointers name the offending key, and
// the generated types are what the schemas say today.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t, { type Test } from 'tap';
import {
  type AimConfig,
  applyDefaults,
  MAX_ERRORS,
  SCHEMA_NAMES,
  type SchemaError,
  type SchemaName,
  schemaDefaults,
  schemaDir,
  validate,
} from '../src/schemas/index.js';
import { validator } from '../src/schemas/validators.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

type Json = Record<string, unknown>;

function config(): AimConfig {
  return {
    aim: { sensitivity: 0.62, deadzone_deg: 1.5, smoothing: 0.2, max_slew_dps: 240 },
    safety: {
      max_yaw_rate_dps: 90,
      max_pitch_deg: 30,
      min_battery_pct: 25,
      geofence_radius_m: 1200,
      min_separation_m: 15,
      failsafe: 'return_home',
    },
    update_window: 'grounded',
  };
}

function push(): Json {
  return {
    kind: 'aimlock.push/v1',
    id: '7f3c2a10-5b7e-4c1e-9d3a-0a1b2c3d4e5f',
    device: 'drone-07',
    version: 42,
    issued_at: '2026-11-24T03:12:00.000Z',
    expires_at: '2026-11-24T04:12:00+01:00',
    rollout: 'ro-1',
    config: config(),
    signature: { alg: 'ed25519', key_id: 'ops-2026', value: `${'A'.repeat(86)}==` },
  };
}

/** Sets `value` at the JSON pointer `path` of `doc` (creating nothing: the parent must exist). */
function setAt(doc: unknown, path: string, value: unknown): unknown {
  const keys = path.split('/').slice(1);
  const last = keys.pop()!;
  let node = doc as Json;
  for (const k of keys) node = node[k] as Json;
  if (value === undefined) delete node[last];
  else node[last] = value;
  return doc;
}

function errorsOf(name: SchemaName, value: unknown): SchemaError[] {
  const r = validate(name, value);
  if (r.ok) throw new Error(`${name}: expected invalid, got valid: ${JSON.stringify(value)}`);
  return r.errors;
}

function expectValid(t: Test, name: SchemaName, value: unknown, what: string): void {
  const r = validate(name, value);
  t.same(r.ok ? [] : r.errors, [], `${name}: ${what} is valid`);
}

// CONTRACT §5's table, written out again on purpose: the schema must agree with it.
const BOUNDS: [path: string, min: number, max: number, integer: boolean][] = [
  ['/aim/sensitivity', 0.05, 1, false],
  ['/aim/deadzone_deg', 0, 5, false],
  ['/aim/smoothing', 0, 0.95, false],
  ['/aim/max_slew_dps', 1, 720, false],
  ['/safety/max_yaw_rate_dps', 1, 360, false],
  ['/safety/max_pitch_deg', 1, 45, false],
  ['/safety/min_battery_pct', 10, 60, true],
  ['/safety/geofence_radius_m', 10, 5000, false],
  ['/safety/min_separation_m', 1, 100, false],
];

t.test('schema files', async (t) => {
  const dir = schemaDir();
  t.ok(isAbsolute(dir), 'schemaDir() is absolute');
  t.equal(dir, join(ROOT, 'schemas/'), 'schemaDir() is the top-level schemas/ folder');
  for (const name of SCHEMA_NAMES) {
    const file = join(dir, `${name}.schema.json`);
    t.ok(existsSync(file), `${name}.schema.json exists`);
    const doc = JSON.parse(readFileSync(file, 'utf8')) as Json;
    t.equal(doc.$id, `https://aimlock.dev/schemas/${name}.schema.json`, `${name}: $id`);
    t.equal(doc.$schema, 'http://json-schema.org/draft-07/schema#', `${name}: draft-07`);
    t.type(doc.title, 'string', `${name}: title`);
    t.type(doc.description, 'string', `${name}: description`);
    // Every property is documented: the schema is the documentation.
    const undocumented: string[] = [];
    const walk = (node: Json, at: string): void => {
      for (const [key, sub] of Object.entries((node.properties ?? {}) as Record<string, Json>)) {
        if (typeof sub.title !== 'string' || typeof sub.description !== 'string')
          undocumented.push(`${at}/${key}`);
        walk(sub, `${at}/${key}`);
        if (sub.items) walk(sub.items as Json, `${at}/${key}/items`);
      }
      for (const k of ['then', 'definitions'] as const) {
        const sub = node[k] as Json | undefined;
        if (sub && k === 'then') walk(sub, `${at}/then`);
        if (sub && k === 'definitions') for (const [d, s] of Object.entries(sub)) walk(s as Json, `#${d}`);
      }
    };
    walk(doc, '');
    t.same(undocumented, [], `${name}: every property has a title and a description`);
    t.equal(typeof validator(name), 'function', `${name}: has a compiled validator`);
    t.equal(validator(name), validator(name), `${name}: one validator, shared`);
  }
});

t.test('aim-config: a valid config passes, untouched', async (t) => {
  const value = config();
  const r = validate<AimConfig>('aim-config', value);
  t.ok(r.ok, 'valid');
  if (r.ok) t.equal(r.value, value, 'the value itself is returned');
  t.same(value, config(), 'not mutated');
  expectValid(t, 'aim-config', schemaDefaults('aim-config'), 'the factory config (schema defaults)');
});

t.test('aim-config: every numeric bound, below and above', async (t) => {
  const schema = JSON.parse(readFileSync(join(schemaDir(), 'aim-config.schema.json'), 'utf8'));
  const numeric: string[] = [];
  for (const section of ['aim', 'safety']) {
    for (const [k, p] of Object.entries(schema.properties[section].properties as Record<string, Json>)) {
      if (p.type === 'number' || p.type === 'integer') numeric.push(`/${section}/${k}`);
    }
  }
  t.same(BOUNDS.map((b) => b[0]).sort(), numeric.sort(), 'the table covers every numeric key of the schema');

  for (const [path, min, max, integer] of BOUNDS) {
    const step = integer ? 1 : 0.001;
    expectValid(t, 'aim-config', setAt(config(), path, min), `${path} = ${min} (lowest)`);
    expectValid(t, 'aim-config', setAt(config(), path, max), `${path} = ${max} (highest)`);
    t.same(
      errorsOf('aim-config', setAt(config(), path, min - step)),
      [{ path, message: `must be >= ${min}` }],
      `${path} below ${min}`,
    );
    t.same(
      errorsOf('aim-config', setAt(config(), path, max + step)),
      [{ path, message: `must be <= ${max}` }],
      `${path} above ${max}`,
    );
    t.same(
      errorsOf('aim-config', setAt(config(), path, String(min))),
      [{ path, message: integer ? 'must be an integer' : 'must be a number' }],
      `${path} as a string`,
    );
    if (integer) {
      t.same(
        errorsOf('aim-config', setAt(config(), path, min + 0.5)),
        [{ path, message: 'must be an integer' }],
        `${path} fractional`,
      );
    }
  }
});

t.test('aim-config: enums, types, extra and missing keys, not an object', async (t) => {
  t.same(errorsOf('aim-config', setAt(config(), '/safety/failsafe', 'crash')), [
    { path: '/safety/failsafe', message: 'must be one of "hover", "return_home", "land"' },
  ]);
  t.same(errorsOf('aim-config', setAt(config(), '/update_window', 'flying')), [
    { path: '/update_window', message: 'must be one of "any", "hover", "grounded"' },
  ]);
  for (const v of ['hover', 'return_home', 'land'])
    expectValid(t, 'aim-config', setAt(config(), '/safety/failsafe', v), v);
  for (const v of ['any', 'hover', 'grounded'])
    expectValid(t, 'aim-config', setAt(config(), '/update_window', v), v);

  t.same(errorsOf('aim-config', setAt(config(), '/aim/sensitivity', null)), [
    { path: '/aim/sensitivity', message: 'must be a number' },
  ]);
  t.same(errorsOf('aim-config', setAt(config(), '/aim/sensitivity', true)), [
    { path: '/aim/sensitivity', message: 'must be a number' },
  ]);
  t.same(errorsOf('aim-config', setAt(config(), '/safety/failsafe', 1)), [
    { path: '/safety/failsafe', message: 'must be a string' },
    { path: '/safety/failsafe', message: 'must be one of "hover", "return_home", "land"' },
  ]);
  t.same(errorsOf('aim-config', setAt(config(), '/aim', [])), [
    { path: '/aim', message: 'must be an object' },
  ]);

  t.same(errorsOf('aim-config', setAt(config(), '/aim/foo', 1)), [
    { path: '/aim/foo', message: 'unknown key' },
  ]);
  t.same(errorsOf('aim-config', setAt(config(), '/extra', {})), [{ path: '/extra', message: 'unknown key' }]);
  const odd = config();
  (odd.safety as unknown as Json)['a~b/c'] = 1;
  t.same(errorsOf('aim-config', odd), [{ path: '/safety/a~0b~1c', message: 'unknown key' }]);

  t.same(errorsOf('aim-config', setAt(config(), '/aim/smoothing', undefined)), [
    { path: '/aim/smoothing', message: 'is required' },
  ]);
  t.same(errorsOf('aim-config', setAt(config(), '/safety', undefined)), [
    { path: '/safety', message: 'is required' },
  ]);
  t.same(
    errorsOf('aim-config', {}),
    ['/aim', '/safety', '/update_window'].map((path) => ({ path, message: 'is required' })),
  );

  for (const v of [42, null, 'config', [], true, undefined]) {
    t.same(
      errorsOf('aim-config', v),
      [{ path: '', message: 'must be an object' }],
      `not an object: ${String(v)}`,
    );
  }
});

t.test('errors: deduplicated, sorted by path, capped', async (t) => {
  const value = config() as unknown as Json;
  for (let i = 0; i < 30; i++) value[`z${String(i).padStart(2, '0')}`] = i;
  setAt(value, '/aim/sensitivity', 9);
  const errors = errorsOf('aim-config', value);
  t.equal(errors.length, MAX_ERRORS, `at most ${MAX_ERRORS}`);
  t.equal(MAX_ERRORS, 20);
  const paths = errors.map((e) => e.path);
  t.same(paths, [...paths].sort(), 'sorted by path');
  t.same(errors[0], { path: '/aim/sensitivity', message: 'must be <= 1' }, 'first by path');
  t.equal(new Set(errors.map((e) => `${e.path} ${e.message}`)).size, errors.length, 'no duplicates');
});

t.test('push envelope', async (t) => {
  expectValid(t, 'push', push(), 'a full signed envelope');
  const minimal = push();
  for (const k of ['expires_at', 'rollout', 'signature']) delete minimal[k];
  expectValid(t, 'push', minimal, 'an envelope without its optional members');
  expectValid(t, 'push', setAt(push(), '/id', 'ops:2026.11-24_a'), 'an id of safe characters');
  expectValid(t, 'push', setAt(push(), '/version', 2 ** 53 - 1), 'the largest safe version');

  const cases: [path: string, value: unknown, message: string | string[]][] = [
    ['/kind', 'aimlock.push/v2', 'must be "aimlock.push/v1"'],
    ['/id', '', ['must be at least 1 characters long', 'must match ^[A-Za-z0-9._:-]+$']],
    ['/id', 'a b', 'must match ^[A-Za-z0-9._:-]+$'],
    ['/id', '../../etc', 'must match ^[A-Za-z0-9._:-]+$'],
    ['/id', 'x'.repeat(129), 'must be at most 128 characters long'],
    ['/device', 'drone/07', 'must match ^[A-Za-z0-9._:-]+$'],
    ['/version', 0, 'must be >= 1'],
    ['/version', 1.5, 'must be an integer'],
    ['/version', 2 ** 53, 'must be <= 9007199254740991'],
    ['/version', '42', 'must be an integer'],
    ['/issued_at', '2026-11-24 03:12', 'must be a date-time'],
    ['/issued_at', '2026-11-24T03:12:00', 'must be a date-time'],
    ['/expires_at', 'tomorrow', 'must be a date-time'],
    ['/rollout', 'r'.repeat(129), 'must be at most 128 characters long'],
    ['/signature/alg', 'rsa', 'must be "ed25519"'],
    ['/signature/key_id', '../key', 'must match ^[A-Za-z0-9._-]{1,64}$'],
    ['/signature/value', 'not base64!', 'must match ^[A-Za-z0-9+/]+={0,2}$'],
    ['/signature/value', 'A'.repeat(201), 'must be at most 200 characters long'],
    ['/config/aim/sensitivity', 1.5, 'must be <= 1'],
    ['/config/aim/extra', 1, 'unknown key'],
    ['/signature/extra', 1, 'unknown key'],
    ['/extra', 1, 'unknown key'],
  ];
  for (const [path, value, message] of cases) {
    const expected = (Array.isArray(message) ? message : [message]).map((m) => ({ path, message: m }));
    t.same(errorsOf('push', setAt(push(), path, value)), expected, `${path} = ${JSON.stringify(value)}`);
  }
  for (const key of ['kind', 'id', 'device', 'version', 'issued_at', 'config']) {
    t.same(errorsOf('push', setAt(push(), `/${key}`, undefined)), [
      { path: `/${key}`, message: 'is required' },
    ]);
  }
  t.same(errorsOf('push', setAt(push(), '/signature/value', undefined)), [
    { path: '/signature/value', message: 'is required' },
  ]);

  // Never completed by defaults: a missing config key stays an error and the value is not touched.
  const partial = setAt(push(), '/config/update_window', undefined) as Json;
  t.same(errorsOf('push', partial), [{ path: '/config/update_window', message: 'is required' }]);
  t.notOk('update_window' in (partial.config as Json), 'validation filled nothing in');
});

t.test('push: __proto__ and constructor keys from JSON.parse are unknown keys', async (t) => {
  const text = JSON.stringify(push());
  const top = JSON.parse(`${text.slice(0, -1)},"__proto__":{"polluted":true},"constructor":{"x":1}}`);
  t.ok(Object.hasOwn(top, '__proto__'), 'JSON.parse made an own __proto__ key');
  t.same(errorsOf('push', top), [
    { path: '/__proto__', message: 'unknown key' },
    { path: '/constructor', message: 'unknown key' },
  ]);
  const nested = JSON.parse(text.replace('"aim":{', '"aim":{"__proto__":{"sensitivity":2},'));
  t.same(errorsOf('push', nested), [{ path: '/config/aim/__proto__', message: 'unknown key' }]);
  t.equal(({} as Json).polluted, undefined, 'no prototype was polluted');
});

const SETTINGS_DEFAULTS = {
  broker: {
    url: 'mqtt://127.0.0.1:1883',
    username: null,
    password_file: null,
    ca_file: null,
    cert_file: null,
    key_file: null,
    keepalive_s: 30,
  },
  paths: {
    config: '/var/lib/aimlock/aim_lock_config.conf',
    state_dir: '/var/lib/aimlock',
    limits: '/etc/aimlock/limits.json',
    keys_dir: '/etc/aimlock/keys',
    socket: '/run/aimlock/aimlockd.sock',
    vehicle_state: '/run/aim/vehicle_state',
  },
  lock: {
    wait_ms: 5000,
    heartbeat_ms: 1000,
    heartbeat_ttl_ms: 10000,
    gc_interval_ms: 30000,
    auto_reclaim: 'always',
  },
  require_signature: true,
  apply_hook: { command: [], timeout_ms: 10000 },
  history_size: 5,
  topic_prefix: 'aimlock/v1',
  log_level: 'info',
};

t.test('agent-settings: defaults come from the schema', async (t) => {
  t.same(schemaDefaults('agent-settings'), SETTINGS_DEFAULTS, 'CONTRACT §2 defaults, and nothing else');

  const input = {
    device: 'drone-07',
    fleet: 'alpha',
    broker: { url: 'mqtts://broker:8883', username: 'u' },
    lock: { wait_ms: 10, auto_reclaim: 'never' },
    apply_hook: { command: ['systemctl', 'reload', 'aim-controller'] },
    require_signature: false,
  };
  const before = structuredClone(input);
  const filled = applyDefaults<Json>('agent-settings', input);
  t.same(input, before, 'the input is not mutated');
  t.same(filled, {
    ...SETTINGS_DEFAULTS,
    device: 'drone-07',
    fleet: 'alpha',
    broker: { ...SETTINGS_DEFAULTS.broker, url: 'mqtts://broker:8883', username: 'u' },
    lock: { ...SETTINGS_DEFAULTS.lock, wait_ms: 10, auto_reclaim: 'never' },
    apply_hook: { command: ['systemctl', 'reload', 'aim-controller'], timeout_ms: 10000 },
    require_signature: false,
  });
  expectValid(t, 'agent-settings', filled, 'settings with defaults applied');

  const a = applyDefaults<Json>('agent-settings', { device: 'd', fleet: 'f' });
  ((a.apply_hook as Json).command as string[]).push('rm');
  const b = applyDefaults<Json>('agent-settings', { device: 'd', fleet: 'f' });
  t.same((b.apply_hook as Json).command, [], 'defaults are copies, never shared');

  const kept = applyDefaults<Json>('agent-settings', {
    device: 'd',
    fleet: 'f',
    broker: null,
    history_size: 'x',
  });
  t.equal(kept.broker, null, 'a present null is kept for the validator to judge');
  t.same(errorsOf('agent-settings', kept), [
    { path: '/broker', message: 'must be an object' },
    { path: '/history_size', message: 'must be an integer' },
  ]);

  const evil = JSON.parse('{"device":"d","fleet":"f","__proto__":{"require_signature":false}}');
  const safe = applyDefaults<Json>('agent-settings', evil);
  t.equal(Object.getPrototypeOf(safe), Object.prototype, '__proto__ stays a key, not a prototype');
  t.equal(safe.require_signature, true, 'defaults are not shadowed by a __proto__ key');
  t.same(errorsOf('agent-settings', safe), [{ path: '/__proto__', message: 'unknown key' }]);
});

t.test('agent-settings: bad values are reported at their pointer', async (t) => {
  const base = () => applyDefaults<Json>('agent-settings', { device: 'drone-07', fleet: 'alpha' });
  const cases: [path: string, value: unknown, message: string][] = [
    ['/lock/heartbeat_ms', 'fast', 'must be an integer'],
    ['/lock/wait_ms', -1, 'must be >= 0'],
    ['/lock/auto_reclaim', 'sometimes', 'must be one of "always", "boot", "never"'],
    ['/broker/url', 'http://broker:1883', 'must match ^mqtts?://'],
    ['/broker/keepalive_s', 70000, 'must be <= 65535'],
    ['/broker/username', 7, 'must be a string or null'],
    ['/paths/config', '', 'must be at least 1 characters long'],
    ['/apply_hook/command', 'systemctl reload', 'must be an array'],
    ['/apply_hook/command/1', 3, 'must be a string'],
    ['/history_size', 0, 'must be >= 1'],
    ['/history_size', 101, 'must be <= 100'],
    ['/topic_prefix', 'aimlock/#', 'must match ^[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*$'],
    ['/log_level', 'verbose', 'must be one of "fatal", "error", "warn", "info", "debug", "trace"'],
    ['/device', 'drone 07', 'must match ^[A-Za-z0-9._-]{1,64}$'],
    ['/paths/confg', 'x', 'unknown key'],
    ['/require_signature', 'yes', 'must be a boolean'],
  ];
  for (const [path, value, message] of cases) {
    const doc = base();
    if (path === '/apply_hook/command/1') (doc.apply_hook as Json).command = ['a', 'b'];
    t.same(errorsOf('agent-settings', setAt(doc, path, value)), [{ path, message }], `${path}`);
  }
  t.same(errorsOf('agent-settings', setAt(base(), '/fleet', undefined)), [
    { path: '/fleet', message: 'is required' },
  ]);
  t.same(
    errorsOf('agent-settings', {}),
    [
      { path: '/device', message: 'is required' },
      { path: '/fleet', message: 'is required' },
    ],
    'device and fleet have no default',
  );
});

t.test('limits', async (t) => {
  expectValid(t, 'limits', {}, 'no limits');
  const example = {
    aim: { sensitivity: { min: 0.1, max: 0.8 }, smoothing: { max: 0.5 } },
    safety: { min_battery_pct: { min: 20 }, failsafe: { allowed: ['return_home', 'land'] } },
    update_window: { allowed: ['grounded'] },
  };
  expectValid(t, 'limits', example, 'the CONTRACT example, extended');
  const cases: [doc: unknown, errors: SchemaError[]][] = [
    [{ aim: { sensitivty: { max: 0.8 } } }, [{ path: '/aim/sensitivty', message: 'unknown key' }]],
    [
      { aim: { sensitivity: { maximum: 0.8 } } },
      [{ path: '/aim/sensitivity/maximum', message: 'unknown key' }],
    ],
    [{ saftey: {} }, [{ path: '/saftey', message: 'unknown key' }]],
    [
      { aim: { sensitivity: { max: '0.8' } } },
      [{ path: '/aim/sensitivity/max', message: 'must be a number' }],
    ],
    [
      { update_window: { allowed: ['flying'] } },
      [{ path: '/update_window/allowed/0', message: 'must be one of "any", "hover", "grounded"' }],
    ],
    [
      { update_window: { allowed: [] } },
      [{ path: '/update_window/allowed', message: 'must have at least 1 items' }],
    ],
    [{ update_window: ['grounded'] }, [{ path: '/update_window', message: 'must be an object' }]],
    [{ safety: { failsafe: {} } }, [{ path: '/safety/failsafe/allowed', message: 'is required' }]],
    [
      { safety: { failsafe: { allowed: ['land', 'land'] } } },
      [{ path: '/safety/failsafe/allowed', message: 'must not contain duplicates' }],
    ],
    [
      { safety: { failsafe: { min: 1 } } },
      [
        { path: '/safety/failsafe/allowed', message: 'is required' },
        { path: '/safety/failsafe/min', message: 'unknown key' },
      ],
    ],
  ];
  for (const [doc, errors] of cases) t.same(errorsOf('limits', doc), errors, JSON.stringify(doc));
});

const CONTRACT_CODES = [
  'ok',
  'duplicate',
  'superseded',
  'deferred_update_window',
  'invalid_json',
  'too_large',
  'schema_invalid',
  'wrong_device',
  'expired',
  'stale_version',
  'signature_missing',
  'signature_invalid',
  'unknown_key',
  'limits_exceeded',
  'hold',
  'lock_hot',
  'lock_mismatch',
  'apply_failed',
  'rolled_back',
];
/** Codes that joined the registry after CONTRACT §5 (it allows new ones; none is ever reused). */
const ADDED_CODES = ['apply_incomplete', 'limits_unreadable', 'keys_unreadable', 'capability_missing'];

t.test('result', async (t) => {
  const applied = {
    kind: 'aimlock.result/v1',
    device: 'drone-07',
    id: '7f3c2a10-5b7e-4c1e-9d3a-0a1b2c3d4e5f',
    version: 42,
    rollout: 'ro-1',
    status: 'applied',
    code: 'ok',
    detail: 'applied version 42',
    lock: { verdict: 'FREE', generation: 17, owner: null, kernel_holders: [] },
    config_sha256: 'a'.repeat(64),
    ts: '2026-11-24T03:12:01.000Z',
  };
  expectValid(t, 'result', applied, 'an applied result with lock evidence');
  const rejected = {
    kind: 'aimlock.result/v1',
    device: 'drone-07',
    id: '',
    version: null,
    status: 'rejected',
    code: 'limits_exceeded',
    detail: 'sensitivity is above the board limit',
    errors: [{ path: '/config/aim/sensitivity', message: 'must be <= 0.8' }],
    ts: '2026-11-24T03:12:01Z',
  };
  expectValid(t, 'result', rejected, 'a rejection with an unreadable id and errors');
  for (const code of CONTRACT_CODES) expectValid(t, 'result', { ...rejected, code }, `code ${code}`);
  const schema = JSON.parse(readFileSync(join(schemaDir(), 'result.schema.json'), 'utf8'));
  t.same(
    schema.properties.code.enum,
    [...CONTRACT_CODES, ...ADDED_CODES],
    'the 19 codes of CONTRACT §5, then the ones added since',
  );

  t.same(errorsOf('result', { ...applied, code: 'bogus' }), [
    {
      path: '/code',
      message: `must be one of ${[...CONTRACT_CODES, ...ADDED_CODES].map((c) => JSON.stringify(c)).join(', ')}`,
    },
  ]);
  t.same(errorsOf('result', { ...applied, status: 'done' }), [
    {
      path: '/status',
      message: 'must be one of "applied", "rejected", "duplicate", "superseded", "deferred"',
    },
  ]);
  t.same(errorsOf('result', { ...applied, lock: { verdict: 'WARM' } }), [
    {
      path: '/lock/verdict',
      message: 'must be one of "FREE", "HELD", "HUNG", "STALE", "DETACHED", "UNOWNED", "CLEARED"',
    },
  ]);
  t.same(errorsOf('result', { ...applied, config_sha256: 'A'.repeat(64) }), [
    { path: '/config_sha256', message: 'must match ^[0-9a-f]{64}$' },
  ]);
  t.same(errorsOf('result', { ...applied, errors: [{ path: '/x' }] }), [
    { path: '/errors/0/message', message: 'is required' },
  ]);
  t.same(errorsOf('result', { ...applied, version: '42' }), [
    { path: '/version', message: 'must be an integer or null' },
  ]);
});

t.test('command envelope (CONTRACT §9)', async (t) => {
  const hold = {
    kind: 'aimlock.command/v1',
    id: '7f3c2a10-5b7e-4c1e-9d3a-0a1b2c3d4e5f',
    device: 'drone-07',
    issued_at: '2026-11-24T03:12:00.000Z',
    expires_at: '2026-11-24T03:14:00.000Z',
    action: 'hold',
    args: { reason: 'stop-orchestrator for 90s', for: 90 },
    signature: { alg: 'ed25519', key_id: 'ops-2026', value: 'A'.repeat(86) + '==' },
  };
  expectValid(t, 'command', hold, 'a hold with reason and for');
  expectValid(
    t,
    'command',
    { ...hold, action: 'release_force', args: { reason: 'ghost', hold_for: 300 } },
    'release_force',
  );
  for (const action of ['resume', 'locks', 'reclaim', 'status'])
    expectValid(t, 'command', { ...hold, action, args: {} }, `${action} with no args`);
  t.same(errorsOf('command', { ...hold, args: { reason: 'x' } }), [
    { path: '/args/for', message: 'is required' },
  ]);
  t.same(errorsOf('command', { ...hold, action: 'locks' }), [
    { path: '/args', message: 'must NOT have more than 0 properties' },
    { path: '/args/for', message: 'unknown key' },
    { path: '/args/reason', message: 'unknown key' },
  ]);
  t.same(errorsOf('command', { ...hold, action: 'release_force' }), [
    { path: '/args/for', message: 'unknown key' },
    { path: '/args/hold_for', message: 'is required' },
  ]);
  const { expires_at: _e, ...noExpiry } = hold;
  t.same(errorsOf('command', noExpiry), [{ path: '/expires_at', message: 'is required' }]);
  t.same(errorsOf('command', { ...hold, action: 'reboot' }), [
    {
      path: '/action',
      message: 'must be one of "hold", "resume", "locks", "reclaim", "release_force", "status"',
    },
  ]);
  t.same(errorsOf('command', { ...hold, args: { ...hold.args, for: 0 } }), [
    { path: '/args/for', message: 'must be >= 1' },
  ]);
});

t.test('command result (CONTRACT §9)', async (t) => {
  const done = {
    kind: 'aimlock.command-result/v1',
    device: 'drone-07',
    id: '7f3c2a10-5b7e-4c1e-9d3a-0a1b2c3d4e5f',
    action: 'hold',
    status: 'done',
    code: 'ok',
    detail: 'hold in place until 2026-11-24T03:13:30.000Z',
    key_id: 'ops-2026',
    data: { hold: { until: '2026-11-24T03:13:30.000Z' } },
    ts: '2026-11-24T03:12:01.000Z',
  };
  expectValid(t, 'command-result', done, 'a done hold with data');
  expectValid(
    t,
    'command-result',
    {
      ...done,
      id: '',
      action: null,
      status: 'refused',
      code: 'invalid_json',
      key_id: undefined,
      data: undefined,
    },
    'a refusal of something unreadable',
  );
  for (const status of ['accepted', 'done', 'refused', 'duplicate'])
    expectValid(t, 'command-result', { ...done, status }, `status ${status}`);
  t.same(errorsOf('command-result', { ...done, status: 'applied' }), [
    { path: '/status', message: 'must be one of "accepted", "done", "refused", "duplicate"' },
  ]);
  t.same(errorsOf('command-result', { ...done, code: 'Not-A-Code' }), [
    { path: '/code', message: 'must match ^[a-z][a-z0-9_]{1,63}$' },
  ]);
});

t.test('telemetry', async (t) => {
  const mismatch = {
    kind: 'aimlock.telemetry/v1',
    event: 'lock_mismatch',
    device: 'drone-07',
    ts: '2026-11-24T03:12:00.000Z',
    file: 'aim_lock_config.conf',
    state: 'HOT',
    verdict: 'STALE',
    lock_bit: 1,
    owner: { pid: 4242, boot_id: 'b', generation: 17 },
    kernel_holders: [],
    evidence: 'extra members are allowed',
  };
  expectValid(t, 'telemetry', mismatch, 'a lock_mismatch event');
  expectValid(
    t,
    'telemetry',
    { ...mismatch, lock_bit: null, owner: null },
    'with the bit and owner unreadable',
  );
  expectValid(
    t,
    'telemetry',
    {
      kind: 'aimlock.telemetry/v1',
      event: 'lock_reclaimed',
      device: 'drone-07',
      ts: '2026-11-24T03:12:00Z',
      from: {},
    },
    'another event needs none of the mismatch members',
  );
  const { kernel_holders: _k, owner: _o, ...partial } = mismatch;
  t.same(errorsOf('telemetry', partial), [
    { path: '/kernel_holders', message: 'is required' },
    { path: '/owner', message: 'is required' },
  ]);
  t.same(errorsOf('telemetry', { ...mismatch, state: 'COLD' }), [
    { path: '/state', message: 'must be "HOT"' },
  ]);
  t.same(errorsOf('telemetry', { ...mismatch, verdict: 'HELD' }), [
    { path: '/verdict', message: 'must be one of "HUNG", "STALE", "DETACHED", "UNOWNED", "CLEARED"' },
  ]);
  t.same(errorsOf('telemetry', { ...mismatch, lock_bit: 2 }), [
    { path: '/lock_bit', message: 'must be one of 0, 1, null' },
  ]);
  t.same(errorsOf('telemetry', { ...mismatch, event: 'exploded' }), [
    {
      path: '/event',
      message:
        'must be one of "lock_mismatch", "lock_reclaimed", "lock_force_released", "hold", "resume", "apply_hook_failed"',
    },
  ]);
});

t.test('status', async (t) => {
  const online = {
    kind: 'aimlock.status/v1',
    device: 'drone-07',
    state: 'online',
    applied: { id: '7f3c', version: 42, sha256: 'b'.repeat(64) },
    lock: { verdict: 'HELD', generation: 17 },
    agent_version: '0.1.0',
    ts: '2026-11-24T03:12:00.000Z',
  };
  expectValid(t, 'status', online, 'online');
  expectValid(t, 'status', { ...online, state: 'offline', applied: null, lock: null }, 'the last will');
  expectValid(t, 'status', { ...online, state: 'hold' }, 'hold');
  t.same(errorsOf('status', { ...online, state: 'asleep' }), [
    { path: '/state', message: 'must be one of "online", "hold", "offline"' },
  ]);
  t.same(errorsOf('status', { ...online, applied: { id: 'x', version: 1 } }), [
    { path: '/applied/sha256', message: 'is required' },
  ]);
  t.same(errorsOf('status', { ...online, lock: {} }), [{ path: '/lock/verdict', message: 'is required' }]);
});

t.test('types.gen.ts is generated from the schemas of today', async (t) => {
  const dir = t.testdir({});
  const out = join(dir, 'types.gen.ts');
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'schema-types.mjs'), '--out', out], {
    stdio: 'pipe',
  });
  const fresh = readFileSync(out, 'utf8');
  const committed = readFileSync(join(ROOT, 'src', 'schemas', 'types.gen.ts'), 'utf8');
  t.ok(fresh.startsWith('// GENERATED FILE'), 'banner');
  t.equal(committed, fresh, 'src/schemas/types.gen.ts is up to date (run `npm run schemas:types`)');
  const push = /export interface PushEnvelope \{[\s\S]*?\n\}/.exec(fresh)?.[0] ?? '';
  t.match(push, /\n {2}config: AimConfig;\n/, 'PushEnvelope.config is the one AimConfig');
  for (const name of [
    'AimConfig',
    'PushEnvelope',
    'Result',
    'Telemetry',
    'Status',
    'AgentSettings',
    'Limits',
  ]) {
    t.match(fresh, new RegExp(`^export interface ${name} \\{`, 'm'), `declares ${name}`);
  }
});
