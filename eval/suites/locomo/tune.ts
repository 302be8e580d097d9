/**
 * Prints {@link Locomo.score} for Params.defaults on the train and the validation split
 * (maintenance on and off): the figures the tuner (eval/tune) optimises.
 *   node eval/suites/locomo/tune.ts [--data FILE]
 */
import * as Path from "node:path"
import { Params } from "../../../core/index.ts"
import * as Data from "./Data.ts"
import * as L from "./Locomo.ts"
import { loadGlove } from "./suite.ts"
const at = process.argv.indexOf("--data")
const file = at >= 0 ? process.argv[at + 1]! : Path.join(import.meta.dirname, "..", "..", "..", "..", "shared", "data", "locomo-dev.json")
const convs = await Data.loadFile(file)
const t = await loadGlove()
for (const [split, indices] of [["train", L.TRAIN], ["validation", L.VALIDATION]] as const) {
  for (const maintain of [true, false]) {
    console.log(split, maintain ? "maintenance on " : "maintenance off", JSON.stringify(L.score(convs, t, Params.defaults, indices, { maintain })))
  }
}
