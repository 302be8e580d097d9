/**
 * Measured — kernel throughput (GB/s of rows read by one exact scan, 100-d, 256-row pages) per
 * gpu.js backend, written by `bash bench/gpu.sh` (bench/gpu.ts --write); Registry's default
 * kernel for a backend is the fastest measured one that runs. Do not edit by hand: rerun the
 * script on the machine whose backend you want measured (other backends' entries are kept).
 *
 * @since 0.2.0
 */
/** GB/s per kernel name, per backend measured (keys: `Registry.Backend` names; plain strings so this table imports nothing). */
export const measured: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  // AMD EPYC, 2 cores, Node 24.21.0, 2026-12-06, sizes 100000
  "webasm": {
    "gpujs-cpu": 2.09,
    "gpujs-webasm": 1.47,
    "js-blocked": 2.45,
    "js-naive": 1.07,
    "wasm-simd": 5.38
  }
}

/** Where and when each backend's entry was measured. */
export const where: Readonly<Record<string, string>> = {
  "webasm": "AMD EPYC, 2 cores, Node 24.21.0, 2026-12-06, sizes 100000"
}
