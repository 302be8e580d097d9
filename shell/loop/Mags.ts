/**
 * Mags — the MAGS loop: one conversational turn against a memory (MISSION features 12–16).
 *
 * `turn(text)` runs, in order:
 * 1. **route** the request (ask, write or both; see `Router`) and pick the path's model
 *    (`AskModel` answers "ask" and "both", `WriteModel` answers "write");
 * 2. read `Clock.currentTimeMillis`; embed the user's text (`Embedder`) → a **Recalled** event
 *    `{ text, embedding, time? }`, `time` being what the text says about time
 *    (`Dates.timeHint`: a window for "what did I do last May?", `asksWhen` for "when did …?",
 *    relative phrases read against the clock; absent when it says nothing), recall's time
 *    source — the model's `<recall>` requests are read the same way;
 * 3. assemble the prompt within the token budget (`Prompt`: working-memory history, recalled
 *    facts with their paths) → **generate**;
 * 4. parse the output's `<recall>` / `<engram>` tags and memory tool calls (`MetaTokens`):
 *    engram requests become an **Engrammed** event (source `"model"`, no episode) followed by a
 *    **Reconciled** event for their fact ids; recall requests become **Recalled** events whose
 *    facts are fed back and generation continues; a `connect` request (tool or tag) reads the
 *    strongest path between its two entities (`Connect.connect`, read-only: no event), fed back
 *    the same way. At most `maxRounds`
 *    generations per turn; recall requests of the last allowed generation are not run (they are
 *    returned as `unanswered`); malformed requests are returned, never run;
 * 5. **engram what the exchange taught**: the triples the `Extractor` reads from the user's
 *    text, with the turn as the episode (id `turn-<now>-<seq>`, text `User: … / Assistant: …`,
 *    or `User: …` alone when a model-free template answered, see {@link Options.template},
 *    embedding of the user's text) and every subject/object label with its embedding, in the
 *    working tier → **Engrammed**; then **Reconciled** for the fact ids it added or re-asserted.
 *    The episode `follows` the episode of this loop's previous committed turn (one loop is one
 *    conversation), so engram links the two by a sequence edge (`Fact.sequenceId`) and recall
 *    brings a found turn's neighbours; the first turn follows nothing, and a turn after a failed
 *    one follows the last turn that was committed;
 * 6. **Reinforced** (reward `reward`, default 1) for the edges of the paths of the recalled facts
 *    the answer used (see {@link usedFacts});
 * 7. **Promoted** when working memory is over its token budget (`workingTokens`). Promotion
 *    then also moves the items that earned long-term memory (use, surprise, importance: the core's
 *    rule). It is not run while working memory is within budget: a new turn is surprising
 *    (surprise 1 when it names new things) and would leave working memory at once, and working
 *    memory is where the chat history lives (`Prompt` shows its recent episodes).
 *
 * **Tools.** With `useTools` (the default) every generation is offered the memory toolkit
 * (`MetaTokens.MemoryToolkit`: `recall`, `engram`, `connect`) with `disableToolCallResolution`
 * and `toolCallValidation: "deferred"`: the provider returns the calls un-run and unvalidated and
 * the loop checks each one (`MetaTokens.readToolCall`). Providers that support tools use them
 * (the OpenAI-compatible one always; node-llama-cpp where the model's chat wrapper supports
 * function calling); the others ignore the toolkit and the model keeps the meta tags, which are
 * read in every output either way. Results go back as **tool messages**: the model's output is
 * kept as an assistant message with its tool calls, followed by one tool message holding a
 * result per call id — the recalled facts, the engrammed triples, the path found — and a
 * generation that made tool calls is always followed by another (within `maxRounds`), so the
 * model can answer with what it got. An **invalid call** (unknown tool, arguments that are not
 * JSON, parameters failing the tool's schema) is never run: it is reported in `malformed` and
 * `toolCalls` (outcome `"invalid"`), and the model gets an error result for that call id. Tag
 * recalls and connects of the same output are answered with a user message ("Memory results: …")
 * as without tools. `useTools: false` offers no tools (tags only).
 *
 * 8. **Decayed**, **Pruned** and **Consolidated** (the housekeeping: decay over the time since this
 *    loop's last housekeeping, or its first turn) when the memory controller says so
 *    (`MemoryController`: the hand-written rules never do; a trained policy may). The controller's
 *    recall decision (default, shallow or deep) shapes every recall of the turn, as overrides in
 *    the Recalled events' input; `TurnResult.controller` reports both decisions.
 *
 * **Why only the user's text is extracted.** On the ask path the answer is drawn from memory, so
 * engramming it would feed memory its own output back and let a wrong answer reinforce itself;
 * the model says what it wants stored with `<engram>`. With `extractFromAnswer: true` the answer
 * is extracted too (source `"assistant"`), on the write and both paths only.
 *
 * **Events and replay.** The loop never changes memory directly: it folds its events locally
 * (`Replay.apply`, pure; a recall through `Replay.applyRecalled`, which also gives its answer) to
 * see the state each step produces, and at the end of the turn commits them all with one
 * `memory.commit(events, fold)` — the fold handed over, so each transition runs once per turn
 * (the memory takes the fold rather than applying the events again). A turn is atomic (a failed
 * model call or extractor leaves memory untouched). The events carry the clock times, embeddings and the model's output
 * as already-extracted triples, so `Replay.replay(events)` rebuilds the same graph with no model.
 * The loop draws no random numbers. Turns of one `Mags` run one at a time (a semaphore), since
 * each turn's events are computed against the state the turn started from.
 *
 * @since 0.1.0
 */
