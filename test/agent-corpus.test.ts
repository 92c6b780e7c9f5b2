// A corpus of bad inputs against the running agent: each gets its stable code, the live config never changes,
// the agent stays up, and its memory does not grow with the number of bad pushes.
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import t from 'tap';
import { signEnvelope } from '../src/sign/index.js';
import { agentBoard, envelope, operator, startAgent } from './helpers/agent.js';
import { configWith } from './helpers/board.js';
import { startMosquitto } from './helpers/mosquitto.js';
import { unitNodeFlags } from './helpers/unit.js';

const rssKiB = (pid: number) =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);

t.test('bad-input corpus: each its code, nothing changes, the agent stays up, memory flat', async (t) => {
  const broker = await startMosquitto(t);
  const board = agentBoard(t.testdir(), broker.url);
  // The heap as the unit sizes it (systemd/aimlockd.service ExecStart): with Node's defaults the young generation
  // alone may grow by more than the bound below on a busy machine before a collection, which says nothing about
  // what a board keeps; a leak still shows (and, past the old-space cap, kills the agent).
  const agent = await startAgent(t, board, { nodeFlags: unitNodeFlags() });
  const op = await operator(t, broker.url);
  const good = envelope(board.op, { version: 1 });
  await op.publish(good);
  await op.result(String(good.id), 'applied');
  const live = readFileSync(board.config);

  const stranger = generateKeyPairSync('ed25519').privateKey;
  const deep = `${'['.repeat(20000)}${']'.repeat(20000)}`;
  const signedThenEdited = envelope(board.op, { version: 2 });
  signedThenEdited.version = 3;
  const corpus: Array<[string, () => string | Buffer, string]> = [
    ['not JSON', () => '{"kind": "aimlock.push/v1",', 'invalid_json'],
    ['65 KiB', () => Buffer.alloc(65 * 1024, 0x7b), 'too_large'],
    ['deep nesting', () => deep, 'schema_invalid'],
    [
      '__proto__ key',
      () => JSON.stringify(envelope(board.op, { version: 2 })).replace('{', '{"__proto__":{"polluted":1},'),
      'schema_invalid',
    ],
    [
      'constructor key in config',
      () =>
        JSON.stringify(
          envelope(board.op, { version: 2, config: { ...configWith(() => {}), constructor: {} } }),
        ),
      'schema_invalid',
    ],
    ['wrong type', () => JSON.stringify(envelope(board.op, { version: '2' })), 'schema_invalid'],
    [
      'NaN-ish string',
      () =>
        JSON.stringify(
          envelope(board.op, {
            version: 2,
            config: configWith((c) => ((c.aim as Record<string, unknown>).sensitivity = 'NaN')),
          }),
        ),
      'schema_invalid',
    ],
    [
      'huge number',
      () =>
        JSON.stringify(envelope(board.op, { version: 2 })).replace(
          '"sensitivity":0.62',
          '"sensitivity":1e400',
        ),
      'schema_invalid',
    ],
    [
      'unknown key id',
      () => JSON.stringify(signEnvelope(envelope(null, { version: 2 }), stranger, 'ops-nobody')),
      'unknown_key',
    ],
    ['tampered signature', () => JSON.stringify(signedThenEdited), 'signature_invalid'],
    ['replayed id', () => JSON.stringify(good), 'duplicate'],
    [
      'wrong device',
      () => JSON.stringify(envelope(board.op, { version: 2, device: 'drone-08' })),
      'wrong_device',
    ],
    [
      'expired',
      () => JSON.stringify(envelope(board.op, { version: 2, expires_at: '2020-01-01T00:00:00Z' })),
      'expired',
    ],
  ];
  for (const [name, make, code] of corpus) {
    const from = op.results.length;
    await op.publish(make());
    const deadline = Date.now() + 15000;
    while (op.results.length <= from && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    t.equal(op.results[from]?.code, code, name);
  }
  t.same(readFileSync(board.config), live, 'the live config never changed');
  t.equal(
    ({} as Record<string, unknown>).polluted,
    undefined,
    'no prototype pollution in this process either',
  );

  // Memory: after a warm-up, 1,000 more bad pushes must not grow the agent's RSS materially.
  const flood = async (n: number) => {
    const start = op.results.length;
    for (let i = 0; i < n; i++) await op.publish(corpus[i % corpus.length]![1]());
    const deadline = Date.now() + 300000;
    while (op.results.length < start + n && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    t.equal(op.results.length, start + n, `all ${n} answered`);
  };
  await flood(300);
  const before = rssKiB(agent.child.pid!);
  await flood(1000);
  const after = rssKiB(agent.child.pid!);
  t.comment(`agent RSS ${before} KiB → ${after} KiB after 1,000 bad pushes`);
  t.ok(after - before < 16 * 1024, `RSS grew ${after - before} KiB (< 16 MiB)`);
  t.equal(agent.child.exitCode, null, 'the agent is still up');
});
