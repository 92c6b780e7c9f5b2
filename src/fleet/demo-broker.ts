// The demo's MQTT broker: aedes (a broker written in JavaScript) in this very process, on a free loopback
// port, so that `aimlock demo` needs no Mosquitto. It also lets the demo watch every message the fleet and the
// rollout publish, the way the broker saw it, without a client of its own.
import { createServer, type Server, type Socket } from 'node:net';

export interface BrokerMessage {
  topic: string;
  payload: Buffer;
  retain: boolean;
  /** The publishing client's id; null for messages the broker makes itself ($SYS). */
  client: string | null;
}

export interface DemoBroker {
  url: string;
  port: number;
  /** Called for every message published through the broker, as it arrives. */
  onPublish(listener: (m: BrokerMessage) => void): void;
  /** Drops every connection, stops listening, closes the broker. Idempotent. */
  close(): Promise<void>;
}

export async function startBroker(): Promise<DemoBroker> {
  const { Aedes } = await import('aedes');
  const broker = await Aedes.createBroker();
  const listeners: ((m: BrokerMessage) => void)[] = [];
  broker.on('publish', (packet, client) => {
    if (packet.topic.startsWith('$SYS/')) return;
    const m: BrokerMessage = {
      topic: packet.topic,
      payload: Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload),
      retain: packet.retain,
      client: client?.id ?? null,
    };
    for (const l of listeners) l(m);
  });
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    broker.handle(socket);
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    await new Promise<void>((resolve) => broker.close(() => resolve()));
    throw err;
  }
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  let closing: Promise<void> | null = null;
  return {
    url: `mqtt://127.0.0.1:${port}`,
    port,
    onPublish(listener) {
      listeners.push(listener);
    },
    close() {
      closing ??= (async () => {
        listeners.length = 0;
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        for (const s of sockets) s.destroy();
        await stopped;
        await new Promise<void>((resolve) => broker.close(() => resolve()));
      })();
      return closing;
    },
  };
}
