/**
 * Charts — renders a suite's Vega-Lite specs (data inline) headless to SVG with the real
 * vega + vega-lite libraries (no browser, no canvas: the "none" renderer's `toSVG`).
 *
 * PNG is not produced: vega's PNG path needs node-canvas (a native module), which is not
 * installed; SVG opens in every browser and in GitHub's Markdown preview.
 */
import { mkdirSync, writeFileSync } from "node:fs"
import path from "node:path"
import * as vega from "vega"
import * as vegaLite from "vega-lite"

/** The SVG text and the warnings vega-lite / vega logged while compiling and rendering. */
export interface Rendered {
  readonly svg: string
  readonly warnings: ReadonlyArray<string>
}

const collectingLogger = (warnings: Array<string>) =>
  vega.logger(vega.Warn, undefined, (method, _level, args) => {
    warnings.push(`${method}: ${args.map((a) => (a instanceof Error ? a.message : String(a))).join(" ")}`)
  })

/**
 * Compiles a Vega-Lite spec to Vega and renders it to an SVG string.
 * @throws Error when the spec does not compile or render (the runner reports it and goes on).
 */
export const renderSvg = async (spec: Record<string, unknown>): Promise<Rendered> => {
  const warnings: Array<string> = []
  const logger = collectingLogger(warnings)
  const compiled = vegaLite.compile(spec as unknown as vegaLite.TopLevelSpec, { logger })
  const view = new vega.View(vega.parse(compiled.spec), { renderer: "none", logger })
  try {
    const svg = await view.toSVG()
    if (!svg.startsWith("<svg")) throw new Error("vega produced no SVG")
    return { svg, warnings }
  } finally {
    view.finalize()
  }
}

/**
 * A report folder being written: `write(name, text)` writes a file under `dir` (folders made as
 * needed) and lists it; `chart(stem, spec)` writes `charts/<stem>.vl.json` and renders
 * `charts/<stem>.svg`, a chart that fails to render being a warning, not an error. The one writer
 * of `npm run tune`'s and `npm run train`'s folders.
 */
export const reportFolder = (dir: string) => {
  const files: Array<string> = []
  const warnings: Array<string> = []
  const write = (name: string, text: string): void => {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true })
    writeFileSync(path.join(dir, name), text)
    files.push(name)
  }
  const chart = async (stem: string, spec: Record<string, unknown>): Promise<void> => {
    write(`charts/${stem}.vl.json`, JSON.stringify(spec, null, 2) + "\n")
    try {
      const { svg, warnings: w } = await renderSvg(spec)
      write(`charts/${stem}.svg`, svg)
      warnings.push(...w)
    } catch (e) {
      warnings.push(`charts/${stem}.svg not rendered: ${e instanceof Error ? e.message : String(e)}`)
    }
  }
  return { write, chart, files, warnings }
}
