// The bench layer's public face: suites, the runner, the measurement core, the fit, the outputs.

export { SUITES, selectSuites, suiteNames } from './registry.js';
export { runSuites, benchEnvironment, type StopFlag, type RunSuitesOptions } from './runner.js';
export { median, percentile, repeat, timed, micro, sink, checksumOf } from './measure.js';
export { fitPowerLaw, fitOf, syntheticPowerData, type PowerFit } from './fit.js';
export { toResults } from './results.js';
export { benchTable, writeBenchOutputs } from './output.js';
export { createProgress, silentProgress, type Progress } from './progress.js';
export type { BenchContext, BenchResults, CaseDef, CaseResult, FitResult, SuiteDef, SuiteResult, SuiteStatus } from './types.js';
