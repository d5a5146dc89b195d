#!/usr/bin/env bash
# Runs every example and the demo (one-shot and piped) against the embedded emulator, with
# OPENROUTER_API_KEY unset, and checks each output for the lines it must contain.
# Exits non-zero if any check fails. Usage: bash scripts/examples-check.sh
set -uo pipefail
cd "$(dirname "$0")/.."
unset OPENROUTER_API_KEY OPENROUTER_BASE_URL OPENROUTER_MODEL EFFECT_OPENROUTER_DEMO_SLOW
export npm_config_update_notifier=false

failures=0
out=""
current=""

# run NAME EXPECTED_EXIT_CODE CMD... : runs CMD (stdin from $STDIN if set), keeps its output in $out.
run() {
  current=$1
  local expected=$2
  shift 2
  local code=0
  if [ -n "${STDIN:-}" ]; then
    out=$(printf '%b' "$STDIN" | "$@" 2>&1) || code=$?
  else
    out=$("$@" </dev/null 2>&1) || code=$?
  fi
  printf '\n--- %s (exit %s)\n%s\n' "$current" "$code" "$out"
  if [ "$code" -ne "$expected" ]; then
    echo "FAIL [$current]: exit code $code, expected $expected"
    failures=$((failures + 1))
  fi
}

# expect PATTERN... : each extended regex must match a line of the last output.
expect() {
  local pattern
  for pattern in "$@"; do
    if ! grep -qE -- "$pattern" <<<"$out"; then
      echo "FAIL [$current]: no line matches /$pattern/"
      failures=$((failures + 1))
    fi
  done
}

# expect_count N PATTERN : exactly N lines match.
expect_count() {
  local n
  n=$(grep -cE -- "$2" <<<"$out" || true)
  if [ "$n" -ne "$1" ]; then
    echo "FAIL [$current]: $n lines match /$2/, expected $1"
    failures=$((failures + 1))
  fi
}

emulated='^Using the embedded OpenRouter emulator at http://127\.0\.0\.1:[0-9]+/api/v1'

for name in basic fetch; do
  run "$name" 0 npx tsx "examples/$name.ts"
  expect "$emulated" '^Answer: +This answer comes from the local OpenRouter emulator' \
    '^Model: +openrouter/auto$' '^Provider: +Emulator$' \
    '^Usage: +[0-9]+ prompt \+ [0-9]+ completion = [0-9]+ tokens$' '^Cost: +\$0\.[0-9]{6}$'
done

run streaming 0 npx tsx examples/streaming.ts
expect "$emulated" '^This answer comes from the local OpenRouter emulator' \
  '^Streamed [0-9]+ chunks from openrouter/auto via Emulator\.$' '^Usage: +[0-9]+ prompt' '^Cost: +\$0\.'

run errors 0 npx tsx examples/errors.ts
expect "$emulated" \
  '^401: .*\[UnauthorizedResponseError\]$' \
  '^402: Out of credits .*\[PaymentRequiredResponseError\]$' \
  '^429: Rate limited \(429\): try again in 7s\. \[TooManyRequestsResponseError\]$' \
  '^503: No provider can serve this right now .*\[ServiceUnavailableResponseError\]$' \
  '^502 \(HTML\): Bad gateway \(502\): a proxy answered with a non-JSON page.*\[BadGatewayResponseError\]$' \
  '^Once upon a $' '→ The stream failed after it had started .*\[MidStreamError\]$' \
  '→ The stream was cut off .*\[ConnectionError\]$' \
  '^invalid request: The request is invalid, nothing was sent: temperature .*\[InvalidRequestError\]$'

run retry 0 npx tsx examples/retry.ts
expect "$emulated" '^6\. ' \
  'emulator: attempt 3 at \+[0-9]+ ms, answering HTTP 200$' \
  '→ failed with ServiceUnavailableResponseError after 1 attempt in' \
  '→ failed with ServiceUnavailableResponseError after 4 attempts in' \
  '→ failed with TimeoutError after 1 attempt in'
expect_count 3 '→ succeeded in [0-9]+ ms: Hello after all\.$'

run tools 0 npx tsx examples/tools.ts
expect "$emulated" '^assistant → tool call get_weather\(\{"city": "Paris"\}\)$' \
  '^tool → \{"city":"Paris","temperature_c":18,"conditions":"light rain"\}$' \
  '^assistant: It is 18 °C in Paris, with light rain\.' '^\(finish_reason: stop, '

