// This process's own intent record, `intents/PID.json` (intents.ts says what it is for), overwritten in place
// like the bit (files.ts overwrite: never through a link; a link, FIFO or second hard link planted at the name
// is replaced). A long-lived process (the agent) keeps the file between transitions, cleared, so a transition
// costs two overwrites instead of a temporary file, a rename and an unlink: 3–4 % of a push here
// (`npm run bench -- 2000 --against` the build before). No fd is kept open between overwrites: one open for
// writing would make `mount -o remount,ro` of the state directory refuse ("mount point is busy", as
// test/fault-disk found for a variant that kept it).
//
// - Cleared, the file holds only spaces, which no reader parses as an intent: it vouches only while marked.
//   A mark is padded with spaces to the file's length, which JSON ignores, so the file neither shrinks nor
//   grows between transitions: once it is there, a full disk cannot refuse a mark.
// - A reader that meets an overwrite half-done finds no JSON, so no intent for that instant — what it would
//   have found a moment before the mark. Observers look again before calling anything a mismatch (observe.ts).
// - Not synced, as before: an intent vouches only for a live process of this boot.
// - A short-lived process (a technician's command) removes the file when its last transition ends, so it
//   leaves nothing behind; so does the agent when it stops.
import type { LockFiles } from './files.js';
import type { IntentRecord } from './types.js';

const SPACE = 0x20;

export class IntentFile {
  /** Bytes in the file as this process last wrote it (only this pid writes it). */
  private size = 0;

  constructor(
    private readonly files: LockFiles,
    /** Kept between transitions, cleared (a long-lived process), or removed after each (a command). */
    private readonly keep: boolean,
  ) {}

  async mark(intent: IntentRecord): Promise<void> {
    const json = Buffer.from(JSON.stringify(intent));
    const bytes = Buffer.alloc(Math.max(json.length, this.size), SPACE);
    json.copy(bytes);
    await this.files.overwrite(this.path, bytes);
    this.size = bytes.length;
  }

  /** Ends the mark: spaces over it when kept, else the file removed. */
  async clear(): Promise<void> {
    if (!this.keep) await this.close();
    else if (this.size > 0) await this.files.overwrite(this.path, Buffer.alloc(this.size, SPACE));
  }

  /** Removes the file; a later mark makes it again. */
  async close(): Promise<void> {
    this.size = 0;
    await this.files.removeIntent(process.pid);
  }

  private get path(): string {
    return this.files.intentPath(process.pid);
  }
}
