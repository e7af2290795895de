-- Neovim with a server command that does not exist: a clear error when a
-- Python buffer opens, no client, and :checkhealth hybridls says why.
-- Run: HYBRIDLS_BIN=... HYBRIDLS_ROOT=... nvim --headless -u NONE -c "luafile tests/clients/nvim/missing.lua"

local H = dofile(os.getenv("HYBRIDLS_ROOT") .. "/tests/clients/nvim/helpers.lua")
H.start("missing")

local hybridls = require("hybridls")
local dir = H.project()
local missing = dir .. "/no/such/hybridls"

H.check("opening a Python buffer reports the missing server once, starts nothing", function()
  hybridls.setup({ cmd = { missing, "serve" } })
  vim.cmd("edit " .. vim.fn.fnameescape(dir .. "/train.py"))
  vim.cmd("split " .. vim.fn.fnameescape(dir .. "/other.py"))
  H.eq({ {
    msg = "hybridls: cannot start the server: '" .. missing
      .. "' is not an executable (set cmd in require('hybridls').setup(); :checkhealth hybridls)",
    level = vim.log.levels.ERROR,
  } }, H.notes, "notifications")
  H.eq({}, vim.lsp.get_active_clients(), "clients")
end)

H.check(":checkhealth hybridls reports the missing binary", function()
  H.eq({
    "  - OK: setup() called: cmd = " .. missing .. " serve, run = onType (default)",
    "  - INFO: Neovim before 0.11: started with vim.lsp.start_client on FileType",
    "  - ERROR: server not found: '" .. missing .. "' is not an executable",
    "    - ADVICE:",
    "      - Build it with `make` (build/hybridls) and put it on PATH, or pass cmd = { '/path/to/hybridls', 'serve' } to setup()",
  }, H.checkhealth(), "checkhealth lines")
end)

H.check("native configuration for Neovim 0.11 (lsp/hybridls.lua)", function()
  local config = dofile(H.root .. "/editors/nvim/lsp/hybridls.lua")
  H.eq({ missing, "serve" }, config.cmd, "cmd")
  H.eq({ "python" }, config.filetypes, "filetypes")
  H.eq({ "pyproject.toml", "setup.py", "setup.cfg", "requirements.txt", ".git" }, config.root_markers, "root_markers")
  H.eq({}, config.init_options, "init_options")
  H.eq({ hybridls = {} }, config.settings, "settings")
  H.eq(nil, config.root_dir, "root_dir")
  package.loaded["hybridls"] = nil
  local fresh = dofile(H.root .. "/editors/nvim/lsp/hybridls.lua")
  H.eq({ "hybridls", "serve" }, fresh.cmd, "default cmd")
end)

H.finish()
