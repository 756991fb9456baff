// Micro-benchmarks for the model kernels: Bitset word ops and iteration, and a compiled node selector
// evaluated into a bitset. Seeded data; a sink keeps results alive; checksums are computed outside the
// timed loops. Run: npm run build && node dist/bench/micro-bitset.js [bits]

import { Bitset } from '../src/model/bitset.js';
import { Interner, NO_ID } from '../src/model/intern.js';
import { createRng } from '../src/model/rng.js';
import { compileNodeSelectorTerms, toBitset, type LabelSource } from '../src/model/selector.js';

const BITS = Number(process.argv[2] ?? 100_000);
const REPS = 200;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
let sink = 0;

function bench(name: string, perRep: number, fn: () => number): void {
  for (let i = 0; i < 20; i++) sink ^= fn(); // warm-up
  const times: number[] = [];
  for (let r = 0; r < REPS; r++) {
    const t0 = performance.now();
    sink ^= fn();
    times.push(performance.now() - t0);
  }
  const ms = median(times);
  console.log(`${name.padEnd(44)} median ${(ms * 1000).toFixed(1).padStart(8)} us  ${((perRep / ms) / 1000).toFixed(0).padStart(8)} M items/s`);
}

const rng = createRng(1);
const a = new Bitset(BITS);
const b = new Bitset(BITS);
const out = new Bitset(BITS);
for (let i = 0; i < BITS; i++) {
  if (rng.chance(0.5)) a.set(i);
  if (rng.chance(0.1)) b.set(i);
}
console.log(`bitset: ${BITS} bits, a ~50% set (${a.popcount()}), b ~10% set (${b.popcount()}); ${REPS} reps, median per rep`);
console.log(`node ${process.version}`);

bench('noop baseline', 1, () => 0);
bench('popcount (a)', BITS, () => a.popcount());
bench('andInto(a, b, out)', BITS, () => Bitset.andInto(a, b, out).words[0]!);
bench('andCount(a, b)', BITS, () => Bitset.andCount(a, b));
bench('nextSetBit loop over b', b.popcount(), () => {
  let n = 0;
  for (let i = b.nextSetBit(0); i !== -1; i = b.nextSetBit(i + 1)) n++;
  return n;
});
let each = 0;
const count = (i: number) => {
  each += i;
};
bench('forEachSetBit over b', b.popcount(), () => {
  each = 0;
  b.forEachSetBit(count);
  return each;
});

// A node selector over NODES rows with 6 label slots each (flat arrays, like NodeTable).
const NODES = Math.min(BITS, 50_000);
const labels = new Interner();
const names = new Interner();
const KEYS = ['topology.kubernetes.io/zone', 'node.kubernetes.io/instance-type', 'gpu-count', 'tier', 'pool', 'arch'];
const keyIds = KEYS.map((k) => labels.intern(k));
const slotKey = new Int32Array(NODES * KEYS.length);
const slotVal = new Int32Array(NODES * KEYS.length);
for (let n = 0; n < NODES; n++) {
  KEYS.forEach((_, k) => {
    if (rng.chance(0.8)) {
      slotKey[n * KEYS.length + k] = keyIds[k]!;
      slotVal[n * KEYS.length + k] = labels.intern(k === 2 ? String(rng.int(9)) : `v${rng.int(8)}`);
    }
  });
  names.intern(`node-${n}`);
}
const src: LabelSource = {
  labelValue(row, key) {
    const base = row * 6;
    for (let s = 0; s < 6; s++) if (slotKey[base + s] === key) return slotVal[base + s]!;
    return NO_ID;
  },
  nameId: (row) => row + 1,
};
const sel = compileNodeSelectorTerms([
  { matchExpressions: [
    { key: 'topology.kubernetes.io/zone', operator: 'In', values: ['v1', 'v2', 'v3'] },
    { key: 'gpu-count', operator: 'Gt', values: ['3'] },
  ] },
  { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['v0'] }, { key: 'pool', operator: 'Exists' }] },
], { labels, names });
const rows = new Bitset(NODES);
toBitset(sel, src, NODES, rows);
console.log(`selector: ${NODES} nodes x 6 label slots, 2 terms (In+Gt | NotIn+Exists); ${rows.popcount()} match`);
bench('toBitset(node selector)', NODES, () => toBitset(sel, src, NODES, rows).words[0]!);

if (sink === 0.5) console.log('unreachable', sink);
