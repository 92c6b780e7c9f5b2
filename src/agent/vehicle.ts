// When a config may land (CONTRACT §5 update_window): the vehicle state file holds one word. A missing or
// unreadable file counts as `flying`: when in doubt, the aim controller is in use.
import { readFile } from 'node:fs/promises';

export type VehicleState = 'grounded' | 'hover' | 'flying';

export async function readVehicleState(path: string): Promise<VehicleState> {
  try {
    const word = (await readFile(path, 'utf8')).trim();
    return word === 'grounded' || word === 'hover' ? word : 'flying';
  } catch {
    return 'flying';
  }
}

/** `grounded` needs grounded; `hover` accepts grounded or hover; `any` always. */
export function windowAllows(window: 'any' | 'hover' | 'grounded', state: VehicleState): boolean {
  if (window === 'any') return true;
  if (window === 'hover') return state !== 'flying';
  return state === 'grounded';
}
