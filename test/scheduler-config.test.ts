// KubeSchedulerConfiguration v1: defaults, multiPoint expansion with "*" disable, weights, args defaults,
// invalid configs with upstream's field-error texts.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSchedulerConfig, defaultSchedulerConfig, API_VERSION } from '../src/scheduler/config.js';
import { InputError } from '../src/k8s/errors.js';

const base = { apiVersion: API_VERSION, kind: 'KubeSchedulerConfiguration' };

test('default profile: v1.35 plugin set, weights, args', () => {
  const cfg = defaultSchedulerConfig();
  const p = cfg.profiles[0]!;
  assert.equal(p.schedulerName, 'default-scheduler');
  assert.equal(cfg.parallelism, 16);
  assert.equal(p.percentageOfNodesToScore, 0);
  assert.deepEqual(p.plugins.filter, ['NodeUnschedulable', 'NodeName', 'TaintToleration', 'NodeAffinity', 'NodePorts', 'NodeResourcesFit',
    'VolumeRestrictions', 'NodeVolumeLimits', 'VolumeBinding', 'VolumeZone', 'PodTopologySpread', 'InterPodAffinity', 'DynamicResources']);
  assert.deepEqual(p.plugins.score, ['TaintToleration', 'NodeAffinity', 'NodeResourcesFit', 'VolumeBinding', 'PodTopologySpread', 'InterPodAffinity',
    'NodeResourcesBalancedAllocation', 'ImageLocality']);
  assert.deepEqual(p.scoreWeights, { TaintToleration: 3, NodeAffinity: 2, NodeResourcesFit: 1, VolumeBinding: 1, PodTopologySpread: 2, InterPodAffinity: 2,
    NodeResourcesBalancedAllocation: 1, ImageLocality: 1 });
  assert.deepEqual(p.plugins.queueSort, ['PrioritySort']);
  assert.deepEqual(p.plugins.postFilter, ['DynamicResources', 'DefaultPreemption']);
  assert.deepEqual(p.plugins.bind, ['DefaultBinder']);
  assert.deepEqual(p.args.NodeResourcesFit!.scoringStrategy, { type: 'LeastAllocated', resources: [{ name: 'cpu', weight: 1 }, { name: 'memory', weight: 1 }] });
  assert.deepEqual(p.args.DefaultPreemption, { minCandidateNodesPercentage: 10, minCandidateNodesAbsolute: 100 });
  assert.equal(p.args.InterPodAffinity!.hardPodAffinityWeight, 1);
  assert.equal(p.args.PodTopologySpread!.defaultingType, 'System');
  assert.ok(p.notBuilt.includes('InterPodAffinity') && !p.notBuilt.includes('NodeResourcesFit'));
});

test('multiPoint with "*" disabled at score keeps only explicit score plugins, with their weights', () => {
  const cfg = parseSchedulerConfig({ ...base, profiles: [{ schedulerName: 'packer', plugins: {
    score: { disabled: [{ name: '*' }], enabled: [{ name: 'NodeResourcesFit', weight: 5 }, { name: 'ImageLocality' }] },
  }, pluginConfig: [{ name: 'NodeResourcesFit', args: { scoringStrategy: { type: 'MostAllocated' } } }] }] });
  const p = cfg.profiles[0]!;
  assert.deepEqual(p.plugins.score, ['NodeResourcesFit', 'ImageLocality']);
  assert.deepEqual(p.scoreWeights, { NodeResourcesFit: 5, ImageLocality: 1 });
  assert.equal(p.args.NodeResourcesFit!.scoringStrategy.type, 'MostAllocated');
  assert.ok(p.plugins.filter.includes('NodeResourcesFit')); // filter still from multiPoint
});

test('multiPoint: disabling a plugin for one point, re-weighting through multiPoint', () => {
  const cfg = parseSchedulerConfig({ ...base, profiles: [{ plugins: {
    multiPoint: { enabled: [{ name: 'ImageLocality', weight: 7 }], disabled: [{ name: 'PodTopologySpread' }] },
    filter: { disabled: [{ name: 'TaintToleration' }] },
  } }] });
  const p = cfg.profiles[0]!;
  assert.equal(p.scoreWeights.ImageLocality, 7);
  assert.ok(!p.plugins.filter.includes('TaintToleration') && p.plugins.score.includes('TaintToleration'));
  assert.ok(!p.plugins.score.includes('PodTopologySpread') && !p.plugins.filter.includes('PodTopologySpread'));
});

