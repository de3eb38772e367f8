-- Drive files.list with a query (GET /drive/v3/files?q=...): the URL carries the query; Bearer token.
dofile(os.getenv("DTU_BENCH_LUA") .. "/common.lua")
wrk.method = "GET"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("DTU_BENCH_GOOGLE_TOKEN")
wrk.headers["Accept"] = "application/json"
