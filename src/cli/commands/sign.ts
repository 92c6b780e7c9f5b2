import { basename, extname } from 'node:path';
import { CliError, EXIT } from '../../errors.js';
import { validate } from '../../schemas/index.js';
import {
  isValidKeyId,
  KEY_ID_PATTERN,
  KeyError,
  keyFingerprint,
  loadPrivateKey,
  signEnvelope,
} from '../../sign/index.js';
import { atomicWrite } from '../../store/atomic.js';
import { jsonSafe } from '../../term-safe.js';
import type { Command } from '../command.js';
import { formatErrors, readJsonFile } from '../read-input.js';

/** CONTRACT §5: the agent answers too_large above this. */
const MAX_PUSH_BYTES = 64 * 1024;

function isBareConfig(value: Record<string, unknown>): boolean {
  return !('kind' in value) && ('aim' in value || 'safety' in value || 'update_window' in value);
}

export const sign: Command = {
  name: 'sign',
  summary: 'sign a push envelope with an operator key (ed25519)',
  usage: 'aimlock sign FILE --key KEY [--key-id ID] [--out FILE] [--json]',
  options: { key: { type: 'string' }, 'key-id': { type: 'string' }, out: { type: 'string' } },
  positionals: [1, 1],
  help: `
FILE is a whole push envelope (kind aimlock.push/v1, see schemas/push.schema.json); a bare config is refused:
aimlock push builds the envelope (id, device, version, issued_at) and signs it in one go. The envelope is
checked against the push schema first (errors as JSON pointers), so nothing invalid gets signed. The
signature covers the RFC 8785 canonical JSON of the envelope without its signature member; an existing
signature is replaced.
KEY is an ed25519 private key in PEM (PKCS#8): from aimlock keys generate, or openssl genpkey -algorithm ed25519.
--key-id defaults to KEY's file name without its extension (ops-2026.key → ops-2026); it must name the .pub
file on the boards (/etc/aimlock/keys/ID.pub).
The signed envelope goes to stdout as JSON (--json: on one line), or to --out FILE (then a summary is printed).

Exit: 0 signed; 1 invalid envelope or unusable key; 2 usage.
Example: aimlock sign push.json --key ~/.aimlock/keys/ops-2026.key --out push.signed.json`,
  async run(ctx) {
    const file = ctx.positionals[0]!;
    const keyPath = ctx.need('key', 'the ed25519 private key (PEM) to sign with');
    const keyId = ctx.string('key-id') ?? basename(keyPath, extname(keyPath));
    if (!isValidKeyId(keyId)) {
      throw new CliError(
        'usage',
        `key id "${keyId}" does not match ${KEY_ID_PATTERN.source}; give --key-id (the .pub file name on the boards)`,
      );
    }
    const value = await readJsonFile(file);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new CliError('invalid', `${file} is not a push envelope: not a JSON object`, {
        errors: [{ path: '', message: 'must be an object' }],
      });
    }
    const doc = value as Record<string, unknown>;
    if (isBareConfig(doc)) {
      throw new CliError(
        'invalid',
        `${file} is a bare config, not a push envelope; aimlock push FILE --device ID builds, signs and sends the envelope (or wrap it in {"kind": "aimlock.push/v1", "id", "device", "version", "issued_at", "config"})`,
        { errors: [{ path: '/kind', message: 'must be "aimlock.push/v1" (a push envelope)' }] },
      );
    }
    // The signature is about to be replaced: check the rest.
    const { signature: previous, ...unsigned } = doc;
    const checked = validate('push', unsigned);
    if (!checked.ok) {
      throw new CliError(
        'invalid',
        `${file} is not a valid push envelope (schema_invalid); nothing signed:\n${formatErrors(checked.errors)}`,
        { result: 'schema_invalid', errors: checked.errors },
      );
    }
    let key: ReturnType<typeof loadPrivateKey>;
    try {
      key = loadPrivateKey(keyPath);
    } catch (err) {
      if (err instanceof KeyError) {
        throw new CliError(err.reason === 'not_found' ? 'not_found' : 'key_invalid', err.message);
      }
      throw err;
    }
    const signed = signEnvelope(unsigned, key, keyId);
    const bytes = Buffer.byteLength(JSON.stringify(signed));
    if (bytes > MAX_PUSH_BYTES) {
      throw new CliError(
        'invalid',
        `the signed envelope is ${bytes} bytes; the agent refuses pushes over ${MAX_PUSH_BYTES} (too_large)`,
      );
    }
    if (previous !== undefined) ctx.note(`note: replaced the existing signature of ${file}`);
    const expires = typeof doc.expires_at === 'string' ? Date.parse(doc.expires_at) : Number.NaN;
    if (expires <= Date.now()) {
      ctx.note(`warning: expires_at ${doc.expires_at} is already past; the device will answer expired`);
    }
    const out = ctx.string('out');
    if (out === undefined) {
      // jsonSafe: the same JSON value (the signature covers the value), with C1/bidi characters escaped.
      ctx.io.stdout.write(`${jsonSafe(signed, ctx.json ? undefined : 2)}\n`);
      return EXIT.ok;
    }
    try {
      await atomicWrite(out, `${JSON.stringify(signed, null, 2)}\n`);
    } catch (err) {
      throw new CliError('invalid', `cannot write ${out}: ${(err as NodeJS.ErrnoException).code ?? err}`);
    }
    const fingerprint = keyFingerprint(key);
    ctx.emit(
      {
        signed: true,
        out,
        id: doc.id,
        device: doc.device,
        version: doc.version,
        key_id: keyId,
        fingerprint,
      },
      `signed ${file} (push ${String(doc.id)}, device ${String(doc.device)}, version ${String(doc.version)}) with key ${keyId} (${fingerprint}) → ${out}`,
    );
    return EXIT.ok;
  },
};
