import { notYetImplemented } from '../common.js';

export async function run(_args: string[], _opts: Record<string, unknown>): Promise<number> {
  notYetImplemented('schedule', 'issue 3: scheduler I');
}
