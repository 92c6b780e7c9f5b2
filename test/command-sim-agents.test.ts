// The simulator with --commands agent: its real in-process agents answer operator commands themselves (the
// device side, src/command/), each exactly once; with the default responder they stay silent (one answer).
import { createPrivateKey } from 'node:crypto';
import { join } from 'node:path';
import t from 'tap';
import { startFleet } from '../src/fleet/sim.js';
import { generateKeyPair } from '../src/sign/index.js';
import { command, commander } from './helpers/command.js';
import { startMosquitto } from './helpers/mosquitto.js';

for (const mode of ['agent', 'responder'] as const) {
  t.test(`--commands ${mode}: one answer per command`, async (t) => {
    const broker = await startMosquitto(t);
    const pair = generateKeyPair();
    const op = { id: 'ops', key: createPrivateKey(pair.privatePem) };
    const fleet = await startFleet({
      drones: 1,
      brokerUrl: broker.url,
      fleet: 'alpha',
      dir: join(t.testdir(), 'boards'),
      keys: [{ id: 'ops', publicPem: pair.publicPem }],
      logLevel: 'silent',
      commands: mode,
    });
    t.teardown(() => fleet.stop());
    const cmd = await commander(t, broker.url, 'drone-01');
    const hold = command(op, 'hold', { reason: `sim ${mode}`, for: 60 }, { device: 'drone-01' });
    t.match(await cmd.send(hold), { status: 'done', code: 'ok', device: 'drone-01' });
    // A later command's answer proves every answer to the first is in (one connection, in order).
    t.match(await cmd.send(command(op, 'resume', {}, { device: 'drone-01' })), { status: 'done' });
    t.equal(cmd.answers.filter((a) => a.id === hold.id).length, 1, 'exactly one answer to the hold');
  });
}
