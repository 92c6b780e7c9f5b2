// The VM lane's scenarios, in the order one boot runs them (README "The VM lane" says what each proves).
// Each leaves the board with the agent running and the lock free, so that the next can start from there.
import type { Test } from 'tap';
import type { Lab } from '../lab.js';
import { install } from './a-install.js';
import { push } from './b-push.js';
import { technician } from './c-technician.js';
import { kill9 } from './d-kill9.js';
import { watchdog } from './e-watchdog.js';
import { reboot } from './f-reboot.js';
import { journald } from './g-journald.js';
import { sandbox } from './h-sandbox.js';
import { reinstall } from './i-reinstall.js';

export interface Scenario {
  id: string;
  title: string;
  run(t: Test, lab: Lab): Promise<void>;
}

export const SCENARIOS: Scenario[] = [
  install,
  push,
  technician,
  kill9,
  watchdog,
  reboot,
  journald,
  sandbox,
  reinstall,
];
