// The keys the simulated boards trust: every *.pub of --key-dir, each --pub, or else a key pair of our own
// kept in DIR/operator/ and reused with --dir; a key that cannot be loaded is a CLI error, not a crash.
import { createPublicKey } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { CliError } from '../../errors.js';
import type { SimKey } from '../../fleet/sim.js';
import { generateKeyPair, isValidKeyId, KeyError, loadPrivateKey, loadPublicKey } from '../../sign/index.js';
import type { Context } from '../command.js';

export const GENERATED_KEY_ID = 'sim-operator';

/** The keys the boards trust, and the private key to sign with when one was generated here. */
export function trustedKeys(ctx: Context, dir: string): { keys: SimKey[]; signWith: string | null } {
  const files: string[] = [];
  const keyDir = ctx.string('key-dir');
  if (keyDir !== undefined) {
    let names: string[];
    try {
      names = readdirSync(keyDir);
    } catch (err) {
      throw new CliError('not_found', `--key-dir ${keyDir}: ${(err as NodeJS.ErrnoException).code ?? err}`);
    }
    const pubs = names.filter((n) => n.endsWith('.pub') && !n.startsWith('.')).sort();
    if (pubs.length === 0) {
      throw new CliError(
        'not_found',
        `--key-dir ${keyDir} holds no *.pub file; make one with aimlock keys generate --id ID --out ${keyDir}`,
      );
    }
    files.push(...pubs.map((n) => join(keyDir, n)));
  }
  const pubOpt = ctx.values.pub;
  if (Array.isArray(pubOpt)) files.push(...pubOpt);
  if (files.length > 0) return { keys: files.map(publicKeyFile), signWith: null };

  // No key given: one of our own, kept in DIR/operator/ (reused when --dir is reused).
  const opDir = join(dir, 'operator');
  const privatePath = join(opDir, `${GENERATED_KEY_ID}.key`);
  mkdirSync(opDir, { recursive: true, mode: 0o700 });
  if (existsSync(privatePath)) {
    const key = guardKey(() => loadPrivateKey(privatePath));
    const publicPem = createPublicKey(key).export({ type: 'spki', format: 'pem' }).toString();
    return { keys: [{ id: GENERATED_KEY_ID, publicPem }], signWith: privatePath };
  }
  const pair = generateKeyPair();
  writeFileSync(privatePath, pair.privatePem, { mode: 0o600, flag: 'wx' });
  writeFileSync(join(opDir, `${GENERATED_KEY_ID}.pub`), pair.publicPem, { mode: 0o644, flag: 'wx' });
  return { keys: [{ id: GENERATED_KEY_ID, publicPem: pair.publicPem }], signWith: privatePath };
}

function publicKeyFile(path: string): SimKey {
  const id = basename(path, extname(path));
  if (!isValidKeyId(id)) {
    throw new CliError(
      'usage',
      `${path}: "${id}" is not a key id (1–64 of A-Z a-z 0-9 . _ -); rename the file`,
    );
  }
  const key = guardKey(() => loadPublicKey(path));
  return { id, publicPem: key.export({ type: 'spki', format: 'pem' }).toString() };
}

function guardKey<T>(load: () => T): T {
  try {
    return load();
  } catch (err) {
    if (err instanceof KeyError) {
      throw new CliError(err.reason === 'not_found' ? 'not_found' : 'key_invalid', err.message);
    }
    throw err;
  }
}
