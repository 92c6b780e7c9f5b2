// Talking to the running agent over its control socket (JSON lines). The CLI works without an agent; this
// lets a running one react at once instead of at its next look, and publish what a technician did.
import { lstatSync } from 'node:fs';
import { createConnection } from 'node:net';
import type { Board } from '../board/open.js';
import { leaveForAgent, TECHNICIAN_EVENTS, type TechnicianReport } from '../store/deferred-events.js';
import { UnsafePathError } from '../store/owned.js';

export type ControlReply = Record<string, unknown>;

/**
 * The socket lives in the agent's runtime directory, which the agent's user owns: a link there could aim a
 * root technician's request at another service's socket. connect(2) has no O_NOFOLLOW, so the name is
 * checked first (a check-then-connect: it narrows, the socket's owner cannot be proved by a path).
 */
function refuseLinkedSocket(socket: string): void {
  let isLink = false;
  try {
    isLink = lstatSync(socket).isSymbolicLink();
  } catch {
    return; // absent: connect fails and says so (no agent)
  }
  if (isLink) throw new UnsafePathError(socket, 'the control socket is a symbolic link');
}

/** Sends one request; resolves with the reply, or null when no agent answers within `timeoutMs`. */
export function askAgent(
  socket: string,
  request: Record<string, unknown>,
  timeoutMs = 2000,
): Promise<ControlReply | null> {
  refuseLinkedSocket(socket);
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
