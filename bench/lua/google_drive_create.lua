-- Drive files.create (POST /drive/v3/files): a small JSON metadata body; Bearer token.
dofile(os.getenv("DTU_BENCH_LUA") .. "/common.lua")
wrk.method = "POST"
wrk.body = '{"name": "bench file", "mimeType": "text/plain"}'
wrk.headers["Authorization"] = "Bearer " .. os.getenv("DTU_BENCH_GOOGLE_TOKEN")
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/json"
