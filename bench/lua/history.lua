-- conversations.history, form-encoded as slack_sdk's WebClient posts it (default page of 100).
dofile(os.getenv("DTU_BENCH_LUA") .. "/common.lua")
wrk.method = "POST"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("DTU_BENCH_TOKEN")
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.body = "channel=" .. os.getenv("DTU_BENCH_CHANNEL") .. "&limit=100"
