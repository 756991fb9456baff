// Cases carried from upstream k8s.io/apimachinery/pkg/api/resource/quantity_test.go
// (TestQuantityParse, TestQuantityString, TestQuantityParseEmit, TestParseQuantity,
// TestNegativeValueRoundsAwayFromZero, TestInterpretExponentInt32Bounds, TestQuantityCmp).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  canonicalQuantity, cmpQuantity, formatQuantity, intValue, milliValue, parseQuantity, scaledValue,
  type Quantity, type QuantityFormat,
} from '../src/model/quantity.js';

const D: QuantityFormat = 'DecimalSI';
const B: QuantityFormat = 'BinarySI';
const X: QuantityFormat = 'DecimalExponent';

/** upstream decQuantity(i, exponent, format): i * 10^exponent. */
function dec(i: bigint | number, exponent: number, format: QuantityFormat): Quantity {
  return { unscaled: BigInt(i), scale: exponent, format };
}
const MAX_INT64 = (1n << 63n) - 1n;

// [input, expected value, expected format]
const PARSE: [string, Quantity][] = [
  ['0', dec(0, 0, D)], ['0n', dec(0, 0, D)], ['0u', dec(0, 0, D)], ['0m', dec(0, 0, D)], ['0Ki', dec(0, 0, B)],
  ['0k', dec(0, 0, D)], ['0Mi', dec(0, 0, B)], ['0M', dec(0, 0, D)], ['0Gi', dec(0, 0, B)], ['0G', dec(0, 0, D)],
  ['0Ti', dec(0, 0, B)], ['0T', dec(0, 0, D)],
  ['1', dec(1, 0, D)],
  ['1Ki', dec(1024, 0, B)], ['8Ki', dec(8 * 1024, 0, B)], ['7Mi', dec(7 * 1024 ** 2, 0, B)], ['6Gi', dec(6 * 1024 ** 3, 0, B)],
  ['5Ti', dec(5 * 1024 ** 4, 0, B)], ['4Pi', dec(4n * 1024n ** 5n, 0, B)], ['3Ei', dec(3n * 1024n ** 6n, 0, B)],
  ['10Ti', dec(10 * 1024 ** 4, 0, B)], ['100Ti', dec(100 * 1024 ** 4, 0, B)],
  ['5n', dec(5, -9, D)], ['4u', dec(4, -6, D)], ['3m', dec(3, -3, D)], ['9', dec(9, 0, D)], ['8k', dec(8, 3, D)],
  ['50k', dec(5, 4, D)], ['7M', dec(7, 6, D)], ['6G', dec(6, 9, D)], ['5T', dec(5, 12, D)], ['40T', dec(4, 13, D)],
  ['300T', dec(3, 14, D)], ['2P', dec(2, 15, D)], ['1E', dec(1, 18, D)],
  ['1E-3', dec(1, -3, X)], ['1e3', dec(1, 3, X)], ['1E6', dec(1, 6, X)], ['1e9', dec(1, 9, X)], ['1E12', dec(1, 12, X)],
  ['1e15', dec(1, 15, X)], ['1E18', dec(1, 18, X)],
  ['1e14', dec(1, 14, X)], ['1e13', dec(1, 13, X)], ['100.035k', dec(100035, 0, D)],
  ['0.001', dec(1, -3, D)], ['0.0005k', dec(5, -1, D)], ['0.005', dec(5, -3, D)], ['0.05', dec(5, -2, D)], ['0.5', dec(5, -1, D)],
  ['0.00050k', dec(5, -1, D)], ['0.00500', dec(5, -3, D)], ['0.05000', dec(5, -2, D)], ['0.50000', dec(5, -1, D)],
  ['0.5e0', dec(5, -1, X)], ['0.5e-1', dec(5, -2, X)], ['0.5e-2', dec(5, -3, X)], ['10.035M', dec(10035, 3, D)],
  ['1.2e3', dec(12, 2, X)], ['1.3E+6', dec(13, 5, X)], ['1.40e9', dec(14, 8, X)], ['1.53E12', dec(153, 10, X)],
  ['1.6e15', dec(16, 14, X)], ['1.7E18', dec(17, 17, X)],
  ['9.01', dec(901, -2, D)], ['8.1k', dec(81, 2, D)], ['7.123456M', dec(7123456, 0, D)], ['6.987654321G', dec(6987654321, 0, D)],
  ['5.444T', dec(5444, 9, D)], ['40.1T', dec(401, 11, D)], ['300.2T', dec(3002, 11, D)], ['2.5P', dec(25, 14, D)],
  ['1.01E', dec(101, 16, D)],
  // Things that saturate/round
  ['3.001n', dec(4, -9, D)], ['1.1E-9', dec(2, -9, X)], ['0.0000000001', dec(1, -9, D)], ['0.0000000005', dec(1, -9, D)],
  ['0.00000000050', dec(1, -9, D)], ['0.5e-9', dec(1, -9, X)], ['0.9n', dec(1, -9, D)], ['0.00000012345', dec(124, -9, D)],
  ['0.00000012354', dec(124, -9, D)], ['9Ei', dec(MAX_INT64, 0, B)], ['9223372036854775807Ki', dec(MAX_INT64, 0, B)],
  ['12E', dec(12, 18, D)],
  // Fractional binary
  ['100.035Ki', dec(10243584, -2, B)], ['0.5Mi', dec(0.5 * 1024 * 1024, 0, B)], ['0.05Gi', dec(536870912, -1, B)],
  ['0.025Ti', dec(274877906944, -1, B)],
  // Things written by trolls
  ['0.000000000001Ki', dec(2, -9, D)], ['.001', dec(1, -3, D)], ['.0001k', dec(100, -3, D)], ['1.', dec(1, 0, D)],
  ['1.G', dec(1, 9, D)],
];

