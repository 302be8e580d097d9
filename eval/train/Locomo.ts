/**
 * Locomo — LoCoMo retrieval (`../shared/data/locomo-dev.json`) as a training task for the memory
 * controller: its `recall` decision (default, shallow or deep) per question, rewarded by the
 * question's recall@10 — what `--policy` decides for a conversational agent's recalls.
 *
 * The conversations are recorded once (`eval/tune/Histories/Locomo.ts`: the suite's own engram
 * inputs, the rule extractor, GloVe) and ingested under the default params (maintenance on, as
 * shipped); a question is asked through the suite's own retriever (`Locomo.magsRetriever`,
 * read-only) under `Recall.reach(params, action)`. Since the retriever leaves the graph as it is,
 * a SITUATION is one question: its group is `group` samples of the decision for that question,
 * each rollout's return its recall@10 — a contextual bandit, GRPO's group-relative advantage
 * comparing the reaches on the same question.
 *
 * Splits (the dev file has 7 conversations): training 1–3, validation 4 (chooses the
 * checkpoint), held-out 5–7 (the tuner's validation conversations; never trained on nor used to
 * choose). The seed only drives the sampling. Held-out figures: recall@10 of the hand-written
 * controller (always `default`) and of the learned one, pooled over the questions, with the
 * reach chosen per question counted.
 */
import * as Controller from "../../core/Controller.ts"
import * as Params from "../../core/Params.ts"
import * as Policy from "../../core/Policy.ts"
import * as Recall from "../../core/Recall.ts"
import * as Data from "../suites/locomo/Data.ts"
import * as L from "../suites/locomo/Locomo.ts"
import * as Metrics from "../suites/locomo/Metrics.ts"
import * as History from "../tune/Histories/Locomo.ts"
import type { Decision } from "./Grpo.ts"
import type { Played, Settings, Table, Task } from "./Train.ts"

export const TRAIN = [0, 1, 2]
export const VALIDATION = [3]
export const HELDOUT = [4, 5, 6]

export interface Situation {
  readonly conversation: number
  readonly question: number
}

interface Prepared {
  readonly history: History.History
  /** The retriever under each reach. */
  readonly retrieve: Readonly<Record<Controller.ActionOf<"recall">, L.Retriever>>
  readonly graph: History.Ingested["graph"]
}

/** The goal reported on the held-out conversations: the learned controller's recall@10 above the hand-written one's. */
export const locomoGoal = (h: Table) => {
  const better = h["learned"]!["recall@10"]! > h["hand"]!["recall@10"]!
  return { recall_above_hand: better, met: better }
}

/**
 * The LoCoMo task over the conversations of `file` with the GloVe table `table` (loaded by the
 * caller, as `npm run tune` does); throws when the file holds fewer than 7 conversations.
 */
export const locomoTask = (s: Pick<Settings, "quick">, conversations: ReadonlyArray<Data.Conversation>, table: Parameters<typeof History.record>[1]): Task<Situation> => {
  if (conversations.length < 7) throw new Error(`the LoCoMo file holds ${conversations.length} conversations; training needs 7 (train 1–3, validation 4, held-out 5–7)`)
  const params = Params.defaults
  const cache = new Map<number, Prepared>()
  const prepared = (i: number): Prepared => {
    const hit = cache.get(i)
    if (hit !== undefined) return hit
    const history = History.record(conversations[i]!, table)
    const { graph } = History.ingest(history, params)
    const at = (action: Controller.ActionOf<"recall">) =>
      L.magsRetriever({ graph, now: history.now }, history.memories, L.DEFAULT_QUERY, Recall.reach(params, action === "default" ? undefined : action))
    const p = { history, graph, retrieve: { default: at("default"), shallow: at("shallow"), deep: at("deep") } }
    cache.set(i, p)
    return p
  }
  const questions = (i: number) => (s.quick ? prepared(i).history.questions.slice(0, 40) : prepared(i).history.questions)
  const decideFor = (p: Prepared, q: History.Question, decide: Controller.Decider, n: number) =>
    decide("recall", Controller.features(Controller.contextOf(p.graph, q.text), "pre"), n)
  const recallOf = (p: Prepared, q: History.Question, action: Controller.ActionOf<"recall">): number =>
    Metrics.scoreAt(q.evidence, p.retrieve[action](q.text, q.embedding), History.K).recall
  const pooled = (convs: ReadonlyArray<number>, decide: Controller.Decider): { recall: number; shares: Record<string, number> } => {
    let sum = 0, n = 0
    const shares: Record<string, number> = { default: 0, shallow: 0, deep: 0 }
    for (const i of convs) {
      const p = prepared(i)
      for (const q of questions(i)) {
        const a = decideFor(p, q, decide, n)
        shares[a] = shares[a]! + 1
        sum += recallOf(p, q, a)
        n++
      }
    }
    for (const k of Object.keys(shares)) shares[k] = shares[k]! / Math.max(1, n)
    return { recall: n === 0 ? 0 : sum / n, shares }
  }
  return {
    situation: (_k, _it, _base, rng) => {
      const conversation = TRAIN[rng.int(TRAIN.length)]!
      return { conversation, question: rng.int(questions(conversation).length) }
    },
    rollout: (sit, policy, draw) => {
      const p = prepared(sit.conversation)
      const q = questions(sit.conversation)[sit.question]!
      const decisions: Array<Decision> = []
      const x = Controller.features(Controller.contextOf(p.graph, q.text), "pre")
      const action = Policy.sample(policy, x, "recall", draw()) as Controller.ActionOf<"recall">
      decisions.push({ x, head: "recall", action, logpOld: Policy.logProb(policy, x, "recall", action) })
      const reward = recallOf(p, q, action)
      return Promise.resolve({ decisions, ret: reward, reward, deviations: action === "default" ? {} : { recall: 1 } } satisfies Played)
    },
    validate: (policy) => {
      const r = pooled(VALIDATION, Controller.decider(Controller.learned(policy)))
      return Promise.resolve({ figures: { "recall@10": r.recall, deep: r.shares["deep"]!, shallow: r.shares["shallow"]! }, score: -r.recall })
    },
    heldout: (decide, _seeds, progress) => {
      progress(`held-out: LoCoMo conversations ${HELDOUT.map((i) => i + 1).join(", ")}`)
      const hand = pooled(HELDOUT, Controller.handDecider)
      const learned = pooled(HELDOUT, decide)
      return Promise.resolve({
        hand: { "recall@10": hand.recall },
        learned: { "recall@10": learned.recall, deep: learned.shares["deep"]!, shallow: learned.shares["shallow"]! }
      })
    },
    goal: locomoGoal,
    describe: (v) => `recall@10 ${v.figures["recall@10"]!.toFixed(3)} (deep ${(100 * v.figures["deep"]!).toFixed(0)}%, shallow ${(100 * v.figures["shallow"]!).toFixed(0)}%)`
  }
}
