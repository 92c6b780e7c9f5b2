// Reads a TAP 14 stream (tap --reporter=tap) and prints failures and the closing "N passed, N failed" line.
// Counts leaf assertions: a test point whose subtest block (deeper-indented lines) precedes it is a summary,
// not an assertion. A failed summary without a failed assertion inside (a file that crashed before testing,
// a timeout) still counts as one failure.
import { readFileSync } from 'node:fs';

const lines = readFileSync(process.argv[2], 'utf8').split('\n');
let passed = 0;
let failed = 0;
let skipped = 0;
const childSeen = []; // per indent: a deeper block was seen since the last test point at this indent
const failsBelow = []; // per indent: leaf failures inside the current block
for (const line of lines) {
  const indent = line.length - line.trimStart().length;
  const text = line.trim();
  const point = /^(not )?ok \d+( - (.*))?$/.exec(text);
  if (!point && !/^1\.\.\d+/.test(text) && !text.startsWith('# Subtest')) continue;
  for (let d = 0; d < indent; d++) childSeen[d] = true;
  if (!point) continue;
  const ok = !point[1];
  const name = point[3] ?? '';
  if (childSeen[indent]) {
    const inner = failsBelow.slice(indent + 1).reduce((a, b) => a + (b ?? 0), 0);
    if (!ok && inner === 0) {
      failed++;
      console.log(`not ok - ${name}`);
    }
    failsBelow[indent] = (failsBelow[indent] ?? 0) + inner;
    failsBelow.length = indent + 1;
  } else if (/# (SKIP|TODO)/i.test(name)) {
    skipped++;
  } else if (ok) {
    passed++;
  } else {
    failed++;
    failsBelow[indent] = (failsBelow[indent] ?? 0) + 1;
    console.log(`not ok - ${name}`);
  }
  childSeen[indent] = false;
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
