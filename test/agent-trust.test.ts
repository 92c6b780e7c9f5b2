// TrustInputs (src/agent/trust.ts): a push screened on arrival is screened again just before it lands only when
// something it was screened on may have changed: a reload (SIGHUP) that revoked the key, or an envelope that
// differs from the one that passed. Then in full, signature included.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import t from 'tap';
import { TrustInputs } from '../src/agent/trust.js';
import { agentBoard, envelope } from './helpers/agent.js';

const rest = () => ({
  device: 'drone-07',
  now: Date.now(),
  requireSignature: true,
  applied: null,
  seenIds: new Set<string>(),
});

t.test('a push is screened again after a reload or a change, and only then, in full', async (t) => {
  const board = agentBoard(t.testdir(), 'mqtt://127.0.0.1:1');
  const trust = new TrustInputs(
    { keysDir: join(board.dir, 'keys'), limits: join(board.dir, 'limits.json') },
    pino({ level: 'silent' }),
  );
  trust.reload();
  const first = trust.screen(Buffer.from(JSON.stringify(envelope(board.op))), rest());
  if (!first.ok) throw new Error(`screen refused a good push: ${first.rejection.detail}`);
  t.ok(trust.unchangedSince(first.envelope), 'unchanged: nothing to screen again');
  t.ok(trust.rescreen(first.envelope, rest()).ok, 'and a full screening passes it too');

  // Same object, other text: a signature made for the old text must be checked, and fails.
  const changed = trust.screen(Buffer.from(JSON.stringify(envelope(board.op))), rest());
  if (!changed.ok) throw new Error('screen refused a good push');
  (changed.envelope as { version: number }).version = 99;
  t.notOk(trust.unchangedSince(changed.envelope), 'changed: screened again');
  const tampered = trust.rescreen(changed.envelope, rest());
  t.equal(
    tampered.ok ? 'ok' : tampered.rejection.code,
    'signature_invalid',
    'a changed envelope is verified',
  );

  // The key removed and the inputs reloaded: the envelope that passed before is refused now.
  rmSync(join(board.dir, 'keys', `${board.op.id}.pub`));
  trust.reload();
  t.notOk(trust.unchangedSince(first.envelope), 'reloaded: screened again');
  const revoked = trust.rescreen(first.envelope, rest());
  t.equal(
    revoked.ok ? 'ok' : revoked.rejection.code,
    'unknown_key',
    'after a reload the key is looked up again',
  );

  // An envelope that never passed here (built elsewhere) is verified in full.
  const stranger = envelope(board.op) as unknown as Parameters<TrustInputs['rescreen']>[0];
  t.notOk(trust.unchangedSince(stranger), 'never passed here: screened');
  const r = trust.rescreen(stranger, rest());
  t.equal(r.ok ? 'ok' : r.rejection.code, 'unknown_key', 'an envelope this screen never passed is verified');
});
