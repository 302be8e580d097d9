/**
 * The "GPU" tab: the core's similarity search run through gpu.js on WebGL2 in this browser (WebGL,
 * else gpu.js's CPU mode, where it has none), checked against the CPU kernels within the core's
 * stated tolerance — the backend that ran, the error, the timings and the top-k side by side
 * (see Check.ts).
 */
import { fill, h } from "../Dom.ts"
import { checkGpu, type CheckOptions, defaults, type GpuCheck } from "./Check.ts"

export { checkGpu, type GpuCheck } from "./Check.ts"

/** The mounted tab. */
export interface GpuHandle {
  /** Runs the check with the panel's inputs and shows it (the Run button does the same). */
  readonly run: () => Promise<GpuCheck | undefined>
  readonly dispose: () => void
}

const STYLE = `
.gpu-root { font: 13px/1.4 system-ui, sans-serif; color: #1f2933; display: flex; flex-direction: column; gap: 10px; }
.gpu-bar { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; padding: 6px 8px; background: #f1f5f9; border-radius: 6px; }
.gpu-bar input { width: 80px; }
.gpu-verdict { font-size: 15px; font-weight: 600; } .gpu-ok { color: #15803d; } .gpu-bad { color: #b91c1c; }
.gpu-kv { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; } .gpu-kv dt { color: #64748b; } .gpu-kv dd { margin: 0; }
.gpu-table { border-collapse: collapse; font: 12px ui-monospace, monospace; } .gpu-table td, .gpu-table th { padding: 1px 8px; border-bottom: 1px solid #e2e8f0; text-align: left; }
.gpu-diff { background: #fef3c7; }
`

const ms = (x: number): string => `${x.toFixed(1)} ms`

/** The check's outcome as panel content. */
const report = (r: GpuCheck): Array<HTMLElement> => {
  const gpuLabel = r.backend === "cpu" ? "gpu.js CPU mode (no WebGL here)" : `gpu.js on ${r.backend.toUpperCase()}`
  const verdict = h("div", { class: `gpu-verdict ${r.ok ? "gpu-ok" : "gpu-bad"}`, "data-testid": "gpu-verdict", "data-ok": String(r.ok), "data-backend": r.backend },
    r.ok
      ? `${gpuLabel} agrees with the CPU kernels: max |Δscore| ${r.maxAbsError.toExponential(2)} ≤ ${r.tolerance}`
      : `${gpuLabel} DISAGREES with the CPU kernels: max |Δscore| ${r.maxAbsError.toExponential(2)} (tolerance ${r.tolerance})` +
        `${r.topKAgree ? "" : "; top-k differs"}${r.cpuTopKAgree ? "" : "; the CPU top-k differs from the reference"}${r.coreAgrees ? "" : "; the core's search with the gpu.js kernel disagrees"}`)
  const row = (k: string, v: string, id?: string) => [h("dt", {}, k), h("dd", id === undefined ? {} : { "data-testid": id }, v)]
  const facts = h("dl", { class: "gpu-kv" },
    row("backend that ran", r.backend, "gpu-backend"),
    row("kernel", `${r.kernel} (gpu.js) vs ${r.cpuKernel} (CPU default) and a float64 reference`),
    row("WebGL renderer", r.renderer === undefined ? "none reported"
      : /swiftshader/i.test(r.renderer) ? `${r.renderer} — a CPU implementation of WebGL (no GPU here): the kernels run the WebGL path, timings are not a GPU's`
      : r.renderer),
    ...(r.unavailable.length === 0 ? [] : [row("not available here", r.unavailable.join("; "))]),
    row("data", `${r.rows} × ${r.dim}-d unit vectors (seeded, clustered), ${r.queries} queries, top ${r.k}`),
    row("max |GPU − reference|", `${r.maxAbsError.toExponential(3)} over all ${r.rows * r.queries} scores`, "gpu-error"),
    row("max |core search on gpu.js − reference|", `${r.coreMaxAbsError.toExponential(3)} over its top-k (Similarity.topK with the gpu.js kernel)`),
    row("max |CPU − reference|", `${r.cpuMaxAbsError.toExponential(3)} over the CPU top-k`),
    row("tolerance", `${r.tolerance} (the core's stated agreement of every kernel, core/Similarity.ts)`),
    row("top-k agree with the reference", `GPU batched ${r.topKAgree ? "yes" : "NO"}, core search on gpu.js ${r.coreAgrees ? "yes" : "NO"}, CPU ${r.cpuTopKAgree ? "yes" : "NO"}`),
    row("GPU (all queries, a launch per 4096 rows)", `${ms(r.ms.gpu)} (first launch with compilation ${ms(r.ms.compile)})`),
    row("CPU (Similarity.topK, all queries)", ms(r.ms.cpu)),
    row("core search on gpu.js (all queries, a launch per 256-row page)", ms(r.ms.gpuCore)),
    row("building the data", ms(r.ms.data)))
  const first = r.results[0]
  const table = first === undefined ? h("div", {}) : h("table", { class: "gpu-table", "data-testid": "gpu-topk" },
    h("tr", {}, h("th", {}, "#"), h("th", {}, "GPU id"), h("th", {}, "GPU score"), h("th", {}, "core on gpu.js"), h("th", {}, "CPU id"), h("th", {}, "CPU score"), h("th", {}, "reference (float64)")),
    first.reference.map((ref, i) => {
      const g = first.gpu[i]
      const o = first.core[i]
      const c = first.cpu[i]
      return h("tr", { class: g?.id !== ref.id || o?.id !== ref.id || c?.id !== ref.id ? "gpu-diff" : "" },
        h("td", {}, i + 1), h("td", {}, g?.id ?? "—"), h("td", {}, g?.score.toFixed(7) ?? "—"), h("td", {}, o === undefined ? "—" : `${o.id} ${o.score.toFixed(7)}`),
        h("td", {}, c?.id ?? "—"), h("td", {}, c?.score.toFixed(7) ?? "—"), h("td", {}, `${ref.id} ${ref.score.toFixed(9)}`))
    }))
  return [verdict, facts, h("div", {}, h("b", {}, "First query's top-k"), table)]
}

