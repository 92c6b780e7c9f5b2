// The simulator's command responder screens like a board (CONTRACT §9: size, JSON, schema, device, expiry,
// signature, id) and answers in the command-result schema; a retained command is never executed. Raw MQTT
// publishes from the test play the operator, so every refusal is caused for real.
import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import mqtt from 'mqtt';
import t from 'tap';
import { readHold } from '../src/board/hold.js';
import { buildCommand, signCommand } from '../src/command/envelope.js';
import type { CommandResult } from '../src/fleet/command/types.js';
import { startFleet } from '../src/fleet/sim.js';
import { validate } from '../src/schemas/index.js';
import { boardPaths } from '../src/settings/board.js';
import { loadSettings } from '../src/settings/load.js';
import { generateKeyPair } from '../src/sign/index.js';
import { startMosquitto } from './helpers/mosquitto.js';

t.test('the responder screens every command and answers in the schema', async (t) => {
  const broker = await startMosquitto(t);
  const dir = t.testdir();
  const pair = generateKeyPair();
  const key = createPrivateKey(pair.privatePem);
  // A retained command (a mistake or an attack: commands are acts, never state) waits on drone-01's topic
  // before the simulator starts; its responder gets it with the retain flag and must not execute it.
  const early = await mqtt.connectAsync(broker.url, { clientId: 'scr-early' });
  const retained = signCommand(
    buildCommand({
      device: 'drone-01',
      action: 'hold',
      args: { reason: 'retained', for: 60 },
      ttlMs: 60_000,
    }),
    key,
    'ops',
  );
  await early.publishAsync('aimlock/v1/scr/drone-01/command', JSON.stringify(retained), {
    qos: 1,
    retain: true,
  });
  await early.endAsync();
  const fleet = await startFleet({
    drones: 2,
    brokerUrl: broker.url,
    fleet: 'scr',
    dir: join(dir, 'boards'),
    keys: [{ id: 'ops', publicPem: pair.publicPem }],
    logLevel: 'silent',
  });
  t.teardown(() => fleet.stop());
  const holdFile = boardPaths(loadSettings(fleet.devices[0]!.settingsFile)).hold;
  // The boards grant their key every capability, push included (agents that read .caps act on it too).
  t.same(
    readFileSync(join(fleet.devices[0]!.dir, 'keys', 'ops.caps'), 'utf8')
      .split('\n')
      .filter((l) => l !== '' && !l.startsWith('#')),
    ['push', 'hold', 'resume', 'locks', 'reclaim', 'release_force', 'status'],
  );

  const op = await mqtt.connectAsync(broker.url, { clientId: 'scr-op' });
  t.teardown(() => op.endAsync(true));
  const answers: CommandResult[] = [];
  const invalid: unknown[] = [];
  const waiters: (() => void)[] = [];
  op.on('message', (_topic, payload) => {
    const doc = JSON.parse(payload.toString());
    const checked = validate<CommandResult>('command-result', doc);
    if (checked.ok) answers.push(checked.value);
    else invalid.push(doc);
    for (const w of waiters.splice(0)) w();
  });
  await op.subscribeAsync('aimlock/v1/scr/+/command/result', { qos: 1 });
  const topic = (d: string) => `aimlock/v1/scr/${d}/command`;
  /** Publishes and resolves with the next answer that satisfies `pick`. */
  const ask = async (
    payload: string | Buffer,
    pick: (r: CommandResult) => boolean,
    device = 'drone-01',
  ): Promise<CommandResult> => {
    const from = answers.length;
    await op.publishAsync(topic(device), payload, { qos: 1 });
    for (;;) {
      const hit = answers.slice(from).find(pick);
      if (hit) return hit;
      await new Promise<void>((r) => waiters.push(r));
    }
  };
  const hold = (over: Partial<Parameters<typeof buildCommand>[0]> = {}) =>
    buildCommand({
      device: 'drone-01',
      action: 'hold',
      args: { reason: 'r', for: 60 },
      ttlMs: 60_000,
      ...over,
    });

  // The retained command came (if at all) at subscription time, before this probe: by its answer it is decided.
  const probe = signCommand(
    buildCommand({ device: 'drone-01', action: 'status', ttlMs: 60_000 }),
    key,
    'ops',
  );
  t.match(await ask(JSON.stringify(probe), (r) => r.id === probe.id), {
    status: 'done',
    data: { state: 'online' },
  });
  t.equal(await readHold(holdFile), null, 'the retained hold was not executed');
  t.notOk(
    answers.some((r) => r.id === retained.id),
    'nor answered',
  );
  await op.publishAsync(topic('drone-01'), '', { qos: 1, retain: true });

  const good = signCommand(hold(), key, 'ops');
  const done = await ask(JSON.stringify(good), (r) => r.id === good.id);
  t.match(done, { status: 'done', code: 'ok', action: 'hold', key_id: 'ops', device: 'drone-01' });
  t.equal((await readHold(holdFile))?.reason, 'r', 'the hold is in place when done arrives');

  const again = await ask(JSON.stringify(good), (r) => r.id === good.id && r !== done);
  t.match(again, { status: 'duplicate', code: 'duplicate' }, 'a redelivered id is not executed twice');

  const cases: [string, string | Buffer, string][] = [
    ['not JSON', '{"kind":', 'invalid_json'],
    ['over 16 KiB', Buffer.alloc(17 * 1024, 0x20), 'too_large'],
    [
      'schema: hold without for',
      JSON.stringify(signCommand(hold({ args: { reason: 'r' } }), key, 'ops')),
      'schema_invalid',
    ],
    ['another device', JSON.stringify(signCommand(hold({ device: 'drone-02' }), key, 'ops')), 'wrong_device'],
    [
      'expired',
      JSON.stringify(signCommand(hold({ now: Date.now() - 120_000, ttlMs: 60_000 }), key, 'ops')),
      'expired',
    ],
    [
      'tampered after signing',
      JSON.stringify({ ...signCommand(hold(), key, 'ops'), action: 'resume', args: {} }),
      'signature_invalid',
    ],
    ['unknown key', JSON.stringify(signCommand(hold(), key, 'stranger')), 'unknown_key'],
  ];
  for (const [name, payload, code] of cases) {
    const from = answers.length;
    const r = await ask(payload, (_r) => answers.length > from);
    t.match(r, { status: 'refused', code }, name);
  }
  const unsigned = hold();
  const r = await ask(JSON.stringify(unsigned), (x) => x.id === unsigned.id);
  // As a board answers it (src/command/screen.ts): the responder screens with the device's own code.
  t.match(r, { status: 'refused', code: 'signature_missing' }, 'a command without signature is refused');

  t.equal(invalid.length, 0, 'every answer matched schemas/command-result.schema.json');
});
