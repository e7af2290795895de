-- :checkhealth hybridls — the server binary, its version, and a check of a
-- sample file (which needs the Python grammar and the rules to work).

local M = {}

local health = vim.health or require("health")
local report = {
  start = health.start or health.report_start,
  ok = health.ok or health.report_ok,
  info = health.info or health.report_info,
  warn = health.warn or health.report_warn,
  error = health.error or health.report_error,
}

-- A file with exactly one finding: print() inside a tf.function (HY201).
local SAMPLE = "import tensorflow as tf\n\n\n@tf.function\ndef f(x):\n    print(x)\n    return x\n"

local function run(argv)
  local out = vim.fn.system(argv)
  return vim.v.shell_error, out
end

function M.check()
  local hybridls = require("hybridls")
  local opts = hybridls.options or hybridls.defaults
  report.start("hybridls")

  if hybridls.options then
    report.ok("setup() called: cmd = " .. table.concat(opts.cmd, " ") .. ", run = "
      .. tostring(hybridls.server_settings(opts).run or "onType (default)"))
  else
    report.warn("require('hybridls').setup() has not been called; checking the default command")
  end
  if hybridls.has_native_config() then
    report.info("Neovim 0.11+: configured with vim.lsp.config and vim.lsp.enable")
  else
    report.info("Neovim before 0.11: started with vim.lsp.start_client on FileType")
  end

  local exe = opts.cmd[1]
  if vim.fn.executable(exe) ~= 1 then
    report.error("server not found: '" .. exe .. "' is not an executable",
      { "Build it with `make` (build/hybridls) and put it on PATH, or pass cmd = { '/path/to/hybridls', 'serve' } to setup()" })
    return
  end
  report.ok("server found: " .. vim.fn.exepath(exe))

  local code, version = run({ exe, "--version" })
  version = vim.trim(version)
  if code ~= 0 or not version:match("^hybridls %d+%.%d+%.%d+") then
    report.error("`" .. exe .. " --version` failed (exit " .. code .. "): " .. version)
    return
  end
  report.ok("version: " .. version)

  local dir = vim.fn.tempname()
  vim.fn.mkdir(dir, "p")
  local sample = dir .. "/sample.py"
  vim.fn.writefile(vim.split(SAMPLE, "\n", { plain = true }), sample, "b")
  local check_code, out = run({ exe, "check", "--format", "json", sample })
  vim.fn.delete(dir, "rf")
  local ok_json, findings = pcall(vim.json.decode, out)
  if check_code == 1 and ok_json and type(findings) == "table" and #findings == 1 and findings[1].rule == "HY201"
    and findings[1].line == 6 then
    report.ok("grammar and rules: a sample file gives the expected finding (HY201 at line 6)")
  else
    report.error("grammar and rules: `hybridls check` of a sample file did not give the expected HY201 (exit "
      .. check_code .. "): " .. vim.trim(out))
  end
end

return M