test('upstream TestQuantityParse: values and formats, also with "-" and "+" prepended', () => {
  for (const [input, want] of PARSE) {
    const got = parseQuantity(input);
    assert.equal(cmpQuantity(got, want), 0, `${input}: got ${canonicalQuantity(got)}, want ${canonicalQuantity(want)}`);
    assert.equal(got.format, want.format, `${input}: format`);
    const negGot = parseQuantity('-' + input);
    assert.equal(cmpQuantity(negGot, { ...want, unscaled: -want.unscaled }), 0, `-${input}`);
    assert.equal(negGot.format, want.format, `-${input}: format`);
    const posGot = parseQuantity('+' + input);
    assert.equal(cmpQuantity(posGot, want), 0, `+${input}`);
    assert.equal(posGot.format, want.format, `+${input}: format`);
  }
});

test('upstream invalid quantities are rejected', () => {
  const invalid = [
    '', '1.1.M', '1+1.0M', '0.1mi', '0.1am', 'aoeu', '.5i', '1i', '-3.01i', '-3.01e-', '1e4294967297', ' 1', '1 ',
    // and the ones this project's brief names
    '1.2.3', '10Mb', '- 1', 'Non-Numeric', '1e', '1K', '1ki', '1Ki3', '1e+', '1e3e',
  ];
  for (const s of invalid) assert.throws(() => parseQuantity(s), { name: 'QuantityError' }, JSON.stringify(s));
});

test('upstream TestInterpretExponentInt32Bounds through parse', () => {
  const ok: [string, number][] = [['1e14', 14], ['1E2147483647', 2147483647], ['1E-2147483647', -2147483647]];
  for (const [s, exp] of ok) {
    const q = parseQuantity(s);
    assert.equal(q.format, 'DecimalExponent', s);
    if (exp > 0) assert.equal(q.scale, exp, s);
  }
  for (const s of ['1E2147483648', '1E-2147483648', '1E4294967297', '1E8589934592', '1E9223372036854775807', '1E9223372036854775808', '1E6024865272343']) {
    assert.throws(() => parseQuantity(s), { name: 'QuantityError' }, s);
  }
});

