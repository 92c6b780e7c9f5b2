// Reads a TAP stream file (tap --reporter=tap) and prints failures and the closing "N passed, N failed" line.
import { readFileSync } from 'node:fs';
import { countTap, summaryLine } from '../scripts/tap-count.mjs';

const counts = countTap(readFileSync(process.argv[2], 'utf8'));
for (const name of counts.failures) console.log(`not ok - ${name}`);
console.log(summaryLine(counts));
process.exit(counts.failed > 0 || counts.passed === 0 ? 1 : 0);
