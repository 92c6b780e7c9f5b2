// What technicians did while the agent was down (`release --force`, `reclaim`): left in deferred-events/ by
// cli/control.ts, published by the agent at start, oldest first. One the agent cannot take over (not its own
// to remove) is logged and left, never published again at every start.
import type { Logger } from 'pino';
import type { Board } from '../board/open.js';
import { drainDeferred } from '../store/deferred-events.js';
import type { TelemetryEvent } from './messages.js';

export type SendTelemetry = (event: TelemetryEvent, fields: Record<string, unknown>) => Promise<void>;

export async function publishDeferredEvents(
  board: Board,
  log: Logger,
  telemetry: SendTelemetry,
): Promise<void> {
  const { unreadable, stuck } = await drainDeferred(
    board.paths.deferredEvents,
    async (e) => {
      try {
        await telemetry(e.event as TelemetryEvent, { ...e.fields, occurred_at: e.occurred_at });
        log.info(
          { event: e.event, occurred_at: e.occurred_at },
          'published an event left while the agent was down',
        );
      } catch (err) {
        log.warn(
          { err, event: e.event },
          'an event left while the agent was down is not valid telemetry; dropped',
        );
      }
    },
    board.tree,
  );
  if (stuck.length)
    log.error(
      { files: stuck, dir: board.paths.deferredEvents },
      'deferred events this agent cannot take over (not its own to remove): not published, left in place; ' +
        "give the folder and its files to the agent's user (chown -R, see systemd/aimlock.tmpfiles)",
    );
  if (unreadable.length)
    log.warn(
      { files: unreadable, dir: board.paths.deferredEvents },
      'unreadable deferred events left in place',
    );
}
