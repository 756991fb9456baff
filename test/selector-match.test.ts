// Label selectors and node selector terms: upstream semantics by hand, then the compiled form
// (interned ids, toBitset) held against the object form on seeded random label sets.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LabelSelector, NodeSelectorRequirement, NodeSelectorTerm, PreferredSchedulingTerm } from '../src/k8s/types.js';
import { Bitset } from '../src/model/bitset.js';
import { Interner, NO_ID } from '../src/model/intern.js';
import { createRng, type Rng } from '../src/model/rng.js';
import {
  compileLabelSelector, compileLabelSet, compileNodeSelectorTerms, compilePreferredSchedulingTerms, labelSelectorErrors,
  matchesRow, matchLabelSelector, matchLabelSet, matchNodeSelectorTerm, matchNodeSelectorTerms, parseInt64,
  scorePreferredSchedulingTerms, scoreRow, toBitset, MATCH_ALL, MATCH_NONE, type LabelSource, type NodeLabelsAndName,
} from '../src/model/selector.js';

interface Row extends NodeLabelsAndName {
  name: string;
  labels: Record<string, string>;
}

/** A LabelSource over plain rows, interning everything they carry. */
function source(rows: Row[]): { src: LabelSource; labels: Interner; names: Interner } {
  const labels = new Interner();
  const names = new Interner();
  const byRow = rows.map((r) => {
    const m = new Map<number, number>();
    for (const [k, v] of Object.entries(r.labels)) m.set(labels.intern(k), labels.intern(v));
    return { m, name: r.name === '' ? NO_ID : names.intern(r.name) };
  });
  return {
    labels,
    names,
    src: {
      labelValue: (row, key) => byRow[row]!.m.get(key) ?? NO_ID,
      nameId: (row) => byRow[row]!.name,
    },
  };
}

const req = (key: string, operator: string, values?: string[]): NodeSelectorRequirement =>
  ({ key, operator, ...(values ? { values } : {}) }) as NodeSelectorRequirement;

test('label selector: absent matches nothing, empty matches everything', () => {
  const labels = { app: 'web' };
  assert.equal(matchLabelSelector(undefined, labels), false);
  assert.equal(matchLabelSelector(null, labels), false);
  assert.equal(matchLabelSelector({}, labels), true);
  assert.equal(matchLabelSelector({ matchLabels: {}, matchExpressions: [] }, {}), true);
  const { labels: interner } = source([]);
  assert.equal(compileLabelSelector(undefined, { labels: interner }).mode, MATCH_NONE);
  assert.equal(compileLabelSelector({}, { labels: interner }).mode, MATCH_ALL);
  assert.equal(matchLabelSet(undefined, labels), true);
  assert.equal(matchLabelSet({}, {}), true);
  assert.equal(compileLabelSet({}, { labels: interner }).mode, MATCH_ALL);
});

test('label selector operators (labels.Requirement.Matches)', () => {
  const labels = { app: 'web', tier: 'front', empty: '' };
  const cases: [LabelSelector, boolean][] = [
    [{ matchLabels: { app: 'web' } }, true],
    [{ matchLabels: { app: 'db' } }, false],
    [{ matchLabels: { app: 'web', tier: 'front' } }, true],
    [{ matchLabels: { empty: '' } }, true],
    [{ matchLabels: { missing: '' } }, false],
    [{ matchExpressions: [{ key: 'app', operator: 'In', values: ['db', 'web'] }] }, true],
    [{ matchExpressions: [{ key: 'missing', operator: 'In', values: ['x'] }] }, false],
    [{ matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['web'] }] }, false],
    [{ matchExpressions: [{ key: 'missing', operator: 'NotIn', values: ['web'] }] }, true],
    [{ matchExpressions: [{ key: 'app', operator: 'Exists' }] }, true],
    [{ matchExpressions: [{ key: 'empty', operator: 'Exists' }] }, true],
    [{ matchExpressions: [{ key: 'app', operator: 'DoesNotExist' }] }, false],
    [{ matchExpressions: [{ key: 'missing', operator: 'DoesNotExist' }] }, true],
    // invalid selectors parse to an error upstream: they match nothing here
    [{ matchExpressions: [{ key: 'app', operator: 'In', values: [] }] }, false],
    [{ matchExpressions: [{ key: 'missing', operator: 'NotIn', values: [] }] }, false],
    [{ matchExpressions: [{ key: 'missing', operator: 'DoesNotExist', values: ['x'] }] }, false],
    [{ matchExpressions: [{ key: 'num', operator: 'Gt' as 'In', values: ['1'] }] }, false],
    [{ matchExpressions: [{ key: 'bad key', operator: 'DoesNotExist' }] }, false],
    [{ matchLabels: { app: 'web', 'a/b/c': 'x' } }, false],
    [{ matchLabels: { app: 'not valid!' } }, false],
  ];
  const rows: Row[] = [{ name: 'n0', labels }];
  const { src, labels: interner } = source(rows);
  for (const [sel, want] of cases) {
    assert.equal(matchLabelSelector(sel, labels), want, JSON.stringify(sel));
    assert.equal(matchesRow(compileLabelSelector(sel, { labels: interner }), src, 0), want, `compiled ${JSON.stringify(sel)}`);
  }
});

