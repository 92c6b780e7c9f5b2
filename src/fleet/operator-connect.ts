// The operator's connection to the broker: the options (credentials and TLS, given or from an agent settings
// file), a first connection that gives up after a bound, and Nagle off on every socket (each CONNECT, first
// and reconnects), or every round trip costs ~40 ms.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { Settings } from '../settings/load.js';

export interface OperatorConnectOptions {
  fleet: string;
  /** Topic prefix (settings.topic_prefix); default aimlock/v1. */
  prefix?: string;
  /** Default: aimlock-op-{random}; a clean session either way. */
  clientId?: string;
  username?: string;
  password?: string;
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  protocolVersion?: 4 | 5;
  /** Give up on the first connection after this long (reconnects are retried meanwhile). Default 10 s. */
  connectTimeoutMs?: number;
}

/** The broker credentials and TLS material of an agent settings file, for an operator on that machine. */
export function brokerAuthFromSettings(
  broker: Settings['broker'],
): Pick<OperatorConnectOptions, 'username' | 'password' | 'ca' | 'cert' | 'key'> {
  const out: Pick<OperatorConnectOptions, 'username' | 'password' | 'ca' | 'cert' | 'key'> = {};
  if (broker.username !== null) out.username = broker.username;
  if (broker.password_file !== null)
    out.password = readFileSync(broker.password_file, 'utf8').replace(/\r?\n$/, '');
  if (broker.ca_file !== null) out.ca = readFileSync(broker.ca_file);
  if (broker.cert_file !== null) out.cert = readFileSync(broker.cert_file);
  if (broker.key_file !== null) out.key = readFileSync(broker.key_file);
  return out;
}

export class BrokerUnreachable extends Error {}

/** A clean-session client, connected (TCP_NODELAY); rejects with BrokerUnreachable after connectTimeoutMs. */
export async function connectMqtt(url: string, opts: OperatorConnectOptions): Promise<MqttClient> {
  const options: IClientOptions = {
    clientId: opts.clientId ?? `aimlock-op-${randomUUID().slice(0, 8)}`,
    clean: true,
    protocolVersion: opts.protocolVersion ?? 4,
    keepalive: 30,
    reconnectPeriod: 1000,
    connectTimeout: opts.connectTimeoutMs ?? 10_000,
    // A reconnect of a clean session has no subscriptions: MQTT.js subscribes again (and the broker resends
    // the retained statuses).
    resubscribe: true,
  };
  for (const k of ['username', 'password', 'ca', 'cert', 'key'] as const)
    if (opts[k] !== undefined) (options as Record<string, unknown>)[k] = opts[k];
  if (opts.ca || opts.cert) options.rejectUnauthorized = true;
  const client = mqtt.connect(url, options);
  client.on('packetsend', (packet) => {
    if (packet.cmd === 'connect') noDelay(client);
  });
  let lastError: Error | null = null;
  // Always listened to: an unhandled 'error' event would crash the process.
  client.on('error', (err) => {
    lastError = err;
  });
  const timeoutMs = opts.connectTimeoutMs ?? 10_000;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      client.off('connect', onConnect);
      client.end(true);
      reject(
        new BrokerUnreachable(
          `no connection to the MQTT broker ${url} within ${timeoutMs / 1000} s${lastError ? ` (${lastError.message})` : ''}`,
        ),
      );
    }, timeoutMs);
    const onConnect = () => {
      clearTimeout(timer);
      resolve();
    };
    client.once('connect', onConnect);
  });
  noDelay(client);
  return client;
}

/** TCP_NODELAY on the client's socket (see src/transport/transport.ts for why). */
function noDelay(client: MqttClient): void {
  const stream = client.stream as unknown as { setNoDelay?: (on: boolean) => unknown } | undefined;
  stream?.setNoDelay?.(true);
}
