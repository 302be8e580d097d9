/**
 * Runs the locomo suite on its own:
 *   node eval/suites/locomo/main.ts [--data FILE] [--quick] [--json]
 * Prints the notes (Markdown) or, with --json, one `{"suite","system","metric","value"}` per line.
 * Progress goes to stderr.
 */
import * as Path from "node:path"
import * as Fs from "node:fs"
import { suite } from "./suite.ts"

const args = process.argv.slice(2)
const flag = (name: string): boolean => args.includes(name)
const dataAt = args.indexOf("--data")
const data = dataAt >= 0 ? args[dataAt + 1] : undefined
const shared = Path.join(import.meta.dirname, "..", "..", "..", "..", "shared")
const started = Date.now()
try {
  const result = await suite.run({
    data,
    sharedDir: Fs.existsSync(shared) ? shared : undefined,
    quick: flag("--quick"),
    seed: 1,
    progress: (message, done, total) =>
      process.stderr.write(`[${((Date.now() - started) / 1000).toFixed(1)}s] ${message}${done !== undefined && total !== undefined ? ` (${done}/${total})` : ""}\n`)
  })
  if (result.skipped !== undefined) {
    process.stderr.write(`locomo skipped: ${result.skipped}\n`)
  } else if (flag("--json")) {
    for (const r of result.rows) process.stdout.write(JSON.stringify(r) + "\n")
  } else {
    process.stdout.write(result.notes.join("\n\n") + "\n")
  }
} catch (e) {
  process.stderr.write(`locomo: ${e instanceof Error ? e.message : String(e)}\n`)
  process.exitCode = 1
}
