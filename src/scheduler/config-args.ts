// Plugin args of KubeSchedulerConfiguration v1: decoding with defaults (pkg/scheduler/apis/config/v1/defaults.go)
// and validation (pkg/scheduler/apis/config/validation/validation_pluginargs.go), upstream's messages.

import type {
  DefaultPreemptionArgs, InterPodAffinityArgs, NodeAffinityArgs, NodeResourcesBalancedAllocationArgs, NodeResourcesFitArgs,
  PluginArgsByName, PodTopologySpreadArgs, ResourceSpec, ScoringStrategyType, UtilizationShapePoint, VolumeBindingArgs, Decoder,
} from './config.js';
import { ConfigIssue, fieldDuplicate, fieldForbidden, fieldInvalid, fieldNotSupported, fieldRequired } from './config-errors.js';

const ARGS_FIELDS: Record<string, string[]> = {
  NodeResourcesFit: ['apiVersion', 'kind', 'ignoredResources', 'ignoredResourceGroups', 'scoringStrategy'],
  NodeResourcesBalancedAllocation: ['apiVersion', 'kind', 'resources'],
  NodeAffinity: ['apiVersion', 'kind', 'addedAffinity'],
  InterPodAffinity: ['apiVersion', 'kind', 'hardPodAffinityWeight', 'ignorePreferredTermsOfExistingPods'],
  PodTopologySpread: ['apiVersion', 'kind', 'defaultConstraints', 'defaultingType'],
  DefaultPreemption: ['apiVersion', 'kind', 'minCandidateNodesPercentage', 'minCandidateNodesAbsolute'],
  VolumeBinding: ['apiVersion', 'kind', 'bindTimeoutSeconds', 'shape'],
};

const defaultResources = (): ResourceSpec[] => [{ name: 'cpu', weight: 1 }, { name: 'memory', weight: 1 }];

function resources(d: Decoder, v: unknown, path: string, zeroMeansOne: boolean): ResourceSpec[] {
  const list = v === undefined || v === null ? [] : d.arr(v, path);
  return list.map((r, i) => {
    const o = d.obj(r, `${path}[${i}]`);
    d.strict(o, new Set(['name', 'weight']), `${path}[${i}]`);
    const w = o.weight === undefined || o.weight === null ? 0 : d.int(o.weight, `${path}[${i}].weight`);
    return { name: d.str(o.name, `${path}[${i}].name`), weight: zeroMeansOne && w === 0 ? 1 : w };
  });
}

