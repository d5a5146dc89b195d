#!/usr/bin/env node
/**
 * `npx effect-openrouter-emulator` of the Effect 4 edition (`package.json` `bin`): the shared body
 * (`src/internal/emulator/cliMain.ts`) with Effect 4's durations.
 *
 * @internal
 */
import { runCli } from "../../../../src/internal/emulator/cliMain.js"
import { millis } from "./durations.js"

void runCli(millis)
