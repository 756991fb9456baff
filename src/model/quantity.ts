// Kubernetes resource quantities (k8s.io/apimachinery/pkg/api/resource), exact.
//
// Grammar: <quantity> ::= <signedNumber><suffix>
//   number:  <digits> | <digits>.<digits> | <digits>. | .<digits>   (an empty number is 0: "+", ".", "m" parse as 0)
//   suffix:  binarySI (Ki Mi Gi Ti Pi Ei) | decimalSI (n u m "" k M G T P E) | decimalExponent (e<int> / E<int>)
// A lone "E" is exa (10^18); "E3"/"e3"/"e+3" are exponents (int32 range, as upstream since #141203).
//
// The value is kept as an exact decimal, unscaled * 10^scale with a bigint mantissa, normalized so the
// mantissa has no trailing zeros. Parsing follows upstream ParseQuantity:
//   - the magnitude is rounded up (away from zero) to nano precision (10^-9);
//   - BinarySI magnitudes above 2^63-1 are capped there ("9Ei" == 2^63-1); decimal ones are not capped;
//   - a BinarySI value with 0 < |v| < 1 switches to DecimalSI.
// Value()/MilliValue() round away from zero (upstream, including #110653's fix for negatives).
// String() is upstream's: the canonical form, except that upstream hands back the input text itself
// when its int64 fast path judged it canonical ("+1" stays "+1", "1E3" stays "1E3"); see `cached`.

export type QuantityFormat = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

export interface Quantity {
  /** Exact value = unscaled * 10^scale; unscaled has no trailing decimal zeros (0 has scale 0). */
  unscaled: bigint;
  scale: number;
  format: QuantityFormat;
  /** The input text, when upstream keeps it as the quantity's String() (its fast path, canonical-looking input). */
  cached?: string;
}

/** Upstream's regular expression, quoted in format errors (ErrFormatWrong). */
export const QUANTITY_REGEXP = '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$';

export type QuantityErrorReason = 'format' | 'suffix' | 'range' | 'type';

export class QuantityError extends Error {
  readonly reason: QuantityErrorReason;
  constructor(message: string, reason: QuantityErrorReason = 'format') {
    super(message);
    this.name = 'QuantityError';
    this.reason = reason;
  }
}

// Number part, then the suffix characters upstream's scanner accepts; the suffix is interpreted afterwards.
const SPLIT_RE = /^([+-]?)([0-9]*)(?:\.([0-9]*))?([eEinumkKMGTP]*[+-]?[0-9]*)$/;
const GO_INT_RE = /^[+-]?[0-9]+$/;
const MAX_INT32 = 2147483647n;
const MAX_INT64 = (1n << 63n) - 1n;

const DECIMAL_SUFFIX: Record<string, number> = { '': 0, n: -9, u: -6, m: -3, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY_SUFFIX: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const DECIMAL_OUT: Record<number, string> = { [-9]: 'n', [-6]: 'u', [-3]: 'm', 0: '', 3: 'k', 6: 'M', 9: 'G', 12: 'T', 15: 'P', 18: 'E' };
const BINARY_OUT = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];

interface Suffix {
  base: 2 | 10;
  exponent: number;
  format: QuantityFormat;
}

/** Upstream suffixer.interpret: table suffixes, else e/E followed by a base-10 int32. */
function interpretSuffix(s: string): Suffix | null {
  const dec = DECIMAL_SUFFIX[s];
  if (dec !== undefined && Object.hasOwn(DECIMAL_SUFFIX, s)) return { base: 10, exponent: dec, format: 'DecimalSI' };
  const bin = BINARY_SUFFIX[s];
  if (bin !== undefined && Object.hasOwn(BINARY_SUFFIX, s)) return { base: 2, exponent: bin, format: 'BinarySI' };
  if (s.length > 1 && (s[0] === 'e' || s[0] === 'E')) {
    const rest = s.slice(1);
    if (!GO_INT_RE.test(rest)) return null;
    const e = BigInt(rest);
    if (e > MAX_INT32 || e < -MAX_INT32) return null;
    return { base: 10, exponent: Number(e), format: 'DecimalExponent' };
  }
  return null;
}

function describe(input: string): string {
  return JSON.stringify(input);
}

function formatError(input: string): QuantityError {
  let hint = '';
  if (input.length === 0) hint = ' (the string is empty)';
  else if (input.trim() !== input) hint = ' (leading or trailing whitespace)';
  return new QuantityError(`invalid quantity ${describe(input)}${hint}: quantities must match the regular expression '${QUANTITY_REGEXP}'`, 'format');
}

/**
 * Parses a quantity string (or a plain JSON number) exactly as upstream ParseQuantity does;
 * throws QuantityError with a user-facing message. Whitespace is not trimmed (upstream's
 * UnmarshalJSON trims, ParseQuantity does not).
 */
