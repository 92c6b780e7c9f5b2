// MQTT.js client options from the agent settings (CONTRACT.md §5): persistent session under a stable client
// id, QoS 1 last will that marks the device offline, credentials and TLS material read from their files.
//
// INVARIANTS
// - The password is read from `password_file` and lives only in the options object handed to MQTT.js; the
//   only loggable view of the options is redactOptions(), which masks it and the private key.
// - `clean: false` and clientId = device: a push sent while the board was away waits in the broker session.
// - `resubscribe: false`: the transport subscribes itself on every connect (MQTT.js would skip it when the
//   session is present, and the re-subscribe is what makes the broker send the retained push again).
import { readFileSync } from 'node:fs';
import type { IClientOptions } from 'mqtt';
import type { Settings } from '../settings/load.js';
import { topicsFor } from './topics.js';

export const BACKOFF_FIRST_MS = 500;

/**
 * MQTT 5 session expiry, in seconds: never (0xFFFFFFFF). Under MQTT 5 `clean: false` alone keeps nothing — a
 * session with no Session Expiry Interval ends when the connection does [MQTT-3.1.2-23 / 3.1.2.11.2], so a push
 * sent while the board was away would be lost. Never expiring is what `clean: false` means under 3.1.1.
 */
export const SESSION_EXPIRY_NEVER_S = 0xffffffff;

/**
 * MQTT 5 Maximum Packet Size the agent announces in CONNECT: a push is at most 64 KiB (CONTRACT §5), plus room
 * for the PUBLISH header, topic and properties. The broker must not send a larger packet [MQTT-3.1.2-24]: it
 * drops it for this client, so a megabyte publish never reaches the agent's memory (Mosquitto logs the drop;
 * the operator gets no answer). MQTT 3.1.1 has no such field: there MQTT.js buffers the whole packet and the
 * agent answers too_large; cap it on the broker (Mosquitto's message_size_limit).
 */
export const MAX_INBOUND_PACKET_BYTES = 64 * 1024 + 4096;

export interface ConnectOptionsExtra {
  agentVersion: string;
  /** MQTT protocol level: 4 = 3.1.1 (default), 5 = MQTT 5. */
  protocolVersion?: 4 | 5;
  /** Clock for the will's `ts`. */
  now?: () => Date;
}

export interface AgentConnectOptions {
  url: string;
  options: IClientOptions;
}

export function buildConnectOptions(settings: Settings, extra: ConnectOptionsExtra): AgentConnectOptions {
  const b = settings.broker;
  const topics = topicsFor(settings.topic_prefix, settings.fleet, settings.device);
  const options: IClientOptions = {
    clientId: settings.device,
    clean: false,
    protocolVersion: extra.protocolVersion ?? 4,
    keepalive: b.keepalive_s,
    // Only the first wait: the transport doubles client.options.reconnectPeriod after each failed attempt.
    reconnectPeriod: BACKOFF_FIRST_MS,
    connectTimeout: 10_000,
    // A refused CONNACK (bad credentials, server unavailable) is retried like a lost connection: a board
    // must come back by itself once the operator fixes the broker side.
    reconnectOnConnackError: true,
    resubscribe: false,
    // QoS 0 is never used; a publish while offline goes to the outbox instead of MQTT.js's memory queue.
    queueQoSZero: false,
    // mqtt-packet's number cache is 65,536 two-byte Buffers (≈ 6 MiB of heap, a quarter of the agent's) built
    // on the first packet written, to save one 2-byte allocation per packet id; a push every few seconds
    // gains nothing from it (README "Performance": measured).
    writeCache: false,
    will: {
      topic: topics.status,
      payload: Buffer.from(JSON.stringify(offlineStatus(settings.device, extra.agentVersion, extra.now?.()))),
      qos: 1,
      retain: true,
    },
  };
  if (options.protocolVersion === 5) {
    options.properties = {
      sessionExpiryInterval: SESSION_EXPIRY_NEVER_S,
      maximumPacketSize: MAX_INBOUND_PACKET_BYTES,
    };
  }
  if (b.username !== null) options.username = b.username;
  if (b.password_file !== null) options.password = readPassword(b.password_file);
  if (b.url.startsWith('mqtts:') || b.url.startsWith('ssl:') || b.url.startsWith('wss:')) {
    if (b.ca_file !== null) options.ca = readFileSync(b.ca_file);
    if (b.cert_file !== null) options.cert = readFileSync(b.cert_file);
    if (b.key_file !== null) options.key = readFileSync(b.key_file);
    options.rejectUnauthorized = true;
  }
  return { url: b.url, options };
}

/** The last-will status: nothing known about the board but that the agent is gone. */
export function offlineStatus(
  device: string,
  agentVersion: string,
  now = new Date(),
): Record<string, unknown> {
  return {
    kind: 'aimlock.status/v1',
    device,
    state: 'offline',
    applied: null,
    lock: null,
    agent_version: agentVersion,
    ts: now.toISOString(),
  };
}

/** A copy safe to log: secrets masked, buffers summarised. */
export function redactOptions(options: IClientOptions): Record<string, unknown> {
  const out: Record<string, unknown> = { ...options };
  if (out.password !== undefined) out.password = '[redacted]';
  if (out.key !== undefined) out.key = '[redacted]';
  for (const k of ['ca', 'cert'] as const) if (out[k] !== undefined) out[k] = '[pem]';
  if (options.will) out.will = { ...options.will, payload: options.will.payload?.toString() };
  return out;
}

function readPassword(file: string): string {
  // Only the trailing newline an editor leaves is dropped (the settings schema's promise); inner and leading
  // whitespace may be part of the password.
  return readFileSync(file, 'utf8').replace(/\r?\n$/, '');
}
