import { readHold } from '../../board/hold.js';
import { EXIT } from '../../errors.js';
import { evidence } from '../../lock/observe.js';
import { readState } from '../../store/state.js';
import type { Command } from '../command.js';
import { askAgent } from '../control.js';

export const status: Command = {
  name: 'status',
  summary: 'agent state, applied version, hold and lock verdict on this board',
  usage: 'aimlock status [--json]',
  help: `
Asks the running agent over its control socket; when no agent answers, reads the same facts from the files
(state.json, hold.json, the lock) and says the agent is down.

Exit: 0 agent running; 4 agent not running (what the files say is still printed).`,
  async run(ctx) {
    const board = ctx.board();
    const agent = await askAgent(board.paths.socket, { cmd: 'status' });
    const [state, hold, lock] = await Promise.all([
      readState(board.paths.state, board.tree),
      readHold(board.paths.hold, Date.now(), board.tree),
      board.locksmith.observe(),
    ]);
    const facts = {
      device: board.settings.device,
      agent: agent ? { running: true, ...agent } : { running: false },
      applied: state.applied,
      hold,
      lock: evidence(lock),
    };
    const lines = [
      `device   ${board.settings.device} (fleet ${board.settings.fleet})`,
      `agent    ${agent ? `running (${String(agent.state ?? 'online')})` : `NOT RUNNING (no answer on ${board.paths.socket}); facts below are from files`}`,
      `applied  ${state.applied ? `version ${state.applied.version} (${state.applied.source}, ${state.applied.at}) sha256 ${state.applied.sha256.slice(0, 12)}…` : 'nothing yet'}`,
      `hold     ${hold ? `ON: ${hold.reason}${hold.until ? ` (until ${hold.until})` : ''}` : 'off'}`,
      `lock     ${lock.verdict}: ${lock.reason}`,
    ];
    ctx.emit(facts, lines.join('\n'));
    return agent ? EXIT.ok : EXIT.agentDown;
  },
};