export function parseQuantity(input: string | number): Quantity {
  if (typeof input === 'number') {
    if (!Number.isFinite(input)) throw new QuantityError(`invalid quantity ${input}: not a finite number`, 'type');
    input = String(input);
  }
  if (typeof input !== 'string') throw new QuantityError('invalid quantity: must be a string or a number', 'type');
  const str = input;
  if (str.length === 0) throw formatError(str);
  if (str === '0') return { unscaled: 0n, scale: 0, format: 'DecimalSI', cached: '0' };

  const m = SPLIT_RE.exec(str);
  if (!m) throw formatError(str);
  const negative = m[1] === '-';
  const num = m[2]!.replace(/^0+/, '') || '0';
  const denom = m[3] ?? '';
  const suffix = interpretSuffix(m[4]!);
  if (!suffix) {
    throw new QuantityError(
      `invalid quantity ${describe(str)}: unable to parse quantity's suffix ${describe(m[4]!)} ` +
        `(valid suffixes: n u m k M G T P E, Ki Mi Gi Ti Pi Ei, or an exponent such as e3)`,
      'suffix',
    );
  }
  const { exponent } = suffix;
  let { format } = suffix;

  // Upstream keeps the input text as String() when its int64 fast path accepted the value and the
  // text looked canonical. Reproduce that decision; it never changes the value.
  let cached: string | undefined;
  if (suffix.base === 10) {
    const scale = exponent - denom.length;
    const shifted = num + denom;
    if (18 - shifted.length >= 0 && scale >= -9 && scale % 3 === 0 && !shifted.endsWith('000') && shifted[0] !== '0') cached = str;
  } else if (denom.length === 0 && 15 - num.length - Math.trunc((exponent * 3) / 10) - 1 >= 0) {
    if ((BigInt(num) & 7n) !== 0n) cached = str;
  }

  // Exact magnitude. Trailing zeros are stripped from the digit string (cheap) before BigInt.
  const digits = num + denom;
  const trimmed = digits.replace(/0+$/, '');
  let magnitude = trimmed.length === 0 ? 0n : BigInt(trimmed);
  let scale = digits.length - trimmed.length - denom.length;
  if (suffix.base === 10) scale += exponent;
  else magnitude <<= BigInt(exponent);

  if (magnitude !== 0n) {
    // Round the magnitude up to nano precision (upstream: inf.RoundUp at scale 9).
    if (scale < -9) {
      magnitude = divRoundUp(magnitude, -9 - scale);
      scale = -9;
    }
    if (format === 'BinarySI') {
      // Cap at 2^63-1 (BinarySI only). 2^63-1 has 19 digits, so a longer value is over it outright.
      const digitsBefore = decimalDigits(magnitude) + scale;
      if (digitsBefore > 19 || (digitsBefore === 19 && (scale >= 0 ? magnitude * 10n ** BigInt(scale) > MAX_INT64 : magnitude > MAX_INT64 * 10n ** BigInt(-scale)))) {
        magnitude = MAX_INT64;
        scale = 0;
      } else if (scale < 0 && magnitude < 10n ** BigInt(-scale)) {
        format = 'DecimalSI'; // 0 < |v| < 1: avoids rounding, as upstream
      }
    }
  }
  const q = normalize(negative ? -magnitude : magnitude, scale, format);
  if (cached !== undefined) q.cached = cached;
  return q;
}

/** ceil(m / 10^k) for m > 0, k > 0, without building 10^k when it exceeds m. */
function divRoundUp(m: bigint, k: number): bigint {
  if (k > decimalDigits(m)) return 1n;
  const div = 10n ** BigInt(k);
  const q = m / div;
  return m % div === 0n ? q : q + 1n;
}

function decimalDigits(m: bigint): number {
  return (m < 0n ? -m : m).toString().length;
}

function normalize(unscaled: bigint, scale: number, format: QuantityFormat): Quantity {
  if (unscaled === 0n) return { unscaled: 0n, scale: 0, format };
  while (unscaled % 10n === 0n) {
    unscaled /= 10n;
    scale++;
  }
  return { unscaled, scale, format };
}

/**
 * value * 10^-scale rounded away from zero, as a bigint (upstream ScaledValue, without its int64
 * overflow). Returns null when the result would exceed 10^40 in magnitude.
 */
export function scaledValue(q: Quantity, scale: number): bigint | null {
  if (q.unscaled === 0n) return 0n;
  const shift = q.scale - scale;
  if (shift >= 0) {
    if (decimalDigits(q.unscaled) + shift > 40) return null;
    return q.unscaled * 10n ** BigInt(shift);
  }
  const neg = q.unscaled < 0n;
  const v = divRoundUp(neg ? -q.unscaled : q.unscaled, -shift);
  return neg ? -v : v;
}

