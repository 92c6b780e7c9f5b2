// The order of the checks a push goes through (DESIGN "Flow of one push"): size → JSON → envelope schema →
// device → expiry → signature → id/version → aim-config schema → local limits. A push with two faults is
// answered with the code of the earlier check; the table below pairs every check with each later one.
import { generateKeyPairSync } from 'node:crypto';
import t from 'tap';
import { MAX_PUSH_BYTES, type ScreenContext, screenPush } from '../src/accept/screen.js';
import { signEnvelope } from '../src/sign/index.js';
import { GOOD_CONFIG } from './helpers/board.js';

const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const NOW = Date.parse('2026-11-24T03:12:00.000Z');
const ctx: ScreenContext = {
  device: 'drone-07',
  now: NOW,
  requireSignature: true,
  keys: new Map([['ops-test', publicKey]]),
  limits: { aim: { sensitivity: { max: 0.8 } } },
  applied: { id: 'old', version: 5 },
  seenIds: new Set(['old']),
};

type Doc = Record<string, unknown>;
type Fault = (d: Doc) => Doc;

/** Each check, in order, with a way to make a push fail it (applied before signing, unless it is about it). */
const CHECKS: Array<{ code: string; fault: Fault; unsigned?: boolean; raw?: (d: Doc) => Buffer }> = [
  { code: 'envelope schema', fault: (d) => ({ ...d, kind: 'aimlock.push/v0' }) },
  { code: 'wrong_device', fault: (d) => ({ ...d, device: 'drone-99' }) },
  { code: 'expired', fault: (d) => ({ ...d, expires_at: new Date(NOW - 1000).toISOString() }) },
  { code: 'signature_missing', fault: (d) => d, unsigned: true },
  { code: 'stale_version', fault: (d) => ({ ...d, version: 5 }) },
  { code: 'config schema', fault: (d) => ({ ...d, config: { ...(d.config as Doc), colour: 'red' } }) },
  {
    code: 'limits_exceeded',
    fault: (d) => {
      const config = d.config as Doc & { aim: Doc };
      return { ...d, config: { ...config, aim: { ...config.aim, sensitivity: 0.9 } } };
    },
  },
];

function push(faults: typeof CHECKS): Buffer {
  let doc: Doc = {
    kind: 'aimlock.push/v1',
    id: 'p-1',
    device: 'drone-07',
    version: 6,
    issued_at: new Date(NOW).toISOString(),
    config: GOOD_CONFIG,
  };
  for (const f of faults) doc = f.fault(doc);
  if (!faults.some((f) => f.unsigned)) doc = signEnvelope(doc, privateKey, 'ops-test') as Doc;
  return Buffer.from(JSON.stringify(doc));
}

const codeOf = (payload: Buffer): string => {
  const s = screenPush(payload, ctx);
  if (s.ok) return 'ok';
  const { code, detail } = s.rejection;
  if (code !== 'schema_invalid') return code;
  return /^config /.test(detail) ? 'config schema' : 'envelope schema';
};

t.equal(codeOf(push([])), 'ok', 'the clean push passes');
for (const [i, first] of CHECKS.entries()) {
  t.equal(codeOf(push([first])), first.code, `${first.code} alone`);
  for (const later of CHECKS.slice(i + 1)) {
    t.equal(codeOf(push([first, later])), first.code, `${first.code} comes before ${later.code}`);
  }
}

t.test('the checks before the envelope schema', async (t) => {
  const oversized = Buffer.alloc(MAX_PUSH_BYTES + 1, 0x20);
  t.equal(codeOf(oversized), 'too_large', 'size first: not even parsed');
  t.equal(codeOf(Buffer.from('{"kind":')), 'invalid_json');
  t.equal(codeOf(Buffer.from('[]')), 'envelope schema');
});

t.test('what the envelope schema already refuses in a config, before the signature walks it', async (t) => {
  // Built as text: neither JSON.stringify nor the signer could walk it (the board's verifier would not either).
  const depth = 20_000;
  const clean = push([{ code: '', fault: (d) => d, unsigned: true }]).toString();
  const nested = Buffer.from(
    clean.replace('"aim":{', `"aim":{"deep":${'['.repeat(depth)}1${']'.repeat(depth)},`),
  );
  t.ok(nested.length < MAX_PUSH_BYTES, `${nested.length} bytes: small enough to be parsed`);
  t.equal(codeOf(nested), 'envelope schema', 'a config nested deeper than sections of values');
  const screened = screenPush(nested, ctx);
  t.equal(screened.ok, false);
  t.match(!screened.ok && screened.rejection.errors?.[0]?.path, /^\/config\/aim/, 'pointing into the config');
});

t.test('a malformed signature is signature_invalid, not a schema error', async (t) => {
  const signed = JSON.parse(push([]).toString()) as Doc & { signature: Doc };
  for (const [what, signature] of [
    ['another alg', { ...signed.signature, alg: 'rsa' }],
    ['not base64', { ...signed.signature, value: '***' }],
    ['not an object', 'abc'],
  ] as const) {
    const code = codeOf(Buffer.from(JSON.stringify({ ...signed, signature })));
    t.equal(code, what === 'not an object' ? 'envelope schema' : 'signature_invalid', what);
  }
});

t.test('config errors point into the push', async (t) => {
  const s = screenPush(
    push([
      {
        code: '',
        fault: (d) => ({ ...d, config: { ...GOOD_CONFIG, aim: { ...GOOD_CONFIG.aim, sensitivity: 2 } } }),
      },
    ]),
    ctx,
  );
  t.same(!s.ok && s.rejection.errors, [{ path: '/config/aim/sensitivity', message: 'must be <= 1' }]);
});
