// What every crash state must show (issue 13 §1), checked on the files of one replayed or power-cut state
// directory (the board's /var/lib/aimlock, copied out of the disk image). Uses the agent's own parser and
// renderer (dist/store/conf.js), so "whole" means exactly what the agent itself accepts as its file.
//
//   live config   whole (parses, and is byte for byte what aimlock renders: a torn or mixed file is not), and
//                 either the last version answered `applied` before the crash point or a later one that was
//                 being landed (issued, and no later than the next answered one)
//   state.json    whole (a valid record) and agrees with the live file (same sha256), or is exactly one
//                 landing behind it (the agent's recovery at start settles that); never behind the last
//                 `applied` answer: an `applied` answer means durable
//   history/, outbox/   every entry parses
//   audit.jsonl   every line parses; a torn last line is tolerated and reported (so are torn lines a previous
//                 power cut left, when the caller says the board had those)
//   lock          the bit is 0, 1 or absent; the owner record parses or is absent: read on a new boot that is
//                 FREE or a reclaimable STALE (never HELD: the record's boot id is not the new boot's)
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { configSha256, parseConf, renderConf } from '../../../dist/store/conf.js';

const CONF = 'aim_lock_config.conf';

function readJson(path) {
  return JSON.parse(readFileSync(path, 'utf8'));
}

/** The live file as the agent sees it: { version, id, sha256 } when it is whole and ours, else a reason. */
export function readLiveFile(path) {
  if (!existsSync(path)) return { missing: true };
  const bytes = readFileSync(path);
  const text = bytes.toString('utf8');
  try {
    const { config, meta } = parseConf(text);
    if (!meta) return { torn: 'no aimlock header line' };
    if (renderConf(config, meta) !== text) return { torn: 'not byte for byte what aimlock renders' };
    return { version: meta.version, id: meta.id, sha256: configSha256(bytes) };
  } catch (err) {
    return { torn: `does not parse: ${err.message}` };
  }
}

/**
 * Checks one state directory. `expect`:
 *   durable      { version, sha256 } of the last action answered applied before the point (null: none yet)
 *   nextVersion  the version of the next answered action after it (Infinity: none)
 *   issued       Set of every version issued in the run (pushes, technician applies, rollbacks)
 *   tornAuditOk  'last' (the default: only the last line may be torn) or 'any' (a board with earlier cuts)
 * Returns { problems: string[], notes: string[], live, state }.
 */
export function checkState(dir, expect) {
  const problems = [];
  const notes = [];
  const durable = expect.durable;
  const live = readLiveFile(join(dir, CONF));
  if (live.missing) {
    if (durable)
      problems.push(`the live config is missing although v${durable.version} was answered applied`);
  } else if (live.torn) {
    problems.push(`the live config is not whole: ${live.torn}`);
  } else if (durable && live.version < durable.version) {
    problems.push(`the live config is v${live.version}, older than v${durable.version} answered applied`);
  } else if (
    durable &&
    live.version === durable.version &&
    durable.sha256 &&
    live.sha256 !== durable.sha256
  ) {
    problems.push(`the live config is v${live.version} but not the bytes answered applied (sha256 differs)`);
  } else if (durable && live.version > durable.version) {
    if (!expect.issued.has(live.version)) problems.push(`the live config is v${live.version}, never issued`);
    else if (live.version > expect.nextVersion)
      problems.push(
        `the live config is v${live.version}, past v${expect.nextVersion}, the next one answered after v${durable.version}`,
      );
    else notes.push('landing');
  }

  let state = null;
  const statePath = join(dir, 'state.json');
  if (!existsSync(statePath)) {
    if (durable) problems.push(`state.json is missing although v${durable.version} was answered applied`);
  } else {
    try {
      state = readJson(statePath);
      const a = state.applied;
      if (!Array.isArray(state.seen_ids)) throw new Error('no seen_ids array');
      if (
        a !== null &&
        (typeof a !== 'object' || !Number.isSafeInteger(a.version) || typeof a.sha256 !== 'string')
      )
        throw new Error('applied is not a record with version and sha256');
    } catch (err) {
      problems.push(`state.json is not whole: ${err.message}`);
      state = null;
    }
  }
  const applied = state?.applied ?? null;
  if (state && durable) {
    if (!applied || applied.version < durable.version)
      problems.push(
        `state.json says v${applied?.version ?? 'none'}, behind v${durable.version} answered applied: an applied answer was not durable`,
      );
  }
  if (state && live.version !== undefined) {
    if (applied?.sha256 === live.sha256) {
      if (applied.version !== live.version)
        problems.push(`state.json and the live file agree on sha256 but not on version`);
    } else if (applied && applied.version > live.version) {
      problems.push(`state.json says v${applied.version} but the live file is the older v${live.version}`);
    } else if (expect.behindOk !== false) {
      // One landing behind: the live file is newer and ours; recovery at start records it.
      notes.push('state one landing behind');
      if (durable && live.version > durable.version && applied && applied.version !== durable.version)
        problems.push(
          `state.json is v${applied.version}, neither v${durable.version} (answered) nor the live v${live.version}`,
        );
    }
  }

  for (const sub of ['history', 'outbox']) {
    const d = join(dir, sub);
    if (!existsSync(d)) continue;
    for (const name of readdirSync(d)) {
      if (!/^\d+\.json$/.test(name)) continue; // temporaries and refused messages start with a dot
      try {
        readJson(join(d, name));
      } catch (err) {
        problems.push(`${sub}/${name} does not parse: ${err.message}`);
      }
    }
  }

  // The outbox journal (one message or `done` line per write, synced per message) and the audit log: lines.
  jsonLines(join(dir, 'outbox', 'journal.jsonl'), 'outbox journal', expect, problems, notes);
  jsonLines(join(dir, 'audit.jsonl'), 'audit', expect, problems, notes);

  const lockDir = join(dir, 'locks', 'aim_lock_config');
  const bitPath = join(lockDir, 'conf_locked');
  if (existsSync(bitPath)) {
    const bit = readFileSync(bitPath, 'utf8');
    if (!['0\n', '1\n', '0', '1', ''].includes(bit))
      problems.push(`the lock bit holds ${JSON.stringify(bit)}`);
    if (bit.trim() === '1') notes.push('lock bit set (a ghost: STALE on the next boot)');
  }
  return { problems, notes, live, state };
}

/** Every line of a JSON-lines file parses; a torn last line is tolerated and reported as `torn NAME line N`. */
function jsonLines(path, name, expect, problems, notes) {
  if (!existsSync(path)) return;
  const lines = readFileSync(path, 'utf8').split('\n');
  if (lines.at(-1) === '') lines.pop();
  lines.forEach((line, i) => {
    if (line.trim() === '') return; // an appender that was not given its turn leaves an empty line: skipped
    let ok = true;
    try {
      ok = typeof JSON.parse(line) === 'object';
    } catch {
      ok = false;
    }
    if (ok) return;
    if (i === lines.length - 1 || expect.tornAuditOk === 'any') notes.push(`torn ${name} line ${i + 1}`);
    else problems.push(`${name} line ${i + 1} of ${lines.length} does not parse and is not the last`);
  });
}
