const Module = require('module');
const orig = Module._load;
const times = [];
let depth = 0;
Module._load = function (req, parent, isMain) {
  const t = performance.now(); depth++;
  try { return orig.apply(this, arguments); } finally { depth--; const d = performance.now()-t; if (depth < 3 && d > 3) times.push([depth, req, d.toFixed(1)]); }
};
const t = performance.now();
require(process.argv[2]);
console.log('total', (performance.now()-t).toFixed(1));
for (const x of times) console.log('  '.repeat(x[0]) + x[1], x[2]);
