-- createIssue (POST /rest/api/2/issue) as the jira library sends it: Basic auth, a JSON body.
dofile(os.getenv("DTU_BENCH_LUA") .. "/common.lua")
wrk.method = "POST"
wrk.headers["Authorization"] = os.getenv("DTU_BENCH_JIRA_AUTH")
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"fields": {"project": {"key": "BENCH"}, "summary": "bench", "issuetype": {"name": "Task"}}}'
