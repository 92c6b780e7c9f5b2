// The technician's commands on a board, as a technician runs them: validate (every schema bound, wrong types,
// extra keys, not JSON, local limits), apply/show/history/rollback, a bad settings file, usage errors.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { aimlock, CLI, configWith, GOOD_CONFIG, makeBoard, ROOT, run } from './helpers/board.js';

type Patch = (c: Record<string, Record<string, unknown>>) => void;
const set =
  (section: string, key: string, value: unknown): Patch =>
  (c) => {
    c[section]![key] = value;
  };

// [name, patch, expected JSON pointer]
const INVALID: Array<[string, Patch, string]> = [
  ...(
    [
      ['aim', 'sensitivity', 0.04, 1.01],
      ['aim', 'deadzone_deg', -0.01, 5.01],
      ['aim', 'smoothing', -0.01, 0.96],
      ['aim', 'max_slew_dps', 0.99, 720.1],
      ['safety', 'max_yaw_rate_dps', 0.5, 361],
      ['safety', 'max_pitch_deg', 0.9, 45.5],
      ['safety', 'min_battery_pct', 9, 61],
      ['safety', 'geofence_radius_m', 9.9, 5001],
      ['safety', 'min_separation_m', 0.9, 101],
    ] as const
  ).flatMap(
    ([s, k, lo, hi]): Array<[string, Patch, string]> => [
      [`${s}.${k} below`, set(s, k, lo), `/${s}/${k}`],
      [`${s}.${k} above`, set(s, k, hi), `/${s}/${k}`],
      [`${s}.${k} wrong type`, set(s, k, String(hi)), `/${s}/${k}`],
    ],
  ),
  ['min_battery_pct not an integer', set('safety', 'min_battery_pct', 20.5), '/safety/min_battery_pct'],
  ['failsafe not in enum', set('safety', 'failsafe', 'crash'), '/safety/failsafe'],
  ['extra key', set('aim', 'turbo', true), '/aim/turbo'],
  ['missing key', (c) => delete c.aim!.smoothing, '/aim/smoothing'],
  [
    'update_window not in enum',
    (c) => ((c as Record<string, unknown>).update_window = 'now'),
    '/update_window',
  ],
];

t.test(
  'validate: every schema bound, wrong types, extra and missing keys give exit 1 with the pointer',
  async (t) => {
    const board = makeBoard(t.testdir());
    const files = INVALID.map(([name, patch], i) => {
      const c = structuredClone(GOOD_CONFIG) as unknown as Record<string, Record<string, unknown>>;
      patch(c);
      return { name, file: board.writeJson(`bad-${i}.json`, c), pointer: INVALID[i]![2] };
    });
    // Several at a time: each run is a real process.
    for (let i = 0; i < files.length; i += 6) {
      await Promise.all(
        files.slice(i, i + 6).map(async ({ name, file, pointer }) => {
          const r = await aimlock(board, ['validate', file, '--json']);
          t.equal(r.code, 1, `${name}: exit 1`);
          const err = JSON.parse(r.stderr).error;
          t.ok(
            err.errors.some((e: { path: string }) => e.path === pointer),
            `${name}: error at ${pointer} (${JSON.stringify(err.errors)})`,
          );
        }),
      );
    }
    const ok = await aimlock(board, ['validate', board.writeJson('good.json', GOOD_CONFIG)]);
    t.equal(ok.code, 0);
    t.match(ok.stdout, /valid config/);
    writeFileSync(join(board.dir, 'broken.json'), '{"aim": ');
    const broken = await aimlock(board, ['validate', join(board.dir, 'broken.json')]);
    t.equal(broken.code, 1);
    t.match(broken.stderr, /^aimlock: invalid: .*is not JSON/m);
  },
);

t.test(
  'local limits narrow the schema, and apply refuses what validate refuses, changing nothing',
  async (t) => {
    const board = makeBoard(t.testdir());
    board.writeJson('limits.json', {
      aim: { sensitivity: { min: 0.1, max: 0.8 } },
      update_window: { allowed: ['grounded', 'hover'] },
    });
    t.equal(
      (
        await aimlock(board, [
          'apply',
          board.writeJson('a.json', { ...GOOD_CONFIG, update_window: 'hover' }),
          '--reason',
          'init',
        ])
      ).code,
      0,
    );
    const before = readFileSync(board.config);
    const over = board.writeJson(
      'over.json',
      configWith((c) => {
        c.aim.sensitivity = 0.9;
        c.update_window = 'hover';
      }),
    );
    const v = await aimlock(board, ['validate', over, '--json']);
    t.equal(v.code, 1);
    t.same(JSON.parse(v.stderr).error.errors, [
      { path: '/aim/sensitivity', message: "0.9 is above this board's limit 0.8" },
    ]);
    const a = await aimlock(board, ['apply', over, '--reason', 'too hot']);
    t.equal(a.code, 1);
    t.match(a.stderr, /limits_exceeded/);
    t.same(readFileSync(board.config), before, 'live config unchanged');
    const win = await aimlock(board, ['validate', board.writeJson('w.json', GOOD_CONFIG), '--json']);
    t.equal(JSON.parse(win.stderr).error.errors[0].path, '/update_window', 'enum narrowing');
  },
);

