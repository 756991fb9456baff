// Kubernetes resource quantities (k8s.io/apimachinery/pkg/api/resource), exact.
//
// Grammar: <quantity> ::= <signedNumber><suffix>
//   suffix: binarySI (Ki Mi Gi Ti Pi Ei) | decimalSI (n u m "" k M G T P E) | decimalExponent (e<int> / E<int>)
// The value is kept as an exact decimal: unscaled * 10^scale (bigint mantissa), so parsing never rounds.
// Conversions to integers round up, as upstream's Value() and MilliValue() do.

export type QuantityFormat = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

export interface Quantity {
  /** Exact value = unscaled * 10^scale. */
  unscaled: bigint;
  scale: number;
  format: QuantityFormat;
}

export class QuantityError extends Error {}

const DECIMAL_SUFFIX: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY_SUFFIX: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };

const QUANTITY_RE = /^([+-]?)(\d*)(?:\.(\d*))?(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]))?$/;

/** Parses a quantity string (or a plain JSON number) exactly; throws QuantityError with a user-facing message. */
export function parseQuantity(input: string | number): Quantity {
  if (typeof input === 'number') {
    if (!Number.isFinite(input)) throw new QuantityError(`quantity ${input} is not a finite number`);
    input = String(input);
  }
  if (typeof input !== 'string') throw new QuantityError(`quantity must be a string or a number`);
  const s = input.trim();
  if (s.length === 0 || s !== input) throw new QuantityError(`quantity ${JSON.stringify(input)} must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'`);
  const m = QUANTITY_RE.exec(s);
  if (!m) throw new QuantityError(`quantity ${JSON.stringify(input)} must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'`);
  const [, sign, whole = '', frac = '', exp, suffix] = m;
  if (whole.length === 0 && frac.length === 0) throw new QuantityError(`quantity ${JSON.stringify(input)} has no digits`);
  if (whole.length + frac.length > 400) throw new QuantityError(`quantity ${JSON.stringify(input)} has too many digits`);
  let unscaled = BigInt((whole || '0') + frac);
  let scale = -frac.length;
  let format: QuantityFormat = 'DecimalSI';
  if (exp !== undefined) {
    const e = Number(exp.slice(1));
    if (!Number.isSafeInteger(e) || Math.abs(e) > 1000) throw new QuantityError(`quantity ${JSON.stringify(input)} exponent is out of range`);
    scale += e;
    format = 'DecimalExponent';
  } else if (suffix !== undefined && suffix in BINARY_SUFFIX) {
    unscaled *= 1n << BigInt(BINARY_SUFFIX[suffix]!);
    format = 'BinarySI';
  } else {
    scale += DECIMAL_SUFFIX[suffix ?? '']!;
  }
  if (sign === '-') unscaled = -unscaled;
  return normalize({ unscaled, scale, format });
}

function normalize(q: Quantity): Quantity {
  let { unscaled, scale } = q;
  if (unscaled === 0n) return { unscaled: 0n, scale: 0, format: q.format };
  while (unscaled % 10n === 0n) {
    unscaled /= 10n;
    scale++;
  }
  return { unscaled, scale, format: q.format };
}

/** ceil(value * 10^shift) as a bigint. */
export function scaledCeil(q: Quantity, shift: number): bigint {
  const s = q.scale + shift;
  if (s >= 0) return q.unscaled * 10n ** BigInt(s);
  const div = 10n ** BigInt(-s);
  const quo = q.unscaled / div; // truncates toward zero
  const rem = q.unscaled % div;
  return rem > 0n ? quo + 1n : quo;
}

function toSafeNumber(v: bigint, input: Quantity, what: string): number {
  if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < -BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new QuantityError(`quantity ${formatQuantity(input)} is too large to represent in ${what}`);
  }
  return Number(v);
}

/** Upstream MilliValue(): ceil(value * 1000). Used for cpu (millicores). */
export function milliValue(q: Quantity): number {
  return toSafeNumber(scaledCeil(q, 3), q, 'millis');
}

/** Upstream Value(): ceil(value). Used for memory, storage, pods and extended resources. */
export function intValue(q: Quantity): number {
  return toSafeNumber(scaledCeil(q, 0), q, 'units');
}

/** Millicores for cpu, whole units for everything else — how kube-scheduler accounts resources. */
export function resourceAmount(resource: string, value: string | number): number {
  const q = parseQuantity(value);
  return resource === 'cpu' ? milliValue(q) : intValue(q);
}

export function cmpQuantity(a: Quantity, b: Quantity): number {
  const s = Math.min(a.scale, b.scale);
  const av = a.unscaled * 10n ** BigInt(a.scale - s);
  const bv = b.unscaled * 10n ** BigInt(b.scale - s);
  return av < bv ? -1 : av > bv ? 1 : 0;
}

const BINARY_OUT: [string, number][] = [['Ei', 60], ['Pi', 50], ['Ti', 40], ['Gi', 30], ['Mi', 20], ['Ki', 10]];
const DECIMAL_OUT: [string, number][] = [['E', 18], ['P', 15], ['T', 12], ['G', 9], ['M', 6], ['k', 3], ['', 0], ['m', -3], ['u', -6], ['n', -9]];

/**
 * Canonical string form, as upstream's Quantity.String():
 * values are rounded up to nano precision; BinarySI values that are whole multiples of 1024^k
 * and at least 1024 use the largest such suffix (fractions or small values fall back to DecimalSI);
 * DecimalSI/DecimalExponent use the largest exponent, multiple of 3, that keeps the mantissa integral.
 */
export function formatQuantity(q: Quantity): string {
  // Upstream rounds to nano (scale -9) before formatting.
  let { unscaled, scale } = q;
  if (scale < -9) {
    const v = scaledCeil(q, 9);
    unscaled = v;
    scale = -9;
  }
  const norm = normalize({ unscaled, scale, format: q.format });
  unscaled = norm.unscaled;
  scale = norm.scale;
  if (unscaled === 0n) return '0';
  const neg = unscaled < 0n;
  const abs = neg ? -unscaled : unscaled;
  const sign = neg ? '-' : '';
  if (q.format === 'BinarySI' && scale >= 0) {
    const whole = abs * 10n ** BigInt(scale);
    if (whole >= 1024n) {
      for (const [suffix, bits] of BINARY_OUT) {
        const unit = 1n << BigInt(bits);
        if (whole % unit === 0n) return `${sign}${whole / unit}${suffix}`;
      }
    }
    // Upstream: values below 1024 or without an exact binary suffix are written in DecimalSI.
  }
  // Decimal: choose exponent e (multiple of 3) <= scale, the largest, so that mantissa is an integer.
  let e = Math.floor(scale / 3) * 3;
  if (e > 18) e = 18;
  if (e < -9) e = -9;
  const mantissa = abs * 10n ** BigInt(scale - e);
  if (q.format === 'DecimalExponent') {
    return e === 0 ? `${sign}${mantissa}` : `${sign}${mantissa}e${e}`;
  }
  const suffix = DECIMAL_OUT.find(([, x]) => x === e)![0];
  return `${sign}${mantissa}${suffix}`;
}
