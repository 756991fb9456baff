// The reference engine's literal plugin registry: name -> factory. No discovery. Plugins the config accepts
// but kubescale has not built have no entry and are skipped. The reference engine decides "built" by this registry
// (scheduler.ts referenceSkipped), not by IN_TREE_PLUGINS[name].built, which describes the fast engine.

import type { PluginFactory } from './framework.js';
import { newDefaultBinder, newNodeName, newNodeUnschedulable, newPrioritySort, newSchedulingGates } from './plugins/simple.js';
import { newNodePorts } from './plugins/nodeports.js';
import { newTaintToleration } from './plugins/tainttoleration.js';
import { newNodeAffinity } from './plugins/nodeaffinity.js';
import { newBalancedAllocation, newFit } from './plugins/noderesources.js';
import { newImageLocality } from './plugins/imagelocality.js';
import { newPodTopologySpread } from './plugins/podtopologyspread.js';
import { newInterPodAffinity } from './plugins/interpodaffinity.js';
import type { CustomPlugins } from '../plugins/api.js';
import { customFactory } from '../plugins/reference.js';

/** DefaultPreemption's PostFilter runs through ../preemption.ts; the plugin object only marks it enabled. */
const newDefaultPreemption: PluginFactory = () => ({ name: 'DefaultPreemption' });

export const REGISTRY: Readonly<Record<string, PluginFactory>> = {
  PrioritySort: newPrioritySort,
  SchedulingGates: newSchedulingGates,
  NodeUnschedulable: newNodeUnschedulable,
  NodeName: newNodeName,
  NodePorts: newNodePorts,
  TaintToleration: newTaintToleration,
  NodeAffinity: newNodeAffinity,
  NodeResourcesFit: newFit,
  NodeResourcesBalancedAllocation: newBalancedAllocation,
  ImageLocality: newImageLocality,
  PodTopologySpread: newPodTopologySpread,
  InterPodAffinity: newInterPodAffinity,
  DefaultPreemption: newDefaultPreemption,
  DefaultBinder: newDefaultBinder,
};

/** Factory of a custom plugin loaded with --plugin (src/scheduler/plugins), or undefined. */
export function customPluginFactory(custom: CustomPlugins | undefined, name: string): PluginFactory | undefined {
  const lp = custom?.byName.get(name);
  return lp ? customFactory(lp) : undefined;
}
