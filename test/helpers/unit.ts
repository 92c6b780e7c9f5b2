// How the systemd unit runs the agent on a board (systemd/aimlockd.service): its Node flags and environment, for a
// test or a bench that must measure the agent as it runs there (memory above all: V8's heap flags decide it).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './board.js';

/** The flags between the Node binary and main.js in the unit's ExecStart: what a board runs the agent with. */
export function unitNodeFlags(): string[] {
  const unit = readFileSync(join(ROOT, 'systemd/aimlockd.service'), 'utf8');
  const m = /^ExecStart=\S*node((?:\s+-\S+)*)\s+\S+\/dist\/agent\/main\.js/m.exec(unit);
  if (!m) throw new Error('systemd/aimlockd.service: no ExecStart=…node [flags] …/dist/agent/main.js line');
  return m[1]!.trim().split(/\s+/).filter(Boolean);
}

/** The unit's `Environment=` assignments (KEY=VALUE words, no quoting): the agent's environment on a board. */
export function unitEnvironment(): Record<string, string> {
  const unit = readFileSync(join(ROOT, 'systemd/aimlockd.service'), 'utf8');
  const env: Record<string, string> = {};
  for (const m of unit.matchAll(/^Environment=(.*)$/gm)) {
    for (const word of m[1]!.trim().split(/\s+/)) {
      const eq = word.indexOf('=');
      if (eq > 0) env[word.slice(0, eq)] = word.slice(eq + 1);
    }
  }
  return env;
}
