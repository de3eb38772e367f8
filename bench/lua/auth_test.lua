-- auth.test as slack_sdk sends it: POST, bearer token, empty form body.
dofile(os.getenv("DTU_BENCH_LUA") .. "/common.lua")
wrk.method = "POST"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("DTU_BENCH_TOKEN")
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