test('invalid selectors come back with upstream messages and paths', () => {
  const { labels } = source([]);
  const c = compileLabelSelector({ matchExpressions: [{ key: 'app', operator: 'In', values: [] }, { key: 'x', operator: 'Gt' as 'In', values: ['1'] }] }, { labels }, 'spec.selector');
  assert.equal(c.mode, MATCH_NONE);
  assert.deepEqual(c.errors, [
    `spec.selector.matchExpressions[0].values: Invalid value: []: for 'in', 'notin' operators, values set can't be empty`,
    `spec.selector.matchExpressions[1].operator: Invalid value: "Gt": "Gt" is not a valid label selector operator`,
  ]);
  assert.deepEqual(labelSelectorErrors({ matchLabels: { 'a/b/c': 'v' } }).length, 1);
  const n = compileNodeSelectorTerms([{ matchExpressions: [req('n', 'Gt', ['abc'])] }, { matchFields: [req('metadata.namespace', 'In', ['x'])] }], { labels, names: new Interner() }, 'spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution');
  assert.deepEqual(n.errors, [
    `spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values[0]: Invalid value: "abc": for 'Gt', 'Lt' operators, the value must be an integer`,
    `spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[1].matchFields[0].key: Unsupported value: "metadata.namespace": supported values: "metadata.name"`,
  ]);
});

test('node selector terms (nodeaffinity helper semantics)', () => {
  const nodes: Row[] = [
    { name: 'node-a', labels: { zone: 'z1', gpu: '2', disk: 'ssd' } },
    { name: 'node-b', labels: { zone: 'z2', gpu: '10' } },
    { name: 'node-c', labels: { zone: 'z1', gpu: 'many' } },
    { name: '', labels: { zone: 'z3' } },
  ];
  const cases: [string, NodeSelectorTerm[], boolean[]][] = [
    ['no terms match nothing', [], [false, false, false, false]],
    ['an empty term matches nothing', [{}], [false, false, false, false]],
    ['empty lists are an empty term', [{ matchExpressions: [], matchFields: [] }], [false, false, false, false]],
    ['an empty term next to a real one', [{}, { matchExpressions: [req('zone', 'In', ['z2'])] }], [false, true, false, false]],
    ['In', [{ matchExpressions: [req('zone', 'In', ['z1'])] }], [true, false, true, false]],
    ['NotIn holds for absent keys', [{ matchExpressions: [req('disk', 'NotIn', ['ssd'])] }], [false, true, true, true]],
    ['Exists', [{ matchExpressions: [req('disk', 'Exists')] }], [true, false, false, false]],
    ['DoesNotExist', [{ matchExpressions: [req('gpu', 'DoesNotExist')] }], [false, false, false, true]],
    ['Gt compares integers, unparsable labels fail', [{ matchExpressions: [req('gpu', 'Gt', ['3'])] }], [false, true, false, false]],
    ['Lt', [{ matchExpressions: [req('gpu', 'Lt', ['3'])] }], [true, false, false, false]],
    ['Gt 007 is 7', [{ matchExpressions: [req('gpu', 'Gt', ['007'])] }], [false, true, false, false]],
    ['Gt with a non-integer value: term fails', [{ matchExpressions: [req('gpu', 'Gt', ['x'])] }], [false, false, false, false]],
    ['Gt with two values: term fails', [{ matchExpressions: [req('gpu', 'Gt', ['1', '2'])] }], [false, false, false, false]],
    ['invalid term does not hide a valid one', [{ matchExpressions: [req('gpu', 'Lt', [])] }, { matchExpressions: [req('zone', 'In', ['z2'])] }], [false, true, false, false]],
    ['expressions ANDed', [{ matchExpressions: [req('zone', 'In', ['z1']), req('gpu', 'Gt', ['1'])] }], [true, false, false, false]],
    ['terms ORed', [{ matchExpressions: [req('zone', 'In', ['z2'])] }, { matchExpressions: [req('disk', 'Exists')] }], [true, true, false, false]],
    ['matchFields In', [{ matchFields: [req('metadata.name', 'In', ['node-c'])] }], [false, false, true, true]],
    ['matchFields NotIn', [{ matchFields: [req('metadata.name', 'NotIn', ['node-c'])] }], [true, true, false, true]],
    ['matchFields and expressions', [{ matchExpressions: [req('zone', 'In', ['z1'])], matchFields: [req('metadata.name', 'In', ['node-a'])] }], [true, false, false, false]],
    ['matchFields with two values is invalid', [{ matchFields: [req('metadata.name', 'In', ['node-a', 'node-b'])] }], [false, false, false, false]],
    ['matchFields on another key is invalid', [{ matchFields: [req('metadata.uid', 'NotIn', ['x'])] }], [false, false, false, false]],
    ['unknown operator', [{ matchExpressions: [req('zone', 'Equals', ['z1'])] }], [false, false, false, false]],
    ['never-interned value', [{ matchExpressions: [req('zone', 'In', ['z9'])] }], [false, false, false, false]],
    ['never-interned key with NotIn', [{ matchExpressions: [req('rack', 'NotIn', ['r1'])] }], [true, true, true, true]],
  ];
  const { src, labels, names } = source(nodes);
  const out = new Bitset(nodes.length);
  for (const [name, terms, want] of cases) {
    assert.deepEqual(nodes.map((n) => matchNodeSelectorTerms(terms, n)), want, `object: ${name}`);
    const compiled = compileNodeSelectorTerms(terms, { labels, names });
    toBitset(compiled, src, nodes.length, out);
    assert.deepEqual(nodes.map((_, i) => out.has(i)), want, `compiled: ${name}`);
  }
  assert.equal(matchNodeSelectorTerms(undefined, nodes[0]!), false);
});

