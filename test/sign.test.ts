// Push signatures (CONTRACT §5): RFC 8785 canonical bytes, ed25519 sign/verify, every failure code, PEM keys
// from us and from openssl, and the trusted-keys directory of a board.
import { spawnSync } from 'node:child_process';
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import {
  canonicalBytes,
  canonicalJson,
  generateKeyPair,
  KeyError,
  keyFingerprint,
  loadPrivateKey,
  loadTrustedKeys,
  signEnvelope,
  verifyEnvelope,
} from '../src/sign/index.js';
import { GOOD_CONFIG } from './helpers/board.js';

const ENVELOPE = {
  kind: 'aimlock.push/v1',
  id: '7f3c2a10-5b7e-4c1e-9d3a-0a1b2c3d4e5f',
  device: 'drone-07',
  version: 42,
  issued_at: '2026-11-24T03:12:00.000Z',
  config: GOOD_CONFIG,
};

function pair(): { priv: KeyObject; pub: KeyObject } {
  const { privatePem, publicPem } = generateKeyPair();
  return { priv: createPrivateKey(privatePem), pub: createPublicKey(publicPem) };
}

/** An envelope as a test may mangle it. */
type Mutable = Record<string, unknown> & {
  config: { aim: Record<string, unknown>; safety: Record<string, unknown>; update_window: unknown };
};

const ops = pair();
const other = pair();
const trusted = new Map([['ops-2026', ops.pub]]);
const signed = signEnvelope(ENVELOPE, ops.priv, 'ops-2026');

t.test('sign then verify; the input is not changed', async (t) => {
  t.match(signed.signature, { alg: 'ed25519', key_id: 'ops-2026', value: /^[A-Za-z0-9+/]{86}==$/ });
  t.same(verifyEnvelope(signed, trusted), { ok: true, keyId: 'ops-2026' });
  t.notOk('signature' in ENVELOPE, 'the original envelope has no signature added');
  const resigned = signEnvelope(signed, other.priv, 'other');
  t.equal(resigned.signature.key_id, 'other', 'an existing signature is replaced');
  t.same(verifyEnvelope(resigned, new Map([['other', other.pub]])), { ok: true, keyId: 'other' });
  t.throws(() => signEnvelope(ENVELOPE, ops.pub, 'ops-2026'), /private key/, 'a public key cannot sign');
  t.throws(() => signEnvelope(ENVELOPE, ops.priv, 'bad/id'), /key id/);
});

t.test('any change to the signed content is signature_invalid', async (t) => {
  const tamper: Array<[string, (e: Mutable) => void]> = [
    ['config value', (e) => (e.config.aim.sensitivity = 0.63)],
    ['nested string', (e) => (e.config.safety.failsafe = 'land')],
    ['version', (e) => (e.version = 43)],
    ['device', (e) => (e.device = 'drone-08')],
    ['id', (e) => (e.id = 'another')],
    ['added member', (e) => (e.expires_at = '2030-01-01T00:00:00Z')],
    ['added nested key', (e) => (e.config.aim.extra = 1)],
    ['removed nested key', (e) => delete e.config.aim.smoothing],
    ['string to array', (e) => (e.config.update_window = ['any'])],
  ];
  for (const [what, change] of tamper) {
    const copy = structuredClone(signed) as unknown as Mutable;
    change(copy);
    const r = verifyEnvelope(copy, trusted);
    t.match(r, { ok: false, code: 'signature_invalid', detail: /does not verify/ }, what);
  }
  t.match(
    verifyEnvelope(signed, new Map([['ops-2026', other.pub]])),
    { ok: false, code: 'signature_invalid' },
    'another key under the same id',
  );
});

