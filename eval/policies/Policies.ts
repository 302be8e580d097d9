/**
 * Policies — the trained memory controllers committed beside this file, one per suite they were
 * trained on (`games.json`: `npm run train -- --suite games --seed 1`; `mcq.json`: `npm run train
 * -- --suite mcq --seed 1`), and their one loader. The suites measure them as `mags-learned`.
 */
import { readFileSync } from "node:fs"
import { Schema } from "effect"
import * as Controller from "../../core/Controller.ts"

/** The committed policy file of a suite. */
export const fileOf = (suite: "games" | "mcq"): URL => new URL(`./${suite}.json`, import.meta.url)

/** A loaded policy: its controller and how it was trained; or why it cannot be used. */
export type Loaded =
  | { readonly controller: Controller.Controller; readonly trained: Record<string, unknown> }
  | { readonly error: string }

/**
 * Reads, decodes and checks a policy file (`Controller.PolicyFile` of the controller's spec).
 * @complexity O(file size)
 */
export const load = (file: URL): Loaded => {
  try {
    const decoded = Schema.decodeUnknownSync(Controller.PolicyFile)(JSON.parse(readFileSync(file, "utf8")))
    return { controller: Controller.fromFile(decoded), trained: decoded.trained }
  } catch (e) {
    return { error: e instanceof Error ? e.message.split("\n")[0]! : String(e) }
  }
}
