-- hybridls for Neovim: starts `hybridls serve` for Python buffers.
--
--   require("hybridls").setup({
--     cmd = { "hybridls", "serve" },     -- the server command, as a list
--     run = "onSave",                    -- shorthand for settings.run
--     settings = { select = {}, ignore = { "HY214" }, severity = { HY201 = "error" } },
--     on_attach = function(client, bufnr) end,
--   })
--
-- Works on Neovim 0.7 and later. On 0.11+ it registers the configuration
-- with vim.lsp.config and turns it on with vim.lsp.enable; before that it
-- starts one client per project root with vim.lsp.start_client from a
-- FileType autocommand and attaches buffers with vim.lsp.buf_attach_client.
-- The server settings go out as initializationOptions and as the `hybridls`
-- section of workspace/configuration and workspace/didChangeConfiguration.

local M = {}

M.defaults = {
  name = "hybridls",
  cmd = { "hybridls", "serve" },
  filetypes = { "python" },
  root_markers = { "pyproject.toml", "setup.py", "setup.cfg", "requirements.txt", ".git" },
  -- The server's settings: debounceMs, run, select, ignore, severity, keras.
  settings = {},
  -- "onType" or "onSave"; when set, overrides settings.run.
  run = nil,
  on_attach = nil,
  capabilities = nil,
  handlers = nil,
}

-- The options of the last setup(), for :checkhealth hybridls.
M.options = nil

local uv = vim.uv or vim.loop
local clients = {} -- root directory -> client id (Neovim < 0.11)
local augroup = nil

local function merge(opts)
  opts = opts or {}
  for key, want in pairs({ cmd = "table", settings = "table", run = "string", filetypes = "table",
                           root_markers = "table", on_attach = "function" }) do
    if opts[key] ~= nil and type(opts[key]) ~= want then
      error("hybridls: " .. key .. " must be a " .. want .. ", not a " .. type(opts[key]))
    end
  end
  if opts.run ~= nil and opts.run ~= "onType" and opts.run ~= "onSave" then
    error('hybridls: run must be "onType" or "onSave", not "' .. tostring(opts.run) .. '"')
  end
  local o = vim.tbl_deep_extend("force", {}, M.defaults, opts)
  -- Lists replace the defaults as a whole.
  if opts.cmd then o.cmd = vim.deepcopy(opts.cmd) end
  if opts.filetypes then o.filetypes = vim.deepcopy(opts.filetypes) end
  if opts.root_markers then o.root_markers = vim.deepcopy(opts.root_markers) end
  return o
end

-- The settings the server receives, from setup() options.
function M.server_settings(opts)
  local settings = vim.deepcopy(opts.settings or {})
  if opts.run ~= nil then settings.run = opts.run end
  return settings
end

-- Neovim encodes an empty Lua table as a JSON array; `severity` is an object.
local function as_json(settings)
  local out = vim.deepcopy(settings)
  if type(out.severity) == "table" and vim.tbl_isempty(out.severity) then out.severity = vim.empty_dict() end
  return out
end

-- The directory of the nearest root marker above `path`, else the file's
-- own directory (or the current directory for unnamed buffers).
function M.root_dir(path, markers)
  if path == nil or path == "" then return uv.cwd() end
  local dir = vim.fn.fnamemodify(path, ":p:h")
  local current = dir
  while true do
    for _, marker in ipairs(markers) do
      if uv.fs_stat(current .. "/" .. marker) then return current end
    end
    local parent = vim.fn.fnamemodify(current, ":h")
    if parent == current then break end
    current = parent
  end
  return dir
end

-- The client configuration for vim.lsp.start_client (and, without
-- root_dir, for vim.lsp.config).
function M.client_config(opts, root)
  local settings = as_json(M.server_settings(opts))
  local config = {
    name = opts.name,
    cmd = vim.deepcopy(opts.cmd),
    root_dir = root,
    workspace_folders = root and { { uri = vim.uri_from_fname(root), name = root } } or nil,
    init_options = settings,
    settings = { hybridls = settings },
    on_attach = opts.on_attach,
    capabilities = opts.capabilities or vim.lsp.protocol.make_client_capabilities(),
    handlers = opts.handlers,
  }
  return config