import { Clock, Context, Effect, Layer, Result, Schema, Semaphore } from "effect"
import type { AiError, LanguageModel, Prompt as AiPrompt } from "effect/ai"
import * as Changes from "../../core/Changes.ts"
import type * as Controller from "../../core/Controller.ts"
import * as Connect from "../../core/Connect.ts"
import type { EngramFact, EngramInput } from "../../core/Engram.ts"
import * as Event from "../../core/Event.ts"
import * as Key from "../../core/Key.ts"
import * as LiquidGraph from "../../core/LiquidGraph.ts"
import * as Promote from "../../core/Promote.ts"
import * as Recall from "../../core/Recall.ts"
import * as Replay from "../../core/Replay.ts"
import { Embedder } from "../embeddings/Embedder.ts"
import * as Dates from "../extract/Dates.ts"
import { Extractor } from "../extract/Extractor.ts"
import { toEngramFact } from "../extract/Triple.ts"
import { ActiveMemory } from "./ActiveMemory.ts"
import * as MemoryController from "./MemoryController.ts"
import * as MetaTokens from "./MetaTokens.ts"
import { AskModel, WriteModel } from "./PathModels.ts"
import * as Prompt from "./Prompt.ts"
import { type Decision, type Route, Router } from "./Router.ts"

// ── model ─────────────────────────────────────────────────────────────────────

/**
 * Why a turn failed (memory is untouched in every case):
 * - `InvalidInput`: blank text;
 * - `Model`: the language model failed;
 * - `Embedding`: the embedder failed;
 * - `Extraction`: the extractor failed;
 * - `Memory`: an event was rejected (e.g. an embedding of the wrong dimension for this memory) or
 *   the commit failed.
 * @since 0.1.0
 */
export class MagsError extends Schema.TaggedError<MagsError>()("MagsError", {
  reason: Schema.Literals(["InvalidInput", "Model", "Embedding", "Extraction", "Memory"]),
  message: Schema.String
}) {}

