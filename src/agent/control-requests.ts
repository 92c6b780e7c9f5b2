// What the running agent does when a technician's command (or an operator's, through src/command/) tells it that
// something changed: the requests of the control socket (control.ts). Each only makes the agent look again and
// say so; the durable facts (hold file, lock files) were already written by whoever sent the request.
import type { Logger } from 'pino';
import { TECHNICIAN_EVENTS, type TechnicianReport } from '../store/deferred-events.js';
import type { TelemetryEvent } from './messages.js';

export interface ControlDeps {
  fileName: string;
  log: Logger;
  /** The status document, with what only the socket adds (pending, connected). */
  status(): Record<string, unknown>;
  /** Reads the hold file again (telemetry and status when it changed). */
  readHold(): Promise<unknown>;
  /** Resolves once no landing is in progress. */
  idle(): Promise<void>;
  /** Looks at the desired push again. */
  kick(): void;
  /** One lock check now (the GC's look: reclaim, mismatch telemetry). */
  lookAtLock(): Promise<void>;
  telemetry(event: TelemetryEvent, fields: Record<string, unknown>): Promise<void>;
}

export async function answerControl(
  req: Record<string, unknown>,
  deps: ControlDeps,
): Promise<Record<string, unknown>> {
  switch (req.cmd) {
    case 'status':
      return { ok: true, ...deps.status() };
    case 'hold_changed':
      await deps.readHold();
      // A landing that checked the hold before the file appeared may still be taking the lock: answer only
      // once it is over, so `release --force` (hold first, then clear) cannot free the lock under it.
      await deps.idle();
      deps.kick();
      return { ok: true };
    case 'reclaim':
      await deps.lookAtLock();
      return { ok: true };
    case 'force_released':
    case 'reclaimed': {
      // What a technician's command did: release --force, or reclaim (also an apply that reclaimed a ghost
      // on its way in). The same fields as cli/control.ts leaves in deferred-events/ when no agent runs.
      const event = TECHNICIAN_EVENTS[req.cmd as TechnicianReport];
      deps.log.info({ event, lock: req.previous, actor: req.actor }, 'a technician changed the lock');
      await deps.telemetry(event, {
        file: deps.fileName,
        reason: req.reason,
        actor: req.actor,
        previous: req.previous,
      });
      await deps.lookAtLock();
      deps.kick();
      return { ok: true };
    }
    default:
      return { ok: false, error: `unknown command ${String(req.cmd)}` };
  }
}
