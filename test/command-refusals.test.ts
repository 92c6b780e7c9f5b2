// Every refusal of an operator command, caused for real against the compiled agent and a real Mosquitto, in
// the screen's order (CONTRACT §9): too_large, invalid_json, schema_invalid (shape and the 10-minute window),
// wrong_device, expired, signature_missing, signature_invalid, unknown_key, keys_unreadable,
// capability_missing, duplicate (also after an agent restart); and a retained command, never executed.
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { agentBoard, startAgent } from './helpers/agent.js';
import { command, commander } from './helpers/command.js';
import { startMosquitto } from './helpers/mosquitto.js';

const auditLines = (path: string) =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);

t.test('each screening step refuses with its code, and nothing is executed', async (t) => {
  const broker = await startMosquitto(t);
  const board = agentBoard(t.testdir(), broker.url);
  // This key may ask for the status only (and push): enough to reach the id check with `status`.
  writeFileSync(join(board.dir, 'keys', 'ops-test.caps'), '# test key\npush\nstatus\n');
  await startAgent(t, board);
  const cmd = await commander(t, broker.url);

  const refused = async (doc: Record<string, unknown> | string | Buffer, id: string) => {
    const from = cmd.answers.length;
    await cmd.publish(doc);
    return cmd.answer(id, undefined, 30_000, from);
  };

  const big = await refused(JSON.stringify({ pad: 'x'.repeat(17 * 1024) }), '');
  t.match(big, { status: 'refused', code: 'too_large', action: null, id: '' });
  t.match(String(big.detail), /limit is 16384/);

  t.match(await refused('{"kind": "aimlock.command/v1", ', ''), {
    status: 'refused',
    code: 'invalid_json',
    action: null,
  });

  const noFor = command(board.op, 'hold', { reason: 'x' });
  const shape = await refused(noFor, String(noFor.id));
  t.match(shape, { status: 'refused', code: 'schema_invalid', action: 'hold', key_id: 'ops-test' });
  t.match(String(shape.detail), /\/args\/for is required/);

  const now = Date.now();
  const tooLong = command(
    board.op,
    'status',
    {},
    {
      issued_at: new Date(now).toISOString(),
      expires_at: new Date(now + 11 * 60_000).toISOString(),
    },
  );
  const window = await refused(tooLong, String(tooLong.id));
  t.match(window, { code: 'schema_invalid', action: 'status' });
  t.match(String(window.detail), /\/expires_at must be after issued_at and at most 10 minutes after it/);
  const backwards = command(
    board.op,
    'status',
    {},
    {
      issued_at: new Date(now).toISOString(),
      expires_at: new Date(now - 1000).toISOString(),
    },
  );
  t.match(
    await refused(backwards, String(backwards.id)),
    { code: 'schema_invalid' },
    'expires before issued',
  );

  const other = command(board.op, 'status', {}, { device: 'drone-08' });
  t.match(await refused(other, String(other.id)), { code: 'wrong_device' });

  const old = command(
    board.op,
    'status',
    {},
    {
      issued_at: new Date(now - 5 * 60_000).toISOString(),
      expires_at: new Date(now - 60_000).toISOString(),
    },
  );
  t.match(await refused(old, String(old.id)), { code: 'expired' });

  const unsigned = command(board.op, 'status', {}, { signature: null });
  const missing = await refused(unsigned, String(unsigned.id));
  t.match(missing, { code: 'signature_missing' });
  t.match(String(missing.detail), /the command carries no signature/);

  const tampered = command(board.op, 'hold', { reason: 'signed', for: 60 });
  (tampered.args as Record<string, unknown>).reason = 'changed after signing';
  t.match(await refused(tampered, String(tampered.id)), { code: 'signature_invalid' });

  const stranger = { id: 'ops-other', key: generateKeyPairSync('ed25519').privateKey };
  const unknown = command(stranger, 'status');
  t.match(await refused(unknown, String(unknown.id)), { code: 'unknown_key', key_id: 'ops-other' });

  const hold = command(board.op, 'hold', { reason: 'not allowed', for: 60 });
  const cap = await refused(hold, String(hold.id));
  t.match(cap, { status: 'refused', code: 'capability_missing', key_id: 'ops-test' });
  t.match(String(cap.detail), /key ops-test lacks the capability "hold"/);

  const status = command(board.op, 'status');
  t.match(await cmd.send(status), { status: 'done', code: 'ok' }, 'the same key may ask for the status');
  t.match(await refused(status, String(status.id)), { status: 'duplicate', code: 'duplicate' });

  t.notOk(
    cmd.answers.some((a) => a.status === 'accepted' || (a.status === 'done' && a.id !== status.id)),
    'nothing but the one status command was carried out',
  );
  const audited = auditLines(board.audit).filter((e) => e.event === 'command');
  t.same(
    audited.map((e) => e.code),
    [
      'too_large',
      'invalid_json',
      'schema_invalid',
      'schema_invalid',
      'schema_invalid',
      'wrong_device',
      'expired',
      'signature_missing',
      'signature_invalid',
      'unknown_key',
      'capability_missing',
      'ok',
      'duplicate',
    ],
    'every command, executed or refused, is in the audit log',
  );
  t.match(audited.at(-2), { id: status.id, action: 'status', key_id: 'ops-test', outcome: 'done' });
});

