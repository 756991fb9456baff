export default [{ name: 'Fine', filter: () => true }, { name: 'BadScore', score: 42 }];
