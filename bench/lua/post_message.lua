-- chat.postMessage as slack_sdk sends it: a JSON body.
dofile(os.getenv("DTU_BENCH_LUA") .. "/common.lua")
wrk.method = "POST"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("DTU_BENCH_TOKEN")
wrk.headers["Content-Type"] = "application/json; charset=utf-8"
wrk.body = '{"channel": "' .. os.getenv("DTU_BENCH_CHANNEL") .. '", "text": "bench message"}'