t.test('keys_dir unreadable: every command is refused keys_unreadable', async (t) => {
  const broker = await startMosquitto(t);
  const board = agentBoard(t.testdir(), broker.url, { paths: { keys_dir: 'no-such-keys' } });
  await startAgent(t, board);
  const cmd = await commander(t, broker.url);
  const doc = command(board.op, 'status');
  const a = await cmd.send(doc);
  t.match(a, { status: 'refused', code: 'keys_unreadable' });
  t.match(String(a.detail), /keys_dir .*no-such-keys cannot be read/);
});

t.test('a retained command is never executed; duplicate after an agent restart', async (t) => {
  const broker = await startMosquitto(t);
  const board = agentBoard(t.testdir(), broker.url);
  writeFileSync(join(board.dir, 'keys', 'ops-test.caps'), 'hold\nresume\nstatus\n');
  const cmd = await commander(t, broker.url);

  // Retained on the broker before the device ever subscribed: it reaches the agent flagged retained (MQTT
  // 3.1.1 §3.3.1.3), on this and every later subscription. Ignored with a warning, no answer, no hold.
  const retained = command(board.op, 'hold', { reason: 'retained!', for: 120 });
  await cmd.publish(retained, { retain: true });
  let agent = await startAgent(t, board);
  await agent.waitLog(/RETAINED command was delivered and is ignored/);
  // Commands are handled one at a time, in order: the answer to a later one proves the retained one is done with.
  const s = await cmd.send(command(board.op, 'status'));
  t.equal((s.data as Record<string, unknown>).state, 'online', 'no hold was placed');
  t.notOk(
    cmd.answers.some((a) => a.id === retained.id),
    'the retained command got no answer',
  );
  await cmd.client.publishAsync('aimlock/v1/alpha/drone-07/command', '', { qos: 1, retain: true });

  const hold = command(board.op, 'hold', { reason: 'before restart', for: 120 });
  t.match(await cmd.send(hold), { status: 'done', code: 'ok' });
  t.match(await cmd.send(command(board.op, 'resume')), { status: 'done' });
  t.equal(await agent.stop(), 0);
  agent = await startAgent(t, board);
  const again = await cmd.send(hold);
  t.match(again, { status: 'duplicate', code: 'duplicate' }, 'redelivered after the restart: not run again');
  const after = await cmd.send(command(board.op, 'status'));
  t.equal((after.data as Record<string, unknown>).state, 'online', 'and no hold came back with it');
  const record = JSON.parse(readFileSync(join(board.stateDir, 'commands.json'), 'utf8'));
  t.ok(
    record.executed.some((e: { id: string }) => e.id === hold.id),
    'the executed id is in the state dir record',
  );
});
