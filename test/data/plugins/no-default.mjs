export const plugin = { name: 'NoDefault', filter: () => true };
