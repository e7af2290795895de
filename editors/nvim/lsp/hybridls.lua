-- Neovim 0.11+: the hybridls configuration found by vim.lsp.config when this
-- plugin is on 'runtimepath'. Turn it on with vim.lsp.enable("hybridls");
-- change it with vim.lsp.config("hybridls", { settings = { hybridls = {...} } }).
-- require("hybridls").setup({...}) does both and takes the same options.
return require("hybridls").native_config()
