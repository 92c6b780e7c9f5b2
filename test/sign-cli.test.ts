// `aimlock keys generate` and `aimlock sign`, run as the operator runs them (the compiled CLI).
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { loadTrustedKeys, verifyEnvelope } from '../src/sign/index.js';
import { aimlock, GOOD_CONFIG } from './helpers/board.js';

const ENVELOPE = {
  kind: 'aimlock.push/v1',
  id: 'push-1',
  device: 'drone-07',
  version: 7,
  issued_at: '2026-11-24T03:12:00.000Z',
  config: GOOD_CONFIG,
};

t.test('--help of both', async (t) => {
  const keys = await aimlock(null, ['keys', '--help']);
  t.equal(keys.code, 0);
  t.match(keys.stdout, /aimlock keys generate --id ID --out DIR/);
  t.match(keys.stdout, /0600/);
  const sign = await aimlock(null, ['sign', '--help']);
  t.equal(sign.code, 0);
  t.match(sign.stdout, /aimlock sign FILE --key KEY/);
  t.match(sign.stdout, /RFC 8785/);
  const list = await aimlock(null, ['--help']);
  t.match(
    list.stdout,
    /\n {2}keys +list the keys this board trusts and what each may sign; make an operator/,
  );
  t.match(list.stdout, /\n {2}sign +sign a push envelope/);
});

