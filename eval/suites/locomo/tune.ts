/**
 * The only tuning done for the locomo suite: recall's anchors (k) and maxResults for MAGS, on the
 * FIRST conversation of the file only (the rest are held out). Prints recall@10 (categories 1–4)
 * per cell.  node eval/suites/locomo/tune.ts [--data FILE]
 */
import * as Path from "node:path"
import { embed } from "../../../shell/embeddings/Glove.ts"
import * as Data from "./Data.ts"
import * as L from "./Locomo.ts"
import * as M from "./Metrics.ts"
import { loadGlove } from "./suite.ts"
const at = process.argv.indexOf("--data")
const file = at >= 0 ? process.argv[at + 1]! : Path.join(import.meta.dirname, "..", "..", "..", "..", "shared", "data", "locomo-dev.json")
const convs = await Data.loadFile(file)
const t = await loadGlove()
const c = convs[0]! // tuning conversation only
for (const setting of ["turns", "obs"] as const) {
  const mems = L.memoriesOf(c, setting)
  const vecs = mems.map((m) => Array.from(embed(t, m.text)))
  const qs = c.qa.filter((q) => q.evidence.length > 0 && q.category <= 4)
  const qv = qs.map((q) => Array.from(embed(t, q.question)))
  for (const maintain of [true, false]) {
    const g = L.ingestMags(mems, vecs, t, maintain)
    for (const anchors of [4, 10, 20]) for (const maxResults of [20, 200]) for (const text of [true, false]) {
      const r = L.magsRetriever(g, mems, { anchors, maxResults, text })
      const mean = new M.Mean()
      qs.forEach((q, i) => mean.add(M.scoreAt(q.evidence, r(q.question, qv[i]!), 10)))
      console.log(setting, maintain ? "maint" : "nodecay", `K=${anchors} max=${maxResults} text=${text}`, mean.mean("recall").toFixed(3))
    }
  }
}
