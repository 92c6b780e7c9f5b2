// The generation (fencing token) handed to each acquisition, without an fsync per acquisition.
//
// The `generation` file beside the bit is written like the rest of the lock's bookkeeping: atomically but not
// durably, because within one boot every process reads the same page cache, so `generation + 1` is exact.
// A power cut may roll that file back (to an older value, or to an empty file that reads as 0) — and a
// fencing token must never be handed out twice. So tokens are reserved in blocks, durably: `generation.reserved`
// holds `CEILING BOOT_ID`, fsync'd before any token at or above the previous ceiling is handed out, so every
// token ever handed out is below the durable ceiling. The first acquisition of a boot (the reserve names
// another boot, or none) starts at the ceiling, whatever the rolled-back counter says, and reserves anew.
//
// Cost: two syncs (temp file, directory) once per boot and once per RESERVE_BLOCK acquisitions; after a
// reboot the generation jumps by at most RESERVE_BLOCK. Caller holds both kernel locks (read-modify-write).
import type { LockFiles } from './files.js';
import { bootId } from './proc.js';

/** Tokens reserved per durable write: the amortised cost is 2 / RESERVE_BLOCK syncs per acquisition. */
export const RESERVE_BLOCK = 100;

/** `counter`: the generation file's value when the caller has just read it under the same kernel locks. */
export async function nextGeneration(
  files: LockFiles,
  boot: string = bootId(),
  counter?: number,
): Promise<number> {
  counter ??= await files.readGeneration();
  const reserve = await files.readReserve();
  // Another boot's counter may have lost its last writes: the durable ceiling is the only safe floor.
  const floor = reserve && reserve.boot === boot ? counter + 1 : Math.max(counter + 1, reserve?.ceiling ?? 0);
  const generation = Math.max(floor, 1);
  if (!reserve || reserve.boot !== boot || generation >= reserve.ceiling) {
    // Durable before the token is used (crash point: a power cut right after handing it out).
    await files.writeReserve(generation + RESERVE_BLOCK, boot);
  }
  await files.writeGeneration(generation);
  return generation;
}