test('several profiles chosen by schedulerName; percentage per profile', () => {
  const cfg = parseSchedulerConfig({ ...base, percentageOfNodesToScore: 30, profiles: [{ schedulerName: 'a' }, { schedulerName: 'b', percentageOfNodesToScore: 60 }] });
  assert.deepEqual(cfg.profiles.map((p) => [p.schedulerName, p.percentageOfNodesToScore]), [['a', 30], ['b', 60]]);
});

function err(cfg: unknown): string {
  try {
    parseSchedulerConfig(cfg, 'sched.yaml');
  } catch (e) {
    assert.ok(e instanceof InputError);
    return e.message;
  }
  assert.fail('expected an InputError');
}

test('invalid configs: upstream field-error texts with file and path', () => {
  assert.equal(err({ ...base, percentageOfNodesToScore: 110 }), 'sched.yaml: KubeSchedulerConfiguration: percentageOfNodesToScore: Invalid value: 110: not in valid range [0-100]');
  assert.equal(err({ ...base, profiles: [{ schedulerName: 'a' }, {}] }), 'sched.yaml: KubeSchedulerConfiguration: profiles[1].schedulerName: Required value');
  assert.equal(err({ ...base, profiles: [{ schedulerName: 'a' }, { schedulerName: 'a' }] }), 'sched.yaml: KubeSchedulerConfiguration: profiles[1].schedulerName: Duplicate value: "a"');
  assert.equal(err({ ...base, profiles: [{ pluginConfig: [{ name: 'NodeResourcesFit', args: { scoringStrategy: { type: 'Foo' } } }] }] }),
    'sched.yaml: KubeSchedulerConfiguration: profiles[0].pluginConfig[0].args.scoringStrategy.type: Unsupported value: "Foo": supported values: "LeastAllocated", "MostAllocated", "RequestedToCapacityRatio"');
  assert.equal(err({ ...base, profiles: [{ pluginConfig: [{ name: 'NodeResourcesFit', args: { scoringStrategy: { type: 'LeastAllocated', resources: [{ name: 'cpu', weight: 101 }] } } }] }] }),
    'sched.yaml: KubeSchedulerConfiguration: profiles[0].pluginConfig[0].args.scoringStrategy.resources[0].weight: Invalid value: 101: resource weight of cpu not in valid range (0, 100]');
  assert.equal(err({ ...base, profiles: [{ pluginConfig: [{ name: 'NodeResourcesFit', args: { scoringStrategy: { type: 'RequestedToCapacityRatio' } } }] }] }),
    'sched.yaml: KubeSchedulerConfiguration: profiles[0].pluginConfig[0].args.scoringStrategy.requestedToCapacityRatio: Required value: must be specified when type is RequestedToCapacityRatio');
  assert.equal(err({ ...base, profiles: [{ pluginConfig: [{ name: 'DefaultPreemption', args: { minCandidateNodesPercentage: 0, minCandidateNodesAbsolute: 0 } }] }] }),
    'sched.yaml: KubeSchedulerConfiguration: profiles[0].pluginConfig[0].args.minCandidateNodesPercentage: Invalid value: 0: cannot be zero at the same time as minCandidateNodesAbsolute');
  assert.equal(err({ ...base, profiles: [{ pluginConfig: [{ name: 'NodeResourcesBalancedAllocation', args: { resources: [{ name: 'cpu', weight: 2 }] } }] }] }),
    'sched.yaml: KubeSchedulerConfiguration: profiles[0].pluginConfig[0].args.resources[0].weight: Invalid value: 2: must be 1');
  assert.match(err({ ...base, profiles: [{ plugins: { score: { enabled: [{ name: 'NoSuchPlugin' }] } } }] }), /plugin "NoSuchPlugin" does not exist/);
  assert.match(err({ ...base, profilez: [] }), /unknown field "profilez"/);
  assert.match(err({ ...base, apiVersion: 'kubescheduler.config.k8s.io/v1beta3' }), /no kind "KubeSchedulerConfiguration" is registered for version "kubescheduler.config.k8s.io\/v1beta3"/);
});
