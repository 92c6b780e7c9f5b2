// What `aimlock sim` prints while it runs: an operator-side client on the fleet's results and telemetry (its
// connection is also the proof that a broker answers), and one line per message it sees.
import { randomBytes } from 'node:crypto';
import mqtt, { type MqttClient } from 'mqtt';
import { CliError } from '../../errors.js';
import type { Context } from '../command.js';

const CONNECT_TIMEOUT_MS = 5000;

/** An operator-side client that prints what the fleet says; also proves the broker answers before we start. */
export async function connectWatcher(url: string): Promise<MqttClient> {
  const client = mqtt.connect(url, {
    clientId: `aimlock-sim-${randomBytes(4).toString('hex')}`,
    clean: true,
    reconnectPeriod: 1000,
    connectTimeout: CONNECT_TIMEOUT_MS,
  });
  client.on('error', () => {});
  const ok = await new Promise<boolean>((res) => {
    const timer = setTimeout(() => res(false), CONNECT_TIMEOUT_MS);
    client.once('connect', () => {
      clearTimeout(timer);
      res(true);
    });
  });
  if (!ok) {
    client.end(true);
    throw new CliError(
      'timeout',
      `no MQTT broker answers at ${url} within ${CONNECT_TIMEOUT_MS / 1000} s; start one (mosquitto -p 1883) or pass --broker URL`,
    );
  }
  return client;
}

export function eventLine(ctx: Context, topic: string, payload: Buffer): string {
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(payload.toString()) as Record<string, unknown>;
  } catch {
    return ctx.json ? '' : `${clock()} ${topic}: (not JSON)\n`;
  }
  if (ctx.json) return `${JSON.stringify(doc)}\n`;
  const device = String(doc.device ?? topic.split('/')[3]);
  if (topic.endsWith('/telemetry')) {
    const verdict = typeof doc.verdict === 'string' ? ` ${doc.verdict}` : '';
    return `${clock()} ${device} telemetry ${String(doc.event)}${verdict}\n`;
  }
  const id = typeof doc.id === 'string' ? ` push ${doc.id.slice(0, 8)}` : '';
  return `${clock()} ${device} result ${String(doc.status)}/${String(doc.code)} v${String(doc.version)}${id}: ${String(doc.detail ?? '')}\n`;
}

function clock(): string {
  return new Date().toTimeString().slice(0, 8);
}
