// The `applied` audit line costs no sync of its own (store/audit.ts): the landing's durable records — the
// state record and the history entry, both synced before the answer — say the same thing. A power cut can
// lose the unsynced end of the log, so at start this writes again, synced, the `applied` lines of landings
// the log does not have: every kept history entry above the newest version the log's tail names as applied
// (or settled), up to the version state.json records — or only that one when the tail names none. Each such
// line says it was `recovered`, and carries its landing's own time as `ts`.
//
// INVARIANTS
// - Runs after the settlement (state.json says what is live) and the history repair, before any push.
// - Reads only the log's tail (TAIL_BYTES): a long log is not read at every start.
// - Nothing here can stop the start: the caller logs a failure and goes on.
import type { Logger } from 'pino';
import type { Board } from '../board/open.js';
import { readAuditTail } from '../store/audit.js';
import type { HistoryEntry } from '../store/history.js';
import { readState } from '../store/state.js';

const TAIL_BYTES = 256 * 1024;

export async function repairAudit(board: Board, log: Logger): Promise<void> {
  const applied = (await readState(board.paths.state, board.tree)).applied;
  if (!applied) return;
  let audited = 0;
  for (const e of await readAuditTail(board.paths.audit, TAIL_BYTES)) {
    if (e.event === 'applied' && typeof e.version === 'number') audited = Math.max(audited, e.version);
    const settled = (e.applied as { version?: unknown } | undefined)?.version;
    if (e.event === 'state_settled' && typeof settled === 'number') audited = Math.max(audited, settled);
  }
  if (audited >= applied.version) return;
  const kept = audited === 0 ? [] : await board.history.list();
  const lost: Array<
    Pick<HistoryEntry, 'version' | 'id' | 'sha256' | 'applied_at' | 'source'> & Partial<HistoryEntry>
  > = kept.filter((h) => h.version > audited && h.version < applied.version).reverse();
  lost.push({ ...(await board.history.get(applied.version)), ...applied, applied_at: applied.at });
  for (const h of lost) {
    await board.audit({
      ts: h.applied_at,
      event: 'applied',
      id: h.id,
      version: h.version,
      source: h.source,
      reason: h.reason ?? null,
      ...(h.generation !== undefined ? { generation: h.generation } : {}),
      sha256: h.sha256,
      actor: board.actor,
      recovered: 'this line was lost to a power cut and written again at start from state.json and history',
    });
  }
  log.warn(
    { versions: lost.map((h) => h.version) },
    'audit lines of landings lost to a power cut written again',
  );
}
