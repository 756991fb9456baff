// The reference engine's literal plugin registry: name -> factory. No discovery. Plugins the config accepts
// but kubescale has not built (IN_TREE_PLUGINS[name].built === false) have no entry and are skipped.

import type { PluginFactory } from './framework.js';
import { newDefaultBinder, newNodeName, newNodeUnschedulable, newPrioritySort, newSchedulingGates } from './plugins/simple.js';
import { newNodePorts } from './plugins/nodeports.js';
import { newTaintToleration } from './plugins/tainttoleration.js';
import { newNodeAffinity } from './plugins/nodeaffinity.js';
import { newBalancedAllocation, newFit } from './plugins/noderesources.js';
import { newImageLocality } from './plugins/imagelocality.js';

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
  DefaultBinder: newDefaultBinder,
};
