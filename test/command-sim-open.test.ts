// The simulator's responder opens every board when it starts (not on its first command, which made 1,000
// first opens part of a hold point). A board that cannot be opened must not stop the responder from starting:
// its commands are answered `refused/internal` with the reason, as before, and the other boards answer.
import { createPrivateKey } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import mqtt from 'mqtt';
import t from 'tap';
import { buildCommand, signCommand } from '../src/command/envelope.js';
import type { CommandResult } from '../src/fleet/command/types.js';
import { startFleet } from '../src/fleet/sim.js';
import { startResponder } from '../src/fleet/sim-command.js';
import { generateKeyPair } from '../src/sign/index.js';
import { startMosquitto } from './helpers/mosquitto.js';

t.test('a board that cannot be opened answers internal; the responder and the others go on', async (t) => {
  const broker = await startMosquitto(t);
  const dir = t.testdir();
  const pair = generateKeyPair();
  const key = createPrivateKey(pair.privatePem);
  // One real board (the fleet's own responder off: this test starts its own over it and a broken one).
  const fleet = await startFleet({
    drones: 1,
    brokerUrl: broker.url,
    fleet: 'open',
    dir: join(dir, 'boards'),
    keys: [{ id: 'ops', publicPem: pair.publicPem }],
    logLevel: 'silent',
    commands: 'none',
  });
  t.teardown(() => fleet.stop());
  const broken = join(dir, 'broken.json');
  writeFileSync(broken, '{ not json');
  const responder = await startResponder({
    brokerUrl: broker.url,
    fleet: 'open',
    devices: [
      { device: 'drone-01', settingsFile: fleet.devices[0]!.settingsFile },
      { device: 'drone-02', settingsFile: broken },
    ],
    keys: [{ id: 'ops', publicPem: pair.publicPem }],
  });
  t.teardown(() => responder.stop());

  const op = await mqtt.connectAsync(broker.url, { clientId: 'open-op' });
  t.teardown(() => op.endAsync(true));
  const answers = new Map<string, CommandResult>();
  let wake = () => {};
  op.on('message', (_topic, payload) => {
    const r = JSON.parse(payload.toString()) as CommandResult;
    answers.set(r.device, r);
    wake();
  });
  await op.subscribeAsync('aimlock/v1/open/+/command/result', { qos: 1 });
  for (const device of ['drone-01', 'drone-02']) {
    const c = signCommand(buildCommand({ device, action: 'status', ttlMs: 60_000 }), key, 'ops');
    await op.publishAsync(`aimlock/v1/open/${device}/command`, JSON.stringify(c), { qos: 1 });
  }
  while (answers.size < 2) await new Promise<void>((r) => (wake = r));
  t.match(answers.get('drone-01'), { status: 'done', code: 'ok' }, 'the good board answers');
  t.match(
    answers.get('drone-02'),
    { status: 'refused', code: 'internal', detail: /the simulated drone failed: .*broken\.json/ },
    'the broken board answers internal, naming its settings file',
  );
});
