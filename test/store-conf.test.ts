import t from 'tap';
import {
  type AimConfig,
  type ConfMeta,
  ConfParseError,
  configSha256,
  parseConf,
  renderConf,
} from '../src/store/conf.js';

const BASE: AimConfig = {
  aim: { sensitivity: 0.62, deadzone_deg: 0.5, smoothing: 0.3, max_slew_dps: 180 },
  safety: {
    max_yaw_rate_dps: 90,
    max_pitch_deg: 25,
    min_battery_pct: 20,
    geofence_radius_m: 500,
    min_separation_m: 5,
    failsafe: 'hover',
  },
  update_window: 'any',
};
const META: ConfMeta = {
  device: 'drone-07',
  at: '2026-11-24T03:12:00.000Z',
  id: '7f3c9a2e-uuid',
  version: 42,
};

const EXPECTED = `# aim_lock_config.conf — managed by aimlock; edits by hand are overwritten
# last touched by drone-07 @ 2026-11-24T03:12:00.000Z push 7f3c9a2e-uuid version 42
[aim]
sensitivity = 0.62
deadzone_deg = 0.5
smoothing = 0.3
max_slew_dps = 180

[safety]
max_yaw_rate_dps = 90
max_pitch_deg = 25
min_battery_pct = 20
geofence_radius_m = 500
min_separation_m = 5
failsafe = hover

[update]
window = any
`;

function variant(patch: (c: AimConfig) => void): AimConfig {
  const c = structuredClone(BASE);
  patch(c);
  return c;
}

/** BASE's rendering with one line replaced (1-based), or removed when `line` is null. */
function edit(lineNo: number, line: string | null): string {
  const lines = EXPECTED.split('\n');
  if (line === null) lines.splice(lineNo - 1, 1);
  else lines[lineNo - 1] = line;
  return lines.join('\n');
}

t.test('renders the CONTRACT §6 layout exactly, file name from a parameter', async (t) => {
  t.equal(renderConf(BASE, META), EXPECTED);
  const other = renderConf(BASE, META, { fileName: 'shadow.conf' });
  t.equal(other.split('\n')[0], '# shadow.conf — managed by aimlock; edits by hand are overwritten');
});

t.test('round trip is exact, awkward numbers included', async (t) => {
  const configs: AimConfig[] = [
    BASE,
    variant((c) => {
      c.aim.sensitivity = 0.1;
      c.aim.deadzone_deg = 1e-7;
      c.aim.smoothing = 0.30000000000000004;
      c.aim.max_slew_dps = 720;
      c.safety.failsafe = 'return_home';
      c.update_window = 'grounded';
    }),
    variant((c) => {
      c.aim.deadzone_deg = 0;
      c.aim.smoothing = 5e-324;
      c.safety.geofence_radius_m = 4999.999999999999;
      c.safety.min_separation_m = 1.0000000000000002;
      c.safety.max_yaw_rate_dps = 1e21;
      c.safety.min_battery_pct = 60;
      c.safety.failsafe = 'land';
      c.update_window = 'hover';
    }),
    variant((c) => {
      c.aim.sensitivity = 1 / 3;
      c.safety.max_pitch_deg = 123456789.12345679;
    }),
  ];
  for (const [i, config] of configs.entries()) {
    const text = renderConf(config, META);
    const parsed = parseConf(text);
    t.strictSame(parsed.config, config, `config ${i}: parse(render(x)) deep-equals x`);
    t.strictSame(parsed.meta, META, `config ${i}: meta comes back`);
    t.equal(
      renderConf(parsed.config, parsed.meta!),
      text,
      `config ${i}: render(parse(render(x))) === render(x)`,
    );
  }
  const text = renderConf(configs[1]!, META);
  t.match(text, /\ndeadzone_deg = 1e-7\n/, 'String(n) form on disk');
  t.match(text, /\nsmoothing = 0\.30000000000000004\n/);
});

t.test('hand edits: whitespace, CRLF, comments, order and number spelling are tolerated', async (t) => {
  const hand = [
    '# edited on the bench',
    '',
    '  [update]  ',
    'window=any',
    '[safety]',
    '\tfailsafe\t=\thover',
    'min_separation_m = 5.0',
    'geofence_radius_m = 5e2',
    'min_battery_pct = 20',
    'max_pitch_deg =25',
    'max_yaw_rate_dps= 90',
    '# a note',
    '[aim]',
    'max_slew_dps = 180',
    'smoothing = .3',
    'deadzone_deg = 0.50',
    'sensitivity = 0.62   ',
  ].join('\r\n');
  const parsed = parseConf(hand);
  t.strictSame(parsed.config, BASE);
  t.equal(parsed.meta, null, 'no "last touched" line: meta is null');
  t.equal(renderConf(parsed.config, META), EXPECTED, 'rewritten in the canonical form');
});

