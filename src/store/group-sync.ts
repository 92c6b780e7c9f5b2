// Group commit for an append-only file (the outbox journal): at most one fdatasync in flight — one worker thread,
// however large a burst of appends — and a line written while one runs is covered by the next one, which every
// line written meanwhile shares.
//
// INVARIANTS
// - sync(fd) takes over `fd`: it is closed once its sync settles, or at once when a newer waiting line's fd
//   takes its place.
// - Never retried: when a sync fails, the lines waiting for the next one fail with it, unsynced, and onFailure
//   tells the file's owner (the outbox rewrites its journal before its next append).
// - The next sync is of the fd the newest waiting line was written through, never the file reopened by name: a
//   compaction may have renamed a new file over the name meanwhile, and syncing that one would not make a line in
//   the old one durable while the rename may not be yet. An older waiting line is in the same file, or in one
//   that a compaction since has replaced — the owner's part: the outbox writes every waiting message into the new
//   journal, syncs it, renames it and syncs its directory before it appends the next line (its serial queue).
import { closeSync } from 'node:fs';

export class GroupSync {
  /** The fdatasync in flight, and the one that lines written meanwhile wait for. */
  private syncing: Promise<void> | null = null;
  private following: Promise<void> | null = null;
  /** The fd the newest line waiting for `following` was written through. */
  private followerFd: number | null = null;

  constructor(
    /** fdatasync(2) of an fd, as a promise (the owner's: its tests hold it). */
    private readonly fdatasync: (fd: number) => Promise<void>,
    /** A sync failed: whether any line since the last good one is on the disk is unknown. */
    private readonly onFailure: () => void,
  ) {}

  /** Resolves once a sync that started after the line written through `fd` has succeeded. */
  sync(fd: number): Promise<void> {
    if (this.syncing) {
      if (this.followerFd !== null) closeSync(this.followerFd);
      this.followerFd = fd;
      this.following ??= this.syncing.then(
        () => this.sync(this.takeFollowerFd()),
        (err: unknown) => {
          closeSync(this.takeFollowerFd());
          throw err;
        },
      );
      return this.following;
    }
    const run = this.fdatasync(fd)
      .catch((err: unknown) => {
        this.onFailure();
        throw err;
      })
      .finally(() => closeSync(fd));
    this.syncing = run;
    const done = () => {
      if (this.syncing === run) this.syncing = null;
    };
    // Registered before any follower's handlers, so a follower finds no sync in flight and starts its own.
    run.then(done, done);
    return run;
  }

  /** The next sync's fd, handed over once: the group that waited for it closes. */
  private takeFollowerFd(): number {
    const fd = this.followerFd as number;
    this.followerFd = null;
    this.following = null;
    return fd;
  }
}
