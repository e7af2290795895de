-- Shared by the Neovim scenarios: a tiny check runner, the fixture and the
-- exact diagnostics expected from it, as Neovim represents them.
--
-- Environment: HYBRIDLS_BIN (the server), HYBRIDLS_ROOT (the repository).
-- Each scenario prints "ok   nvim <scenario>: NAME" or "FAIL nvim ...: NAME"
-- lines, then "nvim <scenario>: N passed, N failed", and exits with
-- :cquit when anything failed, :qa! otherwise.

local H = { passed = 0, failed = 0, skipped = 0 }

H.bin = assert(os.getenv("HYBRIDLS_BIN"), "HYBRIDLS_BIN is not set")
H.root = assert(os.getenv("HYBRIDLS_ROOT"), "HYBRIDLS_ROOT is not set")
H.fixture = H.root .. "/tests/clients/fixtures/train.py"

vim.opt.runtimepath:prepend(H.root .. "/editors/nvim")
vim.cmd("filetype on")
vim.o.swapfile = false
vim.o.shortmess = vim.o.shortmess .. "F"

local function out(line)
  io.stdout:write(line .. "\n")
  io.stdout:flush()
end

function H.start(scenario)
  H.scenario = scenario
end

function H.check(name, fn)
  local ok, err = xpcall(fn, debug.traceback)
  if ok then
    H.passed = H.passed + 1
    out("ok   nvim " .. H.scenario .. ": " .. name)
  else
    H.failed = H.failed + 1
    out("FAIL nvim " .. H.scenario .. ": " .. name)
    for line in tostring(err):gmatch("[^\n]+") do out("  " .. line) end
  end
  return ok
end

function H.skip(name, why)
  H.skipped = H.skipped + 1
  out("skip nvim " .. H.scenario .. ": " .. name .. " (" .. why .. ")")
end

function H.finish()
  out(string.format("nvim %s: %d passed, %d failed, %d skipped", H.scenario, H.passed, H.failed, H.skipped))
  for _, client in ipairs(vim.lsp.get_active_clients()) do client.stop() end
  vim.wait(2000, function() return #vim.lsp.get_active_clients() == 0 end, 20)
  if H.failed > 0 then vim.cmd("cquit 1") else vim.cmd("qa!") end
end

function H.eq(expected, actual, what)
  if not vim.deep_equal(expected, actual) then
    error((what or "value") .. " differs\n  expected: " .. vim.inspect(expected) .. "\n  actual:   " .. vim.inspect(actual), 2)
  end
end

function H.wait(ms, cond, what)
  if not vim.wait(ms, cond, 20) then error("timed out after " .. ms .. " ms waiting for " .. what, 2) end
end

-- A fresh project directory with a root marker and a copy of the fixture.
function H.project()
  local dir = vim.fn.tempname()
  vim.fn.mkdir(dir, "p")
  vim.fn.writefile({ "[project]", 'name = "demo"' }, dir .. "/pyproject.toml")
  vim.fn.writefile(vim.fn.readfile(H.fixture, "b"), dir .. "/train.py", "b")
  return dir
end

-- The diagnostics of a buffer, as comparable tables, in line order.
function H.diagnostics(bufnr)
  local out_list = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    table.insert(out_list, {
      lnum = d.lnum, col = d.col, end_lnum = d.end_lnum, end_col = d.end_col,
      severity = d.severity, code = d.code, source = d.source, message = d.message,
    })
  end
  table.sort(out_list, function(a, b) return a.lnum < b.lnum or (a.lnum == b.lnum and a.col < b.col) end)
  return out_list
end

local W = vim.diagnostic.severity.WARN
H.HY305 = { lnum = 3, col = 13, end_lnum = 3, end_col = 43, severity = W, code = "HY305", source = "hybridls",
  message = "experimental_relax_shapes is deprecated; use reduce_retracing (TF 2.9+)" }
H.HY201 = { lnum = 5, col = 4, end_lnum = 5, end_col = 23, severity = W, code = "HY201", source = "hybridls",
  message = "print() runs only while 'train_step' is being traced, not on every call; use tf.print to print tensor values each time" }
H.HY306 = { lnum = 10, col = 7, end_lnum = 10, end_col = 53, severity = W, code = "HY306", source = "hybridls",
  message = "tf.config.experimental_functions_run_eagerly is deprecated; use tf.config.functions_run_eagerly (same behaviour)" }

-- Counts textDocument/publishDiagnostics notifications per URI.
H.publishes = {}
local publish = vim.lsp.handlers["textDocument/publishDiagnostics"]
vim.lsp.handlers["textDocument/publishDiagnostics"] = function(err, result, ctx, config)
  if result and result.uri then H.publishes[result.uri] = (H.publishes[result.uri] or 0) + 1 end
  return publish(err, result, ctx, config)
end

-- vim.notify messages, for the error the plugin shows.
H.notes = {}
vim.notify = function(msg, level) table.insert(H.notes, { msg = msg, level = level }) end

-- The non-blank lines of `:checkhealth hybridls`, without its header.
function H.checkhealth()
  vim.cmd("checkhealth hybridls")
  local lines = {}
  for _, l in ipairs(vim.api.nvim_buf_get_lines(0, 0, -1, false)) do
    if l:match("^%s+%- ") then table.insert(lines, l) end
  end
  vim.cmd("bwipeout!")
  return lines
end

return H