/** Options of the loop. */
export interface Options {
  /** Most generations per turn (default 3). */
  readonly maxRounds?: number
  /** Token budget of each prompt (default 2048). */
  readonly budget?: number
  /** Token counter of the prompt (default 4 characters a token). */
  readonly tokenizer?: Prompt.Tokenizer
  /** Recent working-memory episodes shown (default 8). */
  readonly historyEpisodes?: number
  /** The instructions (default {@link DEFAULT_INSTRUCTIONS}). */
  readonly instructions?: string
  /**
   * Offer the memory tools ({@link MetaTokens.MemoryToolkit}) to the model (default true; providers
   * without tool support ignore them and the tags remain; false: tags only). See the module header.
   */
  readonly useTools?: boolean
  /** Also extract triples from the answer, on the write and both paths (default false). */
  readonly extractFromAnswer?: boolean
  /** Facts per recall (default: the memory's `maxResults` parameter). */
  readonly maxResults?: number
  /** Reward of the used paths, in (0, 1] (default 1). */
  readonly reward?: number
  /**
   * Who the user is: their "I", "me" and "my" (default none: first-person statements give no
   * facts unless the user names themself, "My name is Kim"). One conversation per loop: pronouns
   * and a stated name carry from turn to turn.
   */
  readonly speaker?: string
  /**
   * Answer from memory without a model: on the ask and both paths the loop calls this with the
   * graph, the turn's questions and the recalled facts instead of generating (0 generations),
   * and the answer — memory's own words — is kept out of memory: the turn's episode holds the
   * user's text only and nothing is extracted from the answer. The write path still uses
   * `WriteModel`, whose answer is kept out too. Default: none (the path models answer).
   */
  readonly template?: Template
}

/** A model-free answerer (see {@link Options.template}). */
export type Template = (g: LiquidGraph.LiquidGraph, question: string, facts: ReadonlyArray<Recall.RecalledFact>) => string

/**
 * One tool call the model made and what the loop did with it: `"run"` (its result went back to
 * the model), `"invalid"` (not run: `error` says why, and the model got that as an error
 * result), `"unanswered"` (a valid recall of the last allowed generation, not run).
 */
export interface ToolCallReport {
  /** The generation (1-based) that made the call. */
  readonly round: number
  readonly id: string
  readonly name: string
  /** The parameters as the model gave them (a string: arguments that were not JSON). */
  readonly params: unknown
  readonly outcome: "run" | "invalid" | "unanswered"
  /** What the model was told (absent when unanswered). */
  readonly result?: string
  readonly error?: string
}

/** The outcome of one turn. */
export interface TurnResult {
  readonly route: Route
  /** The router's decision for the turn (its `route` is {@link TurnResult.route}). */
  readonly decision: Decision
  /** The answer: the last generation's text without meta tags. */
  readonly answer: string
  /** The events committed, in order. */
  readonly events: ReadonlyArray<Event.Event>
  /** Every fact recalled in the turn (best score per fact), most relevant first. */
  readonly recalled: ReadonlyArray<Recall.RecalledFact>
  /** Every fact engrammed in the turn (the model's requests, then the exchange's triples). */
  readonly engrammed: ReadonlyArray<EngramFact>
  /** Ids of the edges reinforced. */
  readonly reinforced: ReadonlyArray<string>
  /** Generations made (1..maxRounds; 0 when a template answered). */
  readonly rounds: number
  /** Requests that were not valid, per generation round (1-based). */
  readonly malformed: ReadonlyArray<MetaTokens.Malformed & { readonly round: number }>
  /** Recall requests of the last allowed generation, not run. */
  readonly unanswered: ReadonlyArray<string>
  /** Every tool call of the turn, in order, with its outcome (empty without tools). */
  readonly toolCalls: ReadonlyArray<ToolCallReport>
  /**
   * The memory controller's decisions this turn (`MemoryController`): how the turn recalled, and
   * whether it ran the housekeeping; `policy` is the policy file, or null for the hand-written rules.
   */
  readonly controller: {
    readonly recall: Controller.ActionOf<"recall">
    readonly maintain: Controller.ActionOf<"maintain">
    readonly policy: string | null
  }
  /** The memory's state after the commit. */
  readonly state: Replay.State
}

/** Default most generations per turn. */
export const DEFAULT_MAX_ROUNDS = 3
/** Default token budget of a prompt. */
export const DEFAULT_BUDGET = 2048

/** The default instructions: the meta-token syntax. */
export const DEFAULT_INSTRUCTIONS = [
  "You are an assistant with a long-term memory.",
  "To look something up, write <recall>query</recall>; you will get the facts back.",
  "To store a fact, write <engram>subject | relation | object</engram>.",
  "To see how two things are connected, write <connect>A | B</connect>.",
  "Answer briefly, using the known facts."
].join("\n")

