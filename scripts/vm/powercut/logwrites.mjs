// Reader and replayer of a dm-log-writes log (the kernel target that records every write, flush and FUA of a
// block device, in completion order, onto a log device). Written from the format the kernel documents in
// Documentation/admin-guide/device-mapper/log-writes.rst; no fstests code is used.
//
// The log device, in units of the data device's logical sector size S (the super block says which; 512 on
// virtio-blk):
//   sector 0      super: magic u64 (0x6a736677736872), version u64 (1), nr_entries u64, sectorsize u32 (LE)
//   then entries, one after the other:
//     one sector  header: sector u64, nr_sectors u64, flags u64, data_len u64 (LE); a MARK's name follows the
//                 32 header bytes in the same sector
//     data        nr_sectors × S bytes for a write (none for a flush, a mark or a discard)
// flags: FLUSH 1, FUA 2, DISCARD 4, MARK 8, METADATA 16.
//
// Why entries are states: the target logs a write only once a flush has covered it (or it was FUA), so the log
// is the order in which data reached stable storage. Replaying a prefix onto the data device's starting image
// gives what a power cut at that instant would have left; a prefix that ends at a FLUSH, FUA or MARK is a
// point the guest's kernel treats as durable, and a prefix ending between two of them is one of the states a
// disk with a volatile cache may leave (the later writes lost).
import { closeSync, fstatSync, openSync, readSync, writeSync } from 'node:fs';

export const FLAG = { FLUSH: 1, FUA: 2, DISCARD: 4, MARK: 8, METADATA: 16 };
const MAGIC = 0x6a736677736872n;
const HEADER = 32;

/** Names of an entry's flags, for messages ("FLUSH|FUA"). */
export function flagNames(flags) {
  return Object.entries(FLAG)
    .filter(([, bit]) => flags & bit)
    .map(([name]) => name)
    .join('|');
}

function readAt(fd, length, position) {
  const buf = Buffer.alloc(length);
  let done = 0;
  while (done < length) {
    const n = readSync(fd, buf, done, length - done, position + done);
    if (n === 0) break;
    done += n;
  }
  return done === length ? buf : buf.subarray(0, done);
}

/**
 * Opens a log: returns { sectorSize, count, entries() } where entries() yields
 * { index, sector, nrSectors, flags, mark, dataPos, dataLen } in log order (dataPos: the byte offset of the
 * write's data in the log file). Throws, naming the file and what is wrong, on anything but a v1 log.
 */
export function openLog(path) {
  const fd = openSync(path, 'r');
  const size = fstatSync(fd).size;
  const sb = readAt(fd, HEADER, 0);
  if (sb.length < 28 || sb.readBigUInt64LE(0) !== MAGIC) {
    closeSync(fd);
    throw new Error(
      `${path} is not a dm-log-writes log (no magic in sector 0): was the target created on this device, and removed (dmsetup remove) before the copy?`,
    );
  }
  const version = sb.readBigUInt64LE(8);
  if (version !== 1n) {
    closeSync(fd);
    throw new Error(`${path}: log version ${version}, this reader knows version 1 only`);
  }
  const count = Number(sb.readBigUInt64LE(16));
  const sectorSize = sb.readUInt32LE(24);
  return {
    path,
    sectorSize,
    count,
    *entries() {
      let pos = sectorSize; // entries start right after the super's sector
      for (let index = 0; index < count; index++) {
        const h = readAt(fd, sectorSize, pos);
        if (h.length < sectorSize)
          throw new Error(`${path}: entry ${index} of ${count} is cut off at byte ${pos}`);
        const sector = Number(h.readBigUInt64LE(0));
        const nrSectors = Number(h.readBigUInt64LE(8));
        const flags = Number(h.readBigUInt64LE(16));
        const dataLen = Number(h.readBigUInt64LE(24));
        const mark = flags & FLAG.MARK ? h.subarray(HEADER, HEADER + dataLen).toString('latin1') : null;
        pos += sectorSize;
        const dataPos = pos;
        // A discard carries no data in the log; a write carries its nr_sectors.
        const bytes = flags & FLAG.DISCARD ? 0 : nrSectors * sectorSize;
        if (pos + bytes > size)
          throw new Error(`${path}: entry ${index}'s data runs past the end of the log`);
        pos += bytes;
        yield { index, sector, nrSectors, flags, mark, dataPos, dataLen: bytes };
      }
    },
    close() {
      closeSync(fd);
    },
  };
}

/**
 * Applies entries, in order, onto an image file (a copy of the data device as it was when the target was
 * created). A discard is replayed as zeros: after a discard a disk may return anything, and zeros are what a
 * reader of the old blocks would least expect to be meaningful.
 */
export class Replayer {
  #log;
  #logFd;
  #fd;
  constructor(log, imagePath) {
    this.#log = log;
    this.#logFd = openSync(log.path, 'r');
    this.#fd = openSync(imagePath, 'r+');
  }

  apply(e) {
    const s = this.#log.sectorSize;
    if (e.flags & FLAG.DISCARD) {
      const zeros = Buffer.alloc(Math.min(e.nrSectors * s, 1 << 20));
      for (let off = 0; off < e.nrSectors * s; off += zeros.length) {
        const n = Math.min(zeros.length, e.nrSectors * s - off);
        writeSync(this.#fd, zeros, 0, n, e.sector * s + off);
      }
      return;
    }
    if (e.dataLen === 0) return; // a bare flush or a mark: nothing lands
    const data = readAt(this.#logFd, e.dataLen, e.dataPos);
    writeSync(this.#fd, data, 0, data.length, e.sector * s);
  }

  close() {
    closeSync(this.#fd);
    closeSync(this.#logFd);
  }
}
