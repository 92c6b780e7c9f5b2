// Round trip through a local Mosquitto: operator PUBLISH push → Transport.onPush → send('result') (durable
// outbox) → operator gets the result. Runs once with TCP_NODELAY (what the Transport does) and once with Nagle
// forced back on for the agent's socket, to show what setNoDelay buys.
//
//   node --import @tapjs/typescript/import bench/mqtt-rtt.ts [rounds]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import pino from 'pino';
import { applyDefaults } from '../src/schemas/index.js';
import type { Settings } from '../src/settings/load.js';
import { Outbox } from '../src/store/outbox.js';
import { Transport } from '../src/transport/index.js';
import { startMosquitto } from '../test/helpers/mosquitto.js';

const rounds = Number(process.argv[2] ?? 200);
const cleanups: Array<() => void | Promise<void>> = [];
const broker = await startMosquitto({ teardown: (fn) => cleanups.push(fn) });

async function run(nagle: boolean): Promise<number[]> {
  const device = nagle ? 'bench-nagle' : 'bench-nodelay';
  const dir = mkdtempSync(join(tmpdir(), 'aimlock-bench-'));
  const transport: Transport = new Transport({
    settings: applyDefaults<Settings>('agent-settings', { device, fleet: 'b', broker: { url: broker.url } }),
    outbox: new Outbox(join(dir, 'outbox')),
    log: pino({ level: 'silent' }),
    agentVersion: 'bench',
    onPush: (payload) => transport.send('result', { n: JSON.parse(payload.toString()).n }),
    statusNow: () => ({ state: 'online' }),
  });
  transport.start();
  const client = transport.mqttClient!;
  if (nagle) {
    // Registered after the Transport's own listeners, so these win: Nagle back on, on every socket.
    const off = () => (client.stream as unknown as { setNoDelay(b: boolean): void }).setNoDelay(false);
    client.on('packetsend', (p) => p.cmd === 'connect' && off());
    client.on('connect', off);
  }
  await new Promise((r) => transport.once('connect', r));

  const op = await mqtt.connectAsync(broker.url, { clientId: `op-${device}` });
  (op.stream as unknown as { setNoDelay(b: boolean): void }).setNoDelay(true);
  await op.subscribeAsync(`aimlock/v1/b/${device}/config/result`, { qos: 1 });
  const rtts: number[] = [];
  for (let n = 0; n < rounds; n++) {
    const got = new Promise<void>((resolve) => {
      const on = (_t: string, payload: Buffer) => {
        if (JSON.parse(payload.toString()).n !== n) return;
        op.off('message', on);
        resolve();
      };
      op.on('message', on);
    });
    const t0 = performance.now();
    op.publish(`aimlock/v1/b/${device}/config/push`, JSON.stringify({ n }), { qos: 1 });
    await got;
    rtts.push(performance.now() - t0);
  }
  await op.endAsync();
  await transport.stop();
  rmSync(dir, { recursive: true, force: true });
  return rtts.sort((a, b) => a - b);
}

const pct = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.floor(xs.length * p))]!.toFixed(2);
for (const nagle of [false, true]) {
  const r = await run(nagle);
  console.log(
    `${nagle ? 'Nagle on   ' : 'TCP_NODELAY'}  rounds=${rounds}  min=${pct(r, 0)} ms  p25=${pct(r, 0.25)} ms  median=${pct(r, 0.5)} ms  p90=${pct(r, 0.9)} ms  max=${pct(r, 1)} ms`,
  );
}
for (const fn of cleanups) await fn();