t.test('missing signature, unknown key, wrong alg, malformed value', async (t) => {
  const { signature: _s, ...unsigned } = signed;
  t.match(verifyEnvelope(unsigned, trusted), { ok: false, code: 'signature_missing' });
  t.match(verifyEnvelope({ ...unsigned, signature: null }, trusted), {
    ok: false,
    code: 'signature_missing',
  });
  const withSig = (s: unknown) => verifyEnvelope({ ...unsigned, signature: s }, trusted);
  t.match(withSig({ ...signed.signature, key_id: 'ops-2025' }), {
    ok: false,
    code: 'unknown_key',
    detail: /ops-2025/,
  });
  t.match(verifyEnvelope(signed, new Map()), { ok: false, code: 'unknown_key' }, 'no trusted keys at all');
  t.match(withSig({ ...signed.signature, alg: 'rsa-pss' }), {
    ok: false,
    code: 'signature_invalid',
    detail: /alg/,
  });
  t.match(withSig({ ...signed.signature, alg: undefined }), { ok: false, code: 'signature_invalid' });
  t.match(withSig('abc'), { ok: false, code: 'signature_invalid' }, 'signature not an object');
  // Regression (agent fuzzer, seed 20261129 batch 0): a good signature with one more member was applied.
  t.match(withSig({ ...signed.signature, note: 'x' }), {
    ok: false,
    code: 'signature_invalid',
    detail: /members other than/,
  });
  t.match(
    verifyEnvelope(
      JSON.parse(
        JSON.stringify({ ...unsigned, signature: signed.signature })
          .replace(/}$/, '')
          .replace(/"}$/, '","__proto__":[1,2]}}'),
      ),
      trusted,
    ),
    { ok: false, code: 'signature_invalid', detail: /__proto__/ },
    'an own __proto__ member (as JSON.parse makes it) in the signature',
  );
  const v = signed.signature.value;
  for (const [what, value] of [
    ['not base64', `${v.slice(0, -3)}!==`],
    ['no padding', v.replace(/=+$/, '')],
    // The first character too: a signature may have no + or / at all (~7% of them), and must still change.
    ['url-safe alphabet', v.replace(/\+/g, '-').replace(/\//g, '_').replace(/^./, '_')],
    ['too short', v.slice(4)],
    ['too long', `AAAA${v}`],
    ['non-canonical trailing bits', `${v.slice(0, -3)}${v.at(-3) === 'B' ? 'C' : 'B'}==`],
    ['empty', ''],
    ['not a string', 42],
  ] as const) {
    t.match(withSig({ ...signed.signature, value }), { ok: false, code: 'signature_invalid' }, what);
  }
  t.match(withSig({ ...signed.signature, value: Buffer.alloc(64).toString('base64') }), {
    ok: false,
    code: 'signature_invalid',
    detail: /does not verify/,
  });
});

t.test('key order and whitespace in the JSON text do not matter (canonical form)', async (t) => {
  const reorder = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(reorder)
      : v && typeof v === 'object'
        ? Object.fromEntries(
            Object.entries(v)
              .reverse()
              .map(([k, x]) => [k, reorder(x)]),
          )
        : v;
  const text = JSON.stringify(reorder(signed), null, '\t\n ');
  t.not(text, JSON.stringify(signed));
  t.same(verifyEnvelope(JSON.parse(text), trusted), { ok: true, keyId: 'ops-2026' });
  const spelled = JSON.stringify(signed).replace('"version":42', '"version" : 4.2e1 ');
  t.same(verifyEnvelope(JSON.parse(spelled), trusted), { ok: true, keyId: 'ops-2026' }, '4.2e1 is 42');
  t.equal(canonicalBytes(signed).toString(), canonicalBytes(ENVELOPE).toString(), 'signature is left out');
});

