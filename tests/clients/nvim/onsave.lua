-- Neovim, run = "onSave": diagnostics on open; an edit publishes nothing;
-- :write publishes once, for the text as edited.
-- Run: HYBRIDLS_BIN=... HYBRIDLS_ROOT=... nvim --headless -u NONE -c "luafile tests/clients/nvim/onsave.lua"

local H = dofile(os.getenv("HYBRIDLS_ROOT") .. "/tests/clients/nvim/helpers.lua")
H.start("onSave")

local hybridls = require("hybridls")
local dir = H.project()
local file = dir .. "/train.py"
local uri = vim.uri_from_fname(file)
local bufnr, client

H.check("setup({ run = 'onSave' }) sends run = onSave; open publishes the exact diagnostics", function()
  hybridls.setup({ cmd = { H.bin, "serve" }, run = "onSave", settings = { debounceMs = 0 } })
  vim.cmd("edit " .. vim.fn.fnameescape(file))
  bufnr = vim.api.nvim_get_current_buf()
  H.wait(5000, function() return #vim.lsp.buf_get_clients(bufnr) == 1 end, "a client on the buffer")
  client = vim.lsp.buf_get_clients(bufnr)[next(vim.lsp.buf_get_clients(bufnr))]
  H.eq({ debounceMs = 0, run = "onSave" }, client.config.init_options, "init_options")
  H.eq({ hybridls = { debounceMs = 0, run = "onSave" } }, client.config.settings, "settings")
  H.wait(10000, function() return #vim.diagnostic.get(bufnr) == 3 end, "3 diagnostics")
  H.eq({ H.HY305, H.HY201, H.HY306 }, H.diagnostics(bufnr), "diagnostics")
end)

H.check("an edit publishes nothing", function()
  local before = H.publishes[uri]
  vim.api.nvim_buf_set_text(bufnr, 5, 4, 5, 4, { "tf." })
  vim.wait(600, function() return false end, 20)
  H.eq(before, H.publishes[uri], "publishes after the edit")
  H.eq({ H.HY305, H.HY201, H.HY306 }, H.diagnostics(bufnr), "diagnostics after the edit")
end)

H.check(":write publishes once, for the edited text", function()
  local before = H.publishes[uri]
  vim.cmd("write")
  H.wait(5000, function() return H.publishes[uri] == before + 1 end, "one publish after :write")
  vim.wait(300, function() return false end, 20)
  H.eq(before + 1, H.publishes[uri], "publishes after :write")
  H.eq({ H.HY305, H.HY306 }, H.diagnostics(bufnr), "diagnostics after :write")
end)

H.check(":checkhealth hybridls shows run = onSave", function()
  local lines = H.checkhealth()
  H.eq("  - OK: setup() called: cmd = " .. H.bin .. " serve, run = onSave", lines[1], "first line")
end)

H.check("setup() rejects an unknown run value", function()
  local ok, err = pcall(hybridls.setup, { run = "onIdle" })
  H.eq(false, ok, "setup succeeded")
  H.eq(true, tostring(err):find('hybridls: run must be "onType" or "onSave", not "onIdle"', 1, true) ~= nil, "error: " .. tostring(err))
end)

H.finish()