// [quantity, String(), alternate spelling that canonicalizes to it or '']
const STRING: [Quantity, string, string][] = [
  [dec(1024 * 1024 * 1024, 0, B), '1Gi', '1024Mi'], [dec(300 * 1024 * 1024, 0, B), '300Mi', '307200Ki'],
  [dec(6 * 1024, 0, B), '6Ki', ''], [dec(1001 * 1024 ** 3, 0, B), '1001Gi', '1025024Mi'], [dec(1024 ** 4, 0, B), '1Ti', '1024Gi'],
  [dec(5, 0, B), '5', '5000m'], [dec(500, -3, B), '500m', '0.5'], [dec(1, 9, D), '1G', '1000M'], [dec(1000, 6, D), '1G', '0.001T'],
  [dec(1000000, 3, D), '1G', ''], [dec(1000000000, 0, D), '1G', ''], [dec(1, -3, D), '1m', '1000u'], [dec(80, -3, D), '80m', ''],
  [dec(1080, -3, D), '1080m', '1.08'], [dec(108, -2, D), '1080m', '1080000000n'], [dec(10800, -4, D), '1080m', ''],
  [dec(300, 6, D), '300M', ''], [dec(1, 12, D), '1T', ''],
  [dec(1, 18, D), '1E', ''], [dec(1, 21, D), '1e21', '1000E'], [dec(5, 21, D), '5e21', '5000E'], [dec(1, 24, D), '1e24', '1000000E'],
  [dec(1, 70, B), '10e69', ''], [dec(2, 70, B), '20e69', ''], [dec(1, 72, B), '1e72', ''],
  [dec(1234567, 6, D), '1234567M', ''], [dec(1234567, -3, B), '1234567m', ''], [dec(3, 3, D), '3k', ''], [dec(1025, 0, B), '1025', ''],
  [dec(0, 0, D), '0', ''], [dec(0, 0, B), '0', ''], [dec(1, 9, X), '1e9', '.001e12'], [dec(1, -3, X), '1e-3', '0.001e0'],
  [dec(1, -9, X), '1e-9', '1000e-12'], [dec(80, -3, X), '80e-3', ''], [dec(300, 6, X), '300e6', ''], [dec(1, 12, X), '1e12', ''],
  [dec(1, 3, X), '1e3', ''], [dec(3, 3, X), '3e3', ''], [dec(0, 0, X), '0', '00'], [dec(1, -9, D), '1n', ''],
  [dec(80, -9, D), '80n', ''], [dec(1080, -9, D), '1080n', ''], [dec(108, -8, D), '1080n', ''], [dec(10800, -10, D), '1080n', ''],
  [dec(1, -6, D), '1u', ''], [dec(80, -6, D), '80u', ''], [dec(1080, -6, D), '1080u', ''],
];

test('upstream TestQuantityString: canonical form, negatives, and canonical input kept as String()', () => {
  for (const [q, want, alternate] of STRING) {
    assert.equal(canonicalQuantity(q), want, `${q.unscaled}e${q.scale} ${q.format}`);
    if (q.unscaled !== 0n) assert.equal(canonicalQuantity({ ...q, unscaled: -q.unscaled }), '-' + want);
    // A canonical string parses back to the same value and prints as itself.
    const back = parseQuantity(want);
    assert.equal(formatQuantity(back), want, `reparse ${want}`);
    assert.equal(cmpQuantity(back, q), 0, `reparse value ${want}`);
    if (alternate) {
      const alt = parseQuantity(alternate);
      assert.equal(alt.cached, undefined, `${alternate} is not canonical`);
      assert.equal(formatQuantity(alt), want, `alternate ${alternate}`);
    }
  }
});

test('upstream TestBinarySIZeroExponentString and TestBinarySIPastEiArithmeticRoundTrip', () => {
  assert.equal(canonicalQuantity(dec(2000, 0, B)), '2000');
  assert.equal(canonicalQuantity(dec(-2000, 0, B)), '-2000');
  const past = dec(1n << 70n, 0, B);
  assert.equal(canonicalQuantity(past), '1180591620717411303424');
  assert.equal(cmpQuantity(parseQuantity(canonicalQuantity(past)), past), 0);
});

test('upstream TestQuantityStringBelowNano: exponent form below n (not reachable from parse, which rounds to 1n)', () => {
  assert.equal(canonicalQuantity(dec(1, -12, D)), '1e-12');
  assert.equal(canonicalQuantity(dec(1, -10, D)), '100e-12');
  assert.equal(formatQuantity(parseQuantity('1e-12')), '1e-9');
  assert.equal(formatQuantity(parseQuantity('0.000000000001')), '1n');
});

