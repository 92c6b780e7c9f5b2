// Waiting in a test for something another process does (a hook starts, a broker delivers): checked every 20 ms,
// an error naming `what` at the deadline. Never on the agent's path, only in tests.
export async function until(what: string, ok: () => boolean | Promise<boolean>, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
