// The bench results model: one results object that every renderer (terminal table, JSON, msgpack,
// report.md, index.html) reads. Units live in metric names (`medianMs`, `podsPerSec`, `bytes`).

import type { WorkloadResult } from '../runner/runner.js';

export const BENCH_RESULTS_VERSION = 1;

export interface BenchEnvironment {
  node: string;
  platform: string;
  arch: string;
  cpus: number;
  cpuModel: string;
  totalMemoryBytes: number;
  /** os.loadavg() when the run started: figures on a shared machine swing with it. */
  loadAverage: number[];
  root: boolean;
}

/** One measured case. `dataset` says what was measured, printed before timing it. */
export interface CaseResult {
  suite: string;
  name: string;
  dataset: string;
  params: Record<string, number | string | boolean>;
  metrics: Record<string, number>;
  /** Checksum of the measured work's output, computed outside the timed region. */
  checksum?: string;
  notes?: string[];
  /** A throughput threshold the case is held to (scheduling: upstream's SchedulingThroughput Average). */
  threshold?: { metric: string; min: number; passed: boolean };
  /** Raw samples per metric (e.g. every run's wall time behind medianMs). */
  samples?: Record<string, number[]>;
  /** The headline metric (a key of metrics). */
  primary?: string;
  /** The runner's result when the case ran a workload. */
  run?: WorkloadResult;
}

/** cost = coefficient * x^exponent, fitted by least squares on log-log. */
export interface FitResult {
  suite: string;
  name: string;
  x: string;
  y: string;
  points: { x: number; y: number }[];
  exponent: number;
  coefficient: number;
  r2: number;
  /** Set for fits of synthetic data: the exponent the data was generated with. */
  expectedExponent?: number;
}

export type SuiteStatus = 'completed' | 'skipped' | 'interrupted' | 'errored' | 'not-started';

export interface SuiteResult {
  name: string;
  status: SuiteStatus;
  /** Why a suite was skipped, or the error that stopped it. */
  note?: string;
  durationMs: number;
  cases: CaseResult[];
  fits: FitResult[];
}

export interface BenchResults {
  kind: 'kubescale.bench';
  version: typeof BENCH_RESULTS_VERSION;
  createdAt: string;
  command: string;
  quick: boolean;
  workers: number;
  /** True when Ctrl-C stopped the run: `suites` holds what finished. */
  interrupted: boolean;
  durationMs: number;
  environment: BenchEnvironment;
  /** A no-op timed the way micro cases are (ns per call): the floor of every micro figure. */
  baseline: { noopNsPerCall: number };
  suites: SuiteResult[];
}

export interface BenchContext {
  quick: boolean;
  workers: number;
  /** Repository root (datasets/ lives there). */
  root: string;
  /** One line of progress detail (stderr). */
  log(line: string): void;
}

/** One unit of work: the runner checks for Ctrl-C between cases, never inside one. */
export interface CaseDef {
  name: string;
  run(ctx: BenchContext): CaseResult | CaseResult[] | Promise<CaseResult | CaseResult[]>;
}

export interface SuiteDef {
  name: string;
  description: string;
  /** The cases to run, or a reason to skip the suite (e.g. not root). */
  plan(ctx: BenchContext): CaseDef[] | { skip: string };
  /** Cost curves over the finished cases (also over a partial run when enough points finished). */
  fits?(cases: CaseResult[]): FitResult[];
}
