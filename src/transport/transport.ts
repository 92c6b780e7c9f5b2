// The agent's MQTT side (CONTRACT.md §5): one persistent-session client that receives pushes, sends results
// and telemetry through the durable outbox, and keeps the retained status current.
//
// INVARIANTS
// - start() never blocks on the broker: MQTT.js connects and reconnects in the background (with backoff).
// - On every connect, in this order on the wire: SUBSCRIBE push and command (QoS 1, also when the session is present:
//   the re-subscribe makes the broker send the retained desired push again), retained status, then the
//   outbox, oldest first.
// - A push is acknowledged (PUBACK) only after onPush has settled (inbound.ts).
// - Nothing here waits for a broker ack on behalf of a caller: send() resolves once the message is durable
//   in the outbox (or, when the disk failed it, once it is queued in memory or handed to MQTT.js: logged at
//   error level), publishStatus() once it is handed to the socket. The outbox may publish a message before its
//   fdatasync is done (store/outbox.ts). onPush runs while MQTT.js holds back every
//   incoming packet, so waiting for a PUBACK from inside onPush would never end.
// - Nagle is off on every socket (see noDelay()).
import { EventEmitter } from 'node:events';
import type { IConnackPacket, MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import type { Settings } from '../settings/load.js';
import { NotDurableError, type Outbox } from '../store/outbox.js';
import { attachBackoff } from './backoff.js';
import { connectMqtt } from './client.js';
import { BACKOFF_FIRST_MS, buildConnectOptions, offlineStatus, redactOptions } from './connect-options.js';
import { OutboxFlusher } from './flusher.js';
import { installPushHandler, type PushMeta } from './inbound.js';
import { type DeviceTopics, topicsFor } from './topics.js';

export const BACKOFF_MAX_MS = 30_000;
/** How long stop() waits for the broker to acknowledge the `offline` status, then for the DISCONNECT. */
export const STOP_STATUS_TIMEOUT_MS = 2000;
export const STOP_END_TIMEOUT_MS = 1000;

export interface TransportOptions {
  settings: Settings;
  outbox: Outbox;
  log: Logger;
  agentVersion: string;
  /** Called for each incoming push, one at a time; the PUBACK is sent when it settles. At least once: a
   *  push whose onPush did not settle before a crash or lost connection is delivered again. */
  onPush: (payload: Buffer, meta: PushMeta) => Promise<void>;
  /** Called for each operator command (CONTRACT §9), in the same one-at-a-time pipeline as pushes. */
  onCommand?: (payload: Buffer, meta: PushMeta) => Promise<void>;
  /** The current status document (state online/hold, applied, lock, …). */
  statusNow: () => object;
  /** MQTT protocol level, 4 (3.1.1, default) or 5. */
  protocolVersion?: 4 | 5;
}

export interface TransportEvents {
  connect: [{ sessionPresent: boolean }];
  offline: [];
}

export type SendKind = 'result' | 'telemetry' | 'commandResult';

export class Transport extends EventEmitter<TransportEvents> {
  readonly topics: DeviceTopics;
  private client: MqttClient | null = null;
  private readonly flusher: OutboxFlusher;
  private readonly log: Logger;
  private stopping = false;

  constructor(private readonly opts: TransportOptions) {
    super();
    const s = opts.settings;
    this.topics = topicsFor(s.topic_prefix, s.fleet, s.device);
    this.log = opts.log.child({ component: 'mqtt' });
    this.flusher = new OutboxFlusher(opts.outbox, () => this.client, this.log);
  }

  get connected(): boolean {
    return this.client?.connected ?? false;
  }

  /** The MQTT.js client, for diagnostics and tests; null before start(). */
  get mqttClient(): MqttClient | null {
    return this.client;
  }

  start(): void {
    if (this.client) throw new Error('Transport.start() called twice');
    const { url, options } = buildConnectOptions(this.opts.settings, {
      agentVersion: this.opts.agentVersion,
      protocolVersion: this.opts.protocolVersion ?? 4,
    });
    this.log.info({ url, options: redactOptions(options) }, 'connecting to the MQTT broker');
    const client = connectMqtt(url, options);
    this.client = client;
    attachBackoff(client, { firstMs: BACKOFF_FIRST_MS, maxMs: BACKOFF_MAX_MS });
    installPushHandler(client, {
      pushTopic: this.topics.push,
      onPush: this.opts.onPush,
      ...(this.opts.onCommand ? { commandTopic: this.topics.command, onCommand: this.opts.onCommand } : {}),
      log: this.log,
    });

    client.on('packetsend', (packet) => {
      // CONNECT is the first packet on every new socket (first connect and each reconnect).
      if (packet.cmd === 'connect') noDelay(client);
    });
    client.on('reconnect', () => {
      // The will is sent with every CONNECT; give it the time of this attempt rather than of the first one.
      const will = client.options.will;
      if (will) will.payload = willPayload(this.opts.settings.device, this.opts.agentVersion);
    });
    client.on('connect', (connack: IConnackPacket) => this.onConnect(client, connack));
    client.on('offline', () => {
      this.log.warn({ next_attempt_ms: client.options.reconnectPeriod }, 'MQTT broker unreachable; retrying');
      this.emit('offline');
    });
    client.on('error', (err) =>
      this.log.warn({ err: { message: err.message, code: (err as { code?: unknown }).code } }, 'MQTT error'),
    );
  }

  /** Queues a result or telemetry message durably; resolves once it is durable in the outbox, not on PUBACK
   *  (when the disk fails, once it is queued without a durable copy: see the header). */
  async send(kind: SendKind, payload: object): Promise<void> {
    const topic = this.topics[kind];
    const body = JSON.stringify(payload);
    let queued: { seq: number; dropped: number };
    try {
      // Sent as soon as it is in the queue, while its fdatasync runs (outbox.ts).
      queued = await this.opts.outbox.enqueue({ topic, payload: body }, () => this.flusher.kick());
    } catch (err) {
      if (err instanceof NotDurableError) {
        // Queued (sent once connected); the outbox rewrites its journal before its next append, until then a
        // power cut may lose the message.
        this.log.error(
          { err: err.message, topic },
          'outbox fdatasync failed; message queued without a durable copy until the next outbox write',
        );
        return;
      }
      // The outbox cannot take it (a full, read-only or failing disk). An answer must not be lost for that,
      // nor the caller fail: hand it to MQTT.js (its memory queue keeps it across a reconnect, not a restart).
      this.log.error(
        { err: (err as Error).message, topic },
        'outbox write failed; message sent without a durable copy (lost only if the agent stops before the broker has it)',
      );
      const client = this.client;
      if (!client) {
        this.log.error({ topic, payload: body }, 'no MQTT client yet: message dropped');
        return;
      }
      client.publish(topic, body, { qos: 1 }, (e) => {
        if (e)
          this.log.error(
            { err: e.message, topic, payload: body },
            'message without a durable copy not delivered',
          );
      });
      return;
    }
    const { seq, dropped } = queued;
    if (dropped > 0) this.log.warn({ dropped, seq }, `outbox full: ${dropped} oldest message(s) dropped`);
  }

  /**
   * Publishes statusNow() retained, now; resolves once it is written (not on PUBACK), and never rejects (a
   * failure is logged). A no-op while offline: every (re)connect publishes the status anyway.
   */
  async publishStatus(): Promise<void> {
    const client = this.client;
    if (!client?.connected || this.stopping) return;
    const doc = this.currentStatus();
    if (doc) this.publishRetainedStatus(client, doc);
  }

  /** Publishes a retained `offline` status (bounded wait for its PUBACK), then disconnects (bounded). */
  async stop(): Promise<void> {
    const client = this.client;
    if (!client || this.stopping) return;
    this.stopping = true;
    this.flusher.stop();
    let said = false;
    if (client.connected) {
      const doc = {
        ...(this.currentStatus() ?? offlineStatus(this.opts.settings.device, this.opts.agentVersion)),
        state: 'offline',
        ts: new Date().toISOString(),
      };
      said = await within(
        STOP_STATUS_TIMEOUT_MS,
        client
          .publishAsync(this.topics.status, JSON.stringify(doc), { qos: 1, retain: true })
          .then(() => true),
      ).catch((err: unknown) => {
        this.log.warn({ err }, 'offline status not acknowledged; the last will says it instead');
        return false;
      });
    }
    // Without the acknowledged offline status, skip DISCONNECT (force): the broker then publishes the will.
    const ended = await within(
      STOP_END_TIMEOUT_MS,
      client.endAsync(!said).then(() => true),
    ).catch(() => false);
    if (!ended) client.stream?.destroy();
    this.log.info({ offline_status: said }, 'disconnected from the MQTT broker');
  }

  private onConnect(client: MqttClient, connack: IConnackPacket): void {
    const sessionPresent = connack.sessionPresent === true;
    this.log.info({ session_present: sessionPresent }, 'connected to the MQTT broker');
    noDelay(client);
    // Commands are subscribed beside pushes; a broker ACL that refuses the command topic (one not yet updated
    // for CONTRACT §9) costs the commands only, never the pushes.
    const topics = this.opts.onCommand ? [this.topics.push, this.topics.command] : [this.topics.push];
    client.subscribe(topics, { qos: 1 }, (err, granted) => {
      const refused = granted?.filter((g) => g.qos === 0x80 || g.qos > 2) ?? [];
      for (const g of refused) this.log.error({ granted: g }, `subscription to ${g.topic} refused`);
      if (err) this.log.error({ err, topics }, 'subscription refused');
    });
    const status = this.currentStatus();
    if (status) this.publishRetainedStatus(client, status);
    this.flusher.kick();
    this.emit('connect', { sessionPresent });
  }

  private publishRetainedStatus(client: MqttClient, doc: object): void {
    // QoS 1 so a status lost with the connection is re-sent; the callback (on PUBACK) is only for logging.
    client.publish(this.topics.status, JSON.stringify(doc), { qos: 1, retain: true }, (err) => {
      if (err) this.log.warn({ err: err.message }, 'status publish failed; republished on the next connect');
    });
  }

  private currentStatus(): Record<string, unknown> | null {
    try {
      return { ...this.opts.statusNow() };
    } catch (err) {
      this.log.error({ err }, 'status document could not be built; not published');
      return null;
    }
  }
}

function willPayload(device: string, agentVersion: string): Buffer {
  return Buffer.from(JSON.stringify(offlineStatus(device, agentVersion)));
}

/**
 * TCP_NODELAY on the client's socket (net.Socket, or tls.TLSSocket which forwards it to its TCP handle).
 * MQTT.js never sets it, and with Nagle on a small PUBLISH written right behind an un-ACKed PUBACK waits for
 * the broker's delayed ACK: ~40 ms per round trip on Linux. Set before the socket is connected, Node applies it
 * on connect.
 */
function noDelay(client: MqttClient): void {
  const stream = client.stream as unknown as { setNoDelay?: (on: boolean) => unknown };
  stream.setNoDelay?.(true);
}

function within<T>(ms: number, p: Promise<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    p.then(resolve, reject).finally(() => clearTimeout(timer));
  });
}
