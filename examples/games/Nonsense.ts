/**
 * Nonsense — the seeds' game with rules no model could guess, changed mid-game.
 *
 * Each round has a made-up COLOUR and the opponent shows a made-up TOKEN; the agent answers with
 * a token. For every (opponent token, colour) "situation" exactly one answer wins (the counter,
 * never the opponent's own token); every other answer loses. Nothing tells the agent the rules
 * but the outcome of its own plays. At `changes` seeded steps the rules CHANGE: a seeded fraction
 * (`changeFraction`) of the situations get a new counter (always different from the old one),
 * silently. Reward: 1 for a win, 0 for a loss. Score: wins / rounds.
 *
 * Text (what agents read): `[t=12] Round 12: the colour is blorf; the opponent plays zibba.` and
 * after a play `[t=12] Under blorf, zibba is beaten by quaff: you won.` (or `is not beaten by …:
 * you lost.`). `parse` turns an outcome line into the triple
 * `(zibba under blorf, is beaten by, quaff)`, negated for a loss, at step 12.
 *
 * Deterministic policy (`decide`, the same for every agent; only the triples differ):
 * 1. if the triples say some token beats the current situation (latest evidence positive), play
 *    it (the most recently confirmed one if several);
 * 2. else explore: tokens with no evidence for this situation first, in the fixed token order
 *    rotated by the step number (so an agent with no memory still cycles through the tokens);
 *    then tokens known to lose, the one with the OLDEST losing evidence first (old evidence may
 *    predate a rule change).
 */
import { Key, Relation } from "../../core/index.ts"
import { madeUpWords, Rng, type PrngState } from "./Prng.ts"
import { latestBeliefs, lines, stamp, triple, type BaseObservation, type Transition, type Triple, type World } from "./World.ts"

export interface NonsenseConfig {
  readonly tokens: number
  readonly colours: number
  readonly steps: number
  readonly changes: number
  readonly changeFraction: number
}

export const defaultConfig: NonsenseConfig = { tokens: 5, colours: 4, steps: 400, changes: 3, changeFraction: 0.5 }
export const quickConfig: NonsenseConfig = { tokens: 4, colours: 3, steps: 160, changes: 3, changeFraction: 0.5 }

export interface NonsenseState {
  readonly config: NonsenseConfig
  readonly tokens: ReadonlyArray<string>
  readonly colours: ReadonlyArray<string>
  /** `opponent|colour` → the winning answer, for the rules in force now. */
  readonly counter: Readonly<Record<string, string>>
  /** The steps at which the rules change (the new rules hold from that round on). */
  readonly changeSteps: ReadonlyArray<number>
  /** The situations each change altered (same order as `changeSteps`). */
  readonly changed: ReadonlyArray<ReadonlyArray<string>>
  readonly t: number
  readonly colour: string
  readonly opponent: string
  readonly wins: number
  readonly rng: PrngState
  readonly done: boolean
}

export interface NonsenseObservation extends BaseObservation {
  readonly colour: string
  readonly opponent: string
  readonly tokens: ReadonlyArray<string>
}

export const RELATION = "is beaten by"
export const situation = (opponent: string, colour: string): string => `${opponent} under ${colour}`

const roundLine = (t: number, colour: string, opponent: string): string =>
  `${stamp(t)}Round ${t}: the colour is ${colour}; the opponent plays ${opponent}.`

const observe = (s: NonsenseState, prefix: string): NonsenseObservation => ({
  step: s.t,
  text: prefix + (s.done ? `${stamp(s.t)}The game is over: ${s.wins} wins in ${s.t} rounds.` : roundLine(s.t, s.colour, s.opponent)),
  actions: s.tokens,
  query: situation(s.opponent, s.colour),
  colour: s.colour,
  opponent: s.opponent,
  tokens: s.tokens
})

const drawRound = (rng: Rng, tokens: ReadonlyArray<string>, colours: ReadonlyArray<string>) => ({
  colour: rng.pick(colours),
  opponent: rng.pick(tokens)
})

/** The seeded change steps: one per equal segment of the game, jittered within its middle third. */
const changeStepsOf = (rng: Rng, steps: number, changes: number): Array<number> => {
  const seg = steps / (changes + 1)
  const out: Array<number> = []
  for (let i = 1; i <= changes; i++) {
    const jitter = Math.floor(seg / 3)
    const c = Math.round(i * seg - jitter / 2 + (jitter > 0 ? rng.int(jitter + 1) : 0))
    out.push(Math.max(1, Math.min(steps - 1, c)))
  }
  return out
}

