// Calls `onChange` when the vehicle state file changes (a deferred push may now land). Polls with stat
// rather than inotify: the file and even its directory may not exist yet (missing means "flying"), and the
// aim controller may replace it by rename; a stat every half second costs nothing on a board.
import { unwatchFile, watchFile } from 'node:fs';

export function watchVehicleState(path: string, onChange: () => void, intervalMs = 500): () => void {
  const listener = () => onChange();
  watchFile(path, { interval: intervalMs, persistent: false }, listener);
  return () => unwatchFile(path, listener);
}
