// Edge and core Mosquitto brokers joined by a Mosquitto bridge, as in the field: drones on an edge, operators on
// the core. Each broker is a real Mosquitto on its own OS-chosen port (helpers/mosquitto.ts); each edge's bridge
// section is examples/mosquitto-bridge.conf itself, with only its address, client ids, notification topic and
// retry time swapped. The bridge reaches the core through a small TCP relay owned by the test, so that the
// link alone can be cut and restored while both brokers keep running (cut: every connection is closed and new
// ones are refused, like a dead uplink that the edge notices at once).
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { ROOT } from './board.js';
import { type Broker, startMosquitto } from './mosquitto.js';

interface Teardown {
  teardown(fn: () => void | Promise<void>): void;
}

export const BRIDGE_EXAMPLE = join(ROOT, 'examples/mosquitto-bridge.conf');

export interface Link {
  port: number;
  /** Closes every connection through the link and refuses new ones until restore(). */
  cut(): void;
  restore(): void;
}

/** A TCP relay from an OS-chosen port to 127.0.0.1:targetPort that can be cut; closed in t.teardown. */
export async function cuttableLink(t: Teardown, targetPort: number): Promise<Link> {
  const sockets = new Set<Socket>();
  let up = true;
  const track = (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => s.destroy());
    s.setNoDelay(true);
  };
  const server = createServer((client) => {
    if (!up) {
      client.destroy();
      return;
    }
    const upstream = connect({ port: targetPort, host: '127.0.0.1' });
    track(client);
    track(upstream);
    client.pipe(upstream);
    upstream.pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    cut() {
      up = false;
      for (const s of sockets) s.destroy();
    },
    restore() {
      up = true;
    },
  };
}

/**
 * The bridge section of examples/mosquitto-bridge.conf for edge `name`, pointed at 127.0.0.1:port. The
 * example's broker-wide lines the test sets itself (listener, persistence, nodelay) are left out; its
 * `restart_timeout` becomes 1 s so that a restored link is used again within a second, not 2–30 s.
 */
export function bridgeSection(name: string, port: number): string[] {
  return readFileSync(BRIDGE_EXAMPLE, 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .filter((l) => !/^(listener|persistence|persistence_location|set_tcp_nodelay)\s/.test(l))
    .map((l) => {
      if (l.startsWith('address ')) return `address 127.0.0.1:${port}`;
      if (/^(remote|local)_clientid /.test(l)) return `${l.split(' ')[0]} aimlock-bridge-${name}`;
      if (l.startsWith('notification_topic ')) return `notification_topic ${notificationTopic(name)}`;
      if (l.startsWith('restart_timeout ')) return 'restart_timeout 1';
      return l;
    });
}

export const notificationTopic = (edge: string) => `aimlock/bridge/${edge}/state`;

export interface Bridged {
  core: Broker;
  edges: Array<{ name: string; broker: Broker; link: Link }>;
  /** The first edge: the one most tests need. */
  edge: Broker;
  link: Link;
  /** Resolves once the core holds `state` ('1' up, '0' down) as edge's retained link state. */
  linkState(edge: string, state: '0' | '1', timeoutMs?: number): Promise<void>;
}

/** A core and `edges` edge brokers (edge-01, edge-02, …), each bridged to the core; both sides persistent. */
export async function startBridged(t: Teardown, opts: { edges?: number } = {}): Promise<Bridged> {
  // As the example tells the core: the fleet's retained statuses must fit a subscriber's queue.
  const core = await startMosquitto(t, { persistence: true, extraConfig: ['max_queued_messages 100000'] });
  const edges: Bridged['edges'] = [];
  for (let i = 1; i <= (opts.edges ?? 1); i++) {
    const name = `edge-${String(i).padStart(2, '0')}`;
    const link = await cuttableLink(t, core.port);
    const broker = await startMosquitto(t, {
      persistence: true,
      extraConfig: bridgeSection(name, link.port),
    });
    edges.push({ name, broker, link });
  }
  const linkState = (edge: string, state: '0' | '1', timeoutMs = 30000) =>
    waitRetained(core.url, notificationTopic(edge), state, timeoutMs);
  for (const e of edges) await linkState(e.name, '1');
  return { core, edges, edge: edges[0]!.broker, link: edges[0]!.link, linkState };
}

/** Resolves once `topic` carries `want` on the broker at `url` (retained or live); rejects after timeoutMs. */
export async function waitRetained(
  url: string,
  topic: string,
  want: string,
  timeoutMs: number,
): Promise<void> {
  const c = await mqtt.connectAsync(url, {
    clientId: `w-${randomUUID()}`,
    clean: true,
    reconnectPeriod: 200,
  });
  try {
    await new Promise<void>((resolve, reject) => {
      let last = '(nothing)';
      const timer = setTimeout(
        () => reject(new Error(`${topic} did not become ${want} within ${timeoutMs} ms (last: ${last})`)),
        timeoutMs,
      );
      c.on('message', (_topic, payload) => {
        last = payload.toString();
        if (last === want) {
          clearTimeout(timer);
          resolve();
        }
      });
      c.subscribe(topic, { qos: 1 });
    });
  } finally {
    await c.endAsync(true);
  }
}