/** Decoded, defaulted args for a plugin that takes args; undefined for plugins without args. */
export function pluginArgs(name: string, raw: unknown, path: string, d: Decoder): PluginArgsByName[keyof PluginArgsByName] | undefined {
  const fields = ARGS_FIELDS[name];
  if (!fields) return undefined;
  const o = d.obj(raw, path);
  d.strict(o, new Set(fields), path);
  const p = (k: string) => (path ? `${path}.${k}` : k);
  switch (name) {
    case 'NodeResourcesFit': {
      const args: NodeResourcesFitArgs = {
        ignoredResources: ((o.ignoredResources as unknown[]) ?? []).map((x, i) => d.str(x, p(`ignoredResources[${i}]`))),
        ignoredResourceGroups: ((o.ignoredResourceGroups as unknown[]) ?? []).map((x, i) => d.str(x, p(`ignoredResourceGroups[${i}]`))),
        scoringStrategy: { type: 'LeastAllocated', resources: defaultResources() },
      };
      if (o.scoringStrategy !== undefined && o.scoringStrategy !== null) {
        const s = d.obj(o.scoringStrategy, p('scoringStrategy'));
        d.strict(s, new Set(['type', 'resources', 'requestedToCapacityRatio']), p('scoringStrategy'));
        const res = resources(d, s.resources, p('scoringStrategy.resources'), true);
        args.scoringStrategy = {
          type: (s.type === undefined ? 'LeastAllocated' : d.str(s.type, p('scoringStrategy.type'))) as ScoringStrategyType,
          resources: res.length ? res : defaultResources(),
        };
        if (s.requestedToCapacityRatio !== undefined && s.requestedToCapacityRatio !== null) {
          const r = d.obj(s.requestedToCapacityRatio, p('scoringStrategy.requestedToCapacityRatio'));
          const shapePath = p('scoringStrategy.requestedToCapacityRatio.shape');
          const shape: UtilizationShapePoint[] = (r.shape === undefined ? [] : d.arr(r.shape, shapePath)).map((pt, i) => {
            const po = d.obj(pt, `${shapePath}[${i}]`);
            d.strict(po, new Set(['utilization', 'score']), `${shapePath}[${i}]`);
            return { utilization: d.int(po.utilization ?? 0, `${shapePath}[${i}].utilization`), score: d.int(po.score ?? 0, `${shapePath}[${i}].score`) };
          });
          args.scoringStrategy.requestedToCapacityRatio = { shape };
        }
      }
      return args;
    }
    case 'NodeResourcesBalancedAllocation': {
      const res = resources(d, o.resources, p('resources'), true);
      return { resources: res.length ? res : defaultResources() } satisfies NodeResourcesBalancedAllocationArgs;
    }
    case 'NodeAffinity': {
      const args: NodeAffinityArgs = {};
      if (o.addedAffinity !== undefined && o.addedAffinity !== null) args.addedAffinity = d.obj(o.addedAffinity, p('addedAffinity')) as NodeAffinityArgs['addedAffinity'];
      return args;
    }
    case 'InterPodAffinity':
      return {
        hardPodAffinityWeight: o.hardPodAffinityWeight === undefined ? 1 : d.int(o.hardPodAffinityWeight, p('hardPodAffinityWeight')),
        ignorePreferredTermsOfExistingPods: o.ignorePreferredTermsOfExistingPods === true,
      } satisfies InterPodAffinityArgs;
    case 'PodTopologySpread':
      return {
        defaultConstraints: (o.defaultConstraints === undefined ? [] : d.arr(o.defaultConstraints, p('defaultConstraints'))) as PodTopologySpreadArgs['defaultConstraints'],
        defaultingType: (o.defaultingType === undefined || o.defaultingType === '' ? 'System' : d.str(o.defaultingType, p('defaultingType'))) as 'System' | 'List',
      } satisfies PodTopologySpreadArgs;
    case 'DefaultPreemption':
      return {
        minCandidateNodesPercentage: o.minCandidateNodesPercentage === undefined ? 10 : d.int(o.minCandidateNodesPercentage, p('minCandidateNodesPercentage')),
        minCandidateNodesAbsolute: o.minCandidateNodesAbsolute === undefined ? 100 : d.int(o.minCandidateNodesAbsolute, p('minCandidateNodesAbsolute')),
      } satisfies DefaultPreemptionArgs;
    case 'VolumeBinding':
      return { bindTimeoutSeconds: o.bindTimeoutSeconds === undefined ? 600 : d.int(o.bindTimeoutSeconds, p('bindTimeoutSeconds')) } satisfies VolumeBindingArgs;
  }
  return undefined;
}

const STRATEGIES = ['LeastAllocated', 'MostAllocated', 'RequestedToCapacityRatio'];

function validateResourceWeights(res: ResourceSpec[], path: string, out: ConfigIssue[]): void {
  res.forEach((r, i) => {
    if (r.weight <= 0 || r.weight > 100) out.push(fieldInvalid(`${path}[${i}].weight`, r.weight, `resource weight of ${r.name} not in valid range (0, 100]`));
  });
}

function validateShape(shape: UtilizationShapePoint[], path: string, out: ConfigIssue[]): void {
  if (shape.length === 0) {
    out.push(fieldRequired(path, 'at least one point must be specified'));
    return;
  }
  for (let i = 1; i < shape.length; i++) {
    if (shape[i - 1]!.utilization >= shape[i]!.utilization) {
      out.push(fieldInvalid(`${path}[${i}].utilization`, shape[i]!.utilization, 'values must be sorted in increasing order'));
      break;
    }
  }
  shape.forEach((pt, i) => {
    if (pt.utilization < 0 || pt.utilization > 100) out.push(fieldInvalid(`${path}[${i}].utilization`, pt.utilization, 'not in valid range [0, 100]'));
    if (pt.score < 0 || pt.score > 10) out.push(fieldInvalid(`${path}[${i}].score`, pt.score, 'not in valid range [0, 10]'));
  });
}

