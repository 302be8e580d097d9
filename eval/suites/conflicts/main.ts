/**
 * Runs the conflict suite alone and prints one JSON row per line, then the notes on stderr:
 *
 *     ./node_modules/.bin/node eval/suites/conflicts/main.ts [--quick] [--seed N]
 *
 * (`npm run eval -- conflicts --json` does the same through the evaluation runner.)
 */
import { suite } from "./suite.ts"

const args = process.argv.slice(2)
const seedAt = args.indexOf("--seed")
const seed = seedAt >= 0 ? Number(args[seedAt + 1]) : 1
const result = await suite.run({
  data: undefined,
  sharedDir: undefined,
  quick: args.includes("--quick"),
  seed: Number.isFinite(seed) ? seed : 1,
  progress: () => {}
})
for (const row of result.rows) process.stdout.write(JSON.stringify(row) + "\n")
for (const note of result.notes) process.stderr.write("\n" + note + "\n")
