// Boots the emulated board: qemu-system-aarch64 -M virt under TCG, systemd as PID 1 from the image's own
// kernel and initrd. The host reaches the guest through two channels only: a virtio-serial port ("lab", the
// driver's JSON lines; see guest.mjs) and a 9p share ("lab", scripts in / results out). The guest's network is
// QEMU user networking with restrict=on and one guestfwd to the host's Mosquitto: nothing else is reachable.
//
// A guest `reboot` resets the machine inside the same QEMU process (no -no-reboot): a real reboot with a new
// boot id, and the host keeps its control socket. A power cut is `kill -9` of QEMU (cache=none: the disk keeps
// exactly what the guest flushed).
import { spawn } from 'node:child_process';
import { existsSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../arm/sh.mjs';

/** The address the guest dials for the broker; the agent's settings in the lab name it. */
export const BROKER_IN_GUEST = { host: '10.0.2.100', port: 1883 };

/**
 * A Raspberry Pi 4's core (ARMv8.0). `-cpu max` (even with pauth=off) emulates v8.5+ features (BTI, MTE, SVE…)
 * under which the board's Node died of signals in the unit's start (SIGSEGV); a real v8.0 core is what the
 * shipped Node is built for and what the boards have.
 */
const CPU = 'cortex-a72';

/**
 * QEMU's argv. `drives`: extra raw disks after the root disk (vdb, vdc, …), e.g. the log device of a later
 * dm-log-writes recording; each `{ file, cache }` (cache=none by default: see the power-cut note above).
 */
export function qemuArgs({
  image,
  rootfs,
  dir,
  brokerPort,
  cpus = 2,
  memMiB = 1024,
  drives = [],
  cmdline = '',
}) {
  const forward = `node ${join(ROOT, 'scripts', 'vm', 'forward.mjs')} ${brokerPort}`;
  if (forward.includes(',')) throw new Error(`a path with a comma cannot go into QEMU's -netdev: ${forward}`);
  const { host, port } = BROKER_IN_GUEST;
  return [
    '-M',
    'virt',
    '-cpu',
    CPU,
    '-smp',
    String(cpus),
    '-m',
    String(memMiB),
    '-kernel',
    image.kernel,
    '-initrd',
    image.initrd,
    '-append',
    `console=ttyAMA0 root=/dev/vda rw quiet aimlock.lab ${cmdline}`.trim(),
    '-drive',
    `file=${rootfs},if=virtio,format=raw,cache=none`,
    ...drives.flatMap((d) => ['-drive', `file=${d.file},if=virtio,format=raw,cache=${d.cache ?? 'none'}`]),
    // romfile= : no PXE option ROM (the guest boots its kernel directly; Debian ships the ROM in ipxe-qemu).
    '-netdev',
    `user,id=n0,restrict=on,guestfwd=tcp:${host}:${port}-cmd:${forward}`,
    '-device',
    'virtio-net-pci,netdev=n0,romfile=',
    '-device',
    'virtio-rng-pci',
    '-virtfs',
    `local,path=${join(dir, 'share')},mount_tag=lab,security_model=none`,
    '-device',
    'virtio-serial-pci',
    '-chardev',
    `socket,id=lab,path=${join(dir, 'lab.sock')},server=on,wait=off`,
    '-device',
    'virtserialport,chardev=lab,name=lab',
    '-display',
    'none',
    '-monitor',
    'none',
    '-serial',
    `file:${join(dir, 'console.log')}`,
    '-pidfile',
    join(dir, 'qemu.pid'),
  ];
}

/**
 * Starts QEMU in the background. Returns { pid, exited (a promise of the exit code/signal), kill() }.
 * The caller owns it: kill() on every exit path (the lane also kills by the pidfile as a backstop).
 */
export function startQemu(opts) {
  const errFd = openSync(join(opts.dir, 'qemu.stderr'), 'a');
  const child = spawn('qemu-system-aarch64', qemuArgs(opts), { stdio: ['ignore', errFd, errFd] });
  const exited = new Promise((resolve) => {
    child.once('error', (err) => resolve({ code: null, signal: null, error: err.message }));
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  return {
    pid: child.pid,
    exited,
    /** SIGKILL: also the power cut. Resolves once the process is gone. */
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

/** What QEMU said on stderr and the last lines of the guest's console: for failure messages. */
export function qemuTail(dir, lines = 25) {
  const read = (f) => (existsSync(join(dir, f)) ? readFileSync(join(dir, f), 'utf8') : '');
  const tail = (s) => s.trim().split('\n').slice(-lines).join('\n');
  return `qemu stderr:\n${tail(read('qemu.stderr'))}\nconsole:\n${tail(read('console.log'))}`;
}
