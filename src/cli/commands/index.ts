// Every command, in the order `aimlock --help` lists them: board first, then the operator's.
import type { Command } from '../command.js';
import { apply } from './apply.js';
import { demo } from './demo.js';
import { fleet } from './fleet.js';
import { history } from './history.js';
import { hold, resume } from './hold.js';
import { keys } from './keys.js';
import { locks } from './locks.js';
import { logs } from './logs.js';
import { push } from './push.js';
import { reclaim } from './reclaim.js';
import { release } from './release.js';
import { rollback } from './rollback.js';
import { rollout } from './rollout.js';
import { show } from './show.js';
import { sign } from './sign.js';
import { sim } from './sim.js';
import { status } from './status.js';
import { validateCmd } from './validate.js';

export const COMMANDS: Command[] = [
  status,
  locks,
  reclaim,
  release,
  hold,
  resume,
  validateCmd,
  apply,
  show,
  history,
  rollback,
  logs,
  keys,
  sign,
  push,
  rollout,
  fleet,
  sim,
  demo,
];
