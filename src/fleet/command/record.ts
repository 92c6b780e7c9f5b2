// The operator's record of commands (CONTRACT §9: "the operator's record"): one JSON line per command sent and
// per answer or timeout, appended to `~/.aimlock/commands.jsonl`, beside the rollout records
// (~/.aimlock/rollouts/). It answers afterwards "who held drone-05, when, why, and what did it say".
//
// INVARIANTS
// - Append-only, one whole JSON object per line; lines are buffered and written in order by one writer, so a
//   1,000-device hold costs a handful of writes, not 2,000.
// - close() resolves once every line is on disk (fsync): the record outlives a crash right after the command.
// - The record holds no secret: the key id, never the key; the signature value is left out.
import { mkdirSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { CommandResult, SignedCommand } from './types.js';

export const defaultRecordFile = (): string => join(homedir(), '.aimlock', 'commands.jsonl');

export type RecordLine =
  | {
      event: 'sent';
      ts: string;
      id: string;
      device: string;
      action: string;
      args: Record<string, unknown>;
      key_id: string;
      issued_at: string;
      expires_at: string;
      by: string;
    }
  | { event: 'answer'; ts: string; id: string; device: string; status: string; code: string; detail: string }
  | { event: 'timeout'; ts: string; id: string; device: string; offline: boolean; last: string | null };

export class CommandRecord {
  private lines: string[] = [];
  private writing: Promise<void> = Promise.resolve();
  private failure: Error | null = null;
  private handle: Promise<import('node:fs/promises').FileHandle>;

  constructor(readonly file: string) {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    this.handle = open(file, 'a', 0o600);
    // A record that cannot be opened is reported by close(); the command itself still goes out.
    this.handle.catch((err: Error) => {
      this.failure ??= err;
    });
  }

  sent(c: SignedCommand, by: string): void {
    this.add({
      event: 'sent',
      ts: new Date().toISOString(),
      id: c.id,
      device: c.device,
      action: c.action,
      args: { ...c.args },
      key_id: c.signature.key_id,
      issued_at: c.issued_at,
      expires_at: c.expires_at,
      by,
    });
  }

  answer(r: CommandResult): void {
    this.add({
      event: 'answer',
      ts: new Date().toISOString(),
      id: r.id,
      device: r.device,
      status: r.status,
      code: r.code,
      detail: r.detail,
    });
  }

  timeout(id: string, device: string, offline: boolean, last: CommandResult | null): void {
    const l = last ? `${last.status}/${last.code}` : null;
    this.add({ event: 'timeout', ts: new Date().toISOString(), id, device, offline, last: l });
  }

  /** Everything appended so far is on disk; rejects with the first write error. */
  async close(): Promise<void> {
    this.flush();
    await this.writing;
    try {
      const h = await this.handle;
      await h.sync();
      await h.close();
    } catch (err) {
      this.failure ??= err as Error;
    }
    if (this.failure) throw this.failure;
  }

  private add(line: RecordLine): void {
    this.lines.push(JSON.stringify(line));
    // One write per turn of the event loop at most: a burst of answers becomes one append.
    if (this.lines.length === 1) setImmediate(() => this.flush());
  }

  private flush(): void {
    if (this.lines.length === 0) return;
    const chunk = `${this.lines.join('\n')}\n`;
    this.lines = [];
    this.writing = this.writing.then(async () => {
      try {
        await (await this.handle).appendFile(chunk);
      } catch (err) {
        this.failure ??= err as Error;
      }
    });
  }
}
