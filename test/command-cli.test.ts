// The operator side of CONTRACT §9 as real processes: `aimlock hold|resume --fleet …` and the remote forms of
// locks / reclaim / release against the simulator's responder (real boards, real locks, a real flock(1)
// holder) through a real Mosquitto. Exit statuses 0/1/3/5, the plain log when not a TTY, landings answered
// accepted → done, refusals and silent devices named, the operator's record.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import mqtt from 'mqtt';
import t from 'tap';
import { readHold } from '../src/board/hold.js';
import { startFleet } from '../src/fleet/sim.js';
import { plantGhost } from '../src/fleet/sim-trouble.js';
import { boardPaths } from '../src/settings/board.js';
import { loadSettings } from '../src/settings/load.js';
import { generateKeyPair } from '../src/sign/index.js';
import { aimlock, CLI, run } from './helpers/board.js';
import { startMosquitto } from './helpers/mosquitto.js';

t.test('commands from the desk against a simulated fleet', async (t) => {
  const broker = await startMosquitto(t);
  const dir = t.testdir();
  const pair = generateKeyPair();
  const keyFile = join(dir, 'ops-cmd.key');
  writeFileSync(keyFile, pair.privatePem);
  const fleet = await startFleet({
    drones: 6,
    brokerUrl: broker.url,
    fleet: 'cmd',
    dir: join(dir, 'boards'),
    keys: [{ id: 'ops-cmd', publicPem: pair.publicPem }],
    ghostDevices: ['drone-02'],
    hotDevices: ['drone-05'],
    landingDevices: ['drone-03'],
    landingMs: 1200,
    // The collector must not reclaim the ghost this test plants later: the operator does, remotely.
    gcIntervalMs: 86_400_000,
    logLevel: 'silent',
  });
  t.teardown(() => fleet.stop());
  const record = join(dir, 'desk', 'commands.jsonl');
  const desk = ['--fleet', 'cmd', '--broker', broker.url, '--key', keyFile, '--record', record];
  const paths = (device: string) =>
    boardPaths(loadSettings(fleet.devices.find((d) => d.device === device)!.settingsFile));

  t.test(
    'a hold point over --all: every drone acknowledges, the landing one after its landing',
    async (t) => {
      const r = await aimlock(null, ['hold', '--all', '--reason', 'hold point', '--for', '90s', ...desk]);
      t.equal(r.code, 0, r.stderr);
      t.match(r.stdout, /^hold: 6\/6 held \(last answer after \d+\.\d\d s\)\n$/);
      const lines = r.stderr.split('\n');
      const accepted = lines.findIndex((l) => l.startsWith('drone-03: accepted/landing_in_progress'));
      const done = lines.findIndex((l) => l.startsWith('drone-03: done/ok'));
      t.ok(accepted >= 0 && done > accepted, 'drone-03: accepted (landing) first, done after it');
      for (const d of fleet.devices) {
        const h = await readHold(paths(d.device).hold);
        t.equal(h?.reason, 'hold point', `${d.device} is really on hold`);
        t.ok(h && Date.parse(h.until!) - Date.now() > 60_000, `${d.device}: the hold lasts --for 90s`);
      }
      const rec = readFileSync(record, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      t.equal(rec.filter((l) => l.event === 'sent').length, 6, 'the record has every command sent');
      t.equal(rec.filter((l) => l.event === 'answer').length, 7, '…and every answer (one interim)');
      t.match(
        rec.find((l) => l.event === 'sent'),
        { action: 'hold', key_id: 'ops-cmd', args: { reason: 'hold point', for: 90 } },
      );
      t.notOk(JSON.stringify(rec).includes(pair.privatePem.split('\n')[1]!), 'no key material in the record');
    },
  );

  t.test('on a terminal: one line, redrawn in place', async (t) => {
    // script(1) gives the command a pseudo-terminal, as an operator's shell would.
    const cmd = [
      'env',
      '-u',
      'NODE_OPTIONS',
      process.execPath,
      CLI,
      'hold',
      '--all',
      '--reason',
      'tty',
      ...desk,
    ]
      .map((a) => `'${a.replace(/'/g, "'\\''")}'`)
      .join(' ');
    const r = await run('script', ['-qfec', cmd, '/dev/null']);
    t.equal(r.code, 0, r.stdout);
    // \r and ESC [ K (erase to end of line), spelled without a control character in a regex literal.
    const redraw = '\r\u001b[K';
    t.ok(r.stdout.split(redraw).length > 2, 'the count is redrawn in place, more than once');
    t.match(r.stdout, /drone-03 landing, held after it/, 'the landing drone is named while it lands');
    t.match(
      r.stdout.split(redraw).at(-1)!,
      /^6\/6 held\r?\nhold: 6\/6 held/,
      'the last frame, then the summary',
    );
    t.notMatch(r.stdout, /drone-01: done\/ok/, 'no per-answer log on a terminal');
  });

  t.test('resume --devices: only those drones resume', async (t) => {
    const r = await aimlock(null, ['resume', '--devices', 'drone-01,drone-03', ...desk, '--json']);
    t.equal(r.code, 0, r.stderr);
    const s = JSON.parse(r.stdout);
    t.match(s, { action: 'resume', devices: 2, acknowledged: 2, refused: [], timed_out: [] });
    t.equal(await readHold(paths('drone-01').hold), null);
    t.not(await readHold(paths('drone-04').hold), null, 'drone-04 was not named: still on hold');
    const all = await aimlock(null, ['resume', '--all', ...desk]);
    t.equal(all.code, 0, all.stderr);
  });

  t.test('a key the drones do not trust: exit 1, each refusal named with its code', async (t) => {
    const other = generateKeyPair();
    const otherFile = join(dir, 'stranger.key');
    writeFileSync(otherFile, other.privatePem);
    const r = await aimlock(null, [
      'hold',
      '--devices',
      'drone-01,drone-04',
      '--reason',
      'x',
      ...desk,
      '--key',
      otherFile,
    ]);
    t.equal(r.code, 1, r.stderr);
    t.match(
      r.stderr,
      /aimlock: refused: hold: 0\/2 held \(last answer after [\d.]+ s\); refused by drone-01: unknown_key/,
    );
    t.match(r.stderr, /refused by drone-04: unknown_key/);
    t.equal(await readHold(paths('drone-01').hold), null, 'nothing was done');
    // Refused and silent at once: 1 (a refusal is a definite answer to act on), and both are named.
    const both = await aimlock(null, [
      'resume',
      '--devices',
      'drone-01,nobody-8',
      ...desk,
      '--key',
      otherFile,
      '--timeout',
      '2s',
    ]);
    t.equal(both.code, 1, both.stderr);
    t.match(both.stderr, /refused by drone-01: unknown_key .*; no answer within 2s: nobody-8$/m);
  });

  t.test('silent and offline devices: exit 5 naming them, after --timeout', async (t) => {
    // A drone that went away: its last will left a retained offline status.
    const c = await mqtt.connectAsync(broker.url, { clientId: 'will-writer' });
    const ts = new Date().toISOString();
    await c.publishAsync(
      'aimlock/v1/cmd/drone-77/status',
      JSON.stringify({
        kind: 'aimlock.status/v1',
        device: 'drone-77',
        state: 'offline',
        applied: null,
        lock: null,
        agent_version: '0.1.0',
        ts,
      }),
      { qos: 1, retain: true },
    );
    await c.endAsync();
    t.teardown(async () => {
      const c2 = await mqtt.connectAsync(broker.url, { clientId: 'will-clearer' });
      await c2.publishAsync('aimlock/v1/cmd/drone-77/status', '', { qos: 1, retain: true });
      await c2.endAsync();
    });
    const started = Date.now();
    const r = await aimlock(null, ['resume', '--all', ...desk, '--timeout', '3s']);
    t.equal(r.code, 5, r.stderr);
    t.ok(Date.now() - started >= 3000, 'waited the whole --timeout');
    t.match(
      r.stderr,
      /aimlock: timeout: resume: 6\/7 resumed \(last answer after [\d.]+ s\); no answer within 3s: drone-77 \(offline\)/,
    );
    t.match(r.stderr, /1 offline: it waits in their session/);
    const unknown = await aimlock(null, [
      'resume',
      '--devices',
      'drone-01,nobody-9',
      ...desk,
      '--timeout',
      '2s',
    ]);
    t.equal(unknown.code, 5);
    t.match(unknown.stderr, /never seen on .*: nobody-9/);
    t.match(unknown.stderr, /no answer within 2s: nobody-9$/m);
    const rec = readFileSync(record, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    t.match(rec.filter((l) => l.event === 'timeout').slice(-2), [
      { device: 'drone-77', offline: true },
      { device: 'nobody-9', offline: false },
    ]);
  });

  t.test("locks --device: the device's table, exit 3 on a mismatch", async (t) => {
    const hot = await aimlock(null, ['locks', '--device', 'drone-05', ...desk]);
    t.equal(hot.code, 3, hot.stderr);
    t.match(hot.stdout, /^device drone-05 \(answered /);
    t.match(hot.stdout, /UNOWNED/);
    t.match(hot.stdout, /KERNEL HOLDERS\nTYPE +MODE +PID +COMMAND\nFLOCK +WRITE +\d+ +sh\n/);
    t.match(hot.stdout, /next: a process that is not the recorded owner holds a kernel lock/);
    const calm = await aimlock(null, ['locks', '--device', 'drone-01', ...desk, '--json']);
    t.equal(calm.code, 0, calm.stderr);
    t.match(JSON.parse(calm.stdout), { device: 'drone-01', verdict: 'FREE', kernel_holders: [] });
  });

  t.test('reclaim --device: a ghost is reclaimed; anything else is exit 3 with its verdict', async (t) => {
    const free = await aimlock(null, ['reclaim', '--device', 'drone-02', ...desk]);
    t.equal(free.code, 3, 'the boot reclaim already cleared drone-02: not stale');
    t.match(
      free.stderr,
      /aimlock: not_stale: drone-02 refused reclaim: not_stale — the lock is FREE, not STALE/,
    );
    await plantGhost(paths('drone-04'), 'drone-04');
    const r = await aimlock(null, ['reclaim', '--device', 'drone-04', ...desk]);
    t.equal(r.code, 0, r.stderr);
    t.match(r.stdout, /^reclaimed: ghost lock on drone-04/);
    const audit = readFileSync(paths('drone-04').audit, 'utf8');
    t.match(audit, /"event":"lock_reclaimed"/, 'the board audited the reclaim');
  });

  t.test(
    'release --force --device: refused while a live holder has the kernel lock, then done',
    async (t) => {
      const refused = await aimlock(null, [
        'release',
        '--force',
        '--reason',
        'ticket 9',
        '--hold-for',
        '5m',
        '--device',
        'drone-05',
        ...desk,
      ]);
      t.equal(refused.code, 3, refused.stderr);
      t.match(
        refused.stderr,
        /aimlock: kernel_lock_held: drone-05 refused release_force: kernel_lock_held — a live process still holds a kernel lock: FLOCK pid \d+ \(sh\)/,
      );
      await fleet.releaseHot('drone-05');
      const ok = await aimlock(null, [
        'release',
        '--force',
        '--reason',
        'ticket 9',
        '--hold-for',
        '5m',
        '--device',
        'drone-05',
        ...desk,
      ]);
      t.equal(ok.code, 0, ok.stderr);
      t.match(ok.stdout, /^lock on drone-05 force-released/);
      const h = await readHold(paths('drone-05').hold);
      t.match(h, { origin: 'release --force', reason: 'release --force: ticket 9' });
      t.ok(Date.parse(h!.until!) - Date.now() > 4 * 60_000, 'on hold for --hold-for 5m');
    },
  );

  t.test(
    "the record cannot be written: said on stderr, the fleet's answer still decides the exit",
    async (t) => {
      const r = await aimlock(null, ['resume', '--devices', 'drone-01', ...desk, '--record', dir]);
      t.equal(r.code, 0, r.stderr);
      t.match(r.stderr, /aimlock: warning: the operator's record .* could not be written \(EISDIR/);
    },
  );

  t.test('no broker: exit 5 broker_unreachable, nothing recorded as sent', async (t) => {
    const before = readFileSync(record, 'utf8');
    const r = await aimlock(null, [
      'hold',
      '--all',
      '--reason',
      'x',
      ...desk,
      '--broker',
      'mqtt://127.0.0.1:1',
    ]);
    t.equal(r.code, 5, r.stderr);
    t.match(r.stderr, /^aimlock: broker_unreachable: /);
    t.equal(readFileSync(record, 'utf8'), before);
  });

  t.test('usage: the local forms stay local, the remote forms say what they need', async (t) => {
    const both = await aimlock(null, ['hold', '--all', '--devices', 'a', '--reason', 'x', ...desk]);
    t.equal(both.code, 2);
    const noReason = await aimlock(null, ['hold', '--all', ...desk]);
    t.equal(noReason.code, 2);
    t.match(noReason.stderr, /reason_required/);
    const noKey = await aimlock(null, [
      'locks',
      '--device',
      'drone-01',
      '--fleet',
      'cmd',
      '--broker',
      broker.url,
    ]);
    t.equal(noKey.code, 2);
    t.match(noKey.stderr, /--key is required/);
    const localWithFleet = await aimlock(null, [
      'locks',
      '--fleet',
      'cmd',
      '--settings',
      fleet.devices[0]!.settingsFile,
    ]);
    t.equal(localWithFleet.code, 2);
    t.match(localWithFleet.stderr, /--fleet is for the remote form/);
    const local = await aimlock(null, ['locks', '--settings', fleet.devices[0]!.settingsFile]);
    t.equal(local.code, 0, 'the local form is unchanged');
    t.match(local.stdout, /^FILE +BIT +GEN +VERDICT +OWNER/);
  });
});
