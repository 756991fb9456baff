// Score throws for pods named "boom-*".
export default {
  name: 'Thrower',
  score(pod, node) {
    if (pod.name.startsWith('boom')) throw new TypeError(`cannot score ${node.name}`);
    return 50;
  },
};
