/**
 * Maze — a text maze: a grid of named rooms joined by a seeded spanning tree plus a few extra
 * doors (loops). The agent sees only the current room's name and exits, and the name of the goal
 * room. A run is `episodes` episodes in the SAME maze from seeded start rooms, each capped at
 * `maxStepsPerEpisode` moves. Reward 1 on reaching the goal. Score: goals reached / episodes.
 *
 * Text: `[t=5] You went north from amber hall to dusty cellar.` (→ triple
 * `(amber hall, north leads to, dusty cellar)`), `[t=5] You are in dusty cellar. Exits: north,
 * east. Goal: golden vault.`
 *
 * Deterministic policy (`decide`): if the triples contain a known route to the goal (BFS over
 * the exits they describe, each read both ways), take its first step; else explore — an exit of
 * this room whose destination is unknown (drawn uniformly by the seeded draw), else any exit drawn alike.
 */
import { Key } from "../../core/index.ts"
import { DIRS, explore, knownMap, OPPOSITE, route } from "./Nav.ts"
import { Rng } from "./Prng.ts"
import { lines, stamp, triple, type BaseObservation, type Transition, type Triple, type World } from "./World.ts"

export interface MazeConfig {
  readonly width: number
  readonly height: number
  readonly extraDoors: number
  readonly episodes: number
  readonly maxStepsPerEpisode: number
}

export const defaultConfig: MazeConfig = { width: 6, height: 6, extraDoors: 4, episodes: 8, maxStepsPerEpisode: 80 }
export const quickConfig: MazeConfig = { width: 4, height: 4, extraDoors: 2, episodes: 5, maxStepsPerEpisode: 40 }

const ADJ = ["amber", "dusty", "silent", "crooked", "mossy", "gilded", "hollow", "frozen", "sunken", "narrow", "velvet", "ashen", "copper", "misty", "broken", "painted"]
const NOUN = ["hall", "cellar", "gallery", "chapel", "vault", "landing", "attic", "cloister", "study", "armoury", "nursery", "parlour", "crypt", "stair", "alcove", "loft"]

export interface MazeState {
  readonly config: MazeConfig
  readonly rooms: ReadonlyArray<string>
  /** room → direction → room. */
  readonly exits: Readonly<Record<string, Readonly<Record<string, string>>>>
  readonly goal: string
  readonly starts: ReadonlyArray<string>
  readonly episode: number
  readonly room: string
  readonly stepInEpisode: number
  readonly t: number
  readonly reached: number
  /** The step each episode ended at (goal or cap). */
  readonly episodeEnds: ReadonlyArray<number>
  readonly done: boolean
}

export interface MazeObservation extends BaseObservation {
  readonly room: string
  readonly exits: ReadonlyArray<string>
  readonly goal: string
}

const exitsOf = (s: MazeState, room: string): Array<string> => DIRS.filter((d) => s.exits[room]?.[d] !== undefined)

const observe = (s: MazeState, prefix: string): MazeObservation => {
  const ex = exitsOf(s, s.room)
  const status = s.done
    ? `${stamp(s.t)}The run is over: the goal was reached in ${s.reached} of ${s.config.episodes} episodes.`
    : `${stamp(s.t)}You are in ${s.room}. Exits: ${ex.join(", ")}. Goal: ${s.goal}.`
  return { step: s.t, text: prefix + status, actions: ex.map((d) => "go " + d), query: `${s.room} ${s.goal}`, room: s.room, exits: ex, goal: s.goal }
}

