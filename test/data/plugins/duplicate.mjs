export default { name: 'GpuBinPack', score: () => 1 };
