-- doTransition (POST /rest/api/2/issue/{key}/transitions). Each thread owns every n-th issue of
-- BENCH-1..BENCH-<DTU_BENCH_JIRA_ISSUES> and walks them in rounds: To Do -> In Progress on even
-- rounds, back to To Do on odd ones, so no request asks for the status its issue already has.
dofile(os.getenv("DTU_BENCH_LUA") .. "/common.lua")
local threads = {}
function setup(thread)
   table.insert(threads, thread)
   thread:set("id", #threads - 1)
end
local counter = 0
function request()
   local issues = tonumber(os.getenv("DTU_BENCH_JIRA_ISSUES"))
   local mine = math.floor(issues / 2)
   local slot = counter % mine
   local round = math.floor(counter / mine)
   counter = counter + 1
   local key = "BENCH-" .. (slot * 2 + id + 1)
   local transition = (round % 2 == 0) and "21" or "11"
   return wrk.format("POST", "/rest/api/2/issue/" .. key .. "/transitions", {
      ["Authorization"] = os.getenv("DTU_BENCH_JIRA_AUTH"),
      ["Content-Type"] = "application/json",
   }, '{"transition": {"id": "' .. transition .. '"}}')
end
