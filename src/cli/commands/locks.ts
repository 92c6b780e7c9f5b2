import { EXIT } from '../../errors.js';
import { CONSISTENT } from '../../lock/types.js';
import type { Command } from '../command.js';
import { locksJson, renderLocks } from '../lock-view.js';

export const locks: Command = {
  name: 'locks',
  summary: 'show the config lock: lock bit, owner, kernel holders and the verdict',
  usage: 'aimlock locks [--json]',
  help: `
Reads the lock bit and owner record, and the kernel's own list of lock holders (/proc/locks, the same source
as lslocks), and gives the verdict: FREE and HELD are consistent; HUNG, STALE, DETACHED, UNOWNED and CLEARED
are a lock mismatch, each printed with the next step to take. Only reads: it never takes or probes the lock.

Exit: 0 consistent, 3 mismatch.
Example: aimlock locks --settings /etc/aimlock/agent.json`,
  async run(ctx) {
    const o = await ctx.board().locksmith.observe();
    ctx.emit(locksJson(o, ctx.board().paths.config), renderLocks(o));
    return CONSISTENT.has(o.verdict) ? EXIT.ok : EXIT.lock;
  },
};
