// Sends the outbox to the broker, oldest first, up to IN_FLIGHT messages awaiting their PUBACK at a time.
//
// INVARIANTS
// - One loop at most (kick() while running only asks it to look again), so messages leave in outbox order:
//   a new message waits behind every older one, across reconnects and restarts.
// - An outbox item is acked only after the broker's PUBACK, so a crash or a lost connection re-sends it
//   (at least once). While a PUBACK is awaited and the connection drops, MQTT.js keeps the PUBLISH in its
//   outgoing store and re-sends it on reconnect before it emits 'connect' (client.js _onConnect), and calls
//   our callback on that PUBACK: the loop just keeps waiting, it never publishes the same item twice.
// - No timeout on a PUBACK for the same reason: re-publishing on a timer would duplicate and could reorder.
// - Several in flight because PUBACKs are read by MQTT.js's one packet pipeline, which waits while the agent
//   handles a push: with one in flight, a burst of pushes would starve the outbox until the burst ends.
//   They are written in order on one connection, and acked (removed) strictly in order, so a crash can only
//   re-send, never reorder.
// - The loop only publishes while the client is connected; otherwise it stops, and the next 'connect' kicks it.
// - A PUBACK with an MQTT 5 failure reason (≥ 0x80: not authorized, topic name invalid, quota exceeded…) is
//   final for that message: it is set aside in the outbox (Outbox.refuse, kept for a technician) and logged
//   at error level, and the queue moves on. Never re-published (that would spin on a broker that will say
//   the same), never deleted silently. Over MQTT 3.1.1 a broker cannot refuse a publish: it acknowledges
//   and drops it (Mosquitto's ACL), which no client can see.
import type { ErrorWithReasonCode, MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import type { Outbox, OutboxItem } from '../store/outbox.js';

/** Messages awaiting their PUBACK at once (MQTT.js keeps them in its outgoing store across reconnects). */
const IN_FLIGHT = 16;

export class OutboxFlusher {
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  /** Resolvers of the publishes in flight: stop() releases them all ('retry': keep the item). */
  private readonly wakers = new Set<(done: Delivery) => void>();

  constructor(
    private readonly outbox: Outbox,
    private readonly client: () => MqttClient | null,
    private readonly log: Logger,
  ) {}

  /** Look at the outbox now (or as soon as the current pass ends). */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.loop()
      .catch((err: unknown) =>
        this.log.error({ err }, 'outbox flush failed; retried on the next send or reconnect'),
      )
      .finally(() => {
        this.running = null;
        if (this.again) this.kick();
      });
  }

  /** No more publishing; an item awaiting its PUBACK stays in the outbox and goes out after the next start. */
  stop(): void {
    this.stopped = true;
    for (const wake of this.wakers) wake('retry');
    this.wakers.clear();
  }

  private async loop(): Promise<void> {
    do {
      this.again = false;
      const window: Array<{ item: OutboxItem; done: Promise<Delivery> }> = [];
      const settleOldest = async (): Promise<boolean> => {
        const oldest = window.shift()!;
        const done = await oldest.done;
        if (done === 'retry') return false;
        if (done === 'acked') await this.outbox.ack(oldest.item.seq);
        else {
          const kept = await this.outbox.refuse(oldest.item.seq);
          this.log.error(
            { seq: oldest.item.seq, topic: oldest.item.topic, reason_code: done.refused, kept },
            'broker refused a message for good; set aside in the outbox, not retried',
          );
        }
        return true;
      };
      for (const item of await this.outbox.list()) {
        const client = this.client();
        if (this.stopped || !client?.connected) break;
        window.push({ item, done: this.publish(client, item) });
        if (window.length >= IN_FLIGHT && !(await settleOldest())) break;
      }
      while (window.length) {
        if (!(await settleOldest())) {
          await Promise.all(window.map((w) => w.done));
          return;
        }
      }
    } while (this.again && !this.stopped);
  }

  /** How the broker answered: acknowledged, refused for good (MQTT 5 reason code), or to be sent again later. */
  private publish(client: MqttClient, item: OutboxItem): Promise<Delivery> {
    return new Promise((resolve) => {
      this.wakers.add(resolve);
      client.publish(item.topic, item.payload, { qos: 1, retain: item.retain }, (err) => {
        this.wakers.delete(resolve);
        if (!err) return resolve('acked');
        const code = (err as ErrorWithReasonCode).code;
        if (typeof code === 'number' && code >= 0x80) return resolve({ refused: code });
        this.log.warn({ seq: item.seq, err }, 'publish not acknowledged; kept in the outbox');
        resolve('retry');
      });
    });
  }
}

type Delivery = 'acked' | 'retry' | { refused: number };