t.test('RFC 8785 vectors', async (t) => {
  // §3.2.2.3: IEEE-754 bit patterns and their canonical spelling.
  const vectors: Array<[string, string]> = [
    ['0000000000000000', '0'],
    ['8000000000000000', '0'],
    ['0000000000000001', '5e-324'],
    ['8000000000000001', '-5e-324'],
    ['7fefffffffffffff', '1.7976931348623157e+308'],
    ['ffefffffffffffff', '-1.7976931348623157e+308'],
    ['4340000000000000', '9007199254740992'],
    ['4430000000000000', '295147905179352830000'],
    ['44b52d02c7e14af5', '9.999999999999997e+22'],
    ['44b52d02c7e14af6', '1e+23'],
    ['44b52d02c7e14af7', '1.0000000000000001e+23'],
    ['444b1ae4d6e2ef4e', '999999999999999700000'],
    ['444b1ae4d6e2ef4f', '999999999999999900000'],
    ['444b1ae4d6e2ef50', '1e+21'],
    ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
    ['3eb0c6f7a0b5ed8d', '0.000001'],
  ];
  for (const [hex, want] of vectors) {
    t.equal(canonicalJson(Buffer.from(hex, 'hex').readDoubleBE(0)), want, `${hex} → ${want}`);
  }
  t.equal(canonicalJson({ a: 1e21, b: 0.1, c: -0 }), '{"a":1e+21,"b":0.1,"c":0}');
  // §3.2.3 (members sorted by UTF-16 code units: the emoji's surrogate D83D sorts before U+FB33).
  const sorting = JSON.parse(
    '{"\\u20ac":"Euro Sign","\\r":"Carriage Return","\\ufb33":"Hebrew Letter Dalet With Dagesh","1":"One",' +
      '"\\ud83d\\ude00":"Emoji: Grinning Face","\\u0080":"Control","\\u00f6":"Latin Small Letter O With Diaeresis"}',
  );
  t.equal(
    canonicalJson(sorting),
    '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis",' +
      '"\u20ac":"Euro Sign","\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
  );
  // §3.2.2 example.
  const input = `{
    "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
    "string": "\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\\\"\\/",
    "literals": [null, true, false]
  }`;
  t.equal(
    canonicalBytes(JSON.parse(input)).toString('utf8'),
    '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],' +
      '"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
  );
  t.throws(() => canonicalJson({ a: Number.NaN }));
});

