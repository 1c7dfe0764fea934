-- post.lua: makes every wrk request a POST of the JSON body held in the
-- file named by the first script argument (wrk ... URL -- FILE).
function init(args)
  local f = assert(io.open(args[1], "rb"))
  wrk.method = "POST"
  wrk.body = f:read("*a")
  wrk.headers["Content-Type"] = "application/json"
  f:close()
end
