// node_modules as a package ships it: what npm packages carry for their own development (tests, CI
// settings, benchmarks, lint configs, an HTML docs page) and fs-ext's build leftovers (object files, Makefiles,
// a config.gypi naming the build machine's paths) go; fs_ext.node is stripped and made a plain 0644 file, since
// nothing in node_modules is ever executed directly — Node loads it. The tarball is left as it was.
import { chmodSync, existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { sh } from '../arm/sh.mjs';

/** Removed at the top of each npm package: never loaded at run time. */
const DEV_ONLY =
  /^(\.github|\.claude|\.vscode|test|tests|spec|benchmarks?|example|examples|\.eslintrc.*|eslint\.config\..*|\.git(attributes|ignore)|\.npmignore|\.taprc|\.nycrc.*|\.release-it\.json|\.travis\.yml|\.editorconfig|\.prettierrc.*|CODE_OF_CONDUCT\.md|SECURITY\.md|index\.html)$/;

function* packageDirs(modules) {
  if (!existsSync(modules)) return;
  for (const name of readdirSync(modules)) {
    if (name.startsWith('.')) continue;
    const dir = join(modules, name);
    if (name.startsWith('@')) {
      for (const sub of readdirSync(dir)) yield* withNested(join(dir, sub));
    } else yield* withNested(dir);
  }
}

function* withNested(dir) {
  yield dir;
  yield* packageDirs(join(dir, 'node_modules'));
}

function dropExecBits(path) {
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    const p = join(path, entry.name);
    if (entry.isDirectory()) dropExecBits(p);
    else if (entry.isFile()) chmodSync(p, 0o644);
  }
}

/** Prunes `modules` (…/opt/aimlock/node_modules) in place; `t` names the strip program for the target. */
export function pruneModules(modules, t) {
  rmSync(join(modules, '.bin'), { recursive: true, force: true });
  rmSync(join(modules, '.package-lock.json'), { force: true });
  for (const dir of packageDirs(modules)) {
    for (const entry of readdirSync(dir)) {
      if (DEV_ONLY.test(entry)) rmSync(join(dir, entry), { recursive: true, force: true });
    }
  }
  // nan's tools are a code migration helper; its headers were needed only to build fs-ext.
  rmSync(join(modules, 'nan', 'tools'), { recursive: true, force: true });
  const build = join(modules, 'fs-ext', 'build');
  for (const entry of readdirSync(build)) {
    if (entry !== 'Release') rmSync(join(build, entry), { recursive: true, force: true });
  }
  for (const entry of readdirSync(join(build, 'Release'))) {
    if (entry !== 'fs_ext.node') rmSync(join(build, 'Release', entry), { recursive: true, force: true });
  }
  dropExecBits(modules);
  sh(`${t.triplet}-strip`, ['--strip-unneeded', join(build, 'Release', 'fs_ext.node')]);
}
