// Every file of one board (CONTRACT.md §2), derived from settings in one place so that a test can put a
// whole board under a temporary directory by pointing `paths` there.
import { basename, join } from 'node:path';
import type { Settings } from './load.js';

export interface BoardPaths {
  config: string;
  /** Kernel locks are taken on this file; never renamed, never deleted (the config itself is replaced by rename). */
  lockFile: string;
  /** Name of the managed file as messages say it. */
  fileName: string;
  lockDir: string;
  stateDir: string;
  state: string;
  history: string;
  audit: string;
  outbox: string;
  /** Telemetry a command left for the agent while it was down (store/deferred-events.ts). */
  deferredEvents: string;
  /** A technician's hold (aimlock hold / release --force), honoured by the agent even across restarts. */
  hold: string;
  /** Ids of operator commands already executed (command/executed.ts), so a redelivery is never run twice. */
  commands: string;
  limits: string;
  keysDir: string;
  socket: string;
  vehicleState: string;
}

export function boardPaths(settings: Pick<Settings, 'paths'>): BoardPaths {
  const { config, state_dir: stateDir } = settings.paths;
  const fileName = basename(config);
  return {
    config,
    lockFile: `${config}.lock`,
    fileName,
    lockDir: join(stateDir, 'locks', fileName.replace(/\.conf$/, '')),
    stateDir,
    state: join(stateDir, 'state.json'),
    history: join(stateDir, 'history'),
    audit: join(stateDir, 'audit.jsonl'),
    outbox: join(stateDir, 'outbox'),
    deferredEvents: join(stateDir, 'deferred-events'),
    hold: join(stateDir, 'hold.json'),
    commands: join(stateDir, 'commands.json'),
    limits: settings.paths.limits,
    keysDir: settings.paths.keys_dir,
    socket: settings.paths.socket,
    vehicleState: settings.paths.vehicle_state,
  };
}
