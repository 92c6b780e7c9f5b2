// Building push envelopes on the operator's side: ids, times, signing. The agent's verifier reads the same
// shape (schemas/push.schema.json, src/sign).
import { type KeyObject, randomUUID } from 'node:crypto';
import type { AimConfig, PushEnvelope } from '../schemas/index.js';
import { type EnvelopeSignature, signEnvelope } from '../sign/index.js';

/** A push envelope before signing: the schema's type without its signature. */
export type UnsignedPush = Omit<PushEnvelope, 'signature'>;

export type SignedPush = UnsignedPush & { signature: EnvelopeSignature };

export interface EnvelopeFields {
  device: string;
  version: number;
  config: AimConfig;
  rollout?: string;
  /** expires_at = issued_at + this many seconds. */
  expiresInS?: number;
  /** Default: a random UUID. The rollout runner derives ids from its rollout id. */
  id?: string;
  now?: Date;
}

/** A push envelope (unsigned): a fresh uuid and issued_at now unless given. */
export function buildEnvelope(f: EnvelopeFields): UnsignedPush {
  const now = f.now ?? new Date();
  return {
    kind: 'aimlock.push/v1',
    id: f.id ?? randomUUID(),
    device: f.device,
    version: f.version,
    issued_at: now.toISOString(),
    ...(f.expiresInS !== undefined
      ? { expires_at: new Date(now.getTime() + f.expiresInS * 1000).toISOString() }
      : {}),
    ...(f.rollout !== undefined ? { rollout: f.rollout } : {}),
    config: f.config,
  };
}

/** buildEnvelope + signEnvelope. */
export function signedPush(f: EnvelopeFields, key: KeyObject, keyId: string): SignedPush {
  return signEnvelope(buildEnvelope(f), key, keyId) as SignedPush;
}
