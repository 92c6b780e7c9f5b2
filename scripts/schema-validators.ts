// Writes src/schemas/compiled.gen.ts: every schema of schemas/ (and the derived ones) compiled by Ajv into
// standalone validation code (src/schemas/compile.ts says why).
//
//   npm run schemas:validators                                  rewrite src/schemas/compiled.gen.ts
//   node --import @tapjs/typescript/import scripts/schema-validators.ts --out FILE    write elsewhere
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { validatorsSource } from '../src/schemas/compile.js';

const { values } = parseArgs({ options: { out: { type: 'string' } } });
const out = values.out ?? fileURLToPath(new URL('../src/schemas/compiled.gen.ts', import.meta.url));
writeFileSync(out, validatorsSource());
console.log(`wrote ${out}`);