/** The line added to the default instructions when tools are offered. */
export const TOOL_INSTRUCTIONS = "If you can call tools, call recall, engram and connect (how two things are connected) instead of writing the tags."

// ── pure helpers ──────────────────────────────────────────────────────────────

const mentions = (haystackKey: string, label: string): boolean => {
  const k = Key.node(label)
  return k.length > 0 && (" " + haystackKey + " ").includes(" " + k + " ")
}

/**
 * The recalled facts an answer used: those whose subject or object label the answer names while
 * the user's text did not (the answer drew it from memory), or whose subject and object labels
 * the answer both names. Labels are compared as node keys (`Key.node`), as whole words.
 *
 * Laws: a fact none of whose labels the answer names is never used; deterministic.
 * @complexity O(F · (|answer| + |user|))
 * @example
 * ```ts
 * usedFacts(g, recalled, "Where does Alice live?", "Paris.") // [alice —lives_in→ paris]
 * ```
 */
export const usedFacts = (
  g: LiquidGraph.LiquidGraph,
  recalled: ReadonlyArray<Recall.RecalledFact>,
  user: string,
  answer: string
): Array<Recall.RecalledFact> => {
  const a = Key.node(answer)
  const u = Key.node(user)
  const label = (id: string) => LiquidGraph.node(g, id)?.label ?? id
  return recalled.filter((r) => {
    const s = label(r.fact.subject)
    const o = label(r.fact.object)
    const inAnswer = [s, o].filter((l) => mentions(a, l))
    if (inAnswer.length === 2) return true
    return inAnswer.some((l) => !mentions(u, l))
  })
}

const vector = (v: Float32Array): Array<number> | undefined => {
  const out = Array.from(v)
  return out.some((x) => x !== 0) ? out : undefined
}

/**
 * The local fold of a turn's events: the state the turn started from, the state each event leads
 * to, and the events so far with their changes — handed to `commit` as the turn's fold, so the
 * memory does not apply the events again.
 */
interface Tape {
  readonly from: Replay.State
  state: Replay.State
  readonly events: Array<Event.Event>
  readonly changes: Array<Changes.Changes>
}

const memoryError = (message: string) => new MagsError({ reason: "Memory", message })

const push = (tape: Tape, event: Event.Event): Effect.Effect<Changes.Changes, MagsError> => {
  const step = Replay.apply(tape.state, event)
  if (Result.isFailure(step)) return Effect.fail(memoryError(`${event._tag} rejected: ${step.failure.message}`))
  record(tape, event, step.success)
  return Effect.succeed(step.success.changes)
}

const record = (tape: Tape, event: Event.Event, step: { readonly state: Replay.State; readonly changes: Changes.Changes }): void => {
  tape.state = step.state
  tape.events.push(event)
  tape.changes.push(step.changes)
}

/** Fact edges an engram added or re-asserted, in order, without repeats. */
const factIdsOf = (g: LiquidGraph.LiquidGraph, changes: Changes.Changes): Array<string> => {
  const out = new Set<string>()
  for (const id of [...changes.edgesAdded, ...changes.edgesStrengthened]) {
    if (LiquidGraph.edge(g, id)?.kind === "fact") out.add(id)
  }
  return [...out]
}

// ── the service ───────────────────────────────────────────────────────────────

/** The loop's service. */
export class Mags extends Context.Service<Mags, {
  /** Runs one turn (see the module header). */
  readonly turn: (text: string) => Effect.Effect<TurnResult, MagsError>
}>()("mags/shell/loop/Mags") {
  /**
   * The loop over the `ActiveMemory`, with the router, the two path models, the embedder and the
   * extractor from the context.
   */
  static readonly layer = (
    options: Options = {}
  ): Layer.Layer<Mags, never, ActiveMemory | Router | AskModel | WriteModel | Embedder | Extractor> =>
    Layer.effect(Mags, make(options))
}

/**
 * Builds the loop from the services in the context (what {@link Mags.layer} provides).
 * @complexity per turn: O(rounds · (recall + prompt + generation)) plus the transitions
 */
