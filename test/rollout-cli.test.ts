// The rollout command's own logic without a fleet: option parsing, what a device's retained status and push
// say about its base version and previous config, progress lines, and the errors that stop a rollout before
// anything is published.
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import t from 'tap';
import { baseline, parseRate, parseWaves, renderSummary } from '../src/cli/commands/rollout.js';
import type { Status } from '../src/fleet/operator.js';
import { step } from '../src/fleet/rollout/machine.js';
import { createRollout } from '../src/fleet/rollout/plan.js';
import { eventLines, waveLine } from '../src/fleet/rollout/progress.js';
import { parseRecord, RECORD_KIND } from '../src/fleet/rollout/store.js';
import { summary } from '../src/fleet/rollout/summary.js';
import { aimlock, configWith, GOOD_CONFIG } from './helpers/board.js';

const status = (applied: { id: string; version: number } | null, state: Status['state'] = 'online') =>
  ({
    kind: 'aimlock.status/v1',
    device: 'd1',
    state,
    applied: applied ? { ...applied, sha256: 'a'.repeat(64) } : null,
    lock: { verdict: 'FREE' },
    agent_version: '0.1.0',
    ts: new Date().toISOString(),
  }) as unknown as Status;

t.test('--waves and --max-failure-rate', async (t) => {
  t.same(parseWaves('10%,50%,100%'), [10, 50, 100]);
  t.same(parseWaves('25, 75'), [25, 75]);
  t.throws(() => parseWaves('10%,,50%'), /is not a percent/);
  t.equal(parseRate('0'), 0);
  t.equal(parseRate('0.25'), 0.25);
  t.equal(parseRate('10%'), 0.1);
  t.throws(() => parseRate('5'), /share from 0 to 1/);
});

t.test('base version and previous config from the retained status and push', async (t) => {
  const push = { id: 'p1', version: 4, config: GOOD_CONFIG };
  const same = baseline('d1', status({ id: 'p1', version: 4 }), push);
  t.equal(same.base, 4);
  t.same(same.previous, { id: 'p1', version: 4, config: GOOD_CONFIG });
  t.same(same.warnings, []);

  const pending = baseline('d1', status({ id: 'p0', version: 3 }), push);
  t.equal(pending.base, 4, 'above the pending desired push');
  t.equal(pending.previous, null, 'the desired push is not what runs: no previous config');
  t.match(pending.warnings, [/pending push \(desired v4, applied v3\)/]);

  const offline = baseline('d1', status(null, 'offline'), push);
  t.equal(offline.base, 4, 'the last will has no applied version: the desired push keeps the count');
  t.equal(offline.previous?.id, 'p1');
  t.match(offline.warnings, [/offline/]);

  const unknown = baseline('d1', undefined, undefined);
  t.equal(unknown.base, 0);
  t.match(unknown.warnings, [/no retained status/]);
});

t.test('progress lines and the summary table follow the machine state', async (t) => {
  const made = createRollout({ id: 'r1', fleet: 'f', devices: ['a', 'b', 'c'], canary: 1, waves: [100] });
  t.ok(made.ok);
  if (!made.ok) return;
  let s = made.state;
  const go = (e: Parameters<typeof step>[1]) => {
    const next = step(s, e).state;
    const lines = eventLines(s, next);
    s = next;
    return lines;
  };
  t.same(go({ type: 'start' }), ['wave 0 (canary) started: 1 device(s)']);
  t.same(go({ type: 'pushed', device: 'a', id: 'r1:a:v1' }), ['a wave 0 pushed v1']);
  t.same(go({ type: 'result', device: 'a', result: { id: 'r1:a:v1', status: 'deferred', code: 'hold' } }), [
    'a wave 0 deferred hold v1',
  ]);
  t.match(
    waveLine(s, s.waves[0]!, 15),
    /^wave 0 \(canary\) \[----------\] 0\/1 applied 1 deferred 0 failed {2}running$/,
  );
  t.same(go({ type: 'result', device: 'a', result: { id: 'r1:a:v1', status: 'applied', code: 'ok' } }), [
    'a wave 0 applied v1',
    'wave 0 (canary) passed',
    'wave 1 (100%) started: 2 device(s)',
  ]);
  t.same(
    go({ type: 'result', device: 'b', result: { id: 'r1:b:v1', status: 'rejected', code: 'lock_mismatch' } }),
    [
      'b wave 1 rejected lock_mismatch v1',
      'wave 1 (100%) failed: b answered lock_mismatch',
      'aborting: wave 1 (100%): b answered lock_mismatch',
    ],
  );
  const text = renderSummary(summary(s));
  t.match(text, /^rollout r1 \(fleet f\): aborted — wave 1 \(100%\): b answered lock_mismatch/);
  t.match(text, /b +1 +v1 +rejected\/lock_mismatch +- +on b: aimlock locks/);
});