/** Upstream's args validation; returns every issue in upstream's order. */
export function validatePluginArgs(name: string, args: unknown, path: string): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  switch (name) {
    case 'NodeResourcesFit': {
      const a = args as NodeResourcesFitArgs;
      a.ignoredResourceGroups.forEach((g, i) => {
        if (g.includes('/')) out.push(fieldInvalid(`${path}.ignoredResourceGroups[${i}]`, g, "resource group name can't contain '/'"));
      });
      const s = a.scoringStrategy;
      const sp = `${path}.scoringStrategy`;
      if (!STRATEGIES.includes(s.type)) out.push(fieldNotSupported(`${sp}.type`, s.type, STRATEGIES));
      validateResourceWeights(s.resources, `${sp}.resources`, out);
      if (s.type === 'RequestedToCapacityRatio') {
        if (!s.requestedToCapacityRatio) out.push(fieldRequired(`${sp}.requestedToCapacityRatio`, 'must be specified when type is RequestedToCapacityRatio'));
        else validateShape(s.requestedToCapacityRatio.shape, `${sp}.requestedToCapacityRatio.shape`, out);
      } else if (s.requestedToCapacityRatio) {
        out.push(fieldForbidden(`${sp}.requestedToCapacityRatio`, 'must be nil when type is not RequestedToCapacityRatio'));
      }
      break;
    }
    case 'NodeResourcesBalancedAllocation': {
      const seen = new Set<string>();
      (args as NodeResourcesBalancedAllocationArgs).resources.forEach((r, i) => {
        if (seen.has(r.name)) out.push(fieldDuplicate(`${path}.resources[${i}].name`, r.name));
        seen.add(r.name);
        if (r.weight !== 1) out.push(fieldInvalid(`${path}.resources[${i}].weight`, r.weight, 'must be 1'));
      });
      break;
    }
    case 'InterPodAffinity': {
      const w = (args as InterPodAffinityArgs).hardPodAffinityWeight;
      if (w < 0 || w > 100) out.push(fieldInvalid(`${path}.hardPodAffinityWeight`, w, 'not in valid range [0, 100]'));
      break;
    }
    case 'DefaultPreemption': {
      const a = args as DefaultPreemptionArgs;
      const pp = `${path}.minCandidateNodesPercentage`;
      const ap = `${path}.minCandidateNodesAbsolute`;
      if (a.minCandidateNodesPercentage < 0 || a.minCandidateNodesPercentage > 100) out.push(fieldInvalid(pp, a.minCandidateNodesPercentage, 'not in valid range [0, 100]'));
      if (a.minCandidateNodesAbsolute < 0) out.push(fieldInvalid(ap, a.minCandidateNodesAbsolute, 'not in valid range [0, inf)'));
      if (a.minCandidateNodesPercentage === 0 && a.minCandidateNodesAbsolute === 0) {
        out.push(fieldInvalid(pp, 0, 'cannot be zero at the same time as minCandidateNodesAbsolute'));
        out.push(fieldInvalid(ap, 0, 'cannot be zero at the same time as minCandidateNodesPercentage'));
      }
      break;
    }
    case 'PodTopologySpread': {
      const a = args as PodTopologySpreadArgs;
      if (a.defaultingType !== 'System' && a.defaultingType !== 'List') out.push(fieldNotSupported(`${path}.defaultingType`, a.defaultingType, ['System', 'List']));
      else if (a.defaultingType === 'System' && a.defaultConstraints.length > 0) out.push(fieldInvalid(`${path}.defaultingType`, a.defaultingType, 'when .defaultConstraints are not empty'));
      a.defaultConstraints.forEach((c, i) => {
        if (!(c.maxSkew > 0)) out.push(fieldInvalid(`${path}.defaultConstraints[${i}].maxSkew`, c.maxSkew, 'not in valid range (0, inf)'));
      });
      break;
    }
    case 'VolumeBinding': {
      const a = args as VolumeBindingArgs;
      if (a.bindTimeoutSeconds < 0) out.push(fieldInvalid(`${path}.bindTimeoutSeconds`, a.bindTimeoutSeconds, 'invalid BindTimeoutSeconds, should not be a negative value'));
      break;
    }
  }
  return out;
}
