export * as Bm25 from "../../baselines/Bm25.ts"
export * as Data from "./Data.ts"
export * as Locomo from "./Locomo.ts"
export * as Metrics from "./Metrics.ts"
