// Which aimlock .deb the VM lane installs: `--deb FILE` (or AIMLOCK_VM_DEB), else the project's own
// `npm run deb:arm64` build (scripts/deb/, the one package builder), made fresh so the board runs this tree.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ROOT, say, sh, since } from '../arm/sh.mjs';

export function findDeb(explicit) {
  const given = explicit ?? process.env.AIMLOCK_VM_DEB;
  if (given) {
    const path = resolve(given);
    if (!existsSync(path)) throw new Error(`--deb ${given}: no such file`);
    return path;
  }
  const { scripts } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  if (!scripts['deb:arm64'])
    throw new Error(
      'this tree has no `npm run deb:arm64` (the package builder); give a package with --deb FILE',
    );
  const t0 = performance.now();
  say('vm: building the arm64 package (npm run deb:arm64)');
  sh('npm', ['run', '-s', 'deb:arm64']);
  const out = join(ROOT, '.deb', 'out');
  const debs = existsSync(out)
    ? readdirSync(out)
        .filter((f) => /^aimlock_.*_arm64\.deb$/.test(f))
        .map((f) => join(out, f))
        .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)
    : [];
  if (!debs[0]) throw new Error(`npm run deb:arm64 left no aimlock_*_arm64.deb in ${out}`);
  say(`vm: package ${debs[0]} (${since(t0)})`);
  return debs[0];
}
