// This process's own intent record, `intents/PID.json` (intents.ts says what it is for), overwritten in place
// like the bit (files.ts overwrite: never through a link; a link, FIFO or second hard link planted at the name
// is replaced). A long-lived process (the agent) keeps the file between transitions, cleared, so a transition
// costs two overwrites instead of a temporary file, a rename and an unlink: 3–4 % of a push here
// (`npm run bench -- 2000 --against` the build before). No fd is kept open between overwrites: one open for
// writing would make `mount -o remount,ro` of the state directory refuse ("mount point is busy", as
// test/fault-disk found for a variant that kept it).
//
// - Cleared, the file holds only spaces, which no reader parses as an intent: it vouches only while marked.
//   A mark is padded with spaces to the file's length, which JSON ignores, so the file does not shrink (on
//   ext4 it stays within its block: a full disk does not refuse a mark once the file is there).
// - Only a cleared file is marked in place: a reader that meets that overwrite half-done finds no JSON, so no
//   intent for that instant — what it found a moment before. A mark over a mark (a refresh while waiting, a
//   second transition overlapping the first) is written to a temporary and renamed over it, so a reader
//   never loses an intent that was there (half of one mark and half of the other would parse as none).
//   Clearing in place can be read half-done too: as no intent, which it is about to be.
// - Not synced, as before: an intent vouches only for a live process of this boot.
// - A short-lived process (a technician's command) removes the file when its last transition ends, so it
//   leaves nothing behind; so does the agent when it stops.
import type { LockFiles } from './files.js';
import type { IntentRecord } from './types.js';

const SPACE = 0x20;

export class IntentFile {
  /** Bytes in the file as this process last wrote it (only this pid writes it). */
  private size = 0;
  /** The file holds a mark (not yet cleared). */
  private marked = false;

  constructor(
    private readonly files: LockFiles,
    /** Kept between transitions, cleared (a long-lived process), or removed after each (a command). */
    private readonly keep: boolean,
  ) {}

  async mark(intent: IntentRecord): Promise<void> {
    const json = Buffer.from(JSON.stringify(intent));
    const bytes = Buffer.alloc(Math.max(json.length, this.size), SPACE);
    json.copy(bytes);
    if (this.marked) await this.files.replace(this.path, bytes);
    else await this.files.overwrite(this.path, bytes, true);
    this.size = bytes.length;
    this.marked = true;
  }

  /** Ends the mark: spaces over it when kept, else the file removed. */
  async clear(): Promise<void> {
    this.marked = false;
    if (!this.keep) await this.close();
    else if (this.size > 0) await this.files.overwrite(this.path, Buffer.alloc(this.size, SPACE));
  }

  /** Removes the file; a later mark makes it again. */
  async close(): Promise<void> {
    this.size = 0;
    this.marked = false;
    await this.files.removeIntent(process.pid);
  }

  private get path(): string {
    return this.files.intentPath(process.pid);
  }
}
