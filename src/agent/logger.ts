// JSON lines to stdout (journald keeps them; `aimlock logs` pretty-prints them). Synchronous writes: a daemon
// that is killed or exits must not lose its last lines, and the volume here is small.
import { pino } from 'pino';

export function agentLogger(device: string, level: string) {
  return pino(
    {
      level,
      base: { device },
      timestamp: pino.stdTimeFunctions.epochTime,
      redact: ['*.password', 'password'],
    },
    pino.destination({ dest: 1, sync: true }),
  );
}
