// The types of readme-install.mjs, for the TypeScript scripts and tests that read the README's install lines.
export declare const readmeInstallLines: (readme?: string | URL) => ReadonlyArray<string>
export declare const withTarball: (line: string, tarball: string) => Array<string>
