// The types of readme-check.mjs, for test/readme-check.test.ts.
export interface FencedBlock {
  readonly lang: string
  readonly code: string
  readonly line: number
  readonly heading: string
  /** The edition the block is written for: `"4"` under `## Effect 4`, else `"3"`. */
  readonly edition: "3" | "4"
}
export declare const fencedBlocks: (markdown: string) => Array<FencedBlock>
export declare const installLines: (blocks: ReadonlyArray<FencedBlock>, wanted?: "3" | "4") => Array<string>
export declare const runner: (code: string) => "vitest" | "node" | undefined
