import { notYetImplemented } from '../common.js';

export async function run(_args: string[], _opts: Record<string, unknown>): Promise<number> {
  notYetImplemented('report', 'issue 8: bench suites and reports');
}
