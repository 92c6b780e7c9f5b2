// lintian on a built package: every tag it prints (overridden ones are counted by lintian, not shown), and how
// many errors and warnings remain. An error fails the build; each kept warning is justified in
// files/lintian-overrides.
import { spawnSync } from 'node:child_process';

export function runLintian(deb) {
  const r = spawnSync('lintian', ['--fail-on', 'none', '--tag-display-limit', '0', deb], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.error) throw new Error(`lintian: ${r.error.message} (apt-get install lintian)`);
  const lines = `${r.stdout}${r.stderr}`.split('\n').filter((l) => l.trim());
  const count = (kind) => lines.filter((l) => l.startsWith(`${kind}: `)).length;
  return { lines, errors: count('E'), warnings: count('W') };
}
