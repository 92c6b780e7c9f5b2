// Push signatures, shared by `aimlock sign` / `push` and the agent's verifier (CONTRACT §5, §7).

export { canonicalBytes, canonicalJson } from './canonical.js';
export {
  CAPABILITIES,
  type Capability,
  DEFAULT_CAPABILITIES,
  type KeyCapabilities,
  loadAllCapabilities,
  loadCapabilities,
  missingCapability,
  parseCapabilities,
} from './caps.js';
export {
  type EnvelopeSignature,
  SIGNATURE_ALG,
  signEnvelope,
  type VerifyResult,
  verifyEnvelope,
} from './envelope.js';
export {
  generateKeyPair,
  isValidKeyId,
  KEY_ID_PATTERN,
  KeyError,
  keyFingerprint,
  loadPrivateKey,
  loadPublicKey,
  loadTrustedKeys,
  type TrustedKeys,
} from './keys.js';