export const make = Effect.fnUntraced(function*(options: Options = {}) {
  const memory = yield* ActiveMemory
  const router = yield* Router
  const askModel = yield* AskModel
  const writeModel = yield* WriteModel
  const embedder = yield* Embedder
  const extractor = yield* Extractor
  // one conversation: pronoun antecedents and the narrator carry across the user's turns
  const conversation = yield* extractor.discourse()
  const lock = yield* Semaphore.make(1)
  // the episode of the last committed turn: the next turn's episode follows it (turns run one at a time)
  let previousEpisode: string | undefined
  // the memory controller, and what it knows of this conversation (in turns)
  const control = yield* MemoryController.current
  let turns = 0
  let firstTurnTime: number | undefined
  let lastSurpriseTurn: number | undefined
  let lastMaintain: { readonly turn: number; readonly time: number } | undefined
  const history = (): Controller.History => ({
    sinceSurprise: lastSurpriseTurn === undefined ? undefined : turns - lastSurpriseTurn,
    sinceMaintain: turns - (lastMaintain?.turn ?? 0)
  })

  const maxRounds = Math.max(1, options.maxRounds ?? DEFAULT_MAX_ROUNDS)
  const budget = options.budget ?? DEFAULT_BUDGET
  const useTools = options.useTools ?? true
  const instructions = options.instructions ?? (useTools ? DEFAULT_INSTRUCTIONS + "\n" + TOOL_INSTRUCTIONS : DEFAULT_INSTRUCTIONS)
  const reward = options.reward ?? 1
  const promptOptions: Prompt.Options = {
    budget,
    ...(options.tokenizer === undefined ? {} : { tokenizer: options.tokenizer }),
    ...(options.historyEpisodes === undefined ? {} : { historyEpisodes: options.historyEpisodes })
  }

  const embed = (text: string) =>
    embedder.embed(text).pipe(
      Effect.map(vector),
      Effect.mapError((e: AiError.AiError) => new MagsError({ reason: "Embedding", message: e.message }))
    )

  const embedLabels = (labels: ReadonlyArray<string>) =>
    labels.length === 0
      ? Effect.succeed([] as Array<NonNullable<EngramInput["entities"]>[number]>)
      : embedder.embedMany(labels).pipe(
        Effect.map((vs) =>
          labels.map((label, i) => {
            const embedding = vector(vs[i]!)
            return embedding === undefined ? { label } : { label, embedding }
          })
        ),
        Effect.mapError((e: AiError.AiError) => new MagsError({ reason: "Embedding", message: e.message }))
      )

  // the calls come back un-run ("disable resolution") and unvalidated ("deferred"): the loop checks and runs them
  const generate = (model: LanguageModel.LanguageModel, messages: ReadonlyArray<AiPrompt.MessageEncoded>) =>
    (useTools
      ? Effect.flatMap(MetaTokens.memoryToolkitUnresolved, (toolkit) =>
        Effect.map(
          model.generateText({ prompt: messages, toolkit, disableToolCallResolution: true, toolCallValidation: "deferred" }),
          (r) => ({ text: r.text, calls: r.toolCalls.map((c): Prompt.ScratchToolCall => ({ id: c.id, name: c.name, params: c.params })) })
        ))
      : Effect.map(model.generateText({ prompt: messages }), (r) => ({
        text: r.text,
        calls: [] as Array<Prompt.ScratchToolCall> // without a toolkit a response holds no tool call
      }))).pipe(Effect.mapError((e: AiError.AiError) => new MagsError({ reason: "Model", message: e.message })))

  /** The path between two entities, as the `connect` tool's result (read-only). */
  const connectOn = (tape: Tape, from: string, to: string): string => {
    try {
      const found = Connect.connect(tape.state.graph, from, to, tape.state.params)
      return found._tag === "Some"
        ? `connect "${from}" "${to}": ${Prompt.renderPath(tape.state.graph, found.value)} (strength ${found.value.weight.toFixed(3)})`
        : `connect "${from}" "${to}": no path found`
    } catch (e) {
      return `connect "${from}" "${to}": ${e instanceof Error ? e.message : String(e)}`
    }
  }

  /** Recalls on the tape: applies the Recalled event once (`Replay.applyRecalled`) and answers from that application. */
  const recallOn = Effect.fnUntraced(function*(tape: Tape, text: string, embedding: Array<number> | undefined, now: number, overrides: Controller.RecallOverrides) {
    const time = Dates.timeHint(text, now)
    const input: Recall.RecallInput = {
      ...overrides,
      text,
      ...(embedding === undefined ? {} : { embedding }),
      ...(options.maxResults === undefined ? {} : { maxResults: options.maxResults }),
      ...(time === undefined ? {} : { time })
    }
    const event = new Event.Recalled({ now, input })
    const step = Replay.applyRecalled(tape.state, event)
    if (Result.isFailure(step)) return yield* memoryError(`Recalled rejected: ${step.failure.message}`)
    record(tape, event, step.success)
    return step.success.result
  })

  /** Engrams on the tape, then reconciles the facts it added or re-asserted. */
  const engramOn = Effect.fnUntraced(function*(tape: Tape, input: EngramInput, now: number) {
    const changes = yield* push(tape, new Event.Engrammed({ now, input }))
    const facts = factIdsOf(tape.state.graph, changes)
    if (facts.length > 0) yield* push(tape, new Event.Reconciled({ now, input: { facts } }))
  })

  const labelsOf = (facts: ReadonlyArray<EngramFact>): Array<string> => {
    const seen = new Set<string>()
    const out: Array<string> = []
    for (const f of facts) {
      for (const l of [f.subject, f.object]) {
        if (!seen.has(l)) {
          seen.add(l)
          out.push(l)
        }
      }
    }
    return out
  }

  const turn = Effect.fn("Mags.turn")(function*(text: string): Effect.fn.Return<TurnResult, MagsError> {
    if (text.trim().length === 0) return yield* new MagsError({ reason: "InvalidInput", message: "empty turn" })
    const decision = yield* router.route(text)
    const model = decision.route === "write" ? writeModel : askModel
    const start = yield* memory.state
    const tape: Tape = { from: start, state: start, events: [], changes: [] }

    // 2. recall for the user's text
    const now = yield* Clock.currentTimeMillis
    const userEmbedding = yield* embed(text)
    const recalledFacts = new Map<string, Recall.RecalledFact>()
    const recalledEpisodes = new Map<string, Recall.RecalledEpisode>()
    const collect = (r: Recall.RecallResult) => {
      for (const f of r.facts) {
        const old = recalledFacts.get(f.fact.id)
        if (old === undefined || f.score > old.score) recalledFacts.set(f.fact.id, f)
      }
      for (const e of r.episodes) {
        const old = recalledEpisodes.get(e.id)
        if (old === undefined || e.score > old.score) recalledEpisodes.set(e.id, e)
      }
    }
    const how = MemoryController.recallFor(control.controller, tape.state.graph, text, history())
    collect(yield* recallOn(tape, text, userEmbedding, now, how.overrides))

    // 3–4. generate, run the model's requests, continue (bounded)
    const scratch: Array<Prompt.ScratchMessage> = []
    const modelFacts: Array<EngramFact> = []
    const malformed: Array<MetaTokens.Malformed & { readonly round: number }> = []
    const toolCalls: Array<ToolCallReport> = []
    let unanswered: Array<string> = []
    let answer = ""
    let rounds = 0
    const template = options.template
    if (template !== undefined && decision.route !== "write") {
      const question = decision.question.length > 0 ? decision.question : text
      answer = template(tape.state.graph, question, [...recalledFacts.values()])
    } else while (true) {
      const prompt = Prompt.assemble(tape.state.graph, {
        instructions,
        user: text,
        facts: [...recalledFacts.values()],
        episodes: [...recalledEpisodes.values()],
        scratch
      }, promptOptions)
      const output = yield* generate(model, prompt.messages)
      rounds++
      const round = rounds
      const tags = MetaTokens.parse(output.text)
      for (const m of tags.malformed) malformed.push({ ...m, round })
      answer = tags.text
      // each tool call: its request, or why it is invalid (reported, never run)
      const calls = output.calls.map((call, position) => ({ call, position, read: MetaTokens.readToolCall(call) }))
      const results = new Map<string, { readonly text: string; readonly isFailure: boolean }>()
      const callRequest = (c: (typeof calls)[number]): MetaTokens.Request | undefined => Result.isSuccess(c.read) ? c.read.success : undefined
      for (const c of calls) {
        if (Result.isFailure(c.read)) {
          malformed.push({ position: c.position, message: c.read.failure, round })
          results.set(c.call.id, { text: `error: ${c.read.failure}; the call was not run`, isFailure: true })
        }
      }

      const engrams = [
        ...tags.requests.flatMap((r) => (r._tag === "Engram" ? [r.triple] : [])),
        ...calls.flatMap((c) => {
          const r = callRequest(c)
          return r?._tag === "Engram" ? [r.triple] : []
        })
      ]
      if (engrams.length > 0) {
        const facts = engrams.map((t): EngramFact => ({
          subject: t.subject,
          relation: t.relation,
          object: t.object,
          ...(t.negated === undefined ? {} : { negated: t.negated }),
          ...(t.confidence === undefined ? {} : { confidence: t.confidence }),
          source: "model"
        }))
        const at = yield* Clock.currentTimeMillis
        const entities = yield* embedLabels(labelsOf(facts))
        yield* engramOn(tape, { entities, facts, tier: "working" }, at)
        modelFacts.push(...facts)
      }
      for (const c of calls) {
        const r = callRequest(c)
        if (r?._tag === "Engram") {
          const t = r.triple
          results.set(c.call.id, { text: `stored: ${t.subject} —${t.negated === true ? "not " : ""}${t.relation}→ ${t.object}`, isFailure: false })
        } else if (r?._tag === "Connect") results.set(c.call.id, { text: connectOn(tape, r.from, r.to), isFailure: false })
      }

      const tagQueries = tags.requests.flatMap((r) => (r._tag === "Recall" ? [r.query] : []))
      const tagConnects = tags.requests.flatMap((r) => (r._tag === "Connect" ? [r] : []))
      const recallCalls = calls.flatMap((c) => {
        const r = callRequest(c)
        return r?._tag === "Recall" ? [{ id: c.call.id, query: r.query }] : []
      })
      const last = rounds >= maxRounds
      if (!last) {
        const at = yield* Clock.currentTimeMillis
        const recallText = Effect.fnUntraced(function*(query: string) {
          const found = yield* recallOn(tape, query, yield* embed(query), at, how.overrides)
          collect(found)
          const lines = found.facts.map((f) => "- " + Prompt.renderFact(tape.state.graph, f))
          return `recall "${query}":` + (lines.length === 0 ? " nothing found" : "\n" + lines.join("\n"))
        })
        for (const c of recallCalls) results.set(c.id, { text: yield* recallText(c.query), isFailure: false })
        const tagResults: Array<string> = []
        for (const query of tagQueries) tagResults.push(yield* recallText(query))
        for (const c of tagConnects) tagResults.push(connectOn(tape, c.from, c.to))
        if (calls.length > 0) {
          scratch.push(
            { role: "assistant", text: output.text, toolCalls: calls.map((c) => c.call) },
            {
              role: "tool",
              results: calls.map((c) => ({ id: c.call.id, name: c.call.name, ...(results.get(c.call.id) ?? { text: "", isFailure: false }) }))
            }
          )
        } else if (tagResults.length > 0) scratch.push({ role: "assistant", text: output.text })
        if (tagResults.length > 0) {
          scratch.push({ role: "user", text: "Memory results:\n" + tagResults.join("\n") + "\nContinue your answer." })
        }
      }
      for (const c of calls) {
        const got = results.get(c.call.id)
        const error = Result.isFailure(c.read) ? c.read.failure : undefined
        toolCalls.push({
          round,
          id: c.call.id,
          name: c.call.name,
          params: c.call.params,
          outcome: error !== undefined ? "invalid" : got === undefined ? "unanswered" : "run",
          ...(got === undefined ? {} : { result: got.text }),
          ...(error === undefined ? {} : { error })
        })
      }
      // a generation that called tools gets their results; tag recalls and connects get theirs
      if (calls.length === 0 && tagQueries.length === 0 && tagConnects.length === 0) break
      if (last) {
        unanswered = [...tagQueries, ...recallCalls.map((c) => c.query)]
        break
      }
    }

    // 5. engram what the exchange taught
    const later = yield* Clock.currentTimeMillis
    const mapExtract = Effect.mapError((e: { readonly message: string }) => new MagsError({ reason: "Extraction", message: e.message }))
    const userTriples = yield* mapExtract(
      conversation.read(text, { time: later, ...(options.speaker === undefined ? {} : { speaker: options.speaker }) })
    )
    const answerTriples = options.extractFromAnswer === true && template === undefined && decision.route !== "ask" &&
        answer.length > 0
      ? yield* mapExtract(extractor.extract(answer))
      : []
    const exchangeFacts = [
      ...userTriples.map((t) => toEngramFact(t, "user")),
      ...answerTriples.map((t) => toEngramFact(t, "assistant"))
    ]
    const entities = yield* embedLabels(labelsOf(exchangeFacts))
    const episodeId = `turn-${later}-${tape.state.seq}`
    yield* engramOn(tape, {
      episode: {
        id: episodeId,
        text: template === undefined ? `User: ${text}\nAssistant: ${answer}` : `User: ${text}`,
        time: later,
        ...(userEmbedding === undefined ? {} : { embedding: userEmbedding }),
        ...(previousEpisode === undefined ? {} : { follows: previousEpisode })
      },
      ...(entities.length === 0 ? {} : { entities }),
      facts: exchangeFacts,
      tier: "working"
    }, later)

    // 6. reinforce the paths the answer used
    const recalled = [...recalledFacts.values()].sort((x, y) =>
      x.score !== y.score ? y.score - x.score : x.fact.id < y.fact.id ? -1 : x.fact.id > y.fact.id ? 1 : 0
    )
    const edges = new Set<string>()
    for (const r of usedFacts(tape.state.graph, recalled, text, answer)) {
      for (const id of [...r.path.edges, r.fact.id]) if (LiquidGraph.hasEdge(tape.state.graph, id)) edges.add(id)
    }
    const reinforced = [...edges].sort()
    if (reinforced.length > 0) yield* push(tape, new Event.Reinforced({ now: later, input: { edges: reinforced, reward } }))

    // 7. keep working memory in budget
    if (Promote.workingTokens(tape.state.graph) > tape.state.params.workingTokens) {
      yield* push(tape, new Event.Promoted({ now: later, input: {} }))
    }

    // 8. the housekeeping, when the memory controller says so (decay over the time since this
    // conversation's last housekeeping or its first turn)
    const maintain = MemoryController.maintainFor(
      control.controller, tape.state.graph, text, recalled.length, recalled.filter((f) => f.fact.negated).length, history()
    )
    if (maintain === "yes") {
      yield* push(tape, new Event.Decayed({ now: later, input: { dt: Math.max(0, later - (lastMaintain?.time ?? firstTurnTime ?? later)) } }))
      yield* push(tape, new Event.Pruned({ now: later, input: {} }))
      yield* push(tape, new Event.Consolidated({ now: later, input: {} }))
    }

    const committed = yield* memory.commit(tape.events, { from: tape.from, state: tape.state, changes: tape.changes }).pipe(
      Effect.mapError((e) => memoryError(`commit failed (${e._tag}): ${e.message}`))
    )
    previousEpisode = episodeId
    turns++
    firstTurnTime ??= now
    if (tape.changes.some((c) => c.superseded.length > 0)) lastSurpriseTurn = turns
    if (maintain === "yes") lastMaintain = { turn: turns, time: later }
    return {
      route: decision.route,
      decision,
      answer,
      events: tape.events,
      recalled,
      engrammed: [...modelFacts, ...exchangeFacts],
      reinforced,
      rounds,
      malformed,
      unanswered,
      toolCalls,
      controller: { recall: how.action, maintain, policy: control.source ?? null },
      state: committed.state
    }
  })

  return Mags.of({ turn: (text) => lock.withPermit(turn(text)) })
})