expect_ai_language_model() {
  expect "$emulated" '^assistant → tool call get_weather\(\{"city":"Paris"\}\)$' \
    '^assistant → tool call get_weather\(\{"city":"Oslo"\}\)$' \
    '^tool → \{"city":"Oslo","temperature_c":4,"conditions":"clear skies"\}$' \
    '^assistant: Paris: 18 °C, light rain\. Oslo: 4 °C, clear skies\.$' '^\(finish: stop, [0-9]+ → [0-9]+ tokens\)$'
}
run ai-language-model 0 npx tsx examples/ai-language-model.ts
expect_ai_language_model
expect_structured() {
  expect "$emulated" '^Recipe: +Quick pancakes \(3 ingredients, 20 min, vegetarian\)$' '^  - 200 g flour$' \
    '^Usage: +[0-9]+ prompt \+ [0-9]+ completion = [0-9]+ tokens$' '^Cost: +\$0\.[0-9]{6}$' \
    '^Streamed: [0-9]+ partial values \(up to 3 ingredients\), then Quick pancakes '
}
run structured 0 npx tsx examples/structured.ts
expect_structured
# expect_agent FAILURE_JSON: the agent's lines, with the tool failure as the edition's Schema encodes it.
expect_agent() {
  expect "$emulated" '^tool get_weather\(\{"city":"Paris"\}\) = \{"city":"Paris","celsius":18,"conditions":"light rain"\}$' \
    "^tool get_weather\\(\\{\"city\":\"Atlantis\"\\}\\) failed: \\{\"error\":$1\\}\$" \
    '^tool get_time\(\{"timezone":"Europe/Paris"\}\) = 14:30$' \
    '^answer: Paris: 18 °C, light rain; Atlantis: unknown; time in Paris 14:30$' \
    '^\(2 rounds, 7 messages, the answer seen forming in pieces\)$'
}
run agent 0 npx tsx examples/agent.ts
expect_agent '\{"city":"Atlantis","_tag":"CityNotFound"\}'
run telemetry 0 npx tsx examples/telemetry.ts
expect "$emulated" "^  name: 'chat openrouter/auto',$" "^  name: 'http.client POST',$" \
  "'gen_ai.operation.name': 'chat'," "'gen_ai.provider.name': 'openrouter'," "'gen_ai.request.stream': true," \
  "'gen_ai.usage.input_tokens': [0-9]+," "'gen_ai.response.time_to_first_chunk': [0-9.e-]+" \
  "'openrouter.cost': [0-9.e-]+," "name: 'gen_ai.client.token.usage'," "name: 'gen_ai.client.operation.duration'," \
  "name: 'gen_ai.client.operation.time_to_first_chunk'," "name: 'openrouter.client.cost',"
expect_count 0 'gen_ai\.(input|output)\.messages'

run testing 0 npx tsx examples/testing.ts
expect '^ok 1 - ' '^ok 4 - ' '^4 checks passed$'
expect_count 0 '^not ok'

run "example runner: testing" 0 npx tsx scripts/example.ts testing
expect '^4 checks passed$'

run "example runner: unknown name" 1 npx tsx scripts/example.ts no-such-example
expect '^Unknown example: no-such-example$' '^  basic ' '^  demo '

run "demo: one question" 0 npx tsx examples/demo.ts "What is Effect?"
expect "$emulated" '^This answer comes from the local OpenRouter emulator.*You said: "What is Effect\?"' \
  '^  openrouter/auto via Emulator · [0-9]+ → [0-9]+ tokens · \$0\.[0-9]+ · first token [0-9]+ ms · '

STDIN='First line\nSecond line\n' run "demo: piped stdin" 0 npx tsx examples/demo.ts
expect '^you › First line$' '^you › Second line$' 'You said: "First line"' 'You said: "Second line"'
expect_count 2 '^  openrouter/auto via Emulator · '

# The README's `npm run demo`: the Effect 4 edition's demo (effect4/examples/demo.ts).
run "demo (Effect 4 edition, npm run demo): one question" 0 npm run --silent demo -- "What is Effect?"
expect "$emulated" '^This answer comes from the local OpenRouter emulator.*You said: "What is Effect\?"' \
  '^  openrouter/auto via Emulator · [0-9]+ → [0-9]+ tokens · \$0\.[0-9]+ · first token [0-9]+ ms · '

STDIN='First line\nSecond line\n' run "demo (Effect 4 edition): piped stdin" 0 npm run --silent demo
expect '^you › First line$' '^you › Second line$' 'You said: "First line"' 'You said: "Second line"'
expect_count 2 '^  openrouter/auto via Emulator · '

# The examples ported to the Effect 4 edition (effect4/examples/), run from effect4/ so that its Node 22
# and its effect 4 are the ones used: the same lines as their Effect 3 originals (but the agent's tool
# failure, which Effect 4's Schema encodes with `_tag` first).
effect4() { (cd effect4 && "$@"); }

run "structured (Effect 4 edition)" 0 effect4 npx tsx examples/structured.ts
expect_structured

run "agent (Effect 4 edition)" 0 effect4 npx tsx examples/agent.ts
expect_agent '\{"_tag":"CityNotFound","city":"Atlantis"\}'

run "ai-language-model (Effect 4 edition)" 0 effect4 npx tsx examples/ai-language-model.ts
expect_ai_language_model

echo
if [ "$failures" -gt 0 ]; then
  echo "examples-check: $failures failure(s)"
  exit 1
fi
echo "examples-check: all examples and the demo behaved"
