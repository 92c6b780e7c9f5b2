// Counts leaf assertions in a TAP 14 stream (tap --reporter=tap, or a test file run by plain node).
// A test point whose subtest block (deeper-indented lines) precedes it is a summary, not an assertion. A failed
// summary without a failed assertion inside (a file that crashed before testing, a timeout) still counts as
// one failure.
export function countTap(text) {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  const failures = [];
  const childSeen = []; // per indent: a deeper block was seen since the last test point at this indent
  const failsBelow = []; // per indent: leaf failures inside the current block
  for (const line of text.split('\n')) {
    const indent = line.length - line.trimStart().length;
    const trimmed = line.trim();
    const point = /^(not )?ok \d+( - (.*))?$/.exec(trimmed);
    if (!point && !/^1\.\.\d+/.test(trimmed) && !trimmed.startsWith('# Subtest')) continue;
    for (let d = 0; d < indent; d++) childSeen[d] = true;
    if (!point) continue;
    const ok = !point[1];
    const name = point[3] ?? '';
    if (childSeen[indent]) {
      const inner = failsBelow.slice(indent + 1).reduce((a, b) => a + (b ?? 0), 0);
      if (!ok && inner === 0) {
        failed++;
        failures.push(name);
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
      failures.push(name);
    }
    childSeen[indent] = false;
  }
  return { passed, failed, skipped, failures };
}

/** "N passed, N failed[, N skipped]" */
export const summaryLine = ({ passed, failed, skipped }) =>
  `${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`;
