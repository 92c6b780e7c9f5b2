// binfmt_misc: lets the kernel run ARM executables through QEMU, so that ARM Node can spawn ARM children (test
// workers' agents, lock holders) as plainly as on a board. Everything registered or mounted here is undone
// afterwards, even on Ctrl-C; registrations that were already there are used and left alone.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { say, sh, succeeds } from './sh.mjs';

const MISC = '/proc/sys/fs/binfmt_misc';

function entryPath(t) {
  return `${MISC}/${t.binfmt}`;
}

/** The registration line Debian's qemu-user-static ships (`:name:M::magic:mask:interpreter:flags`). */
function registrationLine(t) {
  const file = `/usr/lib/binfmt.d/${t.binfmt}.conf`;
  if (!existsSync(file)) throw new Error(`${file} is missing: install qemu-user-static`);
  return readFileSync(file, 'utf8').trim();
}

function enabled(path) {
  return existsSync(path) && readFileSync(path, 'utf8').startsWith('enabled');
}

/**
 * Runs `fn` with `targets` runnable through binfmt_misc. Throws with the reason when the kernel will not
 * allow it (no CAP_SYS_ADMIN, a container without binfmt_misc): the ARM lane cannot run here.
 */
export async function withBinfmt(targets, fn) {
  const undo = [];
  const cleanup = () => {
    while (undo.length) {
      const step = undo.pop();
      try {
        step();
      } catch (err) {
        say(`arm: cleanup failed: ${err.message}`);
      }
    }
  };
  const onSignal = (signal) => {
    cleanup();
    process.kill(process.pid, signal);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    if (!existsSync(`${MISC}/register`)) {
      if (!succeeds('mount', ['-t', 'binfmt_misc', 'binfmt_misc', MISC])) {
        throw new Error(`cannot mount binfmt_misc on ${MISC} (needs root with CAP_SYS_ADMIN)`);
      }
      undo.push(() => sh('umount', [MISC]));
    }
    if (!enabled(`${MISC}/status`)) throw new Error(`binfmt_misc is disabled (${MISC}/status)`);
    for (const t of targets) {
      if (enabled(entryPath(t))) continue;
      if (existsSync(entryPath(t)))
        throw new Error(`${entryPath(t)} exists but is disabled; enable it or remove it`);
      try {
        writeFileSync(`${MISC}/register`, registrationLine(t));
      } catch (err) {
        throw new Error(`cannot register ${t.binfmt} with binfmt_misc: ${err.message}`);
      }
      undo.push(() => writeFileSync(entryPath(t), '-1'));
      say(`${t.name}: registered ${t.binfmt} with binfmt_misc (removed when done)`);
    }
    return await fn();
  } finally {
    cleanup();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
