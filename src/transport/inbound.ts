// Incoming pushes: the PUBACK leaves only after onPush has finished with the message.
//
// How MQTT.js 5 makes this possible (node_modules/mqtt/build/lib/handlers/publish.js, client.js connect()):
// - for a QoS 1 PUBLISH, handlePublish calls `client.handleMessage(packet, cb)` and sends the PUBACK inside
//   cb; the default handleMessage calls cb at once. Ours calls it when onPush settles.
// - packets are handled one at a time: the next parsed packet (and the next socket chunk) waits until the
//   current handler calls done. So pushes are serialised — what the agent wants — but PUBACKs for our own
//   publishes and PINGRESPs also wait. Hence two rules:
//   1. nothing onPush may await can depend on a broker ack (Transport.send/publishStatus resolve without
//      one), or it deadlocks;
//   2. while onPush runs MQTT.js's keepalive sees no PINGRESP and would drop the connection after 1.5 ×
//      keepalive (then the push is redelivered and handled twice). keepBusyAlive() below keeps the broker
//      fed with PINGREQs and resets MQTT.js's keepalive count until onPush settles. A dead link is then only
//      noticed after onPush (bounded by lock.wait_ms and the apply hook timeout).
// A throwing onPush must not wedge the client: it is logged and the message acknowledged anyway (a push
// that makes the handler throw would otherwise come back forever).
import type { MqttClient } from 'mqtt';
import type { Logger } from 'pino';

/** `retained`: the broker's stored desired state, (re)delivered on subscribe — not a new push. */
export interface PushMeta {
  retained: boolean;
}

export type InboundHandler = (payload: Buffer, meta: PushMeta) => Promise<void>;

/**
 * `onCommand` (CONTRACT §9): operator commands on their own topic go through the same one-at-a-time pipeline
 * as pushes, so a command and a push never interleave and each is acknowledged once handled.
 */
export function installPushHandler(
  client: MqttClient,
  opts: {
    pushTopic: string;
    onPush: InboundHandler;
    commandTopic?: string;
    onCommand?: InboundHandler;
    log: Logger;
  },
): void {
  client.handleMessage = (packet, done) => {
    const handler =
      packet.topic === opts.pushTopic
        ? opts.onPush
        : opts.commandTopic !== undefined && packet.topic === opts.commandTopic
          ? opts.onCommand
          : undefined;
    if (!handler) {
      opts.log.warn({ topic: packet.topic }, 'message on a topic the agent never subscribed to; ignored');
      done();
      return;
    }
    const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
    const stopBeat = keepBusyAlive(client);
    const started = Date.now();
    let settled: Promise<void>;
    try {
      settled = Promise.resolve(handler(payload, { retained: packet.retain === true }));
    } catch (err) {
      settled = Promise.reject(err);
    }
    settled
      .catch((err: unknown) => {
        opts.log.error(
          { err, topic: packet.topic, dup: packet.dup },
          'message handler failed; acknowledged anyway',
        );
      })
      .finally(() => {
        stopBeat();
        opts.log.debug(
          { ms: Date.now() - started, message_id: packet.messageId },
          'push handled; acknowledging',
        );
        done();
      });
  };
}

/** Keeps the connection alive while the packet pipeline is blocked; returns the function that stops it. */
export function keepBusyAlive(client: MqttClient): () => void {
  const keepaliveS = client.options.keepalive ?? 0;
  if (keepaliveS <= 0) return () => {};
  const timer = setInterval(
    () => {
      if (!client.connected) return;
      client.sendPing();
      client.reschedulePing(true);
    },
    Math.max(100, (keepaliveS * 1000) / 2),
  );
  timer.unref();
  return () => clearInterval(timer);
}
