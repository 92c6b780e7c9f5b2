// The host programs the VM lane needs, installed from Debian when missing (as root), as the ARM lane does.
import { say, sh, since, succeeds } from '../arm/sh.mjs';

/** program → the Debian package that ships it. */
const TOOLS = {
  'qemu-system-aarch64': 'qemu-system-arm',
  'qemu-img': 'qemu-utils',
  'qemu-aarch64-static': 'qemu-user-static', // mmdebstrap runs the arm64 maintainer scripts through it
  mmdebstrap: 'mmdebstrap',
  'arch-test': 'arch-test', // mmdebstrap refuses a foreign architecture without it
  'mkfs.ext4': 'e2fsprogs',
  mosquitto: 'mosquitto',
  python3: 'python3',
};

export function ensureVmTools() {
  const missing = [
    ...new Set(
      Object.entries(TOOLS)
        .filter(([bin]) => !succeeds('sh', ['-c', `command -v ${bin}`]))
        .map(([, pkg]) => pkg),
    ),
  ];
  if (missing.length === 0) return;
  const line = `apt-get install -y --no-install-recommends ${missing.join(' ')}`;
  if (process.getuid?.() !== 0)
    throw new Error(`missing Debian packages; run as root:\n  apt-get update && ${line}`);
  const t0 = performance.now();
  say(`vm: installing ${missing.join(' ')}`);
  sh('apt-get', ['update', '-qq']);
  sh('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], {
    env: { DEBIAN_FRONTEND: 'noninteractive' },
  });
  say(`vm: installed in ${since(t0)}`);
}