/** Fills `el` with the GPU tab; the check runs when asked (Run), not on mount. */
export const mountGpu = (el: HTMLElement): GpuHandle => {
  const num = (value: number, id: string) => h("input", { type: "number", min: 1, step: 1, value, "data-testid": id })
  const rows = num(defaults.rows, "gpu-rows")
  const queries = num(defaults.queries, "gpu-queries")
  const k = num(defaults.k, "gpu-k")
  const out = h("div", { "data-testid": "gpu-result" }, h("span", {}, "Press Run to score the vectors on the GPU and compare with the CPU."))
  const button = h("button", { "data-testid": "gpu-run", onclick: () => void run() }, "Run")
  let disposed = false
  const run = async (): Promise<GpuCheck | undefined> => {
    const options: CheckOptions = {
      rows: Math.max(1, Math.floor(Number(rows.value) || defaults.rows)),
      queries: Math.max(1, Math.floor(Number(queries.value) || defaults.queries)),
      k: Math.max(1, Math.floor(Number(k.value) || defaults.k))
    }
    button.disabled = true
    fill(out, h("span", { "data-testid": "gpu-running" }, "running…"))
    // let the browser paint "running…" before the check holds the main thread
    await new Promise((resolve) => setTimeout(resolve, 20))
    try {
      const r = await checkGpu(options)
      if (!disposed) fill(out, report(r))
      return r
    } catch (e) {
      if (!disposed) fill(out, h("div", { class: "gpu-verdict gpu-bad", "data-testid": "gpu-verdict", "data-ok": "false" }, `the check failed: ${e instanceof Error ? e.message : String(e)}`))
      return undefined
    } finally {
      button.disabled = false
    }
  }
  fill(el, h("div", { class: "gpu-root", "data-testid": "gpu" },
    h("style", {}, STYLE),
    h("div", { class: "gpu-bar" }, h("label", {}, "vectors ", rows), h("label", {}, "queries ", queries), h("label", {}, "k ", k), button),
    out))
  return {
    run,
    dispose: () => {
      disposed = true
      el.replaceChildren()
    }
  }
}
