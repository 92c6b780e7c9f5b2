// debian/copyright in the machine-readable format (DEP-5): aimlock itself, the shipped Node, and one stanza per
// bundled npm package with the licence its package.json declares (its own licence text ships beside it).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

function* packages(modules) {
  if (!existsSync(modules)) return;
  for (const name of readdirSync(modules).sort()) {
    if (name.startsWith('.')) continue;
    if (name.startsWith('@')) {
      for (const sub of readdirSync(join(modules, name)).sort()) yield* one(join(modules, name, sub));
    } else yield* one(join(modules, name));
  }
}

function* one(dir) {
  const file = join(dir, 'package.json');
  if (!existsSync(file)) return;
  const pkg = JSON.parse(readFileSync(file, 'utf8'));
  yield { name: pkg.name, version: pkg.version, license: licenseOf(pkg), author: authorOf(pkg) };
  yield* packages(join(dir, 'node_modules'));
}

/** The SPDX expression of package.json in DEP-5 spelling: MIT is "Expat", operators are lower case. */
function licenseOf(pkg) {
  const spdx =
    typeof pkg.license === 'string'
      ? pkg.license
      : (pkg.license?.type ?? pkg.licenses?.[0]?.type ?? 'unknown');
  return spdx
    .replace(/[()]/g, '')
    .replace(/\bOR\b/g, 'or')
    .replace(/\bAND\b/g, 'and')
    .replace(/\bMIT\b/g, 'Expat');
}

function authorOf(pkg) {
  const a = pkg.author;
  const name = typeof a === 'string' ? a : a?.name;
  return name ? name.replace(/\s*[<(].*$/, '') : `the ${pkg.name} authors`;
}

export function copyrightFile(tree) {
  const { version } = JSON.parse(readFileSync(join(tree, 'package.json'), 'utf8'));
  const stanzas = [
    `Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: aimlock
Source: https://github.com/aimlock/aimlock
Comment: aimlock ${version} ships its own Node.js runtime and its npm dependencies under /opt/aimlock; each
 bundled package's licence text is in its directory under /opt/aimlock/node_modules, Node's (with the
 licences of the libraries Node embeds) in /opt/aimlock/node/LICENSE.`,
    `Files: *
Copyright: 2026 the aimlock authors
License: Expat`,
    `Files: opt/aimlock/node/*
Copyright: Node.js contributors, Joyent, Inc. and other Node contributors
License: Expat
Comment: Node.js bundles libraries under other free licences; see /opt/aimlock/node/LICENSE.`,
  ];
  const names = new Set();
  for (const p of packages(join(tree, 'node_modules'))) {
    for (const name of p.license.split(/ (?:or|and) /)) names.add(name);
    stanzas.push(`Files: opt/aimlock/node_modules/${p.name}/*
Copyright: ${p.author}
License: ${p.license}
Comment: ${p.name} ${p.version}; licence text in the package's directory.`);
  }
  names.delete('Expat');
  for (const name of [...names].sort()) {
    stanzas.push(`License: ${name}
 The full text ships with each package under this licence, in its directory under /opt/aimlock/node_modules.`);
  }
  stanzas.push(`License: Expat
 Permission is hereby granted, free of charge, to any person obtaining a copy of this software and
 associated documentation files (the "Software"), to deal in the Software without restriction, including
 without limitation the rights to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
 copies of the Software, and to permit persons to whom the Software is furnished to do so, subject to the
 following conditions:
 .
 The above copyright notice and this permission notice shall be included in all copies or substantial
 portions of the Software.
 .
 THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT NOT
 LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO
 EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER
 IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE
 USE OR OTHER DEALINGS IN THE SOFTWARE.`);
  return `${stanzas.join('\n\n')}\n`;
}
