// The types of readme-check.mjs, for test/readme-check.test.ts.
export interface FencedBlock {
  readonly lang: string
  readonly code: string
  readonly line: number
  readonly heading: string
}
export declare const fencedBlocks: (markdown: string) => Array<FencedBlock>
export declare const installLines: (blocks: ReadonlyArray<FencedBlock>) => Array<string>
export declare const runner: (code: string) => "vitest" | "node" | undefined