function openssl(args: string[]): void {
  const r = spawnSync('openssl', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl ${args.join(' ')}: ${r.stderr}`);
}
const haveOpenssl = spawnSync('openssl', ['version']).status === 0;

t.test(
  'openssl ed25519 keys load and cross-verify with ours',
  { skip: !haveOpenssl && 'no openssl' },
  async (t) => {
    const dir = t.testdir({ keys: {} });
    const key = join(dir, 'field.pem');
    openssl(['genpkey', '-algorithm', 'ed25519', '-out', key]);
    openssl(['pkey', '-in', key, '-pubout', '-out', join(dir, 'keys', 'field.pub')]);
    writeFileSync(join(dir, 'keys', 'ops-2026.pub'), ops.pub.export({ type: 'spki', format: 'pem' }));
    const priv = loadPrivateKey(key);
    const { keys, problems } = loadTrustedKeys(join(dir, 'keys'));
    t.same(problems, []);
    t.same([...keys.keys()], ['field', 'ops-2026']);
    t.equal(
      keyFingerprint(priv),
      keyFingerprint(keys.get('field')!),
      'fingerprint of private = of its public',
    );
    t.same(verifyEnvelope(signEnvelope(ENVELOPE, priv, 'field'), keys), { ok: true, keyId: 'field' });
    t.same(verifyEnvelope(signed, keys), { ok: true, keyId: 'ops-2026' });
    // And openssl verifies our signature over the canonical bytes.
    writeFileSync(join(dir, 'data'), canonicalBytes(signed));
    writeFileSync(join(dir, 'sig'), Buffer.from(signed.signature.value, 'base64'));
    writeFileSync(join(dir, 'ops.pub'), ops.pub.export({ type: 'spki', format: 'pem' }));
    openssl([
      'pkeyutl',
      '-verify',
      '-pubin',
      '-inkey',
      join(dir, 'ops.pub'),
      '-rawin',
      '-in',
      join(dir, 'data'),
      '-sigfile',
      join(dir, 'sig'),
    ]);
    t.pass('openssl pkeyutl -verify accepts our signature');
  },
);

t.test(
  'loadPrivateKey refuses what it cannot sign with, clearly',
  { skip: !haveOpenssl && 'no openssl' },
  async (t) => {
    const dir = t.testdir({ 'junk.key': 'hello\n' });
    const { privatePem, publicPem } = generateKeyPair();
    writeFileSync(join(dir, 'ops.pub'), publicPem);
    writeFileSync(join(dir, 'ops.key'), privatePem);
    openssl([
      'genpkey',
      '-algorithm',
      'EC',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-out',
      join(dir, 'ec.key'),
    ]);
    openssl(['genpkey', '-algorithm', 'ed25519', '-aes256', '-pass', 'pass:x', '-out', join(dir, 'enc.key')]);
    t.equal(loadPrivateKey(join(dir, 'ops.key')).asymmetricKeyType, 'ed25519');
    t.throws(() => loadPrivateKey(join(dir, 'ops.pub')), { name: 'KeyError', message: /public key/ });
    t.throws(() => loadPrivateKey(join(dir, 'ec.key')), {
      message: /ec key; aimlock signs with ed25519 only/,
    });
    t.throws(() => loadPrivateKey(join(dir, 'enc.key')), { message: /encrypted/ });
    t.throws(() => loadPrivateKey(join(dir, 'junk.key')), { message: /not a PEM private key/ });
    t.throws(() => loadPrivateKey(join(dir, 'none.key')), { name: 'KeyError', reason: 'not_found' });
    t.throws(() => loadPrivateKey(dir), KeyError, 'a directory');
  },
);

t.test(
  'loadTrustedKeys skips every bad file with a problem, and never throws',
  { skip: !haveOpenssl && 'no openssl' },
  async (t) => {
    const dir = t.testdir({
      README: 'not a key, ignored',
      'ops.key': 'ignored: not .pub',
      'junk.pub': 'not PEM\n',
      'bad id!.pub': ops.pub.export({ type: 'spki', format: 'pem' }) as string,
      'good.pub': ops.pub.export({ type: 'spki', format: 'pem' }) as string,
      'leaked.pub': ops.priv.export({ type: 'pkcs8', format: 'pem' }) as string,
      'dir.pub': {},
    });
    openssl([
      'genpkey',
      '-algorithm',
      'EC',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-out',
      join(dir, 'ec.pem'),
    ]);
    openssl(['pkey', '-in', join(dir, 'ec.pem'), '-pubout', '-out', join(dir, 'ec.pub')]);
    writeFileSync(join(dir, 'big.pub'), 'x'.repeat(100_000));
    const { keys, problems, skipped } = loadTrustedKeys(dir);
    t.same([...keys.keys()], ['good']);
    t.equal(problems.length, 6, problems.join('\n'));
    // The same skips, per file, for `aimlock keys list` (one row each, under the id its file name gives).
    t.same(
      skipped.map((s) => s.problem),
      problems,
    );
    t.same(
      skipped.map((s) => s.id),
      ['bad id!', 'big', 'dir', 'ec', 'junk', 'leaked'],
    );
    t.match(problems.join('\n'), /bad id!.*does not match/);
    t.match(problems.join('\n'), /big\.pub is 100000 bytes/);
    t.match(problems.join('\n'), /dir\.pub is not a regular file/);
    t.match(problems.join('\n'), /ec\.pub is a ec key, not ed25519/);
    t.match(problems.join('\n'), /junk\.pub is not a PEM public key/);
    t.match(problems.join('\n'), /leaked\.pub holds a PRIVATE key/);
    const missing = loadTrustedKeys(join(dir, 'nope'));
    t.equal(missing.keys.size, 0);
    t.match(missing.problems, [/ENOENT/]);
    mkdirSync(join(dir, 'empty'));
    t.same(loadTrustedKeys(join(dir, 'empty')), { keys: new Map(), problems: [], skipped: [] });
  },
);
