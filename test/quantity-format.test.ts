// Project-side behaviour of quantities: String() keeping canonical-looking input as upstream does,
// JSON numbers, resource accounting, error values, and inputs that must not blow up.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  canonicalQuantity, cmpQuantity, formatQuantity, intValue, milliValue, parseQuantity, QuantityError, resourceAmount, scaledCeil,
} from '../src/model/quantity.js';

test('String() keeps the input text where upstream fast path does, canonical form otherwise', () => {
  const kept = ['+1', '1E3', '1e+3', '0100m', '1.500k', '01Ki', '+1Ki', '1025Ki', '100m', '1e3', '-1', '10'];
  for (const s of kept) assert.equal(formatQuantity(parseQuantity(s)), s, s);
  const recomputed: [string, string][] = [
    ['+1000', '1k'], ['+1.5', '1500m'], ['1024Ki', '1Mi'], ['1000Ki', '1000Ki'], ['0.5', '500m'], ['1.0', '1'],
    ['1.5e3', '1500'], ['-0', '0'], ['0.0', '0'], ['00', '0'], ['1.5Gi', '1536Mi'], ['1000E', '1e21'],
  ];
  for (const [s, want] of recomputed) assert.equal(formatQuantity(parseQuantity(s)), want, s);
  // canonicalQuantity ignores the kept text.
  assert.equal(canonicalQuantity(parseQuantity('+1')), '1');
  assert.equal(canonicalQuantity(parseQuantity('1E3')), '1e3');
  assert.equal(canonicalQuantity(parseQuantity('1.500k')), '1500');
});

test('empty numbers parse as zero, as upstream scanner does', () => {
  for (const s of ['+', '-', '.', '-.', 'm', 'Ki', 'e3', '0Ki']) {
    const q = parseQuantity(s);
    assert.equal(q.unscaled, 0n, s);
    assert.equal(formatQuantity(q), '0', s);
  }
});

test('JSON numbers', () => {
  assert.equal(formatQuantity(parseQuantity(0.5)), '500m');
  assert.equal(formatQuantity(parseQuantity(2)), '2');
  assert.equal(formatQuantity(parseQuantity(1e21)), '1e+21'); // String(1e21) is "1e+21", kept like upstream keeps its text
  assert.equal(formatQuantity(parseQuantity(-3)), '-3');
  assert.throws(() => parseQuantity(Number.NaN), { name: 'QuantityError' });
  assert.throws(() => parseQuantity(Number.POSITIVE_INFINITY), { name: 'QuantityError' });
});

test('resource accounting: cpu in millicores, everything else in units, rounding up', () => {
  assert.equal(resourceAmount('cpu', '100m'), 100);
  assert.equal(resourceAmount('cpu', 0.1), 100);
  assert.equal(resourceAmount('cpu', '2'), 2000);
  assert.equal(resourceAmount('cpu', '0.0001'), 1);
  assert.equal(resourceAmount('cpu', '1n'), 1);
  assert.equal(resourceAmount('memory', '1Gi'), 1073741824);
  assert.equal(resourceAmount('memory', '1.5'), 2);
  assert.equal(resourceAmount('memory', '128974848'), 128974848);
  assert.equal(resourceAmount('memory', '129e6'), 129000000);
  assert.equal(resourceAmount('memory', '123Mi'), 128974848);
  assert.equal(resourceAmount('pods', '110'), 110);
  assert.equal(milliValue(parseQuantity('1Ki')), 1024000);
  assert.equal(intValue(parseQuantity('4Pi')), 4 * 2 ** 50);
});

test('errors are QuantityError values naming the input and the reason', () => {
  const cases: [string, string, RegExp][] = [
    ['', 'format', /invalid quantity "" \(the string is empty\)/],
    ['10Mb', 'format', /invalid quantity "10Mb": quantities must match the regular expression/],
    ['1.2.3', 'format', /"1\.2\.3"/],
    [' 1', 'format', /leading or trailing whitespace/],
    ['1i', 'suffix', /unable to parse quantity's suffix "i"/],
    ['1KB', 'format', /"1KB"/],
    ['5kb', 'format', /"5kb"/],
    ['1Ei5', 'suffix', /suffix "Ei5"/],
  ];
  for (const [input, reason, re] of cases) {
    assert.throws(() => parseQuantity(input), (e: unknown) => e instanceof QuantityError && e.reason === reason && re.test(e.message), input);
  }
  // Beyond what a JS number holds exactly: an error, not a silently rounded value.
  assert.throws(() => intValue(parseQuantity('1E')), (e: unknown) => e instanceof QuantityError && e.reason === 'range');
  assert.throws(() => milliValue(parseQuantity('9Ei')), (e: unknown) => e instanceof QuantityError && e.reason === 'range');
  assert.equal(intValue(parseQuantity('9007199254740991')), Number.MAX_SAFE_INTEGER);
});

test('extreme exponents stay cheap and exact', () => {
  const big = parseQuantity('1e2147483647');
  assert.equal(formatQuantity(big), '10e2147483646'); // scale % 3 != 0: not kept, canonicalized
  assert.equal(formatQuantity(parseQuantity('1e2147483646')), '1e2147483646');
  assert.equal(cmpQuantity(big, parseQuantity('1')), 1);
  assert.equal(cmpQuantity(parseQuantity('-1e2147483647'), parseQuantity('-1')), -1);
  assert.throws(() => intValue(big), { name: 'QuantityError' });
  const tiny = parseQuantity('1e-2147483647');
  assert.equal(formatQuantity(tiny), '1e-9'); // rounded up to the nano grid
  assert.equal(milliValue(tiny), 1);
  assert.equal(formatQuantity(parseQuantity('1' + '0'.repeat(400))), '10e399');
});

const max = '9223372036854775807';

test('BinarySI values above 2^63-1 are capped, however they are written', () => {
  for (const s of ['8Ei', '9Ei', '90000000000000000000Ki', '1' + '0'.repeat(300) + 'Ki', '8388608Ti', '9007199254740992Ki', '-9Ei', '8589934592.5Gi']) {
    const want = s.startsWith('-') ? '-' + max : max;
    assert.equal(formatQuantity(parseQuantity(s)), want, s);
  }
  // Just below the cap: kept exactly.
  assert.equal(formatQuantity(parseQuantity('7Ei')), '7Ei');
  assert.equal(formatQuantity(parseQuantity('9007199254740991Ki')), '9007199254740991Ki');
  assert.equal(formatQuantity(parseQuantity('8589934591.5Gi')), '8796093021696Mi');
  // 2^63-1 + 1/2, written with a fraction: over the cap by half a unit.
  assert.equal(formatQuantity(parseQuantity('9007199254740991.99951171875Ki')), max);
  // 2^63-1 itself is not capped (and stays BinarySI).
  assert.equal(parseQuantity('9223372036854775807Ki').format, 'BinarySI');
  // Decimal formats are never capped.
  assert.equal(formatQuantity(parseQuantity('90000000000000000000k')), '90e21');
});

test('scaledCeil rounds toward +infinity', () => {
  assert.equal(scaledCeil(parseQuantity('1.5'), 0), 2n);
  assert.equal(scaledCeil(parseQuantity('-1.5'), 0), -1n);
  assert.equal(scaledCeil(parseQuantity('-0.5'), 3), -500n);
  assert.equal(scaledCeil(parseQuantity('-1e-9'), 0), 0n);
  assert.equal(scaledCeil(parseQuantity('250m'), 3), 250n);
});
