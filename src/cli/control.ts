// Talking to the running agent over its control socket (JSON lines). The CLI works without an agent; this
// lets a running one react at once instead of at its next look, and publish what a technician did.
import { createConnection } from 'node:net';
import type { Board } from '../board/open.js';
import { leaveForAgent, TECHNICIAN_EVENTS, type TechnicianReport } from '../store/deferred-events.js';

export type ControlReply = Record<string, unknown>;

/** Sends one request; resolves with the reply, or null when no agent answers within `timeoutMs`. */
export function askAgent(
  socket: string,
  request: Record<string, unknown>,
  timeoutMs = 2000,
): Promise<ControlReply | null> {
  return new Promise((resolve) => {
    const conn = createConnection(socket);
    let buffer = '';
    const done = (value: ControlReply | null) => {
      clearTimeout(timer);
      conn.destroy();
      resolve(value);
    };
    const timer = setTimeout(() => done(null), timeoutMs);
    conn.on('connect', () => conn.write(`${JSON.stringify(request)}\n`));
    conn.on('data', (chunk) => {
      buffer += chunk.toString();
      const nl = buffer.indexOf('\n');
      if (nl < 0) return;
      try {
        done(JSON.parse(buffer.slice(0, nl)) as ControlReply);
      } catch {
        done(null);
      }
    });
    conn.on('error', () => done(null));
  });
}

/** Fire-and-forget notification: the agent re-reads files on its own anyway. */
export async function notifyAgent(socket: string, request: Record<string, unknown>): Promise<boolean> {
  return (await askAgent(socket, request, 1000)) !== null;
}

/**
 * Tells a running agent what this command did (it publishes the telemetry and takes a fresh look); with no
 * agent answering, leaves the event for its next start. True when an agent answered.
 */
export async function reportToAgent(
  board: Board,
  cmd: TechnicianReport,
  fields: Record<string, unknown>,
): Promise<boolean> {
  if (await notifyAgent(board.paths.socket, { cmd, ...fields })) return true;
  await leaveForAgent(
    board.paths.deferredEvents,
    TECHNICIAN_EVENTS[cmd],
    { file: board.paths.fileName, ...fields },
    board.tree,
  );
  return false;
}
