// nodeports.NodePorts: a requested (hostIP, protocol, hostPort) must be free on the node.
// 0.0.0.0 conflicts with any IP on the same protocol/port (upstream HostPortInfo.CheckConflict).

import type { HostPort } from '../../podinfo.js';
import { type Plugin, skip, success, unschedulable } from '../framework.js';

export const ERR_REASON = "node(s) didn't have free ports for the requested pod ports";
const ANY_IP = '0.0.0.0';

export function portsConflict(used: readonly HostPort[], want: HostPort): boolean {
  if (want.hostPort <= 0) return false;
  for (const u of used) {
    if (u.protocol !== want.protocol || u.hostPort !== want.hostPort) continue;
    if (want.hostIP === ANY_IP || u.hostIP === ANY_IP || u.hostIP === want.hostIP) return true;
  }
  return false;
}

export const newNodePorts = (): Plugin => ({
  name: 'NodePorts',
  preFilter: (_s, pod) => ({ status: pod.hostPorts.length === 0 ? skip() : success() }),
  filter: (_s, pod, node) => {
    for (const p of pod.hostPorts) if (portsConflict(node.usedPorts, p)) return unschedulable(ERR_REASON);
    return success();
  },
});