/** The initial state and first observation. */
export const reset = (config: NonsenseConfig, seed: number): Transition<NonsenseState, NonsenseObservation> => {
  const rng = Rng.of(seed)
  const tokens = madeUpWords(rng, config.tokens, 2)
  const colours = madeUpWords(rng, config.colours, 1, new Set(tokens))
  const counter: Record<string, string> = {}
  for (const o of tokens) for (const c of colours) counter[o + "|" + c] = rng.pick(tokens.filter((x) => x !== o))
  const changeSteps = changeStepsOf(rng, config.steps, config.changes)
  const { colour, opponent } = drawRound(rng, tokens, colours)
  const state: NonsenseState = {
    config, tokens, colours, counter, changeSteps, changed: [], t: 0, colour, opponent, wins: 0, rng: rng.state, done: false
  }
  return { state, observation: observe(state, ""), reward: 0, done: false }
}

/** Plays `action` (a token) in the current round. */
export const step = (s: NonsenseState, action: string): Transition<NonsenseState, NonsenseObservation> => {
  if (s.done) return { state: s, observation: observe(s, ""), reward: 0, done: true }
  const a = Key.node(action)
  const win = s.counter[s.opponent + "|" + s.colour] === a
  const outcome = `${stamp(s.t)}Under ${s.colour}, ${s.opponent} is ${win ? "" : "not "}beaten by ${a}: you ${win ? "won" : "lost"}.\n`
  const rng = new Rng(s.rng)
  const t = s.t + 1
  let counter = s.counter
  let changed = s.changed
  if (s.changeSteps.includes(t)) {
    const keys = Object.keys(counter).sort()
    const n = Math.max(1, Math.round(s.config.changeFraction * keys.length))
    const pickd = rng.shuffle(keys).slice(0, n).sort()
    const next: Record<string, string> = { ...counter }
    for (const k of pickd) {
      const opp = k.split("|")[0] as string
      next[k] = rng.pick(s.tokens.filter((x) => x !== opp && x !== counter[k]))
    }
    counter = next
    changed = [...changed, pickd]
  }
  const done = t >= s.config.steps
  const { colour, opponent } = drawRound(rng, s.tokens, s.colours)
  const state: NonsenseState = { ...s, counter, changed, t, colour, opponent, wins: s.wins + (win ? 1 : 0), rng: rng.state, done }
  return { state, observation: observe(state, outcome), reward: win ? 1 : 0, done }
}

const OUTCOME = /^Under (\S+), (\S+) is (not )?beaten by (\S+): you (won|lost)\.$/

/** Triples of the outcome lines of any text this world wrote. */
export const parse = (text: string): Array<Triple> => {
  const out: Array<Triple> = []
  for (const { step: t, body } of lines(text)) {
    const m = OUTCOME.exec(body)
    if (m !== null) out.push(triple(situation(m[2] as string, m[1] as string), RELATION, m[4] as string, m[3] !== undefined, t))
  }
  return out
}

const REL = Relation.canon(RELATION)
const singleValued: ReadonlySet<string> = new Set([REL])

/** The documented deterministic policy (see the module header). */
export const decide = (o: NonsenseObservation, knowledge: ReadonlyArray<Triple>): { action: string; used: Array<Triple> } => {
  const sit = Key.node(o.query)
  const beliefs = latestBeliefs(knowledge.filter((k) => k.subject === sit && k.relation === REL), singleValued)
  const winners = beliefs.filter((b) => !b.negated && o.tokens.includes(b.object)).sort((a, b) => b.step - a.step)
  if (winners.length > 0) return { action: winners[0]!.object, used: [winners[0]!] }
  const n = o.tokens.length
  const rotated = o.tokens.map((_, i) => o.tokens[(i + o.step) % n] as string)
  const losing = new Map<string, number>()
  for (const b of beliefs) if (b.negated) losing.set(b.object, b.step)
  const fresh = rotated.filter((x) => !losing.has(x))
  if (fresh.length > 0) return { action: fresh[0]!, used: [] }
  const oldest = rotated.slice().sort((a, b) => (losing.get(a)! - losing.get(b)!))
  return { action: oldest[0]!, used: [] }
}

export const world: World<NonsenseState, NonsenseObservation, NonsenseConfig> = {
  name: "nonsense",
  reset,
  step,
  parse,
  singleValued,
  decide: (o, k) => decide(o, k),
  task: (o) =>
    `A game with made-up rules. Each round has a colour and the opponent plays a token; answer with the token that beats it under this colour. ` +
    `Rules may change without warning. Colour: ${o.colour}. Opponent: ${o.opponent}. Tokens: ${o.tokens.join(", ")}.`
}
