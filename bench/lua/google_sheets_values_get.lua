-- Sheets values.get (GET /v4/spreadsheets/{id}/values/{range}): the URL carries the range; Bearer token.
dofile(os.getenv("DTU_BENCH_LUA") .. "/common.lua")
wrk.method = "GET"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("DTU_BENCH_GOOGLE_TOKEN")
wrk.headers["Accept"] = "application/json"
