-- createUser (POST /api/v1/users?activate=false): a unique login per request (run, thread, counter).
dofile(os.getenv("DTU_BENCH_LUA") .. "/common.lua")
local threads = 0
function setup(thread)
   threads = threads + 1
   thread:set("id", threads)
end
local counter = 0
function request()
   counter = counter + 1
   local seq = string.format("%s-%d-%d", os.getenv("DTU_BENCH_RUN"), id, counter)
   local login = "bench-" .. seq .. "@example.com"
   local body = '{"profile": {"firstName": "Bench", "lastName": "' .. seq .. '", "email": "' .. login
      .. '", "login": "' .. login .. '"}}'
   return wrk.format("POST", nil, {
      ["Authorization"] = "SSWS " .. os.getenv("DTU_BENCH_OKTA_TOKEN"),
      ["Content-Type"] = "application/json",
      ["Accept"] = "application/json",
   }, body)
end
