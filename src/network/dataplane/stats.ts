// Spread statistics for the dataplane check: Pearson's chi-square against a uniform spread and
// its p-value from the regularized upper incomplete gamma function (series / continued fraction,
// Numerical Recipes style), so no statistics dependency is needed.

/** ln Γ(x), Lanczos approximation (g = 7, n = 9), |error| < 1e-13 for x > 0. */
export function logGamma(x: number): number {
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  x -= 1;
  let a = c[0]!;
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += c[i]! / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Q(a, x) = Γ(a, x) / Γ(a). */
export function gammaQ(a: number, x: number): number {
  if (x <= 0) return 1;
  const gln = logGamma(a);
  if (x < a + 1) {
    let sum = 1 / a, del = sum, ap = a;
    for (let n = 0; n < 500; n++) {
      ap += 1;
      del *= x / ap;
      sum += del;
      if (Math.abs(del) < Math.abs(sum) * 1e-15) break;
    }
    return 1 - sum * Math.exp(-x + a * Math.log(x) - gln);
  }
  let b = x + 1 - a, c = 1 / 1e-300, d = 1 / b, h = d;
  for (let i = 1; i < 500; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < 1e-300) d = 1e-300;
    c = b + an / c;
    if (Math.abs(c) < 1e-300) c = 1e-300;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-15) break;
  }
  return Math.exp(-x + a * Math.log(x) - gln) * h;
}

export interface ChiSquare { statistic: number; degreesOfFreedom: number; pValue: number }

/** Chi-square goodness of fit of `counts` against equal expected counts. */
export function chiSquareUniform(counts: readonly number[]): ChiSquare {
  const k = counts.length;
  const n = counts.reduce((a, b) => a + b, 0);
  if (k < 2 || n === 0) return { statistic: 0, degreesOfFreedom: Math.max(0, k - 1), pValue: 1 };
  const e = n / k;
  let stat = 0;
  for (const c of counts) stat += (c - e) ** 2 / e;
  return { statistic: stat, degreesOfFreedom: k - 1, pValue: gammaQ((k - 1) / 2, stat / 2) };
}
