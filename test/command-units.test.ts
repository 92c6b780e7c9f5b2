// The pure and file-level pieces of src/command/: buildCommand's ttl guard and the signature round trip, the
// screen's order where two checks could both fire, and the executed-ids record (durable, bounded, pruned
// only past expiry, unchanged when the write fails).
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { buildCommand, MAX_COMMAND_TTL_MS, signCommand } from '../src/command/envelope.js';
import { ExecutedIds, MAX_ENTRIES, RETAIN_AFTER_EXPIRY_MS } from '../src/command/executed.js';
import { screenCommand } from '../src/command/screen.js';
import { verifyEnvelope } from '../src/sign/index.js';

const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const keys = new Map([['ops', publicKey]]);

t.test('buildCommand and signCommand', async (t) => {
  const c = buildCommand({ device: 'd1', action: 'status', now: 1_000_000, ttlMs: 60_000, id: 'c-1' });
  t.same(c, {
    kind: 'aimlock.command/v1',
    id: 'c-1',
    device: 'd1',
    issued_at: new Date(1_000_000).toISOString(),
    expires_at: new Date(1_060_000).toISOString(),
    action: 'status',
    args: {},
  });
  t.throws(() => buildCommand({ device: 'd1', action: 'status', ttlMs: MAX_COMMAND_TTL_MS + 1 }), RangeError);
  t.throws(() => buildCommand({ device: 'd1', action: 'status', ttlMs: 0 }), RangeError);
  const signed = signCommand(c, privateKey, 'ops');
  t.same(verifyEnvelope(signed, keys), { ok: true, keyId: 'ops' }, 'verifies as a push does');
  t.equal(buildCommand({ device: 'd1', action: 'locks' }).id.length, 36, 'a uuid by default');
});

t.test('screen order: capability before id, expiry window before expiry', async (t) => {
  const now = Date.now();
  const hold = signCommand(
    buildCommand({ device: 'd1', action: 'hold', args: { reason: 'x', for: 5 }, now }),
    privateKey,
    'ops',
  );
  const ctx = { device: 'd1', now, keys, executed: () => true };
  const r = screenCommand(Buffer.from(JSON.stringify(hold)), ctx);
  t.match(
    r,
    { ok: false, refusal: { code: 'capability_missing' } },
    'a key that may not hold learns nothing of ids',
  );
  const old = signCommand(
    {
      ...buildCommand({ device: 'd1', action: 'status', now: now - 3_600_000 }),
      expires_at: new Date(now - 1).toISOString(),
    },
    privateKey,
    'ops',
  );
  t.match(screenCommand(Buffer.from(JSON.stringify(old)), ctx), {
    ok: false,
    refusal: { code: 'schema_invalid' },
  });
});

t.test('ExecutedIds: durable, pruned past expiry, bounded, unchanged on a failed write', async (t) => {
  const dir = t.testdir();
  const path = join(dir, 'commands.json');
  const now = Date.now();
  const ids = new ExecutedIds(path);
  t.equal(await ids.load(), null, 'no file yet: nothing to say');
  const entry = (id: string, expiresAt: number) => ({
    id,
    action: 'hold',
    expires_at: new Date(expiresAt).toISOString(),
    at: new Date(now).toISOString(),
  });
  await ids.record(entry('old', now - RETAIN_AFTER_EXPIRY_MS - 1000), now);
  await ids.record(entry('recent', now - 1000), now);
  await ids.record(entry('live', now + 60_000), now);
  t.ok(ids.has('old') === false, 'expired more than an hour ago: pruned by the next write');
  t.ok(ids.has('recent') && ids.has('live'));
  const again = new ExecutedIds(path);
  t.equal(await again.load(), null);
  t.ok(again.has('live'), 'read back after a restart');

  for (let i = 0; i < MAX_ENTRIES + 5; i++) await again.record(entry(`n${i}`, now + 60_000), now);
  const onDisk = JSON.parse(readFileSync(path, 'utf8')).executed;
  t.equal(onDisk.length, MAX_ENTRIES, 'at most MAX_ENTRIES');
  t.notOk(again.has('n0'), 'oldest dropped first');

  writeFileSync(path, '{not json');
  const corrupt = new ExecutedIds(path);
  t.match(
    await corrupt.load(),
    /is corrupt.*not remembered/,
    'a corrupt record is said, never silently empty',
  );

  const blocked = join(dir, 'blocked');
  mkdirSync(join(blocked, 'commands.json'), { recursive: true });
  const failing = new ExecutedIds(join(blocked, 'commands.json'));
  await t.rejects(failing.record(entry('x', now + 1000), now));
  t.notOk(failing.has('x'), 'not recorded in memory either');
});