t.test('apply, show, history and rollback: lock-aware, versions only move forward', async (t) => {
  const board = makeBoard(t.testdir());
  for (const s of [0.2, 0.3, 0.4]) {
    const r = await aimlock(board, [
      'apply',
      board.writeJson(
        `c${s}.json`,
        configWith((c) => (c.aim.sensitivity = s)),
      ),
      '--reason',
      `set ${s}`,
    ]);
    t.equal(r.code, 0, r.stderr);
  }
  const shown = JSON.parse((await aimlock(board, ['show', '--json'])).stdout);
  t.equal(shown.config.aim.sensitivity, 0.4);
  t.equal(shown.meta.version, 3);
  const hist = JSON.parse((await aimlock(board, ['history', '--json'])).stdout);
  t.same(
    hist.history.map((h: { version: number }) => h.version),
    [3, 2, 1],
    'newest first',
  );
  const back = await aimlock(board, ['rollback', '--json']);
  t.equal(back.code, 0, back.stderr);
  t.equal(JSON.parse(back.stdout).version, 4, 'a rollback lands as a new version');
  t.equal(
    JSON.parse((await aimlock(board, ['show', '--json'])).stdout).config.aim.sensitivity,
    0.3,
    'the previous config is back',
  );
  const to1 = await aimlock(board, ['rollback', '1', '--reason', 'known good']);
  t.equal(to1.code, 0);
  t.equal(JSON.parse((await aimlock(board, ['show', '--json'])).stdout).config.aim.sensitivity, 0.2);
  const missing = await aimlock(board, ['rollback', '99']);
  t.equal(missing.code, 1);
  t.match(missing.stderr, /^aimlock: not_found: version 99 is not in the history/m);
  const word = await aimlock(board, ['rollback', 'abc']);
  t.equal(word.code, 2, 'a VERSION that is no number is a usage error');
  t.match(word.stderr, /^aimlock: usage: VERSION abc: expected a version number/);
  const audit = readFileSync(board.audit, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  t.same(
    audit.filter((e) => e.event === 'applied').map((e) => [e.version, e.source]),
    [
      [1, 'local'],
      [2, 'local'],
      [3, 'local'],
      [4, 'rollback'],
      [5, 'rollback'],
    ],
    'every landing audited with its source',
  );
});

t.test('a bad settings file is refused before anything runs: file, pointer, expectation', async (t) => {
  const board = makeBoard(t.testdir(), { lock: { wait_ms: 'soon' } });
  const r = await aimlock(board, ['locks']);
  t.equal(r.code, 2);
  t.match(r.stderr, /^aimlock: settings_invalid: .*agent\.json: \/lock\/wait_ms must be (an )?integer/m);
  const missing = await aimlock(null, ['locks', '--settings', join(board.dir, 'nope.json')]);
  t.equal(missing.code, 2);
  t.match(missing.stderr, /does not exist; create it/);
});

t.test('usage errors exit 2 and say what to do; --help teaches', async (t) => {
  const noReason = await aimlock(null, ['apply', 'x.json']);
  t.equal(noReason.code, 2);
  t.match(noReason.stderr, /^aimlock: reason_required: --reason is required/m);
  const noForce = await aimlock(null, ['release', '--reason', 'x']);
  t.equal(noForce.code, 2);
  t.match(noForce.stderr, /needs --force/);
  const unknown = await aimlock(null, ['frobnicate']);
  t.equal(unknown.code, 2);
  t.match(unknown.stderr, /unknown command "frobnicate"; run aimlock --help/);
  const help = await aimlock(null, ['--help']);
  t.equal(help.code, 0);
  for (const cmd of [
    'status',
    'locks',
    'reclaim',
    'release',
    'hold',
    'resume',
    'validate',
    'apply',
    'show',
    'history',
    'rollback',
    'logs',
    'keys',
    'sign',
  ]) {
    t.match(help.stdout, new RegExp(`^  ${cmd} `, 'm'), `--help lists ${cmd}`);
  }
  const releaseHelp = await aimlock(null, ['release', '--help']);
  t.equal(releaseHelp.code, 0);
  t.match(releaseHelp.stdout, /Exit: 0 released; 3/);
});

t.test(
  'command-line manners: options before the command, one-line errors, a reader that leaves',
  async (t) => {
    const board = makeBoard(t.testdir());
    const first = await aimlock(null, ['--settings', board.settingsFile, '--json', 'locks']);
    t.equal(first.code, 0, first.stderr);
    t.equal(JSON.parse(first.stdout).verdict, 'FREE', '--settings and --json may come before the command');

    const bad = board.writeJson('bad.json', { aim: { sensitivity: 5 }, colour: 'red' });
    const v = await aimlock(board, ['validate', bad]);
    t.equal(v.code, 1);
    t.equal(v.stderr.trimEnd().split('\n').length, 1, 'the error is one line');
    t.match(v.stderr, /^aimlock: invalid: .*\/aim\/sensitivity: must be <= 1; .*\/colour/);

    // `aimlock logs | head -1`: the reader leaves after one line; the command ends quietly, exit 0.
    const line = `${JSON.stringify({ level: 30, time: 1, msg: 'hello', device: 'drone-07' })}\n`;
    const piped = await run('sh', ['-c', `env -u NODE_OPTIONS ${process.execPath} ${CLI} logs | head -1`], {
      input: line.repeat(20_000),
    });
    t.equal(piped.code, 0);
    t.equal(piped.stdout.trimEnd().split('\n').length, 1);
    t.notMatch(piped.stderr, /EPIPE|Error/, 'no stack trace');

    const daemon = await run(process.execPath, [join(ROOT, 'dist/agent/main.js'), '--bogus']);
    t.equal(daemon.code, 2, 'aimlockd: an unknown option is a usage error');
    t.match(daemon.stderr, /^aimlockd: usage: Unknown option '--bogus'; see aimlockd --help\n$/);
  },
);
