// A slow link (../shared/FAULTS.md: "a small user-space TCP proxy that holds each chunk for N ms"): every byte
// between a client and the broker arrives `delayMs` late, in order, in both directions. Closed in t.teardown.
import { connect, createServer, type Socket } from 'node:net';

interface Teardown {
  teardown(fn: () => void | Promise<void>): void;
}

export interface DelayProxy {
  url: string;
}

export async function delayProxy(t: Teardown, brokerPort: number, delayMs: number): Promise<DelayProxy> {
  const sockets = new Set<Socket>();
  const track = (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => s.destroy());
    s.setNoDelay(true);
  };
  /** Copies `from` to `to`, each chunk `delayMs` later; a close travels with the same delay. */
  const slow = (from: Socket, to: Socket) => {
    from.on('data', (chunk) => setTimeout(() => to.writable && to.write(chunk), delayMs));
    from.on('end', () => setTimeout(() => to.end(), delayMs));
    from.on('close', () => setTimeout(() => to.destroy(), delayMs));
  };
  const server = createServer((client) => {
    const upstream = connect({ port: brokerPort, host: '127.0.0.1' });
    track(client);
    track(upstream);
    slow(client, upstream);
    slow(upstream, client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { url: `mqtt://127.0.0.1:${port}` };
}