test('preferred scheduling terms sum the weights of matching terms, skipping weight 0', () => {
  const nodes: Row[] = [{ name: 'a', labels: { zone: 'z1', ssd: 'true' } }, { name: 'b', labels: { zone: 'z2' } }];
  const terms: PreferredSchedulingTerm[] = [
    { weight: 5, preference: { matchExpressions: [req('zone', 'In', ['z1'])] } },
    { weight: 3, preference: { matchExpressions: [req('ssd', 'Exists')] } },
    { weight: 0, preference: { matchExpressions: [req('zone', 'Exists')] } },
    { weight: 7, preference: {} },
    { weight: 11, preference: { matchFields: [req('metadata.name', 'In', ['b'])] } },
  ];
  const { src, labels, names } = source(nodes);
  const c = compilePreferredSchedulingTerms(terms, { labels, names });
  assert.deepEqual(nodes.map((n) => scorePreferredSchedulingTerms(terms, n)), [8, 11]);
  assert.deepEqual(nodes.map((_, i) => scoreRow(c, src, i)), [8, 11]);
});

test('parseInt64 is strconv.ParseInt(s, 10, 64)', () => {
  assert.equal(parseInt64('42'), 42n);
  assert.equal(parseInt64('+7'), 7n);
  assert.equal(parseInt64('-9223372036854775808'), -(1n << 63n));
  assert.equal(parseInt64('9223372036854775807'), (1n << 63n) - 1n);
  for (const bad of ['', '9223372036854775808', '1.5', ' 1', '1_000', '0x10', '--1', 'abc']) assert.equal(parseInt64(bad), null, bad);
});

// ---------------------------------------------------------------------------------------------
// Seeded random cross-check of the compiled form against the object form.

const KEYS = ['app', 'tier', 'zone', 'example.com/gpu', 'num', 'cnt'];
const SELECTOR_ONLY_KEYS = ['never-seen', 'bad key', 'a/b/c', ''];
const VALUES = ['web', 'db', 'a', 'b', '', '1', '10', '007', '42', '9223372036854775807'];
const SELECTOR_ONLY_VALUES = ['never-seen', 'not valid!', '-3', 'abc', '99999999999999999999'];
const OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist', 'Gt', 'Lt'];

function randomRows(rng: Rng, n: number): Row[] {
  const rows: Row[] = [];
  for (let i = 0; i < n; i++) {
    const labels: Record<string, string> = {};
    for (const k of KEYS) if (rng.chance(0.5)) labels[k] = rng.pick(VALUES);
    rows.push({ name: rng.chance(0.1) ? '' : `node-${i}`, labels });
  }
  return rows;
}

function randomKey(rng: Rng): string {
  return rng.chance(0.1) ? rng.pick(SELECTOR_ONLY_KEYS) : rng.pick(KEYS);
}

