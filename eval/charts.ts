/**
 * Charts — renders a suite's Vega-Lite specs (data inline) headless to SVG with the real
 * vega + vega-lite libraries (no browser, no canvas: the "none" renderer's `toSVG`).
 *
 * PNG is not produced: vega's PNG path needs node-canvas (a native module), which is not
 * installed; SVG opens in every browser and in GitHub's Markdown preview.
 */
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
