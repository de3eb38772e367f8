-- The token endpoint: client_credentials + private_key_jwt. Okta refuses a replayed assertion,
-- so each request sends the next pre-signed body of DTU_BENCH_OKTA_ASSERTIONS (one per line);
-- thread k of n takes lines k, k+n, k+2n... (wrk runs each thread in its own Lua state).
dofile(os.getenv("DTU_BENCH_LUA") .. "/common.lua")
local threads = 0
function setup(thread)
   threads = threads + 1
   thread:set("id", threads)
   thread:set("of", tonumber(os.getenv("DTU_BENCH_THREADS") or "2"))
end
local bodies = {}
local next_body = 1
function init(args)
   local n = 0
   for line in io.lines(os.getenv("DTU_BENCH_OKTA_ASSERTIONS")) do
      n = n + 1
      if (n - id) % of == 0 then bodies[#bodies + 1] = line end
   end
end
function request()
   local body = bodies[next_body]
   next_body = next_body % #bodies + 1  -- wraps only if the run outlasts the file (replays then fail)
   return wrk.format("POST", nil, {["Content-Type"] = "application/x-www-form-urlencoded"}, body)
end
