-- JQL search (GET /rest/api/2/search?jql=...): the URL carries the query; Basic auth.
dofile(os.getenv("DTU_BENCH_LUA") .. "/common.lua")
wrk.method = "GET"
wrk.headers["Authorization"] = os.getenv("DTU_BENCH_JIRA_AUTH")
wrk.headers["Accept"] = "application/json"
