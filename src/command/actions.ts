// What each command does on the board. Every action is the local CLI's own operation (board/hold.ts, the
// Locksmith, cli/lock-view.ts) followed by what the agent does when a technician's command tells it over the
// control socket (agent/control.ts: hold_changed, reclaimed, force_released) — called in-process here, so a
// remote command and a technician's local one take exactly the same path.
import { clearHold, placeHold, readHold } from '../board/hold.js';
import type { Board } from '../board/open.js';
import { locksJson, NEXT_STEP } from '../cli/lock-view.js';
import type { CommandCode } from '../errors.js';
import { clause, evidence, liveHolders } from '../lock/observe.js';
import type { CommandEnvelope } from '../schemas/index.js';
import { auditDone, auditNote } from '../store/audit.js';

export interface ActionDeps {
  board: Board;
  /** The agent's control-socket handler: the same reaction as to a technician's command. */
  control: (request: Record<string, unknown>) => Promise<Record<string, unknown>>;
  /** Is a push being written under the lock right now (DesiredState)? */
  landingInProgress: () => boolean;
  /** The device status document (as published retained). */
  status: () => Record<string, unknown>;
  /** Sends an interim `accepted` answer now (before the final one). */
  interim: (code: CommandCode, detail: string) => Promise<void>;
}

export interface ActionOutcome {
  code: CommandCode;
  detail: string;
  data?: Record<string, unknown>;
}

/** Who, as the hold file and the Locksmith's audit lines record it: the key that signed the command. */
function origin(c: CommandEnvelope, keyId: string): string {
  return `command ${c.id} (${c.action}) signed by key ${keyId}`;
}

/**
 * Places the hold, then answers only once it is in force: the agent's hold_changed reaction waits for a
 * landing in progress to end (never a hold in its middle). When one is under way the operator hears so first.
 */
async function holdInPlace(
  d: ActionDeps,
  c: CommandEnvelope,
  keyId: string,
  reason: string,
  seconds: number,
  how: string,
) {
  const until = new Date(Date.now() + seconds * 1000).toISOString();
  const { hold, auditFailed } = await placeHold(d.board, reason, until, how, {
    command: c.id,
    key_id: keyId,
  });
  if (d.landingInProgress()) {
    await d.interim(
      'landing_in_progress',
      `hold written; waiting for the landing in progress to finish before it is in force (at most the apply hook's timeout)`,
    );
  }
  await d.control({ cmd: 'hold_changed' });
  return { hold, note: auditNote({ auditFailed }, "the hold's") };
}

export async function runAction(d: ActionDeps, c: CommandEnvelope, keyId: string): Promise<ActionOutcome> {
  const { board } = d;
  switch (c.action) {
    case 'hold': {
      const reason = c.args.reason!;
      const { hold, note } = await holdInPlace(d, c, keyId, reason, c.args.for!, origin(c, keyId));
      return { code: 'ok', detail: `hold in place until ${hold.until}: ${reason}${note}`, data: { hold } };
    }
    case 'resume': {
      const previous = await readHold(board.paths.hold, Date.now(), board.tree);
      const removed = await clearHold(board.paths.hold, board.tree);
      const done = removed
        ? await auditDone((e) => board.audit(e), {
            event: 'resume',
            reason: origin(c, keyId),
            previous,
            actor: board.actor,
          })
        : {};
      if (removed) await d.control({ cmd: 'hold_changed' });
      return {
        code: 'ok',
        detail: removed ? `hold ended: pushes apply again${auditNote(done)}` : 'there was no hold',
        data: { resumed: removed, previous },
      };
    }
    case 'locks': {
      const o = await board.locksmith.observe();
      return {
        code: 'ok',
        detail: `lock ${o.verdict}: ${clause(o.reason)}`,
        data: locksJson(o, board.paths.config),
      };
    }
    case 'reclaim': {
      const reason = origin(c, keyId);
      const cleared = await board.locksmith.reclaim(board.actor, { reason });
      const { reclaimed, observation: o } = cleared;
      if (!reclaimed) {
        return {
          code: 'not_stale',
          detail: `the lock is ${o.verdict}, not STALE: ${clause(o.reason)}; nothing was cleared. Next: ${NEXT_STEP[o.verdict]}`,
          data: { lock: evidence(o) },
        };
      }
      await d.control({ cmd: 'reclaimed', reason, previous: evidence(o), actor: board.actor });
      return {
        code: 'ok',
        detail: `ghost lock on ${board.paths.fileName} reclaimed: ${clause(o.reason)}${auditNote(cleared)}`,
        data: { reclaimed: true, lock: evidence(o) },
      };
    }
    case 'release_force': {
      const reason = `${c.args.reason!} (${origin(c, keyId)})`;
      const { hold, note: holdNote } = await holdInPlace(
        d,
        c,
        keyId,
        `release --force: ${c.args.reason!}`,
        c.args.hold_for!,
        `release --force (${origin(c, keyId)})`,
      );
      const cleared = await board.locksmith.forceRelease(board.actor, reason);
      const { released, observation: o } = cleared;
      if (!released) {
        return {
          code: 'kernel_lock_held',
          detail:
            `a live process still holds a kernel lock on ${o.lockFile}: ${liveHolders(o)}. ` +
            `Nothing was cleared; the device stays on hold until ${hold.until}${holdNote}. Stop that process, then send it again.`,
          data: { lock: evidence(o), hold },
        };
      }
      await d.control({ cmd: 'force_released', reason, previous: evidence(o), actor: board.actor });
      return {
        code: 'ok',
        detail: `lock force-released (was ${o.verdict}: ${clause(o.reason)})${auditNote(cleared)}; on hold until ${hold.until}${holdNote}`,
        data: { released: true, previous: evidence(o), hold },
      };
    }
    case 'status':
      return { code: 'ok', detail: 'the device status', data: d.status() };
  }
}
