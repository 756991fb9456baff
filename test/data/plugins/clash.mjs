export default { name: 'NodeResourcesFit', filter: () => true };
