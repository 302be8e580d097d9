import { defineConfig } from "vitest/config"

export default defineConfig({
  test: {
    include: ["{core,shell,laws,bench,examples,eval,web}/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000
  }
})
