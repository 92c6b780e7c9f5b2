// Debian architectures aimlock is packaged for, and the staging target (scripts/arm/targets.mjs) each is made
// from. armhf is Debian's name for 32-bit ARMv7 with hard float: the armv7 board tarball's target.
import { target } from '../arm/targets.mjs';

const TARGET_OF = { arm64: 'arm64', armhf: 'armv7', amd64: 'amd64' };

export const DEB_ARCHES = Object.keys(TARGET_OF);

/** The staging target of Debian architecture `arch`, or a usage error naming the known ones. */
export function debTarget(arch) {
  const name = TARGET_OF[arch];
  if (!name) throw new Error(`unknown Debian architecture "${arch}": use ${DEB_ARCHES.join(', ')}`);
  return { ...target(name), debArch: arch };
}
