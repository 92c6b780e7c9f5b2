// Durations on the command line (--for, --hold-for, --timeout): units as an operator writes them, and a bare
// number is seconds — `--timeout 60` must never mean 60 ms.
import t from 'tap';
import { parseDuration } from '../src/board/hold.js';

for (const [text, ms] of [
  ['500ms', 500],
  ['30s', 30_000],
  ['15m', 900_000],
  ['2h', 7_200_000],
  ['1d', 86_400_000],
  ['1.5s', 1500],
  ['60', 60_000],
  [' 45m ', 2_700_000],
] as const) {
  t.equal(parseDuration(text), ms, `${JSON.stringify(text)} is ${ms} ms`);
}
for (const text of ['', 'soon', '0', '0s', '-5m', '10 m', '5w', 'Infinity']) {
  t.equal(parseDuration(text), null, `${JSON.stringify(text)} is refused`);
}
