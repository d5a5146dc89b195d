// The types of readme-install.mjs, for the TypeScript scripts and tests that read the README's install lines.
export declare const readmeInstallLines: (
  readme?: string | URL,
  edition?: "effect3" | "effect4"
) => ReadonlyArray<string>
export declare const withTarball: (line: string, tarball: string) => Array<string>
export declare const verifyInstalled: (
  consumer: string,
  edition: "effect3" | "effect4",
  tarball: string,
  readme?: string | URL
) => ReadonlyArray<string>
