// When a config may land (CONTRACT §5 update_window): the vehicle state file holds one word. A missing or
// unreadable file counts as `flying`: when in doubt, the aim controller is in use.
import { closeSync, constants as fsc, fstatSync, openSync, readFileSync } from 'node:fs';

export type VehicleState = 'grounded' | 'hover' | 'flying';

/**
 * Read synchronously: one word, usually on a tmpfs (/run); an asynchronous read cost four thread-pool trips.
 * Opened O_NONBLOCK and read only as a regular file, so a FIFO put there cannot hang the agent (it reads as
 * `flying`, like anything else unreadable).
 */
export async function readVehicleState(path: string): Promise<VehicleState> {
  try {
    const fd = openSync(path, fsc.O_RDONLY | fsc.O_NONBLOCK);
    let word: string;
    try {
      word = fstatSync(fd).isFile() ? readFileSync(fd, 'utf8').trim() : '';
    } finally {
      closeSync(fd);
    }
    return word === 'grounded' || word === 'hover' ? word : 'flying';
  } catch {
    return 'flying';
  }
}

/** The vehicle state that keeps `window` shut, or null when it is open; `any` is open without a look. */
export async function windowShutBy(
  window: 'any' | 'hover' | 'grounded',
  path: string,
): Promise<VehicleState | null> {
  if (window === 'any') return null;
  const state = await readVehicleState(path);
  return windowAllows(window, state) ? null : state;
}

/** `grounded` needs grounded; `hover` accepts grounded or hover; `any` always. */
function windowAllows(window: 'any' | 'hover' | 'grounded', state: VehicleState): boolean {
  if (window === 'any') return true;
  if (window === 'hover') return state !== 'flying';
  return state === 'grounded';
}
