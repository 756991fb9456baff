export default { name: 'DoesNothing' };
