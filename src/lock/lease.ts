// Owning the lock once both kernel locks are held: the next generation, the owner record, the bit, the
// heartbeat and the lease ceiling — and giving all of it back, in the reverse order (locksmith.ts INVARIANTS).
//
// A release that cannot clear the bit or the record still drops the kernel locks (also when its own intent
// could not be written): kept, they would block every later landing and the technician's bypass alike.
import { randomUUID } from 'node:crypto';
import type { LockFiles } from './files.js';
import { nextGeneration } from './generation.js';
import { Heartbeat } from './heartbeat.js';
import type { Intents } from './intents.js';
import type { KernelLock } from './kernel.js';
import type { LockLease, LocksmithOptions } from './locksmith-types.js';
import { monoNow } from './mono.js';
import type { Observation } from './observe.js';
import { bootId, pidNamespace, selfStart } from './proc.js';
import type { OwnerRecord } from './types.js';

/** What a lease needs of its Locksmith. */
export interface LeaseContext {
  files: LockFiles;
  intents: Intents;
  opts: Pick<LocksmithOptions, 'holder' | 'device' | 'fileName' | 'heartbeatMs' | 'now' | 'log'>;
}

/** Under both kernel locks, the look taken: generation + 1 → owner record → bit 1, then the lease. */
export async function takeOwnership(
  ctx: LeaseContext,
  kernel: KernelLock,
  purpose: string,
  found: Observation,
  maxHoldMs?: number,
): Promise<LockLease> {
  const { files, intents, opts } = ctx;
  // `found` was read under these kernel locks: its generation is the counter as it is now.
  const generation = await nextGeneration(files, bootId(), found.generation);
  const now = new Date((opts.now ?? Date.now)()).toISOString();
  const owner: OwnerRecord = {
    pid: process.pid,
    pid_start: selfStart(),
    boot_id: bootId(),
    holder: opts.holder,
    device: opts.device,
    purpose,
    generation,
    acquired_at: now,
    heartbeat_at: now,
    heartbeat_mono_ms: monoNow(),
    token: randomUUID(),
    pid_ns: pidNamespace('self') ?? undefined,
  };
  await files.writeOwner(owner);
  await files.writeBit(1);
  const lost = (why: string) =>
    opts.log?.warn(
      { generation, token: owner.token, purpose },
      `lease on ${opts.fileName} lost: ${why}; not refreshing or clearing someone else's record`,
    );
  const heartbeat = new Heartbeat(files, owner, opts.heartbeatMs, opts.now, lost);
  heartbeat.start();
  const ceiling =
    maxHoldMs === undefined
      ? null
      : setTimeout(() => {
          opts.log?.warn(
            { purpose, generation, max_hold_ms: maxHoldMs },
            'lease held past its ceiling: heartbeat stopped, observers see HUNG',
          );
          void heartbeat.stop();
        }, maxHoldMs);
  ceiling?.unref();
  let released = false;
  return {
    generation,
    owner,
    found,
    release: async () => {
      if (released) return;
      released = true;
      if (ceiling) clearTimeout(ceiling);
      try {
        await heartbeat.stop();
        await intents.during(`release: ${purpose}`, async () => {
          try {
            // Only our own record is ours to clear: after a force release (and maybe another owner since),
            // clearing would free someone else's lock. Bit first, then record, as always.
            if (await files.ownsRecord(owner.token)) {
              // A full disk refuses the bit's temporary file: clearing it by unlink leaves no DETACHED ghost.
              await files.writeBit(0).catch(() => files.removeBit());
              await files.removeOwner();
            } else {
              lost('at release the owner record on disk is not ours (another token, or none)');
            }
          } finally {
            await kernel.release();
          }
        });
      } finally {
        await kernel.release(); // whatever failed above (see the header); a second release is a no-op
      }
    },
  };
}