t.test('strict parse errors carry the line number', async (t) => {
  const cases: Array<[string, string, number, RegExp]> = [
    ['unknown key', edit(5, 'deadzone = 0.5'), 5, /unknown key deadzone in \[aim\]/],
    ['key of another section', edit(5, 'failsafe = hover'), 5, /unknown key failsafe in \[aim\]/],
    ['unknown section', edit(9, '[safty]'), 9, /unknown section \[safty\]/],
    ['duplicate key', edit(6, 'sensitivity = 0.7'), 6, /duplicate key aim\.sensitivity \(first at line 4\)/],
    ['duplicate section', edit(16, '[aim]'), 16, /duplicate section \[aim\] \(first at line 3\)/],
    ['missing key points at its section', edit(12, null), 9, /missing key min_battery_pct in \[safety\]/],
    [
      'missing section points past the end',
      EXPECTED.replace('[update]\nwindow = any\n', ''),
      17,
      /missing key window in \[update\]/,
    ],
    ['non-numeric', edit(4, 'sensitivity = high'), 4, /aim\.sensitivity = "high": not a number/],
    ['inline comment', edit(4, 'sensitivity = 0.62 # tuned'), 4, /not a number/],
    ['empty value', edit(4, 'sensitivity ='), 4, /not a number/],
    ['hex', edit(7, 'max_slew_dps = 0xB4'), 7, /not a number/],
    ['Infinity', edit(7, 'max_slew_dps = Infinity'), 7, /not a number/],
    ['overflow to infinity', edit(7, 'max_slew_dps = 1e400'), 7, /not a number/],
    ['NaN', edit(7, 'max_slew_dps = NaN'), 7, /not a number/],
    ['integer key with a fraction', edit(12, 'min_battery_pct = 20.5'), 12, /must be an integer/],
    [
      'bad failsafe',
      edit(15, 'failsafe = crash'),
      15,
      /failsafe = "crash": must be one of hover, return_home, land/,
    ],
    ['bad window', edit(18, 'window = Any'), 18, /window = "Any": must be one of any, hover, grounded/],
    ['key before a section', `sensitivity = 0.6\n${EXPECTED}`, 1, /before any \[section\]/],
    ['not a key line', edit(8, 'what is this'), 8, /expected "key = value"/],
  ];
  for (const [name, text, line, message] of cases) {
    t.throws(() => parseConf(text), { name: 'ConfParseError', line, message }, name);
  }
  const err = (() => {
    try {
      parseConf(edit(4, 'sensitivity = x'));
    } catch (e) {
      return e;
    }
  })();
  t.ok(err instanceof ConfParseError, 'a ConfParseError instance');
  t.match((err as Error).message, /^line 4: /, 'message starts with the line');
});

t.test('the renderer refuses what the parser would refuse', async (t) => {
  t.throws(
    () =>
      renderConf(
        variant((c) => (c.aim.sensitivity = Number.NaN)),
        META,
      ),
    /aim\.sensitivity must be a finite number/,
  );
  t.throws(
    () =>
      renderConf(
        variant((c) => (c.safety.min_battery_pct = 20.5)),
        META,
      ),
    /must be an integer/,
  );
  const badEnum = variant((c) => ((c.safety as { failsafe: string }).failsafe = 'crash'));
  t.throws(() => renderConf(badEnum, META), /safety\.failsafe must be one of/);
  t.throws(
    () => renderConf(BASE, { ...META, id: 'x\n[aim]\nsensitivity = 1' }),
    /meta id/,
    'no line injection via meta',
  );
  t.throws(() => renderConf(BASE, { ...META, device: 'drone 07' }), /meta device/);
  t.throws(() => renderConf(BASE, { ...META, version: 1.5 }), /meta version/);
});

t.test('configSha256 is the hex sha256 of the text', async (t) => {
  t.equal(configSha256('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  t.equal(configSha256(Buffer.from(EXPECTED)), configSha256(EXPECTED), 'same for a Buffer of the same bytes');
  t.not(configSha256(EXPECTED), configSha256(edit(4, 'sensitivity = 0.63')));
});
