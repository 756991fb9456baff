export default { name: 'Norm', score: () => 1, normalize: 'max' };
