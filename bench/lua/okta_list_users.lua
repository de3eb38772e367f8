-- listUsers with a filter, as the okta SDK sends it: GET, SSWS token, default page (200).
dofile(os.getenv("DTU_BENCH_LUA") .. "/common.lua")
wrk.method = "GET"
wrk.headers["Authorization"] = "SSWS " .. os.getenv("DTU_BENCH_OKTA_TOKEN")
wrk.headers["Accept"] = "application/json"
