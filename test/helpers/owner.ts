// Planting lock state by hand, as a crash or a technician would leave it.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Field 22 of this process's stat: its start time, the incarnation an owner record names. Read through
 * task/PID/stat because QEMU (the ARM lane) makes up /proc/self/stat for the emulated process.
 */
export function myStart(): number {
  const stat = readFileSync(`/proc/${process.pid}/task/${process.pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
}

/** An owner record naming this live test process (this boot), with `patch` over it. */
export function ownerRecord(patch: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    pid: process.pid,
    pid_start: myStart(),
    boot_id: readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim(),
    holder: 'aimlockd',
    device: 'drone-07',
    purpose: 'apply push 7f3c v42',
    generation: 7,
    acquired_at: new Date().toISOString(),
    heartbeat_at: new Date().toISOString(),
    token: 'tok',
    ...patch,
  };
}

/** conf_locked=1 and an owner record naming this live process, which holds no kernel lock: DETACHED. */
export function plantLiveOwner(lockDir: string): void {
  mkdirSync(lockDir, { recursive: true });
  writeFileSync(join(lockDir, 'owner.json'), JSON.stringify(ownerRecord()));
  writeFileSync(join(lockDir, 'conf_locked'), '1\n');
}
