/**
 * `mags rollback <seq>` — takes the memory back to its state after `seq` events. Nothing is
 * deleted: the events after `seq` are kept as an abandoned branch of the history (see the
 * store), and later events continue from `seq + 1`. `mags history` and `mags replay` show the
 * seqs.
 *
 * `mags rollback --list` lists the abandoned branches (number, the seqs they hold, why, when);
 * `mags rollback --restore <branch>` brings one back: the memory goes back to the branch's base
 * (the events after it, if any, become a new branch in turn, so nothing is lost either way) and
 * the branch's events are committed again (`Ops.restoreBranch`). An unknown branch, or a seq past
 * the end, fails with `NotFound` (exit 12). `--json`: one `RollbackView` line, or with `--list`
 * one `BranchView` line per branch.
 *
 * @since 0.1.0
 */
import { Console, Effect, Option } from "effect"
import { Argument, Command, Flag } from "effect/cli"
import { fail } from "../../app/Failure.ts"
import * as Ops from "../../app/Ops.ts"
import * as Render from "../../app/Render.ts"
import * as Services from "../../app/Services.ts"
import type * as Views from "../../app/Views.ts"
import * as Json from "../Json.ts"
import * as Root from "../Root.ts"

/** A branch as one line of text. @complexity O(1) */
export const branchLine = (b: Views.BranchView): string =>
  `branch ${b.branch}: seqs ${b.base + 1}..${b.tip} (${b.events} event${b.events === 1 ? "" : "s"}) after seq ${b.base}, ${b.reason} on ${Render.date(b.at)}`

const stateLine = (s: Views.StateView): string => `${s.nodes} nodes, ${s.edges} edges, hash ${s.hash}`

/** The `rollback` command. */
export const rollback = Command.make("rollback", {
  seq: Argument.Int("seq").pipe(Argument.withDescription("Events to keep (0: empty memory)"), Argument.optional),
  list: Flag.Boolean("list").pipe(Flag.withDescription("List the abandoned branches"), Flag.withDefault(false)),
  restore: Flag.Int("restore").pipe(Flag.withDescription("Bring back abandoned branch <n> (see --list)"), Flag.optional),
  json: Json.flag
}, ({ json, list, restore, seq }) =>
  Effect.gen(function*() {
    const given = [Option.isSome(seq), list, Option.isSome(restore)].filter((x) => x).length
    if (given !== 1) return yield* fail("Usage", "give exactly one of <seq>, --list or --restore <branch>")
    const s = yield* Root.settings
    if (list) {
      const branches = yield* Services.withMemory(s, Ops.branches, { readOnly: true })
      if (json) for (const b of branches) yield* Json.print(b)
      else if (branches.length === 0) yield* Console.log("no abandoned branches")
      else for (const b of branches) yield* Console.log(branchLine(b))
      return
    }
    if (Option.isSome(restore)) {
      const restored = yield* Services.withMemory(s, (memory) => Ops.restoreBranch(memory, restore.value))
      if (json) return yield* Json.print(restored)
      yield* Console.log(
        `restored branch ${restore.value}: memory now at seq ${restored.state.seq} (was ${restored.from}); ${stateLine(restored.state)}` +
          (restored.branch === null ? "" : `; the events it replaced are kept as branch ${restored.branch.branch}`)
      )
      return
    }
    const to = Option.getOrElse(seq, () => 0)
    if (to < 0) return yield* fail("Usage", `seq must be ≥ 0, got ${to}`)
    const back = yield* Services.withMemory(s, (memory) => Ops.rollback(memory, to))
    if (json) return yield* Json.print(back)
    yield* Console.log(
      `rolled back from seq ${back.from} to ${back.state.seq} (${back.from - back.state.seq} events kept as an abandoned branch` +
        `${back.branch === null ? "" : ` ${back.branch.branch}`}); ${stateLine(back.state)}`
    )
  })).pipe(Command.withDescription("Go back to the state after <seq> events (the rest is kept as a branch); --list, --restore <branch>"))
