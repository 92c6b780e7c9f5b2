// Prints failures and the closing "N passed, N failed" line from a TAP file (leaf assertions only).
import { readFileSync } from 'node:fs';
import { Parser } from 'tap-parser';

const text = readFileSync(process.argv[2], 'utf8');
let passed = 0;
let failed = 0;
let skipped = 0;
const parser = new Parser({ flat: true });
parser.on('assert', (a) => {
  if (a.skip || a.todo) skipped++;
  else if (a.ok) passed++;
  else {
    failed++;
    console.log(`not ok - ${a.fullname || a.name}${a.diag ? `\n${JSON.stringify(a.diag, null, 2)}` : ''}`);
  }
});
parser.on('complete', () => {
  console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
  process.exit(failed > 0 || passed === 0 ? 1 : 0);
});
parser.end(text);
