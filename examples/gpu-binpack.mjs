// GpuBinPack — a vectorised Score plugin for kubescale (`--plugin examples/gpu-binpack.mjs`).
//
// MostAllocated on the nvidia.com/gpu column: a pod that requests GPUs prefers the GPU node whose GPUs
// would be the most allocated after placing it (GPU pods are packed, whole GPU nodes stay free for
// large jobs). A pod that requests no GPU prefers nodes without GPUs (100) over GPU nodes (0), so CPU
// pods do not take the CPU and memory that GPU pods need next to their GPUs.
//
// Enable it in a profile: plugins: { multiPoint: { enabled: [{ name: GpuBinPack, weight: 5 }] } }

const GPU = 'nvidia.com/gpu';

export default {
  name: 'GpuBinPack',
  vectorised: true,
  normalize: 'none', // raw scores are already 0..100

  score(ctx, pod, rows, count, out) {
    const r = ctx.resource(GPU);
    const want = pod.requests[GPU] ?? 0;
    if (r < 0) {
      out.fill(want > 0 ? 0 : 100, 0, count); // no node declares GPUs
      return;
    }
    const { alloc, req } = ctx.cols;
    const base = r * ctx.capacity;
    for (let i = 0; i < count; i++) {
      const n = rows[i];
      const a = alloc[base + n];
      if (want === 0) {
        out[i] = a > 0 ? 0 : 100;
        continue;
      }
      const used = Math.min(req[base + n] + want, a);
      out[i] = a > 0 ? Math.trunc((used * 100) / a) : 0;
    }
  },
};
