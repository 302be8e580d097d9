/**
 * Searched — which parameters `npm run tune` searches, over which ranges (a documented subset of
 * core/Params.ts `spec`, mapped to [0, 1]^d by {@link Space}).
 *
 * Full run ({@link FULL}, 27 parameters), by the transition that reads them:
 * - recall: `anchorCandidates` [4, 512] log, `anchors` [1, 64] log, `anchorDiversity` [0, 1],
 *   `anchorMinSimilarity` [−1, 1], `pathThreshold` [0, 1], `maxDepth` [1, 8], `maxResults`
 *   [10, 500] log (the objective reads the top 10), `episodicShare` [0, 1], `coRecallRate` [0, 1];
 * - fusion: `fusionCandidates` [8, 1024] log, the five source weights `fusionLexical`,
 *   `fusionVector`, `fusionKey`, `fusionTime`, `fusionWalk` [0.05, 20] log (only their ratios
 *   matter to the ranking; 0.05 is all but off), and engram's `sequenceWeight` [0, 1];
 * - engram: `initialWeight`, `engramRate`, `hebbianRate`, `matchSimilarity` [0, 1];
 * - decay / prune / archive: `decayHalfLife` [d/100, 100·d] log, `pruneWeight` [0, 0.3],
 *   `inactiveAfter` [d/100, 100·d] log, `archiveVectors` [10, 10^5] log;
 * - reconcile: `supportMargin` [0, 10];
 * - reinforce: `reinforceRate`, `competitionRate` [0, 1].
 *
 * Left out: the cost bounds (`walkBudget`, `coverageSample`, `lexicalMaxPostings`: they trade
 * speed for recall, which the cost term would only push one way), the budgets (`maxNodes`,
 * `maxEdges`, `maxDensity`: no suite comes near them), the consolidate parameters (no suite's
 * replay runs consolidate), working memory and promotion (not exercised), the GAT and life
 * (crowding) details of engram and decay (second-order; a later run can add them).
 *
 * `--quick` ({@link QUICK}, 13 parameters): the query-time ones only (recall and fusion, all in
 * `Histories/Locomo.ts` `QUERY_ONLY`), so LoCoMo ingests each conversation once and the conflict
 * cases (engram + reconcile) are replayed once.
 */
import type * as Params from "../../core/Params.ts"
import * as Space from "./Space.ts"

const DAY = 86_400_000
const WEIGHT: Space.Override = { min: 0.05, max: 20, scale: "log" }

/** The ranges chosen by hand (the rest follow Space's automatic rule). */
export const OVERRIDES: Partial<Record<Params.ParamName, Space.Override>> = {
  anchorCandidates: { min: 4, max: 512 },
  anchors: { min: 1, max: 64, scale: "log" },
  maxDepth: { min: 1, max: 8 },
  maxResults: { min: 10, max: 500, scale: "log" },
  fusionCandidates: { min: 8, max: 1024 },
  fusionLexical: WEIGHT,
  fusionVector: WEIGHT,
  fusionKey: WEIGHT,
  fusionTime: WEIGHT,
  fusionWalk: WEIGHT,
  decayHalfLife: { min: 14 * DAY / 100, max: 14 * DAY * 100 },
  inactiveAfter: { min: 60 * DAY / 100, max: 60 * DAY * 100 },
  pruneWeight: { min: 0, max: 0.3 },
  archiveVectors: { min: 10, max: 100_000, scale: "log" }
}

/** The query-time parameters searched by `--quick`. */
export const QUICK: ReadonlyArray<Params.ParamName> = [
  "anchorCandidates", "anchors", "anchorDiversity", "anchorMinSimilarity", "pathThreshold", "maxResults", "episodicShare",
  "fusionCandidates", "fusionLexical", "fusionVector", "fusionKey", "fusionTime", "fusionWalk"
]

/** Every parameter the full run searches. */
export const FULL: ReadonlyArray<Params.ParamName> = [
  "anchorCandidates", "anchors", "anchorDiversity", "anchorMinSimilarity", "pathThreshold", "maxDepth", "maxResults",
  "episodicShare", "coRecallRate",
  "fusionCandidates", "fusionLexical", "fusionVector", "fusionKey", "fusionTime", "fusionWalk", "sequenceWeight",
  "initialWeight", "engramRate", "hebbianRate", "matchSimilarity",
  "decayHalfLife", "pruneWeight", "inactiveAfter", "archiveVectors",
  "supportMargin",
  "reinforceRate", "competitionRate"
]

/**
 * The search space of a run: `only` (names from {@link FULL}) when given, else {@link QUICK} or
 * {@link FULL}.
 * @throws Error when `only` names a parameter outside {@link FULL}.
 */
export const space = (quick: boolean, only?: ReadonlyArray<string>): Space.Space => {
  if (only !== undefined) {
    const bad = only.filter((n) => !(FULL as ReadonlyArray<string>).includes(n))
    if (bad.length > 0) throw new Error(`--params: not searchable: ${bad.join(", ")} (searchable: ${FULL.join(", ")})`)
    return Space.make(FULL.filter((n) => only.includes(n)), { overrides: OVERRIDES })
  }
  return Space.make(quick ? QUICK : FULL, { overrides: OVERRIDES })
}
