import { notYetImplemented } from '../common.js';

export async function run(_args: string[], _opts: Record<string, unknown>): Promise<number> {
  notYetImplemented('dataplane-verify', 'issue 7: service networking II');
}