t.test('a persisted record is checked before it is resumed', async (t) => {
  const made = createRollout({ id: 'r1', fleet: 'f', devices: ['a'], canary: 1, waves: [100] });
  if (!made.ok) throw new Error('plan');
  const record = {
    kind: RECORD_KIND,
    state: made.state,
    config: GOOD_CONFIG,
    previous: { a: null },
    options: {
      timeoutMs: 1000,
      keyId: 'k',
      broker: 'mqtt://x',
      prefix: 'aimlock/v1',
      file: null,
      createdAt: '',
    },
    updatedAt: '',
  };
  t.ok(parseRecord(JSON.parse(JSON.stringify(record))).ok);
  const bad = parseRecord({ ...record, kind: 'other', config: { aim: {} } });
  t.notOk(bad.ok);
  if (!bad.ok)
    t.match(
      bad.errors.map((e) => e.path),
      ['/kind', /^\/config/],
    );
});

t.test('errors that stop a rollout before anything is published', async (t) => {
  const dir = t.testdir();
  const good = join(dir, 'good.json');
  writeFileSync(good, JSON.stringify(GOOD_CONFIG));
  const bad = join(dir, 'bad.json');
  writeFileSync(bad, JSON.stringify(configWith((c) => (c.aim.sensitivity = 3))));
  const base = ['--fleet', 'f', '--canary', '1', '--waves', '100%', '--key', join(dir, 'none.key')];

  const none = await aimlock(null, ['rollout', ...base, '--all']);
  t.equal(none.code, 2);
  t.match(none.stderr, /aimlock: usage: FILE is required/);
  const both = await aimlock(null, ['rollout', good, ...base, '--all', '--devices', 'a']);
  t.equal(both.code, 2);
  t.match(both.stderr, /exactly one of --devices a,b,c and --all/);
  const rate = await aimlock(null, ['rollout', good, ...base, '--all', '--max-failure-rate', '7']);
  t.equal(rate.code, 2);
  const invalid = await aimlock(null, ['rollout', bad, ...base, '--all', '--json']);
  t.equal(invalid.code, 1);
  t.match(JSON.parse(invalid.stderr), { error: { code: 'invalid', errors: [{ path: '/aim/sensitivity' }] } });
  const mixed = await aimlock(null, ['rollout', good, '--resume', 'r1', '--canary', '2']);
  t.equal(mixed.code, 2);
  t.match(mixed.stderr, /leave out FILE, --canary/);
  const help = await aimlock(null, ['rollout', '--help']);
  t.equal(help.code, 0);
  t.match(help.stdout, /Example: aimlock rollout /);

  // Nobody listens on this port: exit 5, broker_unreachable.
  const port = await new Promise<number>((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const p = (srv.address() as { port: number }).port;
      srv.close(() => resolve(p));
    });
  });
  const key = join(dir, 'ops.key');
  const { generateKeyPair } = await import('../src/sign/index.js');
  writeFileSync(key, generateKeyPair().privatePem);
  const down = await aimlock(null, [
    'rollout',
    good,
    ...base.slice(0, -1),
    key,
    '--all',
    '--broker',
    `mqtt://127.0.0.1:${port}`,
  ]);
  t.equal(down.code, 5, down.stderr);
  t.match(down.stderr, /aimlock: broker_unreachable:/);
});
