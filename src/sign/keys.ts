// Operator keys (CONTRACT §7): ed25519, PEM. Private keys are PKCS#8 (`-----BEGIN PRIVATE KEY-----`), public
// keys SPKI (`-----BEGIN PUBLIC KEY-----`), so `openssl genpkey -algorithm ed25519` and
// `openssl pkey -in k.pem -pubout` make keys that work here. A board trusts every `{keys_dir}/{key_id}.pub`.
//
// The agent loads the trusted keys once (at start and on SIGHUP) with loadTrustedKeys and hands the map to
// verifyEnvelope: verification never touches the disk. A bad key file never stops the agent: it is skipped and
// named in `problems`, and pushes signed with it answer `unknown_key`.
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
} from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** A key id: the file name of the public key on a board without `.pub` (push.schema.json `signature.key_id`). */
export const KEY_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

/** Refuse to read anything that cannot be a PEM key (a misplaced big file in keys_dir, say). */
const MAX_KEY_FILE_BYTES = 16 * 1024;

/** A key file that cannot be used, with a sentence saying why and what to do. */
export class KeyError extends Error {
  override name = 'KeyError';
  constructor(
    message: string,
    readonly path?: string,
    readonly reason: 'not_found' | 'invalid' = 'invalid',
  ) {
    super(message);
  }
}

export function isValidKeyId(id: string): boolean {
  return KEY_ID_PATTERN.test(id);
}

/** A fresh ed25519 key pair as PEM: private PKCS#8, public SPKI. */
export function generateKeyPair(): { privatePem: string; publicPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519', {
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  return { privatePem: privateKey, publicPem: publicKey };
}

/** `SHA256:` + base64 of the SHA-256 of the public key's SPKI DER; the same for a private key and its public. */
export function keyFingerprint(key: KeyObject): string {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  const der = pub.export({ type: 'spki', format: 'der' });
  return `SHA256:${createHash('sha256').update(der).digest('base64').replace(/=+$/, '')}`;
}

function readKeyFile(path: string): string {
  let size: number;
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new KeyError(`${path} is not a regular file`, path);
    size = st.size;
  } catch (err) {
    if (err instanceof KeyError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new KeyError(
      `${path}: ${code === 'ENOENT' ? 'no such file' : (code ?? (err as Error).message)}`,
      path,
      code === 'ENOENT' ? 'not_found' : 'invalid',
    );
  }
  if (size > MAX_KEY_FILE_BYTES) throw new KeyError(`${path} is ${size} bytes: too big for a PEM key`, path);
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new KeyError(`${path}: ${code ?? (err as Error).message}`, path);
  }
}

/**
 * The ed25519 private key in PEM file `path` (PKCS#8; an unencrypted key). Throws KeyError with a sentence
 * that says what the file is instead (a public key, another algorithm, an encrypted key, not PEM).
 */
export function loadPrivateKey(path: string): KeyObject {
  const text = readKeyFile(path);
  if (text.includes('-----BEGIN PUBLIC KEY-----')) {
    throw new KeyError(
      `${path} is a public key; signing needs the private key (the .key file, not the .pub)`,
      path,
    );
  }
  if (text.includes('-----BEGIN ENCRYPTED PRIVATE KEY-----')) {
    throw new KeyError(
      `${path} is an encrypted private key; aimlock needs an unencrypted PKCS#8 key (openssl pkey -in ${path} -out plain.key)`,
      path,
    );
  }
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: text, format: 'pem' });
  } catch (err) {
    throw new KeyError(
      `${path} is not a PEM private key (${firstLine(err)}); make one with aimlock keys generate or openssl genpkey -algorithm ed25519`,
      path,
    );
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new KeyError(
      `${path} is a ${key.asymmetricKeyType ?? 'non-asymmetric'} key; aimlock signs with ed25519 only (aimlock keys generate, or openssl genpkey -algorithm ed25519)`,
      path,
    );
  }
  return key;
}

/** The ed25519 public key in PEM (SPKI) file `path`; a private key is refused (it has no place on a board). */
export function loadPublicKey(path: string): KeyObject {
  const text = readKeyFile(path);
  if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(text)) {
    throw new KeyError(
      `${path} holds a PRIVATE key; only public keys (.pub, SPKI) belong on a board: remove it and copy the .pub instead`,
      path,
    );
  }
  let key: KeyObject;
  try {
    key = createPublicKey({ key: text, format: 'pem' });
  } catch (err) {
    throw new KeyError(`${path} is not a PEM public key (${firstLine(err)})`, path);
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new KeyError(
      `${path} is a ${key.asymmetricKeyType ?? 'non-asymmetric'} key, not ed25519; it is not trusted`,
      path,
    );
  }
  return key;
}

export interface TrustedKeys {
  /** key_id → public key. */
  keys: Map<string, KeyObject>;
  /** One sentence per skipped file (or an unreadable keys_dir); empty when all is well. */
  problems: string[];
  /** The skipped `.pub` files themselves, each with its sentence (the same as in problems): `aimlock keys list`. */
  skipped: { id: string; path: string; problem: string }[];
  /** Set when keys_dir itself cannot be listed (missing, not a directory, no permission): a safety input gone. */
  dirError?: string;
}

/**
 * Every `*.pub` in `dir`, keyed by its file name without `.pub`. Never throws: a missing or unreadable
 * directory, a bad key id, a file that is not an ed25519 SPKI PEM public key are each reported in `problems`
 * and skipped. Other files (README, .key, dot files) are ignored. Read once; pass the map to verifyEnvelope.
 */
export function loadTrustedKeys(dir: string): TrustedKeys {
  const keys = new Map<string, KeyObject>();
  const problems: string[] = [];
  const skipped: TrustedKeys['skipped'] = [];
  const skip = (id: string, path: string, problem: string): void => {
    problems.push(problem);
    skipped.push({ id, path, problem });
  };
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    const dirError = `keys_dir ${dir} cannot be read (${code}); restore it, then systemctl reload aimlockd`;
    problems.push(dirError);
    return { keys, problems, skipped, dirError };
  }
  for (const name of names.sort()) {
    if (!name.endsWith('.pub') || name.startsWith('.')) continue;
    const id = name.slice(0, -'.pub'.length);
    const path = join(dir, name);
    if (!isValidKeyId(id)) {
      skip(id, path, `${path}: key id "${id}" does not match ${KEY_ID_PATTERN.source}; skipped`);
      continue;
    }
    try {
      keys.set(id, loadPublicKey(path));
    } catch (err) {
      skip(id, path, `${err instanceof KeyError ? err.message : `${path}: ${firstLine(err)}`}; skipped`);
    }
  }
  return { keys, problems, skipped };
}

function firstLine(err: unknown): string {
  return String((err as Error)?.message ?? err).split('\n')[0] ?? '';
}
