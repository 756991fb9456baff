// The suites by name, in the order `kubescale bench` runs them. A literal registry: no discovery.

import { kernelSuite } from './suites/kernel.js';
import { microSuite } from './suites/micro.js';
import { networkSuite } from './suites/network.js';
import { scaleSuite } from './suites/scale.js';
import { schedulingSuite } from './suites/scheduling.js';
import type { SuiteDef } from './types.js';

export const SUITES: readonly SuiteDef[] = [microSuite, schedulingSuite, networkSuite, kernelSuite, scaleSuite];

export function suiteNames(registry: readonly SuiteDef[] = SUITES): string[] {
  return registry.map((s) => s.name);
}

/** The suites named (all when none), in registry order; an unknown name is an error listing the known ones. */
export function selectSuites(names: readonly string[], registry: readonly SuiteDef[] = SUITES): SuiteDef[] | { error: string } {
  const unknown = names.filter((n) => !registry.some((s) => s.name === n));
  if (unknown.length > 0) return { error: `unknown suite${unknown.length > 1 ? 's' : ''} ${unknown.map((u) => JSON.stringify(u)).join(', ')}; known: ${suiteNames(registry).join(', ')}` };
  return names.length === 0 ? [...registry] : registry.filter((s) => names.includes(s.name));
}