end

-- The configuration for Neovim 0.11's vim.lsp.config (and lsp/hybridls.lua).
function M.native_config(opts)
  local o = merge(opts or M.options)
  local config = M.client_config(o, nil)
  config.root_dir = nil
  config.workspace_folders = nil
  config.filetypes = vim.deepcopy(o.filetypes)
  config.root_markers = vim.deepcopy(o.root_markers)
  return config
end

local function live_client(id)
  if not id then return nil end
  local client = vim.lsp.get_client_by_id(id)
  if client == nil then return nil end
  local stopped
  if vim.fn.has("nvim-0.11") == 1 then stopped = client:is_stopped() else stopped = client.is_stopped() end
  if stopped then return nil end
  return client
end

-- Attaches `bufnr` to the client of its project, starting it when needed.
-- Returns the client id, or nil when the server could not be started.
function M.attach(bufnr)
  local opts = M.options
  if not opts then error("hybridls: call require('hybridls').setup() first") end
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  if vim.bo[bufnr].buftype ~= "" then return nil end
  local root = M.root_dir(vim.api.nvim_buf_get_name(bufnr), opts.root_markers)
  local id = clients[root]
  if not live_client(id) then
    if vim.fn.executable(opts.cmd[1]) ~= 1 then
      vim.notify_once("hybridls: cannot start the server: '" .. opts.cmd[1]
        .. "' is not an executable (set cmd in require('hybridls').setup(); :checkhealth hybridls)", vim.log.levels.ERROR)
      return nil
    end
    id = vim.lsp.start_client(M.client_config(opts, root))
    if not id then return nil end
    clients[root] = id
  end
  vim.lsp.buf_attach_client(bufnr, id)
  return id
end

-- Whether this Neovim has 0.11's vim.lsp.config / vim.lsp.enable.
function M.has_native_config()
  return type(vim.lsp.config) ~= "nil" and type(vim.lsp.enable) == "function"
end

function M.setup(opts)
  local o = merge(opts)
  M.options = o
  if M.has_native_config() then
    vim.lsp.config(o.name, M.native_config(o))
    vim.lsp.enable(o.name)
    return
  end
  augroup = vim.api.nvim_create_augroup("hybridls", { clear = true })
  vim.api.nvim_create_autocmd("FileType", {
    group = augroup,
    pattern = o.filetypes,
    callback = function(args) M.attach(args.buf) end,
  })
  -- Buffers already open when setup() runs.
  for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(bufnr) and vim.tbl_contains(o.filetypes, vim.bo[bufnr].filetype) then
      M.attach(bufnr)
    end
  end
end

-- The running hybridls clients.
function M.clients()
  local out = {}
  local all = vim.lsp.get_clients and vim.lsp.get_clients() or vim.lsp.get_active_clients()
  for _, client in ipairs(all) do
    if client.name == (M.options and M.options.name or M.defaults.name) then table.insert(out, client) end
  end
  return out
end

-- Changes the server settings of the running clients (and of clients started
-- later): merged over the current ones, sent with
-- workspace/didChangeConfiguration.
function M.set_settings(settings)
  if not M.options then error("hybridls: call require('hybridls').setup() first") end
  M.options.settings = vim.tbl_deep_extend("force", M.options.settings or {}, settings)
  if settings.run ~= nil then M.options.run = settings.run end
  local s = as_json(M.server_settings(M.options))
  for _, client in ipairs(M.clients()) do
    client.config.settings = { hybridls = s }
    local params = { settings = { hybridls = s } }
    if vim.fn.has("nvim-0.11") == 1 then
      client:notify("workspace/didChangeConfiguration", params)
    else
      client.notify("workspace/didChangeConfiguration", params)
    end
  end
end

return M
