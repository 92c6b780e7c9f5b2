// The control socket (JSON lines, owner-only): how `aimlock status/hold/resume/release/reclaim` reach the running
// agent. Requests only ever make the agent look again; the durable facts (hold file, lock files) are written by
// the CLI itself, so nothing is lost when the agent is down.
import { chmod, unlink } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';

export type ControlHandler = (request: Record<string, unknown>) => Promise<Record<string, unknown>>;

export async function serveControl(path: string, handle: ControlHandler): Promise<Server> {
  // A socket file left by a killed agent would make listen() fail with EADDRINUSE.
  await unlink(path).catch(() => {});
  const server = createServer((conn) => {
    let buffer = '';
    conn.setEncoding('utf8');
    conn.on('data', (chunk: string) => {
      buffer += chunk;
      if (buffer.length > 64 * 1024) return conn.destroy();
      let nl = buffer.indexOf('\n');
      while (nl >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        void answer(line).then((reply) => conn.write(`${JSON.stringify(reply)}\n`));
        nl = buffer.indexOf('\n');
      }
    });
    conn.on('error', () => {});
  });
  const answer = async (line: string): Promise<Record<string, unknown>> => {
    try {
      const request = JSON.parse(line) as Record<string, unknown>;
      return await handle(request);
    } catch (err) {
      return { ok: false, error: (err as Error).message };
    }
  };
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => resolve());
  });
  await chmod(path, 0o600);
  return server;
}
