// Ages within one boot (heartbeats, intents) are measured on CLOCK_MONOTONIC, not the wall clock: a board
// without an RTC boots in 1970 or at its last saved time and then steps by hours when GPS or NTP arrives, and a
// wall-clock age would turn every live holder HUNG (or keep a dead heartbeat "fresh") at that instant.
//
// process.hrtime is CLOCK_MONOTONIC on Linux (libuv's uv_hrtime), and CLOCK_MONOTONIC is one system-wide clock:
// every process of the boot reads the same value (test/lock-mono.test.ts checks it against another process).
// So a value recorded by the holder is comparable with the observer's own reading exactly when both are in the
// same boot — which the owner record's boot_id says. (It does not count suspend; nobody heartbeats during a
// suspend either. A process in its own time namespace could see an offset: such a value is ignored when it
// lies in the future.)

/** Milliseconds on CLOCK_MONOTONIC. */
export function monoNow(): number {
  return Number(process.hrtime.bigint() / 1_000_000n);
}
