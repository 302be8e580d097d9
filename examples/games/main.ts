/**
 * Runs one world (or all) with every agent and prints the metrics.
 *
 *   node examples/games/main.ts nonsense|maze|kitchen|all [--quick] [--seeds 1,2,3] [--json]
 *
 * With no model configured the agents use the worlds' deterministic policies. With
 * `MAGS_OPENAI_BASE_URL` (and `MAGS_OPENAI_MODEL`, `MAGS_OPENAI_API_KEY`) or `MAGS_MODEL` (a GGUF
 * path) set, the model chooses every action (see Llm.ts).
 */
import { AGENTS } from "./Agents.ts"
import { runAll, figures, WORLDS, type WorldName } from "./Games.ts"
import { chooserFromEnv } from "./Llm.ts"

const args = process.argv.slice(2)
const which = args.find((a) => !a.startsWith("--")) ?? "all"
const quick = args.includes("--quick")
const json = args.includes("--json")
const si = args.indexOf("--seeds")
const seeds = si >= 0 ? (args[si + 1] ?? "1").split(",").map(Number) : quick ? [1, 2] : [1, 2, 3, 4, 5]
if (which !== "all" && !(WORLDS as ReadonlyArray<string>).includes(which)) {
  console.error(`unknown world "${which}": one of ${WORLDS.join(", ")}, all`)
  process.exit(2)
}
const chooser = await chooserFromEnv()
const worlds: ReadonlyArray<WorldName> = which === "all" ? WORLDS : [which as WorldName]
const progress = (m: string) => process.stderr.write(m + "\n")
for (const w of worlds) {
  const rows = []
  for (const a of AGENTS) {
    progress(`${w}: ${a} …`)
    rows.push(await figures(w, a, chooser === undefined ? { quick, seeds } : { quick, seeds, chooser }))
  }
  if (json) {
    for (const f of rows) {
      const { first: _first, recoveries: _r, ...rest } = f
      console.log(JSON.stringify(rest))
    }
    continue
  }
  console.log(`\n== ${w} (seeds ${seeds.join(",")}${quick ? ", quick" : ""}${chooser ? ", model decides" : ", deterministic policy"}) ==`)
  console.log(["agent", "score", w === "nonsense" ? "recovery_steps" : "steps/episode", w === "nonsense" ? "recovered" : "", "nodes", "edges", "recalls/step", "engrams/step"].join("\t"))
  for (const f of rows) {
    console.log([
      f.agent, f.score.toFixed(3),
      w === "nonsense" ? f.recoverySteps!.toFixed(2) : f.stepsPerEpisode!.toFixed(1),
      w === "nonsense" ? f.recoveredFraction!.toFixed(2) : "",
      f.nodesFinal.toFixed(0), f.edgesFinal.toFixed(0), f.recallsPerStep.toFixed(2), f.engramsPerStep.toFixed(2)
    ].join("\t"))
  }
}
void runAll