function randomValues(rng: Rng, op: string): string[] | undefined {
  const pool = () => (rng.chance(0.15) ? rng.pick(SELECTOR_ONLY_VALUES) : rng.pick(VALUES));
  if (op === 'Exists' || op === 'DoesNotExist') return rng.chance(0.9) ? undefined : [pool()];
  if (op === 'Gt' || op === 'Lt') return rng.chance(0.9) ? [rng.pick(['0', '1', '5', '10', '42', '007', 'abc', '-3'])] : [];
  const n = rng.chance(0.08) ? 0 : rng.range(1, 3);
  return Array.from({ length: n }, pool);
}

function randomRequirement(rng: Rng, ops: string[]): NodeSelectorRequirement {
  const operator = rng.chance(0.03) ? 'Bogus' : rng.pick(ops);
  return req(randomKey(rng), operator, randomValues(rng, operator));
}

function randomLabelSelector(rng: Rng): LabelSelector | undefined {
  if (rng.chance(0.08)) return undefined;
  if (rng.chance(0.08)) return {};
  const sel: LabelSelector = {};
  if (rng.chance(0.6)) {
    sel.matchLabels = {};
    for (let i = rng.range(0, 2); i > 0; i--) sel.matchLabels[randomKey(rng)] = rng.chance(0.1) ? rng.pick(SELECTOR_ONLY_VALUES) : rng.pick(VALUES);
  }
  if (rng.chance(0.7)) {
    sel.matchExpressions = Array.from({ length: rng.range(0, 3) }, () => randomRequirement(rng, ['In', 'NotIn', 'Exists', 'DoesNotExist']) as never);
  }
  return sel;
}

function randomTerms(rng: Rng, rows: Row[]): NodeSelectorTerm[] {
  return Array.from({ length: rng.range(0, 3) }, () => {
    const t: NodeSelectorTerm = {};
    if (rng.chance(0.85)) t.matchExpressions = Array.from({ length: rng.range(0, 3) }, () => randomRequirement(rng, OPERATORS));
    if (rng.chance(0.3)) {
      const op = rng.chance(0.05) ? 'Exists' : rng.pick(['In', 'NotIn']);
      const key = rng.chance(0.05) ? 'metadata.uid' : 'metadata.name';
      const vals = rng.chance(0.07) ? [] : [rng.chance(0.2) ? 'no-such-node' : rng.pick(rows).name];
      t.matchFields = [req(key, op, vals)];
    }
    return t;
  });
}

test('compiled label selectors, label sets and node selector terms agree with the object form (seeded)', () => {
  const rng = createRng('selector-cross-check');
  for (let round = 0; round < 40; round++) {
    const rows = randomRows(rng, rng.range(1, 90));
    const { src, labels, names } = source(rows);
    const out = new Bitset(rows.length + rng.range(0, 40));
    out.fill(); // toBitset must overwrite, including bits past the row count
    for (let s = 0; s < 40; s++) {
      const sel = randomLabelSelector(rng);
      const compiled = compileLabelSelector(sel, { labels });
      assert.equal(compiled.errors.length === 0, labelSelectorErrors(sel).length === 0);
      toBitset(compiled, src, rows.length, out);
      rows.forEach((r, i) => assert.equal(out.has(i), matchLabelSelector(sel, r.labels), `selector ${JSON.stringify(sel)} row ${JSON.stringify(r)}`));
      assert.equal(out.nextSetBit(rows.length), -1);

      const set = sel?.matchLabels ?? {};
      const cset = compileLabelSet(set, { labels });
      rows.forEach((r, i) => assert.equal(matchesRow(cset, src, i), matchLabelSet(set, r.labels), `set ${JSON.stringify(set)}`));

      const terms = randomTerms(rng, rows);
      const cterms = compileNodeSelectorTerms(terms, { labels, names });
      toBitset(cterms, src, rows.length, out);
      rows.forEach((r, i) => assert.equal(out.has(i), matchNodeSelectorTerms(terms, r), `terms ${JSON.stringify(terms)} row ${JSON.stringify(r)}`));
      assert.equal(out.nextSetBit(rows.length), -1);
      terms.forEach((t) => rows.forEach((r) => {
        const one = compileNodeSelectorTerms([t], { labels, names });
        assert.equal(matchesRow(one, src, rows.indexOf(r)), matchNodeSelectorTerm(t, r));
      }));

      const preferred = terms.map((t, i) => ({ weight: i === 1 ? 0 : rng.range(1, 100), preference: t }));
      const cpref = compilePreferredSchedulingTerms(preferred, { labels, names });
      rows.forEach((r, i) => assert.equal(scoreRow(cpref, src, i), scorePreferredSchedulingTerms(preferred, r)));
    }
  }
});
