import { EXIT } from '../../errors.js';
import { CONSISTENT } from '../../lock/types.js';
import type { Command } from '../command.js';
import { locksJson, renderLocks } from '../lock-view.js';
import { refuseRemoteOnly, remote, SINGLE_OPTIONS } from '../remote/options.js';
import { remoteLocks } from '../remote/single.js';

export const locks: Command = {
  name: 'locks',
  summary: 'show the config lock: lock bit, owner, kernel holders and the verdict',
  usage:
    'aimlock locks [--json] | aimlock locks --device D --fleet F --key KEY [--broker URL] [--timeout 30s]',
  options: SINGLE_OPTIONS,
  help: `
Reads the lock bit and owner record, and the kernel's own list of lock holders (/proc/locks, the same source
as lslocks), and gives the verdict: FREE and HELD are consistent; HUNG, STALE, DETACHED, UNOWNED and CLEARED
are a lock mismatch, each printed with the next step to take. Only reads: it never takes or probes the lock.

Exit: 0 consistent, 3 mismatch.
Example: aimlock locks --settings /etc/aimlock/agent.json

From the desk: --device D --fleet F --key KEY asks drone D for the same look (a signed "locks" command; the
key needs the "locks" capability there) and prints the same table from its answer, with the same exit.
No answer within --timeout (default 30s): exit 5.
Example: aimlock locks --device drone-05 --fleet alpha --key ops-2026.key`,
  async run(ctx) {
    if (ctx.values.device !== undefined) return remoteLocks(ctx, remote(ctx, '30s'));
    refuseRemoteOnly(ctx, 'aimlock locks --device D --fleet F --key KEY');
    const o = await ctx.board().locksmith.observe();
    ctx.emit(locksJson(o, ctx.board().paths.config), renderLocks(o));
    return CONSISTENT.has(o.verdict) ? EXIT.ok : EXIT.lock;
  },
};
