// One board, wired: settings → paths → locksmith, history and audit. The CLI and the agent both start here,
// so a technician's `aimlock apply` and the agent's push take exactly the same lock-aware path.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { type Actor, currentActor } from '../lock/actor.js';
import { type LockLogger, Locksmith } from '../lock/locksmith.js';
import { type BoardPaths, boardPaths } from '../settings/board.js';
import type { Settings } from '../settings/load.js';
import { appendAudit } from '../store/audit.js';
import { History } from '../store/history.js';

export interface Board {
  settings: Settings;
  paths: BoardPaths;
  locksmith: Locksmith;
  history: History;
  actor: Actor;
  audit(entry: Record<string, unknown>): Promise<void>;
}

export function openBoard(settings: Settings, program: 'aimlock' | 'aimlockd', log?: LockLogger): Board {
  const paths = boardPaths(settings);
  for (const dir of [paths.stateDir, paths.lockDir, paths.history, dirname(paths.config)]) {
    mkdirSync(dir, { recursive: true });
  }
  const actor = currentActor(program);
  const audit = (entry: Record<string, unknown>) =>
    appendAudit(paths.audit, { device: settings.device, ...entry });
  const locksmith = new Locksmith({
    lockFile: paths.lockFile,
    lockDir: paths.lockDir,
    fileName: paths.fileName,
    device: settings.device,
    holder: program,
    heartbeatMs: settings.lock.heartbeat_ms,
    heartbeatTtlMs: settings.lock.heartbeat_ttl_ms,
    audit,
    log,
  });
  return {
    settings,
    paths,
    locksmith,
    history: new History(paths.history, settings.history_size),
    actor,
    audit,
  };
}
