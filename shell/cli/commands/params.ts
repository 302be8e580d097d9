/**
 * `mags params` — the parameters the memory runs under. Without flags it prints those that differ
 * from `Params.defaults` (`--all`: every one). `--load FILE` reads a parameter record — the
 * `params.json` that `npm run tune` writes, or any JSON object of `Params` fields, missing fields
 * taken from the defaults — checks every field against its documented range, and records one
 * `ParamsSet` event: every later event runs under it, and replay reproduces it. `--defaults`
 * records the defaults back. A file that is missing, not JSON, or out of range is a `BadInput`
 * failure (exit 7) and records nothing. `--json` prints one `ParamsView` line: every parameter
 * with its value, default, documented range and meaning, and the names that differ from the
 * defaults.
 *
 * @since 0.3.0
 */
import * as NodeFs from "node:fs/promises"
import { Clock, Console, Effect, Option, Result } from "effect"
import { Command, Flag } from "effect/cli"
import * as Event from "../../../core/Event.ts"
import * as Params from "../../../core/Params.ts"
import { type AppFailure, fail, fromStoreError } from "../../app/Failure.ts"
import * as Ops from "../../app/Ops.ts"
import * as Json from "../Json.ts"
import * as Root from "../Root.ts"
import * as Services from "../../app/Services.ts"

/**
 * The parameter record of a JSON text: its fields over the defaults, validated.
 * Laws: `parse(JSON.stringify(p))` succeeds with `p` for every valid `p`; a field outside its
 * range fails naming it.
 * @complexity O(|text|)
 */
export const parse = (text: string, where: string): Result.Result<Params.Params, AppFailure> => {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (e) {
    return Result.fail(fail("BadInput", `${where} is not JSON: ${e instanceof Error ? e.message : String(e)}`))
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) return Result.fail(fail("BadInput", `${where} is not a JSON object of parameters`))
  return Result.mapError(Params.decode({ ...Params.defaults, ...json }), (e) => fail("BadInput", `${where}: ${e.message}`))
}

/** The fields of `p` that differ from `base`, as `name value` lines (the list of single-valued relations as its count). */
export const differences = (p: Params.Params, base: Params.Params = Params.defaults, all = false): Array<string> => {
  const out: Array<string> = []
  for (const name of Object.keys(Params.spec) as Array<Params.ParamName>) {
    if (all || p[name] !== base[name]) out.push(`${name} ${p[name]}${p[name] === base[name] ? "" : ` (default ${base[name]})`}`)
  }
  const same = p.singleValued.length === base.singleValued.length && p.singleValued.every((r, i) => r === base.singleValued[i])
  if (all || !same) out.push(`singleValued ${p.singleValued.length} relations${same ? "" : ` (default ${base.singleValued.length})`}`)
  return out
}

/** The `params` command. */
export const params = Command.make("params", {
  load: Flag.String("load").pipe(Flag.withDescription("Record the parameters of this JSON file (e.g. npm run tune's params.json)"), Flag.optional),
  defaults: Flag.Boolean("defaults").pipe(Flag.withDescription("Record the default parameters"), Flag.withDefault(false)),
  all: Flag.Boolean("all").pipe(Flag.withDescription("Print every parameter, not only those that differ from the defaults"), Flag.withDefault(false)),
  json: Json.flag
}, (flags) =>
  Effect.gen(function*() {
    if (Option.isSome(flags.load) && flags.defaults) return yield* fail("Usage", "give --load FILE or --defaults, not both")
    let next: Params.Params | undefined
    if (Option.isSome(flags.load)) {
      const file = flags.load.value
      const text = yield* Effect.tryPromise({
        try: () => NodeFs.readFile(file, "utf8"),
        catch: (e) => fail("BadInput", `cannot read ${file}: ${e instanceof Error ? e.message : String(e)}`)
      })
      const parsed = parse(text, file)
      if (Result.isFailure(parsed)) return yield* parsed.failure
      next = parsed.success
    } else if (flags.defaults) next = Params.defaults
    const s = yield* Root.settings
    const { state, seq } = yield* Services.withMemory(s, (memory) =>
      Effect.gen(function*() {
        const before = yield* memory.state
        if (next === undefined) return { state: before, seq: undefined }
        const now = yield* Clock.currentTimeMillis
        const committed = yield* memory.commit([new Event.ParamsSet({ now, params: next })]).pipe(Effect.mapError(fromStoreError))
        return { state: committed.state, seq: committed.state.seq }
      }))
    if (flags.json) return yield* Json.print(Ops.params(state))
    if (seq !== undefined) yield* Console.log(`parameters recorded (seq ${seq}); every later event runs under them`)
    const lines = differences(state.params, Params.defaults, flags.all)
    yield* Console.log(lines.length === 0 ? "parameters: the defaults" : `parameters${flags.all ? "" : " that differ from the defaults"}:`)
    for (const l of lines) yield* Console.log(`  ${l}`)
  })).pipe(Command.withDescription("Show the parameters in force, or record new ones (--load FILE, --defaults)"))
