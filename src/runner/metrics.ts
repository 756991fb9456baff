// Workload metrics as cli.md (`kubescale run`) and scale-guidance.md define them.
//
// SchedulingThroughput of a measured phase (the pods of `collectMetrics: true` ops, or of a
// start/stopCollectingMetrics window):
//   Average = pods bound in the phase / wall seconds of the phase.
//   Percentiles over per-window rates: the phase is cut into windows of `windowMs` (100 ms) from its
//   start; each complete window gives a rate (pods bound in it / window seconds). As upstream's
//   throughputCollector, the first sample is skipped and the trailing partial window is not a sample
//   (its ticker never fired). PercX = sorted[ceil(len*X/100) - 1], upstream util.go's definition.
//   A phase too short to leave any sample reports Average as every percentile (upstream would report
//   nothing and warn "Increase pods and/or nodes to make scheduling take longer").

import type { DriverCounters } from './driver.js';

export interface ThroughputSummary {
  Average: number;
  Perc50: number;
  Perc90: number;
  Perc95: number;
  Perc99: number;
  unit: 'pods/s';
}

export interface WorkloadMetrics {
  SchedulingThroughput: ThroughputSummary;
  /** Measured pods bound by the end of their phase. */
  scheduled: number;
  /** Measured pods still unbound at the end of their phase. */
  unschedulable: number;
  /** Scheduling attempts during the measured phases (every pod, retries included). */
  attempts: number;
  /** Successful preemptions during the measured phases. */
  preemptions: number;
  /** Wall seconds of the measured phases (Average's denominator). */
  wallSeconds: number;
  /** Peak resident set size of the process so far. */
  peakRssBytes: number;
  /** Wall seconds of the whole workload (setup, every op). */
  totalWallSeconds: number;
  /** Simulated seconds the workload took. */
  simulatedSeconds: number;
  /** Number of per-window samples behind the percentiles. */
  samples: number;
}

/** Upstream's percentile: sorted ascending, index ceil(len*X/100) - 1. */
export function percentile(sorted: readonly number[], x: number): number {
  if (sorted.length === 0) return 0;
  const i = Math.ceil((sorted.length * x) / 100) - 1;
  return sorted[Math.max(0, Math.min(sorted.length - 1, i))]!;
}

/**
 * Per-window rates (pods/s) for bind times `times` (ms, any clock) in a phase [start, end):
 * complete windows only, the first skipped.
 */
export function windowRates(times: readonly number[], start: number, end: number, windowMs = 100): number[] {
  const full = Math.floor((end - start) / windowMs);
  if (full <= 0) return [];
  const counts = new Array<number>(full).fill(0);
  for (const t of times) {
    const w = Math.floor((t - start) / windowMs);
    if (w >= 0 && w < full) counts[w]!++;
  }
  return counts.slice(1).map((c) => c / (windowMs / 1000));
}

export function summarizeThroughput(pods: number, wallSeconds: number, rates: readonly number[]): ThroughputSummary {
  const average = wallSeconds > 0 ? pods / wallSeconds : 0;
  const sorted = [...rates].sort((a, b) => a - b);
  if (sorted.length === 0) sorted.push(average);
  return {
    Average: average,
    Perc50: percentile(sorted, 50),
    Perc90: percentile(sorted, 90),
    Perc95: percentile(sorted, 95),
    Perc99: percentile(sorted, 99),
    unit: 'pods/s',
  };
}

/** One measured phase while it runs: bind times of its pods and the driver counters at its start. */
export class PhaseCollector {
  readonly binds: number[] = [];
  readonly keys = new Set<string>();
  endWall?: number;
  endCounters?: DriverCounters;
  unbound = 0;
  constructor(readonly name: string, readonly startWall: number, readonly startCounters: DriverCounters) {}

  finish(endWall: number, counters: DriverCounters, unbound: number): void {
    this.endWall = endWall;
    this.endCounters = counters;
    this.unbound = unbound;
  }
}

/** Combines finished phases (normally one) into the workload's metrics. */
export function workloadMetrics(phases: readonly PhaseCollector[], extra: { totalWallSeconds: number; simulatedSeconds: number; windowMs?: number }): WorkloadMetrics {
  let pods = 0;
  let wall = 0;
  let attempts = 0;
  let preemptions = 0;
  let unbound = 0;
  const rates: number[] = [];
  for (const p of phases) {
    const end = p.endWall ?? p.startWall;
    pods += p.binds.length;
    wall += (end - p.startWall) / 1000;
    unbound += p.unbound;
    if (p.endCounters) {
      attempts += p.endCounters.attempts - p.startCounters.attempts;
      preemptions += p.endCounters.preemptions - p.startCounters.preemptions;
    }
    rates.push(...windowRates(p.binds, p.startWall, end, extra.windowMs));
  }
  return {
    SchedulingThroughput: summarizeThroughput(pods, wall, rates),
    scheduled: pods,
    unschedulable: unbound,
    attempts,
    preemptions,
    wallSeconds: wall,
    peakRssBytes: peakRssBytes(),
    totalWallSeconds: extra.totalWallSeconds,
    simulatedSeconds: extra.simulatedSeconds,
    samples: rates.length,
  };
}

export function peakRssBytes(): number {
  // maxRSS is in kilobytes.
  return process.resourceUsage().maxRSS * 1024;
}

// ---------------------------------------------------------------------------------------------
// perf-dash (upstream's DataItems JSON, as scheduler_perf writes it for perfdash)

export interface DataItem {
  data: Record<string, number>;
  unit: string;
  labels: Record<string, string>;
}

export interface DataItems {
  version: 'v1';
  dataItems: DataItem[];
}

/** One SchedulingThroughput item per result, labelled Name = "<testCase>/<workload>" and Metric. */
export function perfDashItems(results: readonly { testCase: string; workload: string; metrics: WorkloadMetrics; engine: string }[]): DataItems {
  return {
    version: 'v1',
    dataItems: results.map((r) => {
      const t = r.metrics.SchedulingThroughput;
      return {
        data: { Average: t.Average, Perc50: t.Perc50, Perc90: t.Perc90, Perc95: t.Perc95, Perc99: t.Perc99 },
        unit: 'pods/s',
        labels: { Name: `${r.testCase}/${r.workload}`, Metric: 'SchedulingThroughput', engine: r.engine },
      };
    }),
  };
}
