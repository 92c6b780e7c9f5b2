// Signing and verifying a push envelope (CONTRACT §5): an ed25519 signature over canonicalBytes(envelope), i.e.
// the RFC 8785 canonical JSON of the envelope without its `signature` member, carried as
// `signature: { alg: "ed25519", key_id, value: base64 }`. Pure: keys come in as KeyObjects, no file is read.
import { type KeyObject, sign, verify } from 'node:crypto';
import { canonicalBytes } from './canonical.js';
import { isValidKeyId, KEY_ID_PATTERN } from './keys.js';

export const SIGNATURE_ALG = 'ed25519';

export interface EnvelopeSignature {
  alg: 'ed25519';
  key_id: string;
  value: string;
}

export type VerifyResult =
  | { ok: true; keyId: string }
  | { ok: false; code: 'signature_missing' | 'unknown_key' | 'signature_invalid'; detail: string };

/** An ed25519 signature is 64 bytes: 88 characters of standard base64, with padding. */
const SIGNATURE_BYTES = 64;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * A copy of `envelope` with `signature` set (any previous signature replaced; the input is not changed).
 * Throws on a key that is not an ed25519 private key or a key id that a board could not name as a file.
 */
export function signEnvelope<T extends object>(
  envelope: T,
  key: KeyObject,
  keyId: string,
): Omit<T, 'signature'> & { signature: EnvelopeSignature } {
  if (key.type !== 'private' || key.asymmetricKeyType !== 'ed25519') {
    throw new TypeError(
      `signing needs an ed25519 private key, got a ${key.asymmetricKeyType} ${key.type} key`,
    );
  }
  if (!isValidKeyId(keyId)) throw new TypeError(`key id "${keyId}" does not match ${KEY_ID_PATTERN.source}`);
  const value = sign(null, canonicalBytes(envelope), key).toString('base64');
  const { signature: _old, ...rest } = envelope as T & { signature?: unknown };
  return { ...rest, signature: { alg: SIGNATURE_ALG, key_id: keyId, value } };
}

/**
 * Checks the envelope's signature against the trusted keys (loaded once, see loadTrustedKeys). Never throws.
 * `signature_missing`: no signature member; `unknown_key`: key_id names no trusted key; `signature_invalid`:
 * anything else wrong (not an object, alg other than ed25519, malformed base64, or the signature does not verify
 * over the canonical envelope).
 */
export function verifyEnvelope(envelope: object, keys: ReadonlyMap<string, KeyObject>): VerifyResult {
  const sig = (envelope as { signature?: unknown }).signature;
  if (sig === undefined || sig === null) {
    return { ok: false, code: 'signature_missing', detail: 'the push carries no signature' };
  }
  if (typeof sig !== 'object' || Array.isArray(sig)) {
    return { ok: false, code: 'signature_invalid', detail: 'signature is not an object' };
  }
  // schemas/push.schema.json allows exactly these three members, but screening checks the envelope with
  // `signature` loosened to any object (so that a malformed one is signature_invalid, not schema_invalid): the
  // closed shape is enforced here. Found by the fuzzer (seed 20261129): `"__proto__":[…]` or any extra member
  // beside a good signature was applied. Object.keys sees an own `__proto__` that JSON.parse created.
  const extra = Object.keys(sig).filter((k) => k !== 'alg' && k !== 'key_id' && k !== 'value');
  if (extra.length > 0) {
    return {
      ok: false,
      code: 'signature_invalid',
      detail: `signature has members other than alg, key_id and value: ${extra
        .slice(0, 3)
        .map((k) => JSON.stringify(k.slice(0, 32)))
        .join(', ')}`,
    };
  }
  const { alg, key_id: keyId, value } = sig as Record<string, unknown>;
  if (alg !== SIGNATURE_ALG) {
    return {
      ok: false,
      code: 'signature_invalid',
      detail: `signature alg ${JSON.stringify(alg) ?? 'missing'} is not supported; only ed25519`,
    };
  }
  if (typeof keyId !== 'string' || !keys.has(keyId)) {
    return {
      ok: false,
      code: 'unknown_key',
      detail:
        typeof keyId === 'string'
          ? `key_id "${keyId.slice(0, 64)}" names no trusted key (no ${keyId.slice(0, 64)}.pub in keys_dir)`
          : 'signature has no key_id',
    };
  }
  if (typeof value !== 'string' || value.length % 4 !== 0 || !BASE64.test(value)) {
    return { ok: false, code: 'signature_invalid', detail: 'signature value is not standard base64' };
  }
  const bytes = Buffer.from(value, 'base64');
  // Buffer's decoder is lenient; only the one canonical spelling of 64 bytes is accepted.
  if (bytes.length !== SIGNATURE_BYTES || bytes.toString('base64') !== value) {
    return {
      ok: false,
      code: 'signature_invalid',
      detail: `signature value is not the base64 of ${SIGNATURE_BYTES} bytes`,
    };
  }
  let good: boolean;
  try {
    good = verify(null, canonicalBytes(envelope), keys.get(keyId)!, bytes);
  } catch (err) {
    return { ok: false, code: 'signature_invalid', detail: `cannot verify: ${(err as Error).message}` };
  }
  return good
    ? { ok: true, keyId }
    : {
        ok: false,
        code: 'signature_invalid',
        detail: `signature does not verify with key ${keyId}: the push was changed after signing, or signed with another key`,
      };
}
