// The bytes a push signature covers (CONTRACT §5): the RFC 8785 (JCS) canonical JSON of the envelope without
// its `signature` member, as UTF-8. Signer and verifier both call this one function, so they cannot drift.
//
// `canonicalize` (CommonJS, `module.exports = fn`) sorts members by UTF-16 code units and prints numbers and
// strings as ECMAScript's JSON.stringify does, which is what RFC 8785 prescribes (1e21 → "1e+21", -0 → "0").
import canonicalizeModule from 'canonicalize';

// Its typings say `export default` for a CommonJS module; under NodeNext the default import is
// module.exports itself at run time. Accept either shape so that both the types and the run time agree.
type Serialize = (input: unknown) => string | undefined;
const serialize: Serialize =
  typeof canonicalizeModule === 'function'
    ? (canonicalizeModule as Serialize)
    : (canonicalizeModule as unknown as { default: Serialize }).default;

/** RFC 8785 canonical JSON text of `value` (throws on NaN / Infinity, which JSON cannot carry). */
export function canonicalJson(value: unknown): string {
  const text = serialize(value);
  if (text === undefined) throw new TypeError('value has no JSON form');
  return text;
}

/** UTF-8 bytes of the RFC 8785 canonical JSON of `envelope` without its `signature` member. */
export function canonicalBytes(envelope: object): Buffer {
  if (envelope === null || typeof envelope !== 'object' || Array.isArray(envelope)) {
    throw new TypeError('an envelope is a JSON object');
  }
  const { signature: _signature, ...unsigned } = envelope as Record<string, unknown>;
  return Buffer.from(canonicalJson(unsigned), 'utf8');
}
