// `aimlock rollout`: one config to many devices, canary first, then cumulative waves; a failed wave stops the
// rollout (CONTRACT §8). The decisions are the pure state machine's (src/fleet/rollout/machine.ts); this file
// holds the command's options and help, src/cli/rollout/ the start and resume flows and the terminal side.
import type { Command } from '../command.js';
import { resumeRollout } from '../rollout/resume.js';
import { startRollout } from '../rollout/start.js';
import { OPERATOR_OPTIONS } from './push.js';

// Still importable from the command, where they were first (test/rollout-cli.test.ts).
export { parseRate, parseWaves } from '../rollout/options.js';
export { baseline } from '../rollout/start.js';
export { renderSummary } from '../rollout/terminal.js';

export const rollout: Command = {
  name: 'rollout',
  summary: 'roll one config out to many devices: canary first, then waves; stop at a failed wave',
  usage:
    'aimlock rollout FILE --fleet F (--devices a,b,c | --all) --canary N --waves 10%,50%,100% [--timeout 60s] [--max-failure-rate 0] [--pause-between] [--yes] [--rollback-on-abort] [--id ID] [--key KEY] [--key-id ID] [--broker URL] [--state-dir DIR] [--json] | aimlock rollout --resume ID [--key KEY] [--state-dir DIR] [--yes] [--json]',
  options: {
    ...OPERATOR_OPTIONS,
    devices: { type: 'string' },
    all: { type: 'boolean' },
    canary: { type: 'string' },
    waves: { type: 'string' },
    timeout: { type: 'string' },
    'max-failure-rate': { type: 'string' },
    'pause-between': { type: 'boolean' },
    yes: { type: 'boolean', short: 'y' },
    'rollback-on-abort': { type: 'boolean' },
    resume: { type: 'string' },
    id: { type: 'string' },
    key: { type: 'string' },
    'key-id': { type: 'string' },
    'state-dir': { type: 'string' },
  },
  positionals: [0, 1],
  help: `
FILE is a config ({"aim": …, "safety": …, "update_window": …}, or an envelope whose config is used); it is
schema-checked first and nothing is published when it is invalid (exit 1, errors with JSON pointers).

The devices, in rollout order: --devices a,b,c, or --all (every device with a retained status in the fleet,
sorted by name). The first --canary N of them are wave 0; --waves lists cumulative percents of the whole list:
a percent p reaches the first ceil(p% × N) devices, a percent that adds no device is skipped, and 100% is
added when missing (both are said). Each device gets one push signed with --key: its version is one above
its applied version (retained status; above its retained desired push too, if a newer one is pending), its
id is derived from the rollout id (ROLLOUT:DEVICE:vN), so a push re-sent after a crash is answered
"duplicate", never applied twice.

A wave is published (retained, QoS 1), then waits for every final answer, up to --timeout (default 60s) per
wave. "deferred" (hold, lock_hot, update window) is not failure: the wave keeps waiting. Failure is a
rejection (any code) or a timeout; "superseded" (someone pushed a newer config) is neutral; "duplicate" is
success. A wave fails when any device answers lock_mismatch, or when the share of failures exceeds
--max-failure-rate (a share 0.1 or a percent 10%; default 0). A failed wave aborts the rollout: no further
device is touched; with --rollback-on-abort every device that applied gets the config it ran before (read
from its retained push before the rollout) back, as a newer version. --pause-between asks for a go after
each passed wave: y on a terminal's [y/N], or a line "y" on stdin from a script (any other line declines, the
end of stdin aborts); --yes answers for you. Ctrl-C aborts (a second one leaves at once); SIGTERM leaves at
once, deciding nothing: --resume continues.

Progress: on a terminal a live line per wave; otherwise one line per event (drone-03 wave 0 applied v7), on
stderr. The summary (every wave, every device with its answer and a next step) goes to stdout; --json prints
it as one object instead and shows no progress.

State: after every step in --state-dir (default ~/.aimlock/rollouts/ID.json) and retained on
aimlock/v1/{fleet}/rollouts/ID. If this machine dies, aimlock rollout --resume ID continues where it stopped
(signing with the key file the rollout started with; --key to use another): answers missed meanwhile are
recovered from the devices' retained statuses and no device is pushed twice. Without the local file,
--resume reads the retained record (give --fleet and --broker).
--id names the rollout (default r-TIMESTAMP-RANDOM, printed at the start). --fleet/--broker default to those
of --settings FILE.

Exit: 0 done; 6 aborted (the reason and where to look); 1 invalid config or key; 2 usage; 5 broker
unreachable.
Example: aimlock rollout aim-v2.json --fleet alpha --all --canary 2 --waves 10%,50%,100% \\
           --key ops-2026.key --broker mqtts://broker:8883 --rollback-on-abort`,
  async run(ctx) {
    const resumeId = ctx.string('resume');
    return resumeId !== undefined ? resumeRollout(ctx, resumeId) : startRollout(ctx);
  },
};