test('upstream TestQuantityParseEmit', () => {
  const table: [string, string][] = [
    ['1Ki', '1Ki'], ['1Mi', '1Mi'], ['1Gi', '1Gi'], ['1024Mi', '1Gi'], ['1000M', '1G'], ['.001Ki', '1024m'],
    ['.000001Ki', '1024u'], ['.000000001Ki', '1024n'], ['.000000000001Ki', '2n'],
    // the project's brief
    ['1.5Gi', '1536Mi'], ['0.5', '500m'], ['1000m', '1'], ['100Mi', '100Mi'], ['1e3', '1e3'], ['1.5', '1500m'],
  ];
  for (const [input, want] of table) {
    assert.equal(formatQuantity(parseQuantity(input)), want, input);
    assert.equal(formatQuantity(parseQuantity('-' + input)), '-' + want, '-' + input);
  }
});

// Upstream TestParseQuantity: [input, canonical String() or '' when it is the input itself]
const BIG: [string, string][] = [
  ['-999999999999999999', ''], ['999999999999999999', ''],
  ['-999999999999999999.0', '-999999999999999999'], ['999999999999999999.0', '999999999999999999'],
  ['-999999999999999999.1', '-999999999999999999100m'], ['999999999999999999.1', '999999999999999999100m'],
  ['-9999999999999999999', ''], ['9999999999999999999', ''], ['-1E', ''], ['1E', ''],
  ['-1000000000000000000', '-1E'], ['1000000000000000000', '1E'],
  ['-9999999999999999999.0', '-9999999999999999999'], ['9999999999999999999.0', '9999999999999999999'],
  ['-1.0E', '-1E'], ['1.0E', '1E'], ['-1000000000000000000.0', '-1E'], ['1000000000000000000.0', '1E'],
  ['-9999999999999999999000m', '-9999999999999999999'], ['9999999999999999999000m', '9999999999999999999'],
  ['-9999999999999999999.1', '-9999999999999999999100m'], ['9999999999999999999.1', '9999999999999999999100m'],
  ['-1.0000000000000000001E', '-1000000000000000000100m'], ['1.0000000000000000001E', '1000000000000000000100m'],
  ['-1000000000000000000.1', '-1000000000000000000100m'], ['1000000000000000000.1', '1000000000000000000100m'],
  ['-1.000000000000000001E', '-1000000000000000001'], ['1.000000000000000001E', '1000000000000000001'],
  ['-1000000000000000001', ''], ['1000000000000000001', ''],
  ['-10E', ''], ['10E', ''], ['-10000000000000000000', '-10E'], ['10000000000000000000', '10E'],
  ['-10.0E', '-10E'], ['10.0E', '10E'], ['-10000000000000000000.0', '-10E'], ['10000000000000000000.0', '10E'],
  ['-10000000000000000000000m', '-10E'], ['10000000000000000000000m', '10E'],
  ['-10.0000000000000000001E', '-10000000000000000000100m'], ['10.0000000000000000001E', '10000000000000000000100m'],
  ['-10000000000000000000.1', '-10000000000000000000100m'], ['10000000000000000000.1', '10000000000000000000100m'],
  ['-10.000000000000000001E', '-10000000000000000001'], ['10.000000000000000001E', '10000000000000000001'],
  ['-10000000000000000001', ''], ['10000000000000000001', ''],
  ['-9223372036854775809', ''], ['9223372036854775806', ''],
  ['-9223372036854775809.0', '-9223372036854775809'], ['9223372036854775806.0', '9223372036854775806'],
  ['-9223372036854775809000m', '-9223372036854775809'], ['9223372036854775806000m', '9223372036854775806'],
  ['-9223372036854775809.1', '-9223372036854775809100m'], ['9223372036854775806.1', '9223372036854775806100m'],
  ['-9223372036854775808', ''], ['9223372036854775807', ''],
  ['-9223372036854775808.1', '-9223372036854775808100m'], ['9223372036854775807.1', '9223372036854775807100m'],
  ['9223372036854775808', ''], ['9223372036854775808.1', '9223372036854775808100m'],
];

test('upstream TestParseQuantity: values around and past int64 re-serialize exactly', () => {
  for (const [input, canonical] of BIG) {
    assert.equal(formatQuantity(parseQuantity(input)), canonical || input, input);
  }
});

