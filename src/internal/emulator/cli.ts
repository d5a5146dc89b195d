#!/usr/bin/env node
/**
 * `npx effect-openrouter-emulator` of the Effect 3 edition (`package.json` `bin`): the shared body
 * (`cliMain.ts`) with Effect 3's durations.
 *
 * @internal
 */
import { runCli } from "./cliMain.js"
import { millis } from "./durations.js"

void runCli(millis)
