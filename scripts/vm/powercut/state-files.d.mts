// Types of state-files.mjs for the TypeScript tests.
export function sparseCopy(from: string, to: string): void;
export function filesOf(image: string, scratch: string, dir: string): { fsck: string | null };
