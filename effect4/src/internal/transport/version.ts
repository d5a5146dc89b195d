/** The Effect 4 edition's version, sent in `User-Agent`; a test keeps it equal to effect4/package.json's. */
export const version = "1.0.0"
