import { createPublicKey } from 'node:crypto';
import { closeSync, fchmodSync, fsyncSync, mkdirSync, openSync, unlinkSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CliError, EXIT } from '../../errors.js';
import { generateKeyPair, isValidKeyId, KEY_ID_PATTERN, keyFingerprint } from '../../sign/index.js';
import type { Command } from '../command.js';
import { keysList } from '../keys-list.js';

/** Creates `path` with `content` and exactly `mode`, durably; never replaces an existing file. */
function writeNew(path: string, content: string, mode: number): void {
  const fd = openSync(path, 'wx', mode);
  try {
    fchmodSync(fd, mode);
    writeSync(fd, content);
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    unlinkSync(path); // no truncated key left behind
    throw err;
  }
  closeSync(fd);
}

export const keys: Command = {
  name: 'keys',
  summary: 'list the keys this board trusts and what each may sign; make an operator key pair',
  usage: 'aimlock keys list [--settings FILE] [--json] | aimlock keys generate --id ID --out DIR [--json]',
  options: { id: { type: 'string' }, out: { type: 'string' } },
  positionals: [1, 1],
  help: `
list (on a board): which operator keys the agent trusts ({keys_dir}/ID.pub) and what each may sign
({keys_dir}/ID.caps, one capability per line: push hold resume locks reclaim release_force status).
  KEY          the key id pushes and commands carry (signature.key_id): the .pub file's name
  FINGERPRINT  SHA256 of the public key: compare it with what aimlock keys generate printed at the desk
  MAY SIGN     its capabilities; no ID.caps = push only; an unusable ID.caps = NOTHING (fail closed)
  FROM         ID.caps, or "default: push only"; UNUSABLE, ORPHAN (an ID.caps with no ID.pub: a typo in
               the name?) and "skipped" (a .pub that is not an ed25519 public key) are explained below it
It reads keys_dir with the agent's own loaders, so it shows what the agent trusts after its next start or
reload (systemctl reload aimlockd); it never asks the agent, and works while the agent is down.
A command refused capability_missing: find the signing key's row; add the capability to its ID.caps, reload.

Exit (list): 0 every file usable; 1 some key has a problem (the table is still printed: the problem names
the file and the fix); 2 keys_dir missing or unreadable (keys_unreadable) or a bad settings file.
Examples:
  aimlock keys list
  aimlock keys list --settings /etc/aimlock/agent.json --json | jq '.keys[] | select(.problem)'

generate (at the desk): makes an ed25519 key pair as PEM and writes
  DIR/ID.key  the private key (PKCS#8), mode 0600: keep it on the operator's machine, never on a board
  DIR/ID.pub  the public key (SPKI), mode 0644: copy it to keys_dir (/etc/aimlock/keys/) on every board
DIR is created (0700) when missing. An existing ID.key or ID.pub is never overwritten.
ID is the key id pushes carry in signature.key_id: 1–64 of A-Z a-z 0-9 . _ -  (a date helps rotation:
ops-2026). Keys made with openssl work too:
  openssl genpkey -algorithm ed25519 -out ID.key && openssl pkey -in ID.key -pubout -out ID.pub

Exit (generate): 0 written; 1 a key file already exists (exists); 2 usage.
Example: aimlock keys generate --id ops-2026 --out ~/.aimlock/keys`,
  async run(ctx) {
    const sub = ctx.positionals[0];
    if (sub === 'list') {
      for (const o of ['id', 'out']) {
        if (ctx.values[o] !== undefined)
          throw new CliError('usage', `--${o} is for keys generate, not keys list`);
      }
      return keysList(ctx);
    }
    if (sub !== 'generate') {
      throw new CliError(
        'usage',
        `unknown subcommand "${sub}"; expected: aimlock keys list, or aimlock keys generate --id ID --out DIR`,
      );
    }
    const id = ctx.need('id', 'the key id, which is also the file name on the boards (e.g. ops-2026)');
    const dir = ctx.need('out', 'the directory to write ID.key and ID.pub into');
    if (!isValidKeyId(id)) {
      throw new CliError('usage', `--id "${id}" is not a key id: it must match ${KEY_ID_PATTERN.source}`);
    }
    const privatePath = join(dir, `${id}.key`);
    const publicPath = join(dir, `${id}.pub`);
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
    } catch (err) {
      throw new CliError('invalid', `cannot create ${dir}: ${(err as NodeJS.ErrnoException).code ?? err}`);
    }
    const pair = generateKeyPair();
    const refuse = (path: string): never => {
      throw new CliError(
        'exists',
        `${path} already exists; refusing to overwrite a key (choose another --id or --out, or remove it first)`,
        { path },
      );
    };
    try {
      writeNew(privatePath, pair.privatePem, 0o600);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') refuse(privatePath);
      throw new CliError(
        'invalid',
        `cannot write ${privatePath}: ${(err as NodeJS.ErrnoException).code ?? err}`,
      );
    }
    try {
      writeNew(publicPath, pair.publicPem, 0o644);
    } catch (err) {
      unlinkSync(privatePath); // never leave half a pair behind
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') refuse(publicPath);
      throw new CliError(
        'invalid',
        `cannot write ${publicPath}: ${(err as NodeJS.ErrnoException).code ?? err}`,
      );
    }
    const fingerprint = keyFingerprint(createPublicKey(pair.publicPem));
    ctx.emit(
      {
        key_id: id,
        private_key: resolve(privatePath),
        public_key: resolve(publicPath),
        fingerprint,
      },
      [
        `wrote ${privatePath}  (private, 0600: keep it secret, never put it on a board)`,
        `wrote ${publicPath}  (public, key id ${id}, ${fingerprint})`,
        'next:',
        `  copy ${id}.pub to /etc/aimlock/keys/ on each board (the agent reads keys at start and on SIGHUP)`,
        `  sign with: aimlock sign FILE --key ${privatePath}`,
      ].join('\n'),
    );
    return EXIT.ok;
  },
};
