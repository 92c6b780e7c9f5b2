// The installed tree of one board type (meant for /opt/aimlock), shared by the tarball (pack.mjs) and the Debian
// package (scripts/deb/): the built agent, production node_modules with fs-ext built for the target, the target's
// own Node (stripped), bin/ wrappers and the unit pointing at that Node. It is proven to start on its target —
// its own Node loads its own fs-ext, natively or under user-mode QEMU — before anyone calls it ready.
import { chmodSync, copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureTools, prepareCopy } from './prepare.mjs';
import { say, sh } from './sh.mjs';
import { assertArchOf } from './targets.mjs';

export const INSTALL_DIR = '/opt/aimlock';

const wrapper = (script, flags) => `#!/bin/sh
# Runs aimlock's ${script} with the Node shipped beside it, wherever this package was unpacked.
here=$(dirname "$(readlink -f "$0")")/..
exec "$here/node/bin/node" ${flags ? `${flags} ` : ''}"$here/dist/${script}" "$@"
`;

/** The Node flags the unit's ExecStart gives the agent: \`aimlockd\` run by hand runs the same way. */
export function agentNodeFlags(unitText) {
  const m = /^ExecStart=\S*node((?: -\S+)*) \S+\/dist\/agent\/main\.js/m.exec(unitText);
  if (!m) throw new Error('systemd/aimlockd.service: no ExecStart=…node [flags] …/dist/agent/main.js line');
  return m[1].trim();
}

/**
 * Builds the project and lays out `dir` (…/aimlock) for target `t`. Returns what the check saw:
 * `{ version, arch }`. Throws with the reason when any piece is not for `t`.
 */
export function stageTree(t, dir) {
  ensureTools([t]);
  say(`${t.name}: building the project (host)`);
  sh('npm', ['run', '-s', 'build']);
  const { node } = prepareCopy(t, { dir, tests: false });

  mkdirSync(join(dir, 'node', 'bin'), { recursive: true });
  copyFileSync(node.bin, join(dir, 'node', 'bin', 'node'));
  copyFileSync(join(node.home, 'LICENSE'), join(dir, 'node', 'LICENSE'));
  sh(`${t.triplet}-strip`, [join(dir, 'node', 'bin', 'node')]);
  assertArchOf(join(dir, 'node', 'bin', 'node'), t);

  mkdirSync(join(dir, 'bin'), { recursive: true });
  const unit = join(dir, 'systemd', 'aimlockd.service');
  for (const [bin, script, flags] of [
    ['aimlock', 'cli/main.js', ''],
    ['aimlockd', 'agent/main.js', agentNodeFlags(readFileSync(unit, 'utf8'))],
  ]) {
    writeFileSync(join(dir, 'bin', bin), wrapper(script, flags));
    chmodSync(join(dir, 'bin', bin), 0o755);
  }
  writeFileSync(unit, shippedUnit(readFileSync(unit, 'utf8')));
  rmSync(join(dir, 'examples', 'demo-board'), { recursive: true, force: true });
  rmSync(join(dir, 'package-lock.json'), { force: true });
  return checkTree(t, dir);
}

/** The repository's unit with every `/usr/bin/node …/dist/…` replaced by the shipped Node under INSTALL_DIR. */
export function shippedUnit(text) {
  const out = text.replace(
    /^(Exec\w+=)\/usr\/bin\/node((?: -\S+)*) \S+\/dist\//gm,
    `$1${INSTALL_DIR}/node/bin/node$2 ${INSTALL_DIR}/dist/`,
  );
  const flags = agentNodeFlags(text);
  if (
    !out.includes(
      `ExecStart=${INSTALL_DIR}/node/bin/node ${flags ? `${flags} ` : ''}${INSTALL_DIR}/dist/agent/main.js`,
    )
  ) {
    throw new Error('systemd/aimlockd.service: ExecStart was not rewritten to the shipped Node');
  }
  return out;
}

/**
 * Its own Node, on its target (QEMU for ARM, natively for amd64), prints the CLI's version and loads fs-ext and
 * the agent's other dependencies from the tree's node_modules.
 */
export function checkTree(t, dir) {
  const nodeBin = join(dir, 'node', 'bin', 'node');
  const run = (args) =>
    t.qemu ? sh(t.qemu, ['-L', t.sysroot, nodeBin, ...args], { cwd: dir }) : sh(nodeBin, args, { cwd: dir });
  const version = run([join(dir, 'dist', 'cli', 'main.js'), '--version']).trim();
  // import(), not require(): aedes is an ES module, and armv7's Node 20.11 cannot require() one.
  const load = "Promise.all(['fs-ext', 'mqtt', 'pino', 'ajv', 'aedes'].map((m) => import(m)))";
  const arch = run(['-e', `${load}.then(() => process.stdout.write(process.arch))`]);
  if (arch !== t.npmArch) throw new Error(`the staged Node reports ${arch}, expected ${t.npmArch}`);
  return { version, arch };
}