/** Builds the maze (spanning tree by seeded DFS, then extra doors) and the episodes' starts. */
export const reset = (config: MazeConfig, seed: number): Transition<MazeState, MazeObservation> => {
  const rng = Rng.of(seed)
  const { width: W, height: H } = config
  const names = rng.shuffle(ADJ.flatMap((a) => NOUN.map((n) => `${a} ${n}`))).slice(0, W * H)
  const at = (x: number, y: number) => names[y * W + x] as string
  const exits: Record<string, Record<string, string>> = {}
  for (const n of names) exits[n] = {}
  const delta: Record<string, [number, number]> = { north: [0, -1], south: [0, 1], east: [1, 0], west: [-1, 0] }
  const link = (x: number, y: number, d: string) => {
    const [dx, dy] = delta[d]!
    exits[at(x, y)]![d] = at(x + dx, y + dy)
    exits[at(x + dx, y + dy)]![OPPOSITE[d]!] = at(x, y)
  }
  const visited = new Set<number>([0])
  const stack: Array<[number, number]> = [[0, 0]]
  while (stack.length > 0) {
    const [x, y] = stack[stack.length - 1]!
    const options = DIRS.filter((d) => {
      const [dx, dy] = delta[d]!
      const nx = x + dx, ny = y + dy
      return nx >= 0 && ny >= 0 && nx < W && ny < H && !visited.has(ny * W + nx)
    })
    if (options.length === 0) {
      stack.pop()
      continue
    }
    const d = rng.pick(options)
    const [dx, dy] = delta[d]!
    link(x, y, d)
    visited.add((y + dy) * W + x + dx)
    stack.push([x + dx, y + dy])
  }
  for (let i = 0, tries = 0; i < config.extraDoors && tries < 1000; tries++) {
    const x = rng.int(W), y = rng.int(H), d = rng.pick(DIRS)
    const [dx, dy] = delta[d]!
    const nx = x + dx, ny = y + dy
    if (nx < 0 || ny < 0 || nx >= W || ny >= H || exits[at(x, y)]![d] !== undefined) continue
    link(x, y, d)
    i++
  }
  const goal = at(W - 1 - rng.int(Math.max(1, Math.floor(W / 2))), H - 1 - rng.int(Math.max(1, Math.floor(H / 2))))
  const others = names.filter((n) => n !== goal)
  const starts = Array.from({ length: config.episodes }, () => rng.pick(others))
  const state: MazeState = {
    config, rooms: names, exits, goal, starts, episode: 0, room: starts[0]!, stepInEpisode: 0, t: 0, reached: 0, episodeEnds: [], done: false
  }
  return { state, observation: observe(state, `${stamp(0)}Episode 1 begins. Find ${goal}.\n`), reward: 0, done: false }
}

export const step = (s: MazeState, action: string): Transition<MazeState, MazeObservation> => {
  if (s.done) return { state: s, observation: observe(s, ""), reward: 0, done: true }
  const d = action.replace(/^go /, "").trim()
  const to = s.exits[s.room]?.[d]
  let prefix = to === undefined ? `${stamp(s.t)}You cannot go ${d} from ${s.room}.\n` : `${stamp(s.t)}You went ${d} from ${s.room} to ${to}.\n`
  const room = to ?? s.room
  const t = s.t + 1
  const reachedNow = room === s.goal
  const capped = s.stepInEpisode + 1 >= s.config.maxStepsPerEpisode
  if (reachedNow || capped) {
    prefix += reachedNow ? `${stamp(s.t)}You reached the goal, ${s.goal}.\n` : `${stamp(s.t)}Out of time in this episode.\n`
    const episode = s.episode + 1
    const done = episode >= s.config.episodes
    const state: MazeState = {
      ...s, episode, room: done ? room : s.starts[episode]!, stepInEpisode: 0, t, reached: s.reached + (reachedNow ? 1 : 0),
      episodeEnds: [...s.episodeEnds, t], done
    }
    if (!done) prefix += `${stamp(t)}Episode ${episode + 1} begins. Find ${s.goal}.\n`
    return { state, observation: observe(state, prefix), reward: reachedNow ? 1 : 0, done }
  }
  const state: MazeState = { ...s, room, stepInEpisode: s.stepInEpisode + 1, t }
  return { state, observation: observe(state, prefix), reward: 0, done: false }
}

const WENT = /^You went (north|east|south|west) from (.+) to (.+)\.$/

export const parse = (text: string): Array<Triple> => {
  const out: Array<Triple> = []
  for (const { step: t, body } of lines(text)) {
    const m = WENT.exec(body)
    if (m !== null) out.push(triple(m[2] as string, `${m[1]} leads to`, m[3] as string, false, t))
  }
  return out
}

export const decide = (o: MazeObservation, knowledge: ReadonlyArray<Triple>, draw: () => number): { action: string; used: Array<Triple> } => {
  const m = knownMap(knowledge)
  const here = Key.node(o.room)
  const r = route(m, here, Key.node(o.goal))
  if (r !== undefined && o.exits.includes(r.dir)) return { action: "go " + r.dir, used: r.used }
  return { action: "go " + explore(m, here, o.exits, draw), used: [] }
}

export const world: World<MazeState, MazeObservation, MazeConfig> = {
  name: "maze",
  reset,
  step,
  parse,
  singleValued: new Set(),
  decide,
  task: (o) => `A text maze. Reach the room called ${o.goal}. You are in ${o.room}; exits: ${o.exits.join(", ")}.`
}