test('upstream TestNegativeValueRoundsAwayFromZero: Value() and MilliValue()', () => {
  const table: [string, number, number][] = [
    ['-.484785E-7466', -1, -1], ['.484785E-7466', 1, 1], ['-.484785E-1', -1, -49], ['.484785E-1', 1, 49],
    ['-0.0005', -1, -1], ['0.0005', 1, 1], ['-1500m', -2, -1500], ['1500m', 2, 1500],
    ['-9.5000000001Gi', -10200547329, -10200547328108], ['9.5000000001Gi', 10200547329, 10200547328108],
    ['-1', -1, -1000], ['1', 1, 1000], ['0', 0, 0],
  ];
  for (const [input, value, milli] of table) {
    const q = parseQuantity(input);
    assert.equal(intValue(q), value, `${input} Value`);
    assert.equal(milliValue(q), milli, `${input} MilliValue`);
  }
});

test('upstream TestScaledValue and NewScaledSet round trips', () => {
  const table: [number, number, bigint][] = [
    [-9, -9, 1n], [-9, -6, 1n], [-9, -3, 1n], [-9, 0, 1n], [-6, -9, 1000n], [-6, -6, 1n], [-6, -3, 1n], [-6, 0, 1n],
    [-3, -9, 1000000n], [-3, -6, 1000n], [-3, -3, 1n], [-3, 0, 1n], [0, -9, 1000000000n], [0, -6, 1000000n], [0, -3, 1000n],
    [0, 0, 1n], [2, -2, 10000n],
  ];
  for (const [from, to, want] of table) assert.equal(scaledValue(dec(1, from, D), to), want, `${from} -> ${to}`);
  const named: [bigint, number, string][] = [
    [1n, -9, '1n'], [1000n, -9, '1u'], [1n, -6, '1u'], [1000n, -6, '1m'], [1n, -3, '1m'], [1000n, -3, '1'], [1n, 0, '1'], [0n, -9, '0'],
  ];
  for (const [v, s, want] of named) {
    assert.equal(canonicalQuantity(dec(v, s, D)), want);
    assert.equal(scaledValue(parseQuantity(want), s), v);
  }
});

test('upstream TestQuantityCmp and TestQuantityCmpInt64AndDec', () => {
  const strings: [string, string, number][] = [['0', '0', 0], ['100m', '50m', 1], ['50m', '100m', -1], ['10000T', '100Gi', 1]];
  for (const [x, y, want] of strings) assert.equal(cmpQuantity(parseQuantity(x), parseQuantity(y)), want, `${x} vs ${y}`);
  const mostPositive = MAX_INT64;
  const mostNegative = -(1n << 63n);
  const table: [Quantity, Quantity, number][] = [
    [dec(901, -2, D), dec(901, -2, D), 0], [dec(90, -1, D), dec(901, -2, D), -1], [dec(901, -2, D), dec(900, -2, D), 1],
    [dec(0, 1, D), dec(0, -1, D), 0], [dec(800, -3, D), dec(1, 0, D), -1], [dec(800, -3, D), dec(79, -2, D), 1],
    [dec(mostPositive, 0, D), dec(1, -1, D), 1], [dec(mostPositive, 1, D), dec(1, 0, D), 1],
    [dec(mostPositive, -16, D), dec(1, 3, D), -1], [dec(mostNegative, 0, D), dec(0, 0, D), -1],
    [dec(mostNegative, -18, D), dec(-1, 0, D), -1], [dec(mostNegative, -19, D), dec(-1, 0, D), 1],
    [dec(10n ** 18n, -17, D), dec(1, 1, D), 0], [dec(10n ** 18n, -17, D), dec(-10, 0, D), 1],
    [dec(-(10n ** 18n), -17, D), dec(-10, 0, D), 0], [dec(10n ** 18n + 1n, -17, D), dec(1, 1, D), 1],
    [dec(10n ** 18n - 1n, -17, D), dec(1, 1, D), -1],
  ];
  for (const [a, b, want] of table) {
    assert.equal(cmpQuantity(a, b), want, `${a.unscaled}e${a.scale} vs ${b.unscaled}e${b.scale}`);
    assert.equal(cmpQuantity(b, a), want === 0 ? 0 : -want);
  }
});
