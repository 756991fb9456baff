import { notYetImplemented } from '../common.js';

export async function run(_args: string[], _opts: Record<string, unknown>): Promise<number> {
  notYetImplemented('proxy-rules', 'issue 6: service networking I');
}