t.test('keys generate: 0600 / 0644, next steps, never overwrites', async (t) => {
  const dir = t.testdir();
  const out = join(dir, 'new', 'keys');
  const r = await aimlock(null, ['keys', 'generate', '--id', 'ops-2026', '--out', out]);
  t.equal(r.code, 0, r.stderr);
  t.equal(statSync(join(out, 'ops-2026.key')).mode & 0o777, 0o600);
  t.equal(statSync(join(out, 'ops-2026.pub')).mode & 0o777, 0o644);
  t.equal(statSync(out).mode & 0o777, 0o700, 'a new directory is private');
  t.match(readFileSync(join(out, 'ops-2026.key'), 'utf8'), /^-----BEGIN PRIVATE KEY-----\n/);
  t.match(readFileSync(join(out, 'ops-2026.pub'), 'utf8'), /^-----BEGIN PUBLIC KEY-----\n/);
  t.match(r.stdout, /copy ops-2026\.pub to \/etc\/aimlock\/keys\//);
  t.match(r.stdout, new RegExp(`aimlock sign FILE --key ${join(out, 'ops-2026.key')}`));

  const key = readFileSync(join(out, 'ops-2026.key'), 'utf8');
  const again = await aimlock(null, ['keys', 'generate', '--id', 'ops-2026', '--out', out]);
  t.equal(again.code, 1);
  t.match(again.stderr, /^aimlock: exists: .*ops-2026\.key already exists; refusing to overwrite/);
  t.equal(readFileSync(join(out, 'ops-2026.key'), 'utf8'), key, 'the private key is untouched');

  writeFileSync(join(out, 'half.pub'), 'someone else’s\n');
  const half = await aimlock(null, ['keys', 'generate', '--id', 'half', '--out', out, '--json']);
  t.equal(half.code, 1);
  t.match(JSON.parse(half.stderr), { error: { code: 'exists', path: join(out, 'half.pub') } });
  t.throws(() => statSync(join(out, 'half.key')), { code: 'ENOENT' }, 'no half pair left behind');

  const json = await aimlock(null, ['keys', 'generate', '--id', 'b', '--out', out, '--json']);
  t.equal(json.code, 0);
  t.match(JSON.parse(json.stdout), { key_id: 'b', public_key: join(out, 'b.pub'), fingerprint: /^SHA256:/ });

  const bad = await aimlock(null, ['keys', 'generate', '--id', '../evil', '--out', out]);
  t.equal(bad.code, 2);
  t.match(bad.stderr, /usage: --id "\.\.\/evil" is not a key id/);
  t.equal((await aimlock(null, ['keys', 'make', '--id', 'x', '--out', out])).code, 2, 'unknown subcommand');
  t.equal((await aimlock(null, ['keys', 'generate', '--out', out])).code, 2, '--id is required');
});

t.test('sign: the output verifies with the public key; --out, --key-id, --json', async (t) => {
  const dir = t.testdir({ 'push.json': JSON.stringify(ENVELOPE, null, 2) });
  const keysDir = join(dir, 'k');
  t.equal((await aimlock(null, ['keys', 'generate', '--id', 'ops-2026', '--out', keysDir])).code, 0);
  const trusted = loadTrustedKeys(keysDir).keys;
  const key = join(keysDir, 'ops-2026.key');

  const r = await aimlock(null, ['sign', join(dir, 'push.json'), '--key', key]);
  t.equal(r.code, 0, r.stderr);
  const signed = JSON.parse(r.stdout);
  t.match(signed.signature, { alg: 'ed25519', key_id: 'ops-2026' }, 'key id from the key file name');
  t.same(verifyEnvelope(signed, trusted), { ok: true, keyId: 'ops-2026' });
  t.same({ ...signed, signature: undefined }, { ...ENVELOPE, signature: undefined }, 'content unchanged');

  const compact = await aimlock(null, ['sign', join(dir, 'push.json'), '--key', key, '--json']);
  t.equal(compact.stdout.trim().split('\n').length, 1, '--json: one line');

  const out = join(dir, 'signed.json');
  writeFileSync(join(dir, 'resign.json'), r.stdout);
  const o = await aimlock(null, [
    'sign',
    join(dir, 'resign.json'),
    '--key',
    key,
    '--key-id',
    'ops',
    '--out',
    out,
  ]);
  t.equal(o.code, 0, o.stderr);
  t.match(o.stdout, /signed .*push push-1, device drone-07, version 7.* with key ops .*→/);
  t.match(o.stderr, /replaced the existing signature/);
  const written = JSON.parse(readFileSync(out, 'utf8'));
  t.equal(written.signature.key_id, 'ops');
  t.same(verifyEnvelope(written, new Map([['ops', trusted.get('ops-2026')!]])), { ok: true, keyId: 'ops' });
});

t.test(
  'sign with an openssl key',
  { skip: spawnSync('openssl', ['version']).status !== 0 && 'no openssl' },
  async (t) => {
    const dir = t.testdir({ 'push.json': JSON.stringify(ENVELOPE), keys: {} });
    const key = join(dir, 'field-1.pem');
    spawnSync('openssl', ['genpkey', '-algorithm', 'ed25519', '-out', key]);
    spawnSync('openssl', ['pkey', '-in', key, '-pubout', '-out', join(dir, 'keys', 'field-1.pub')]);
    const r = await aimlock(null, ['sign', join(dir, 'push.json'), '--key', key]);
    t.equal(r.code, 0, r.stderr);
    t.same(verifyEnvelope(JSON.parse(r.stdout), loadTrustedKeys(join(dir, 'keys')).keys), {
      ok: true,
      keyId: 'field-1',
    });
  },
);

t.test('sign refuses what it must not sign, and keys it cannot use', async (t) => {
  const dir = t.testdir({
    'bad.json': JSON.stringify({
      ...ENVELOPE,
      version: 0,
      config: { ...GOOD_CONFIG, update_window: 'soon' },
    }),
    'bare.json': JSON.stringify(GOOD_CONFIG),
    'other.json': JSON.stringify({ kind: 'aimlock.result/v1' }),
    'list.json': '[]',
    'text.json': 'not json',
    'push.json': JSON.stringify(ENVELOPE),
  });
  const keysDir = join(dir, 'k');
  await aimlock(null, ['keys', 'generate', '--id', 'ops', '--out', keysDir]);
  const key = join(keysDir, 'ops.key');

  const bad = await aimlock(null, ['sign', join(dir, 'bad.json'), '--key', key]);
  t.equal(bad.code, 1);
  t.match(bad.stderr, /^aimlock: invalid: .*not a valid push envelope \(schema_invalid\); nothing signed/);
  t.match(bad.stderr, /\/version: /);
  t.match(bad.stderr, /\/config\/update_window: /);
  t.equal(bad.stdout, '', 'nothing printed to stdout');
  const badJson = await aimlock(null, ['sign', join(dir, 'bad.json'), '--key', key, '--json']);
  t.match(JSON.parse(badJson.stderr), {
    error: { code: 'invalid', errors: [{ path: '/config/update_window' }] },
  });

  const bare = await aimlock(null, ['sign', join(dir, 'bare.json'), '--key', key]);
  t.equal(bare.code, 1);
  t.match(bare.stderr, /bare config, not a push envelope; aimlock push FILE --device ID/);
  const other = await aimlock(null, ['sign', join(dir, 'other.json'), '--key', key]);
  t.equal(other.code, 1);
  t.match(other.stderr, /\/kind: /);
  t.equal((await aimlock(null, ['sign', join(dir, 'list.json'), '--key', key])).code, 1);
  t.match(
    (await aimlock(null, ['sign', join(dir, 'text.json'), '--key', key])).stderr,
    /invalid: .* is not JSON/,
  );
  t.match(
    (await aimlock(null, ['sign', join(dir, 'nope.json'), '--key', key])).stderr,
    /^aimlock: not_found: /,
  );

  const pub = await aimlock(null, ['sign', join(dir, 'push.json'), '--key', join(keysDir, 'ops.pub')]);
  t.equal(pub.code, 1);
  t.match(pub.stderr, /^aimlock: key_invalid: .*is a public key; signing needs the private key/);
  const missing = await aimlock(null, ['sign', join(dir, 'push.json'), '--key', join(dir, 'nokey.key')]);
  t.match(missing.stderr, /^aimlock: not_found: .*nokey\.key: no such file/);
  const noKey = await aimlock(null, ['sign', join(dir, 'push.json')]);
  t.equal(noKey.code, 2);
  t.match(noKey.stderr, /usage: --key is required/);
  const badId = await aimlock(null, ['sign', join(dir, 'push.json'), '--key', key, '--key-id', 'a b']);
  t.equal(badId.code, 2);
});