/** ceil(value * 10^shift) as a bigint (toward +infinity, also for negative values). */
export function scaledCeil(q: Quantity, shift: number): bigint {
  if (q.unscaled >= 0n) {
    const v = scaledValue(q, -shift);
    if (v === null) throw new QuantityError(`quantity ${formatQuantity(q)} is too large`, 'range');
    return v;
  }
  const s = q.scale + shift;
  if (s >= 0) {
    const v = scaledValue(q, -shift);
    if (v === null) throw new QuantityError(`quantity ${formatQuantity(q)} is too large`, 'range');
    return v;
  }
  if (-s > decimalDigits(q.unscaled)) return 0n;
  return q.unscaled / 10n ** BigInt(-s); // truncation toward zero is ceil for negatives
}

function toSafeNumber(v: bigint | null, q: Quantity, what: string): number {
  if (v === null || v > BigInt(Number.MAX_SAFE_INTEGER) || v < -BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new QuantityError(`quantity ${formatQuantity(q)} is too large to represent in ${what} (limit 2^53-1)`, 'range');
  }
  return Number(v);
}

/** Upstream MilliValue(): value * 1000 rounded away from zero. Used for cpu (millicores). */
export function milliValue(q: Quantity): number {
  return toSafeNumber(scaledValue(q, -3), q, 'millis');
}

/** Upstream Value(): value rounded away from zero. Used for memory, storage, pods and extended resources. */
export function intValue(q: Quantity): number {
  return toSafeNumber(scaledValue(q, 0), q, 'units');
}

/** Millicores for cpu, whole units for everything else — how kube-scheduler accounts resources. */
export function resourceAmount(resource: string, value: string | number): number {
  const q = parseQuantity(value);
  return resource === 'cpu' ? milliValue(q) : intValue(q);
}

export function cmpQuantity(a: Quantity, b: Quantity): number {
  const sa = a.unscaled > 0n ? 1 : a.unscaled < 0n ? -1 : 0;
  const sb = b.unscaled > 0n ? 1 : b.unscaled < 0n ? -1 : 0;
  if (sa !== sb) return sa < sb ? -1 : 1;
  if (sa === 0) return 0;
  // Same sign: compare the position of the leading digit first, so huge exponents never get expanded.
  const oa = decimalDigits(a.unscaled) + a.scale;
  const ob = decimalDigits(b.unscaled) + b.scale;
  if (oa !== ob) return (oa < ob ? -1 : 1) * sa;
  const s = Math.min(a.scale, b.scale);
  const av = a.unscaled * 10n ** BigInt(a.scale - s);
  const bv = b.unscaled * 10n ** BigInt(b.scale - s);
  return av < bv ? -1 : av > bv ? 1 : 0;
}

/** Upstream Quantity.String(): the kept input text when there is one, else the canonical form. */
export function formatQuantity(q: Quantity): string {
  return q.cached ?? canonicalQuantity(q);
}

/**
 * Upstream CanonicalizeBytes: no precision lost, no fractional digits, the largest exponent.
 * BinarySI values with |v| < 1024 or a fraction are written as DecimalSI; a BinarySI value that is
 * not a multiple of 1024 is written as a plain integer; past Ei, and for DecimalSI past E or below n,
 * the exponent form is used (upstream's fixes for "1000E" -> "1" and 2^70 -> "1").
 */
export function canonicalQuantity(q: Quantity): string {
  const norm = normalize(q.unscaled, q.scale, q.format);
  const { unscaled, scale } = norm;
  if (unscaled === 0n) return '0';
  const neg = unscaled < 0n;
  const abs = neg ? -unscaled : unscaled;
  const sign = neg ? '-' : '';
  let format = q.format;
  if (format === 'BinarySI') {
    const small = scale < 0 || (scale < 4 && abs * 10n ** BigInt(scale) < 1024n);
    // Fractions (scale < 0 after normalization) are not exact at scale 0: DecimalSI.
    if (small) format = 'DecimalSI';
    else if (scale <= 400) {
      let whole = abs * 10n ** BigInt(scale);
      let k = 0;
      while (whole % 1024n === 0n) {
        whole /= 1024n;
        k++;
      }
      if (k < BINARY_OUT.length) return `${sign}${whole}${BINARY_OUT[k]}`;
      format = 'DecimalExponent';
    } else {
      format = 'DecimalExponent';
    }
  }
  // Exponent lowered to a multiple of 3 (floor), mantissa scaled up to match.
  const e = Math.floor(scale / 3) * 3;
  const mantissa = abs * 10n ** BigInt(scale - e);
  if (format === 'DecimalSI') {
    const suffix = DECIMAL_OUT[e];
    if (suffix !== undefined) return `${sign}${mantissa}${suffix}`;
  }
  return e === 0 ? `${sign}${mantissa}` : `${sign}${mantissa}e${e}`;
}
