// The package's file system, as a Debian administrator expects it: the agent and its own Node under
// /opt/aimlock, the commands on the PATH, the unit in /lib/systemd/system, settings as conffiles in /etc/aimlock,
// the state directories declared in tmpfiles.d, docs and licences in /usr/share/doc/aimlock. (Node's gzip header
// carries no name and no time, so the same input gives the same bytes.)
import {
  chmodSync,
  copyFileSync,
  cpSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ROOT } from '../arm/sh.mjs';
import { INSTALL_DIR } from '../arm/stage.mjs';
import { copyrightFile } from './copyright.mjs';
import { pruneModules } from './prune.mjs';

export const FILES = join(ROOT, 'scripts', 'deb', 'files');

/** Settings the package owns as conffiles: an upgrade keeps a technician's edits. */
export const CONFFILES = ['/etc/aimlock/agent.json', '/etc/aimlock/limits.json'];

/** What of the staged tree goes to /opt/aimlock; the rest (unit, examples, README) has a Debian place. */
const OPT = ['bin', 'dist', 'node', 'node_modules', 'package.json', 'schemas'];

const DOC = '/usr/share/doc/aimlock';

/**
 * Lays out `root` from the staged tree `tree` (scripts/arm/stage.mjs). `changelog` is the changelog.Debian
 * text. Modes are normalised (0755 directories and the programs in EXECUTABLE, 0644 the rest): what npm or a tarball left
 * behind must not decide who may write the installed files.
 */
export function layoutRoot({ t, tree, root, changelog }) {
  rmSync(root, { recursive: true, force: true });
  const at = (path) => join(root, path);
  const dir = (path) => mkdirSync(at(path), { recursive: true });

  dir(INSTALL_DIR);
  for (const entry of OPT) cpSync(join(tree, entry), at(join(INSTALL_DIR, entry)), { recursive: true });

  pruneModules(at(`${INSTALL_DIR}/node_modules`), t);

  dir('/usr/bin');
  for (const bin of ['aimlock', 'aimlockd']) symlinkSync(`${INSTALL_DIR}/bin/${bin}`, at(`/usr/bin/${bin}`));

  dir('/lib/systemd/system');
  copyFileSync(join(tree, 'systemd', 'aimlockd.service'), at('/lib/systemd/system/aimlockd.service'));
  dir('/usr/lib/tmpfiles.d');
  // The same declaration the tarball's install.sh puts in /etc/tmpfiles.d (one source: systemd/).
  copyFileSync(join(tree, 'systemd', 'aimlock.tmpfiles'), at('/usr/lib/tmpfiles.d/aimlock.conf'));

  dir('/etc/aimlock/keys');
  copyFileSync(join(FILES, 'agent.json'), at('/etc/aimlock/agent.json'));
  copyFileSync(join(FILES, 'limits.json'), at('/etc/aimlock/limits.json'));

  dir(`${DOC}/examples`);
  for (const example of readdirSync(join(tree, 'examples'))) {
    cpSync(join(tree, 'examples', example), at(`${DOC}/examples/${example}`), { recursive: true });
  }
  writeFileSync(at(`${DOC}/README.md.gz`), gzipSync(readFileSync(join(tree, 'README.md')), { level: 9 }));
  writeFileSync(at(`${DOC}/changelog.Debian.gz`), gzipSync(changelog, { level: 9 }));
  writeFileSync(at(`${DOC}/copyright`), copyrightFile(tree));

  dir('/usr/share/lintian/overrides');
  copyFileSync(join(FILES, 'lintian-overrides'), at('/usr/share/lintian/overrides/aimlock'));

  normaliseModes(root);
}

/** What must run as a program: the wrappers, Node itself. Everything else is read (or loaded) by Node. */
const EXECUTABLE = new Set(
  ['bin/aimlock', 'bin/aimlockd', 'node/bin/node'].map((p) => `${INSTALL_DIR}/${p}`),
);

function normaliseModes(root, rel = '') {
  const path = join(root, rel);
  const st = lstatSync(path);
  if (st.isSymbolicLink()) return;
  if (st.isDirectory()) {
    chmodSync(path, 0o755);
    for (const entry of readdirSync(path)) normaliseModes(root, `${rel}/${entry}`);
  } else {
    chmodSync(path, EXECUTABLE.has(rel) ? 0o755 : 0o644);
  }
}
